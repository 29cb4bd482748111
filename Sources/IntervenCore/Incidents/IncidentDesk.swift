/// The incidents of one tenant: opening with deduplication, linking, the lifecycle, notes and
/// operator actions (docs/behaviour.md §7).
///
/// At most one non-closed incident exists per (agent, trigger, key); a further match links its
/// traces to it, and once it closes a new one can open.
public struct IncidentDesk: Sendable {
    /// Every incident, in the order opened.
    public private(set) var incidents: [Incident] = []
    /// Alerts sent, in order.
    public private(set) var alerts: [Alert] = []
    private var indexOfID: [IncidentID: Int32] = [:]
    /// For each agent and unkeyed automatic trigger: the open incident's index, or -1.
    private var openSlot: [Int32] = []
    /// Open incidents of keyed triggers (threat_intel by feed, policy by rule).
    private var openKeyed: [KeyedSlot: Int32] = [:]
    private var nextOrdinal: [UInt32] = []

    private struct KeyedSlot: Hashable { var agent: AgentIndex; var kind: TriggerKind; var key: Symbol }
    private static let slotsPerAgent = TriggerKind.automatic.count

    init() {}

    mutating func grow(to agents: Int) {
        let n = agents - nextOrdinal.count
        guard n > 0 else { return }
        nextOrdinal.append(contentsOf: repeatElement(0, count: n))
        openSlot.append(contentsOf: repeatElement(-1, count: n * Self.slotsPerAgent))
    }

    private static func isKeyed(_ kind: TriggerKind) -> Bool { kind == .threatIntel || kind == .policy }

    /// The open (non-closed) incident for an agent and trigger, if any.
    public func openIncident(agent: AgentIndex, trigger: IncidentTrigger) -> IncidentID? {
        openIndex(agent: agent, trigger: trigger).map { incidents[Int($0)].id }
    }

    @inline(__always) func openIndex(agent: AgentIndex, trigger: IncidentTrigger) -> Int32? {
        if Self.isKeyed(trigger.kind) {
            return openKeyed[KeyedSlot(agent: agent, kind: trigger.kind, key: trigger.key)]
        }
        let i = openSlot[Int(agent) * Self.slotsPerAgent + Int(trigger.kind.rawValue)]
        return i >= 0 ? i : nil
    }

    /// Whether an incident is open for this agent and trigger (cheap; for the per-scan path).
    @inline(__always) func hasOpen(agent: AgentIndex, kind: TriggerKind) -> Bool {
        !Self.isKeyed(kind) && openSlot[Int(agent) * Self.slotsPerAgent + Int(kind.rawValue)] >= 0
    }

    /// Makes an automatically opened incident the open one of its (agent, trigger, key), so
    /// further matches link to it until it closes.
    mutating func markOpen(_ index: Int) {
        let agent = incidents[index].agent, trigger = incidents[index].trigger
        if Self.isKeyed(trigger.kind) {
            openKeyed[KeyedSlot(agent: agent, kind: trigger.kind, key: trigger.key)] = Int32(index)
        } else if trigger.kind != .manual {
            openSlot[Int(agent) * Self.slotsPerAgent + Int(trigger.kind.rawValue)] = Int32(index)
        }
    }

    /// Links traces to an incident (by index).
    mutating func link(_ index: Int32, _ traces: some Collection<TraceRef>) {
        for t in traces { incidents[Int(index)].link(t) }
    }

    /// Opens an incident unconditionally (manual incidents are never deduplicated).
    mutating func open(agent: AgentIndex, trigger: IncidentTrigger, severity: Severity, title: String,
                       openedBy: String?, traces: [TraceRef], at time: SimTime) -> Int {
        let ordinal = nextOrdinal[Int(agent)]
        nextOrdinal[Int(agent)] += 1
        var incident = Incident(id: IncidentID(agent: agent, ordinal: ordinal), title: title, severity: severity,
                                agent: agent, trigger: trigger, openedBy: openedBy, openedAt: time)
        incident.statusChanges.append((.open, time, openedBy ?? "auto"))
        for t in traces.sorted() { incident.link(t) }
        incidents.append(incident)
        indexOfID[incident.id] = Int32(incidents.count - 1)
        return incidents.count - 1
    }

    mutating func record(_ action: ResponseAction, on index: Int) { incidents[index].actions.append(action) }

