public import IntervenCore

/// One agent slot of a shard: the external agent id, display name and runtime. A deleted agent's
/// state is dropped (core and server side) and its index waits, blank and hidden, for the next
/// new agent; a later scan with the same id starts a new agent (a new `slot` name).
public struct AgentInfo: Sendable {
    public var key: String
    public var name: String
    public var runtime: Runtime
    public var slot: String
    public var deleted = false
}

/// What a shard (or a server) holds in memory, for `/metrics`.
public struct HeldCounts: Sendable, Equatable {
    public var agentSlots = 0
    public var liveAgents = 0
    public var incidents = 0
    public var approvals = 0
    public var anomalies = 0
    static func + (a: HeldCounts, b: HeldCounts) -> HeldCounts {
        HeldCounts(agentSlots: a.agentSlots + b.agentSlots, liveAgents: a.liveAgents + b.liveAgents, incidents: a.incidents + b.incidents,
                   approvals: a.approvals + b.approvals, anomalies: a.anomalies + b.anomalies)
    }
}

/// What a scan was answered.
public struct ScanOutcome: Sendable {
    public var decision: Decision
    public var reasons: [String]
    public var band: RiskBand
    public var risk: Score
    public var approvalID: String?
    public var policyID: String?
    public var violation: String?
    public var trustAfter: Score
    public var slot: String
    public var agentName: String
    public var runtime: Runtime
    public var time: SimTime
}

/// What an event did, besides its own answer: incidents it opened (for metrics).
public struct EventEffects: Sendable {
    public var scan: ScanOutcome?
    public var incidentID: String?
    public var openedTriggers: [TriggerKind] = []
}

/// The gateway state of one tenant-shard: one core `Gateway` for the agents routed here, the
/// map from external ids (agent ids, approval and incident UUIDs) to the core's dense ids, and
/// the one `apply` that both the live server and the start-up replay go through.
///
/// A plain value with no I/O and no clock: the same events at the same times give the same state.
public struct ShardState: Sendable {
    public let tenant: String
    public private(set) var gateway: Gateway
    public private(set) var agents: [AgentInfo] = []
    private var live: [String: AgentIndex] = [:]
    private var generations: [String: Int] = [:]
    private var approvals: [String: ApprovalID] = [:]
    private var incidentsByUUID: [String: IncidentID] = [:]
    private var incidentUUIDs: [IncidentID: String] = [:]
    private var knownIncidents = 0

    public init(tenant: String, rules: Rules) {
        self.tenant = tenant
        gateway = Gateway(rules: rules, roster: AgentRoster(seed: stableHash(tenant)))
    }

    // MARK: Ids

    func approvalUUID(_ id: ApprovalID) -> String {
        let s = "apr|\(tenant)|\(agents[Int(id.agent)].slot)|\(id.ordinal)"
        return uuidString(stableHash(s), stableHash(s, seed: 1))
    }

    func incidentUUID(_ id: IncidentID) -> String {
        let s = "inc|\(tenant)|\(agents[Int(id.agent)].slot)|\(id.ordinal)"
        return uuidString(stableHash(s), stableHash(s, seed: 1))
    }

    /// The live (not deleted) agent with this external id.
    public func agent(_ key: String) -> AgentIndex? { live[key] }

    public func info(_ a: AgentIndex) -> AgentInfo { agents[Int(a)] }

    /// The incident with this UUID, unless its agent was deleted.
    public func incident(_ uuid: String) -> Incident? {
        guard let id = incidentsByUUID[uuid], !agents[Int(id.agent)].deleted else { return nil }
        return gateway.desk.incident(id)
    }

    public func uuid(of incident: IncidentID) -> String { incidentUUIDs[incident] ?? incidentUUID(incident) }

    /// The approval with this UUID, unless its agent was deleted.
    public func approval(_ uuid: String) -> Approval? {
        guard let id = approvals[uuid], !agents[Int(id.agent)].deleted else { return nil }
        return gateway.approval(id)
    }

