import IntervenCore

/// The stored form of a trace (one scan): what `GET /v1/traces/{trace_id}` answers, less the
/// live parts (linked incidents) and with gateway milliseconds instead of a timestamp.
enum TraceRecord {
    static func json(_ t: TraceRow, tenantTime: SimTime) -> JSON {
        let o = t.outcome, c = t.classification
        var m: [(String, JSON)] = [
            ("trace_id", .string(TraceIDs.uuid(t.trace))), ("time_ms", .int(tenantTime.milliseconds)),
            ("agent_id", .string(t.agent)), ("agent_name", .string(o.agentName)), ("runtime_type", .string(o.runtime.description)),
            ("request", t.request),
        ]
        m += ScanResponse.fields(o, c)
        return .object(m)
    }
}

/// The scan response fields (shared by `POST /v1/scan` and traces).
enum ScanResponse {
    static func fields(_ o: ScanOutcome, _ c: Classification) -> [(String, JSON)] {
        var m: [(String, JSON)] = [
            ("decision", .string(o.decision.description)),
            ("risk_score", .double(o.risk.doubleValue)),
            ("risk_band", .string(o.band.description)),
            ("reason_codes", .array(o.reasons.map { .string($0) })),
            ("tool_name", .string(c.tool)),
            ("operation", .string(c.operation)),
            ("verb", .string(c.verb.description)),
            ("host", .string(c.host)),
            ("external", .bool(c.external)),
            ("classifications", .array(c.dataClasses.nameList.map { .string($0) })),
        ]
        if let a = o.approvalID { m.append(("approval_id", .string(a))) }
        if let p = o.policyID { m.append(("policy_id", .string(p))) }
        if let v = o.violation { m.append(("violations", .array([.string(v)]))) }
        return m
    }
}
