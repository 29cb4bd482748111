public import IntervenCore

extension RunResult {
    /// A result holding only what was observed from outside a run (a live gateway's incidents,
    /// read back through its API): everything else is empty. The evaluator judges incident
    /// expectations on it.
    public static func observed(scenario: String, seed: UInt64, duration: SimDuration, scans: UInt64,
                                incidents: [IncidentRecord]) -> RunResult {
        RunResult(scenario: scenario, seed: seed, shards: 1, duration: duration, agents: [], scans: scans, decisions: [:],
                  incidents: incidents, trust: [], alerts: [], anomalies: [], approvals: [:], refusedActions: [],
                  wallSeconds: 0, fingerprint: Fingerprint())
    }
}

extension IncidentRecord {
    /// An incident as read back from a live gateway (no actions, notes or status history).
    public static func observed(id: String, title: String, severity: Severity, agent: String, trigger: TriggerKind,
                                openedAt: SimTime, status: IncidentStatus, resolution: Resolution?, traces: Int) -> IncidentRecord {
        IncidentRecord(id: id, title: title, severity: severity, agent: agent, agentID: agent, trigger: trigger, key: nil,
                       openedBy: nil, openedAt: openedAt, status: status, statusChanges: [], resolution: resolution,
                       closedAt: nil, traces: (0..<traces).map { TraceRef(trace: UInt64($0), time: openedAt) }, actions: [], notes: [])
    }
}