    mutating func alert(for index: Int, at time: SimTime) {
        let i = incidents[index]
        alerts.append(Alert(time: time, incident: i.id, severity: i.severity, title: i.title))
    }

    /// The incident with an id.
    public func incident(_ id: IncidentID) -> Incident? { indexOfID[id].map { incidents[Int($0)] } }

    func index(of id: IncidentID) throws(GatewayError) -> Int {
        guard let i = indexOfID[id] else { throw GatewayError(.unknownIncident, "no incident ", .incident(id)) }
        return Int(i)
    }

    /// Moves an incident along `open → investigating → closed` (or `open → closed`).
    ///
    /// Closing requires a resolution code; a code on any other transition, any other
    /// transition, or anything leaving `closed` is refused and changes nothing.
    mutating func transition(_ id: IncidentID, to status: IncidentStatus, resolution: Resolution?, by actor: String,
                             at time: SimTime) throws(GatewayError) {
        let i = try index(of: id)
        let from = incidents[i].status
        let legal: Bool = switch (from, status) {
        case (.open, .investigating), (.open, .closed), (.investigating, .closed): true
        default: false
        }
        guard legal else {
            let hint = from == .closed ? " (nothing leaves closed)" : ""
            throw GatewayError(.illegalTransition, "incident ", .incident(id), ": cannot go from \(from) to \(status)\(hint)")
        }
        if status == .closed && resolution == nil {
            throw GatewayError(.missingResolution,
                               "incident ", .incident(id), ": closing needs a resolution code (one of \(Resolution.allCases.map(\.description).joined(separator: ", ")))")
        }
        if status != .closed && resolution != nil {
            throw GatewayError(.unexpectedResolution, "incident ", .incident(id), ": a resolution code is given only when closing")
        }
        incidents[i].status = status
        incidents[i].statusChanges.append((status, time, actor))
        if status == .closed {
            incidents[i].resolution = resolution
            incidents[i].closedAt = time
            let inc = incidents[i]
            if Self.isKeyed(inc.trigger.kind) {
                openKeyed[KeyedSlot(agent: inc.agent, kind: inc.trigger.kind, key: inc.trigger.key)] = nil
            } else if inc.trigger.kind != .manual {
                openSlot[Int(inc.agent) * Self.slotsPerAgent + Int(inc.trigger.kind.rawValue)] = -1
            }
        }
    }

    /// Appends a note; notes are never edited or removed.
    mutating func addNote(_ id: IncidentID, author: String, text: String, at time: SimTime) throws(GatewayError) {
        let i = try index(of: id)
        guard text.contains(where: { !$0.isWhitespace }) else { throw GatewayError(.emptyNote, "incident ", .incident(id), ": a note needs text") }
        incidents[i].notes.append(Note(author: author, time: time, text: text))
    }

    /// Drops every incident and alert of a removed agent. Ordinals go on from where they were,
    /// so ids stay unique should the index take a new agent.
    mutating func remove(agent: AgentIndex) {
        guard incidents.contains(where: { $0.agent == agent }) else { return }
        var newIndex = [Int32](repeating: -1, count: incidents.count)
        var kept: [Incident] = []
        kept.reserveCapacity(incidents.count)
        for (i, inc) in incidents.enumerated() where inc.agent != agent {
            newIndex[i] = Int32(kept.count)
            kept.append(inc)
        }
        incidents = kept
        alerts.removeAll { $0.incident.agent == agent }
        indexOfID = [:]
        for (i, inc) in incidents.enumerated() { indexOfID[inc.id] = Int32(i) }
        for i in openSlot.indices where openSlot[i] >= 0 { openSlot[i] = newIndex[Int(openSlot[i])] }
        var keyed: [KeyedSlot: Int32] = [:]
        for (k, v) in openKeyed where k.agent != agent { keyed[k] = newIndex[Int(v)] }
        openKeyed = keyed
    }

    /// The share of closed incidents closed as `false_positive` (nil when none is closed).
    public var falsePositiveRatio: Double? {
        var closed = 0, fp = 0
        for i in incidents where i.status == .closed {
            closed += 1
            if i.resolution == .falsePositive { fp += 1 }
        }
        return closed == 0 ? nil : Double(fp) / Double(closed)
    }
}