    /// Every incident of live agents, in the order opened.
    public var visibleIncidents: [Incident] { gateway.desk.incidents.filter { !agents[Int($0.agent)].deleted } }

    // MARK: Applying events

    private mutating func slot(for s: ScanRecord) -> AgentIndex {
        if let a = live[s.agentKey] {
            if let n = s.agentName, !n.isEmpty { agents[Int(a)].name = n }
            return a
        }
        let gen = generations[s.agentKey, default: 0]
        generations[s.agentKey] = gen + 1
        let slot = gen == 0 ? s.agentKey : "\(s.agentKey)#\(gen)"
        let runtime = s.runtime ?? .custom
        let a = gateway.addAgent(name: slot, runtime: runtime)
        let info = AgentInfo(key: s.agentKey, name: s.agentName ?? s.agentKey, runtime: runtime, slot: slot)
        if Int(a) < agents.count { agents[Int(a)] = info } else { agents.append(info) }
        live[s.agentKey] = a
        return a
    }

    private func require(_ key: String) throws(ServerError) -> AgentIndex {
        guard let a = live[key] else { throw ServerError.notFound("no agent '\(key)'") }
        return a
    }

    private func conflict(_ e: GatewayError) -> ServerError {
        switch e.code {
        case .unknownIncident, .unknownApproval, .unknownAgent: ServerError.notFound(e.message)
        case .emptyNote, .missingResolution, .unexpectedResolution, .noTraces: ServerError.badRequest(e.message)
        default: ServerError.conflict(e.code.name, e.message)
        }
    }

    /// Applies one event at `time`; a refused event changes nothing and throws.
    public mutating func apply(_ event: GatewayEvent, at time: SimTime) throws(ServerError) -> EventEffects {
        var effects = EventEffects()
        do {
            switch event {
            case .scan(let s):
                let a = slot(for: s)
                effects.scan = scan(s, agent: a, at: time)
            case .suspend(let key, _):
                try gateway.suspend(try require(key), at: time)
            case .reactivate(let key, _):
                try gateway.reactivate(try require(key), at: time)
            case .resetTrust(let key, _):
                try gateway.resetTrust(try require(key), at: time)
            case .deleteAgent(let key, _):
                forget(try require(key))
                live[key] = nil
            case .decideApproval(let key, let uuid, let approve, let actor):
                guard let id = approvals[uuid], live[key] == id.agent else { throw ServerError.notFound("no approval \(uuid)") }
                try gateway.decideApproval(id, approve: approve, by: actor, at: time)
            case .transition(let key, let uuid, let to, let resolution, let actor):
                guard let id = incidentsByUUID[uuid], live[key] == id.agent else { throw ServerError.notFound("no incident \(uuid)") }
                try gateway.transition(id, to: to, resolution: resolution, by: actor, at: time)
            case .note(let key, let uuid, let text, let actor):
                guard let id = incidentsByUUID[uuid], live[key] == id.agent else { throw ServerError.notFound("no incident \(uuid)") }
                try gateway.addNote(id, author: actor, text: text, at: time)
            case .manualIncident(let key, let traces, let severity, let title, let actor):
                let a = try require(key)
                let id = try gateway.openManualIncident(agent: a, traces: traces, severity: severity, by: actor, title: title, at: time)
                effects.incidentID = incidentUUID(id)
            }
        } catch let e as ServerError {
            throw e
        } catch let e as GatewayError {
            throw conflict(e)
        } catch {
            throw ServerError(500, "INTERNAL", "\(error)")
        }
        registerNewIncidents(&effects)
        return effects
    }

