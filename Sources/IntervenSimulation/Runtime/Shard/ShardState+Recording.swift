import IntervenCore
import IntervenScenario

// What a shard records: observations for expectations, the trust series, its part of the result.

extension ShardState {
    // MARK: Observations for expectations

    /// Takes the agent's counter readings due before `t`: its
    /// counters then hold every event up to the reading's time and none after.
    mutating func takeReadings(of local: Int32, before t: SimTime) {
        guard var list = pendingReadings[local], let first = list.first, first.at < t else { return }
        while let r = list.first, r.at < t {
            list.removeFirst()
            let values = CounterKind.trustCounters.map { gateway.trust.counter($0, agent: AgentIndex(local), at: r.at) }
            takenReadings.append((r.reading, values))
        }
        pendingReadings[local] = list.isEmpty ? nil : list
    }

    /// Logs the decision of a logged agent and counts it in the agent's probes.
    mutating func observe(_ scan: Scan, _ v: Verdict, local: Int) {
        if !logSlot.isEmpty, logSlot[local] >= 0 {
            let denied = v.decision == .deny
            logPoints[Int(logSlot[local])].append(DecisionPoint(
                time: scan.time, decision: v.decision, band: v.band, gateDeny: v.isGateDeny, threatIntelHit: v.threatFeed >= 0,
                scopeViolation: v.violation != nil,
                sensitiveRead: scan.verb == .read && !denied
                    && !scan.dataClasses.isDisjoint(with: gateway.rules.triggers.sensitiveClasses),
                externalWrite: scan.isExternal && gateway.rules.triggers.writeVerbs.contains(scan.verb)))
        }
        for k in plan.observation.probes(of: agents[local].global) {
            let p = Int(plan.observation.probeList[k])
            if let w = probeWindows[p], !w.contains(scan.time) { continue }
            if let r = probeReasons[p] {
                switch r {
                case .builtin(let code): if !v.reasons.contains(code) { continue }
                case .custom(let code): if v.reasons.custom == .none || gateway.symbols[v.reasons.custom] != code { continue }
                }
            }
            probeCounts[p &* 4 &+ Int(v.decision.rawValue)] &+= 1
        }
    }

    // MARK: Trust series

    mutating func drainTrust() {
        guard gateway.recordsTrustChanges, !gateway.trust.changes.isEmpty else { return }
        for c in gateway.drainTrustChanges() {
            if recordsSeries {
                trustOrder &+= 1
                trust.append(ShardTrustRow(time: c.time, order: trustOrder, global: global(of: Int(c.agent)), trust: c.after,
                                           scrutiny: c.scrutiny, suspended: c.suspended, cause: c.cause))
            }
            if !trackSlot.isEmpty, trackSlot[Int(c.agent)] >= 0 {
                trackPoints[Int(trackSlot[Int(c.agent)])].append(
                    TrackPoint(time: c.time, trust: c.after, suspended: c.suspended, belowThreshold: c.belowThreshold,
                               pinnedUntil: c.pinnedUntil, cause: c.cause))
            }
        }
    }

    mutating func sampleTrust(at t: SimTime) {
        if let interval = plan.scenario.trustSampleInterval, t + interval < SimTime.zero + plan.scenario.duration {
            push(t + interval, agent: -1, kind: .trustSample, payload: 0)
        }
        for local in agents.indices {
            let a = AgentIndex(local)
            gateway.settle(a, until: t)         // idle credit due by now shows in the sample
            trustOrder &+= 1
            trust.append(ShardTrustRow(time: t, order: trustOrder, global: agents[local].global, trust: gateway.trustScore(of: a),
                                       scrutiny: gateway.inScrutiny(a, at: t), suspended: gateway.isSuspended(a), cause: nil))
        }
    }

    // MARK: The end

    /// Settles idle recovery and expiries at the end of the run and gathers this shard's part.
    mutating func finish(at end: SimTime) -> ShardResult {
        // Readings at or after an agent's last event: its counters hold everything up to them.
        for local in pendingReadings.keys.sorted() { takeReadings(of: local, before: SimTime(milliseconds: .max)) }
        // What only running needs goes first, so a big run's peak is its simulation, not its
        // finish: traffic, queues, parked scans; then, once settling has expired what was due
        // by the end (approvals among it), correlation windows and approvals.
        let globals = agents.map(\.global)
        agents = []
        queue = EventQueue(); tenantQueue = EventQueue()
        due = []; dueDestination = []; dueStart = []; pending = []
        parkedScans = []; recent = []; recentNext = []
        gateway.settle(until: end)
        drainTrust()
        let approvals = gateway.approvalCounts
        gateway.releaseScanState()
        let seed = plan.scenario.seed
        var decisions: [Decision: UInt64] = [:]
        for d in Decision.allCases { decisions[d] = decisionCounts[Int(d.rawValue)] }
        // Handed over, not shared: the series is often the largest thing a run holds.
        var series: [ShardTrustRow] = []
        swap(&series, &trust)
        var result = ShardResult(agents: .none, incidents: [], trust: series, alerts: [], anomalies: [], refused: refused,
                                 decisions: decisions, approvals: [:], scans: scans)
        result.probeCounts = probeCounts
        result.readings = takenReadings
        result.groupDecisions = groupDecisions
        result.hourlyDecisions = hourlyDecisions
        result.latencies = latencies
        for local in trackSlot.indices where trackSlot[local] >= 0 {
            result.tracks.append((globals[local], trackPoints[Int(trackSlot[local])]))
        }
        for local in logSlot.indices where logSlot[local] >= 0 {
            result.logs.append((globals[local], logPoints[Int(logSlot[local])]))
        }
        result.incidents.reserveCapacity(gateway.desk.incidents.count)
        for i in gateway.desk.incidents {
            let global = globals[Int(i.agent)]
            let name = plan.names[Int(global)]
            let key: String? = i.trigger.key == .none ? nil : gateway.symbols[i.trigger.key]
            let record = IncidentRecord(
                id: recordID(seed: seed, agent: name, kind: "incident", ordinal: i.id.ordinal), title: i.title,
                severity: i.severity, agent: name, agentID: gateway.roster.id(of: i.agent), trigger: i.trigger.kind, key: key,
                openedBy: i.openedBy, openedAt: i.openedAt, status: i.status,
                statusChanges: i.statusChanges.map { IncidentRecord.StatusChange(status: $0.status, time: $0.time, actor: $0.actor) },
                resolution: i.resolution, closedAt: i.closedAt, traces: i.traces, actions: i.actions, notes: i.notes)
            result.incidents.append((global, i.id.ordinal, record))
        }
        result.alerts.reserveCapacity(gateway.desk.alerts.count)
        for a in gateway.desk.alerts {
            let global = globals[Int(a.incident.agent)]
            let name = plan.names[Int(global)]
            result.alerts.append((global, a.incident.ordinal,
                                  AlertRecord(time: a.time, agent: name,
                                              incidentID: recordID(seed: seed, agent: name, kind: "incident", ordinal: a.incident.ordinal),
                                              severity: a.severity, title: a.title)))
        }
        for (k, s) in gateway.anomalies.enumerated() {
            let global = globals[Int(s.agent)]
            result.anomalies.append((global, k, AnomalyRecord(time: s.time, agent: plan.names[Int(global)], kind: s.kind, traces: s.traces)))
        }
        result.approvals = approvals
        // The agents' rows are read from the gateway when the results are written; what only
        // deciding more scans needs goes now.
        var retired = Gateway.placeholder
        swap(&retired, &gateway)
        retired.retire()
        result.agents = .gateway(retired, globals: globals, end: end)
        return result
    }
}