    /// Drops a deleted agent's state: its approvals and incidents (here and in the core), trust,
    /// counters and telemetry. Its index is blanked and taken by the next new agent. Only the
    /// count of earlier agents with its id stays (`generations`, so a new agent with the same id
    /// gets a new slot name and new approval and incident ids).
    private mutating func forget(_ a: AgentIndex) {
        approvals = approvals.filter { $0.value.agent != a }
        incidentsByUUID = incidentsByUUID.filter { $0.value.agent != a }
        incidentUUIDs = incidentUUIDs.filter { $0.key.agent != a }
        gateway.removeAgent(a)
        knownIncidents = gateway.desk.incidents.count
        agents[Int(a)] = AgentInfo(key: "", name: "", runtime: .custom, slot: "", deleted: true)
    }

    /// What the shard holds in memory: agent slots (live, and deleted ones waiting for a new
    /// agent), incidents, approvals and anomaly signals.
    public var held: HeldCounts {
        HeldCounts(agentSlots: agents.count, liveAgents: live.count, incidents: gateway.desk.incidents.count,
                   approvals: approvals.count, anomalies: gateway.anomalies.count)
    }

    private mutating func registerNewIncidents(_ effects: inout EventEffects) {
        let all = gateway.desk.incidents
        guard all.count > knownIncidents else { return }
        for i in knownIncidents..<all.count {
            let id = all[i].id
            let u = incidentUUID(id)
            incidentsByUUID[u] = id
            incidentUUIDs[id] = u
            if all[i].trigger.kind != .manual { effects.openedTriggers.append(all[i].trigger.kind) }
        }
        knownIncidents = all.count
    }

    private mutating func scan(_ s: ScanRecord, agent a: AgentIndex, at time: SimTime) -> ScanOutcome {
        let c = s.classification
        let scan = Scan(time: time, agent: a, tool: gateway.intern(c.tool), operation: gateway.intern(c.operation), verb: c.verb,
                        isExternal: c.external, dataClasses: c.dataClasses, host: gateway.intern(c.host), url: gateway.intern(c.url),
                        principal: c.principal.isEmpty ? .none : gateway.intern(c.principal), risk: c.risk,
                        bodySize: Int32(clamping: c.bodySize), signature: c.signature, trace: s.trace)
        let v = gateway.process(scan)
        var approvalID: String? = nil
        if let id = v.approval {
            let u = approvalUUID(id)
            approvals[u] = id
            approvalID = u
        }
        let info = agents[Int(a)]
        return ScanOutcome(decision: v.decision, reasons: v.reasons.names(in: gateway.symbols), band: v.band, risk: c.risk,
                           approvalID: approvalID, policyID: v.rule == .none ? nil : gateway.symbols[v.rule],
                           violation: v.violation.map { "\($0)" }, trustAfter: v.trustAfter, slot: info.slot,
                           agentName: info.name, runtime: info.runtime, time: time)
    }

    // MARK: Reading

    /// Idle credit and approval expiry up to `time` (before snapshots).
    public mutating func settle(until time: SimTime) { gateway.settle(until: time) }

    /// Agents-page rows of live agents at `time`.
    public mutating func snapshots(at time: SimTime) -> [(AgentInfo, AgentSnapshot)] {
        gateway.settle(until: time)
        var out: [(AgentInfo, AgentSnapshot)] = []
        for (i, info) in agents.enumerated() where !info.deleted {
            out.append((info, gateway.snapshot(of: AgentIndex(i), at: time)))
        }
        return out
    }

    public mutating func snapshot(of key: String, at time: SimTime) -> (AgentInfo, AgentSnapshot)? {
        guard let a = live[key] else { return nil }
        gateway.settle(a, until: time)
        return (agents[Int(a)], gateway.snapshot(of: a, at: time))
    }

    /// Incidents linking a trace.
    public func incidents(linking trace: UInt64) -> [String] {
        gateway.desk.incidents.filter { inc in !agents[Int(inc.agent)].deleted && inc.traces.contains { $0.trace == trace } }
            .map { uuid(of: $0.id) }
    }
}
