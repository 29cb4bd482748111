import IntervenCore

// A shard's part of a run (`ShardResult`) as bytes and back: what a slice of a run
// (`run --slice`) hands to `merge`. Everything a run's results are made from is kept; what
// only expectations use (`check` never slices) and latency samples are not.

extension ShardResult {
    func encode(into w: inout PartWriter) {
        w.array(agents.rows) { w, a in w.i(Int64(a.global)); w.snapshot(a.snapshot) }
        w.array(incidents) { w, x in w.i(Int64(x.global)); w.u(UInt64(x.ordinal)); w.incident(x.record) }
        w.array(trust) { w, x in
            w.i(Int64(x.global)); w.u(x.order)
            w.time(x.time); w.score(x.trust); w.bool(x.scrutiny); w.bool(x.suspended)
            w.optional(x.cause) { w, c in w.named(c) }
        }
        w.array(alerts) { w, x in
            w.i(Int64(x.global)); w.u(UInt64(x.ordinal))
            let a = x.alert
            w.time(a.time); w.string(a.agent); w.string(a.incidentID); w.named(a.severity); w.string(a.title)
        }
        w.array(anomalies) { w, x in
            w.i(Int64(x.global)); w.int(x.order)
            let a = x.record
            w.time(a.time); w.string(a.agent); w.named(a.kind); w.array(a.traces) { w, t in w.trace(t) }
        }
        w.array(refused) { w, x in
            w.i(Int64(x.global)); w.int(x.order)
            let a = x.action
            w.time(a.time); w.string(a.action); w.string(a.reason); w.string(a.keyword)
            w.optional(a.agent) { w, s in w.string(s) }; w.int(a.line)
        }
        w.array(Decision.allCases) { w, d in w.u(decisions[d] ?? 0) }
        // The statuses present, in declaration order (absent and zero stay apart).
        w.array(ApprovalStatus.allCases.filter { approvals[$0] != nil }) { w, s in w.named(s); w.int(approvals[s]!) }
        w.u(scans)
        w.array(groupDecisions) { w, x in w.u(x) }
        w.array(hourlyDecisions) { w, x in w.u(x) }
    }

    static func decode(from r: inout PartReader) throws(PartFormatError) -> ShardResult {
        let agents = try r.array { (r: inout PartReader) throws(PartFormatError) -> (global: Int32, snapshot: AgentSnapshot) in
            (try r.int32(), try r.snapshot())
        }
        let incidents = try r.array { (r: inout PartReader) throws(PartFormatError) -> (global: Int32, ordinal: UInt32, record: IncidentRecord) in
            (try r.int32(), UInt32(truncatingIfNeeded: try r.u()), try r.incident())
        }
        let trust = try r.array { (r: inout PartReader) throws(PartFormatError) -> ShardTrustRow in
            let g = try r.int32(), order = try r.u()
            return ShardTrustRow(time: try r.time(), order: order, global: g, trust: try r.score(), scrutiny: try r.bool(),
                                 suspended: try r.bool(), cause: try r.optional { (r: inout PartReader) throws(PartFormatError) in try r.named(TrustCause.self) })
        }
        let alerts = try r.array { (r: inout PartReader) throws(PartFormatError) -> (global: Int32, ordinal: UInt32, alert: AlertRecord) in
            let g = try r.int32(), ordinal = UInt32(truncatingIfNeeded: try r.u())
            return (g, ordinal, AlertRecord(time: try r.time(), agent: try r.string(), incidentID: try r.string(),
                                            severity: try r.named(Severity.self), title: try r.string()))
        }
        let anomalies = try r.array { (r: inout PartReader) throws(PartFormatError) -> (global: Int32, order: Int, record: AnomalyRecord) in
            let g = try r.int32(), order = try r.int()
            return (g, order, AnomalyRecord(time: try r.time(), agent: try r.string(), kind: try r.named(AnomalyKind.self),
                                            traces: try r.array { (r: inout PartReader) throws(PartFormatError) in try r.trace() }))
        }
        let refused = try r.array { (r: inout PartReader) throws(PartFormatError) -> (global: Int32, order: Int, action: RefusedAction) in
            let g = try r.int32(), order = try r.int()
            return (g, order, RefusedAction(time: try r.time(), action: try r.string(), reason: try r.string(), keyword: try r.string(),
                                            agent: try r.optional { (r: inout PartReader) throws(PartFormatError) in try r.string() },
                                            line: try r.int()))
        }
        let decisionCounts = try r.array { (r: inout PartReader) throws(PartFormatError) in try r.u() }
        let approvalCounts = try r.array { (r: inout PartReader) throws(PartFormatError) -> (ApprovalStatus, Int) in
            (try r.named(ApprovalStatus.self), try r.int())
        }
        guard decisionCounts.count == Decision.allCases.count else {
            throw PartFormatError(reason: "decision counts of another version")
        }
        var decisions: [Decision: UInt64] = [:]
        for (k, d) in Decision.allCases.enumerated() { decisions[d] = decisionCounts[k] }
        var approvals: [ApprovalStatus: Int] = [:]
        for (s, n) in approvalCounts { approvals[s] = n }
        var result = ShardResult(agents: .rows(agents), incidents: incidents, trust: trust, alerts: alerts, anomalies: anomalies,
                                 refused: refused, decisions: decisions, approvals: approvals, scans: try r.u())
        result.groupDecisions = try r.array { (r: inout PartReader) throws(PartFormatError) in try r.u() }
        result.hourlyDecisions = try r.array { (r: inout PartReader) throws(PartFormatError) in try r.u() }
        return result
    }
}

extension PartWriter {
    mutating func trace(_ t: TraceRef) { u(t.trace); time(t.time) }

    mutating func snapshot(_ s: AgentSnapshot) {
        i(Int64(s.index)); string(s.id); string(s.name); named(s.runtime); named(s.label); string(s.keyPrefix)
        optional(s.firstSeen) { w, t in w.time(t) }; optional(s.lastSeen) { w, t in w.time(t) }
        u(s.totalCalls)
        array(s.recentDecisions.values) { w, x in w.int(x) }
        array(s.topTools) { w, t in w.string(t.tool); w.int(t.calls) }
        array(s.reasonCounts) { w, c in w.string(c.code); w.int(c.count) }
        let t = s.trust
        score(t.score); bool(t.inScrutiny); optional(t.scrutinyPinnedUntil) { w, x in w.time(x) }; bool(t.suspended)
        int(t.cleanStreak); array(t.counters.values) { w, x in w.int(x) }
    }

    mutating func incident(_ x: IncidentRecord) {
        string(x.id); string(x.title); named(x.severity); string(x.agent); string(x.agentID); named(x.trigger)
        optional(x.key) { w, s in w.string(s) }; optional(x.openedBy) { w, s in w.string(s) }
        time(x.openedAt); named(x.status)
        array(x.statusChanges) { w, c in w.named(c.status); w.time(c.time); w.string(c.actor) }
        optional(x.resolution) { w, r in w.named(r) }; optional(x.closedAt) { w, t in w.time(t) }
        array(x.traces) { w, t in w.trace(t) }
        array(x.actions) { w, a in w.named(a.kind); w.time(a.time); w.string(a.actor); w.string(a.detail) }
        array(x.notes) { w, n in w.string(n.author); w.time(n.time); w.string(n.text) }
    }
}

extension PartReader {
    mutating func trace() throws(PartFormatError) -> TraceRef { TraceRef(trace: try u(), time: try time()) }

    mutating func counts<K: CaseIterable & RawRepresentable & Sendable>(_: K.Type) throws(PartFormatError) -> Counts<K>
    where K.RawValue: BinaryInteger {
        let values = try array { (r: inout PartReader) throws(PartFormatError) in try r.int() }
        guard values.count == K.allCases.count else { throw PartFormatError(reason: "\(values.count) counts of \(K.self) at byte \(offset)") }
        var c = Counts<K>()
        for (k, key) in K.allCases.enumerated() { c[key] = values[k] }
        return c
    }

    mutating func snapshot() throws(PartFormatError) -> AgentSnapshot {
        let index = try int32(), id = try string(), name = try string()
        let runtime = try named(Runtime.self), label = try named(GroundTruth.self), key = try string()
        let first = try optional { (r: inout PartReader) throws(PartFormatError) in try r.time() }
        let last = try optional { (r: inout PartReader) throws(PartFormatError) in try r.time() }
        let calls = try u()
        let decisions = try counts(Decision.self)
        let tools = try array { (r: inout PartReader) throws(PartFormatError) in AgentSnapshot.ToolCount.make(tool: try r.string(), calls: try r.int()) }
        let reasons = try array { (r: inout PartReader) throws(PartFormatError) in AgentSnapshot.ReasonCount.make(code: try r.string(), count: try r.int()) }
        let trust = TrustState.make(score: try score(), inScrutiny: try bool(),
                               scrutinyPinnedUntil: try optional { (r: inout PartReader) throws(PartFormatError) in try r.time() },
                               suspended: try bool(), cleanStreak: try int(), counters: try counts(CounterKind.self))
        return AgentSnapshot.make(index: index, id: id, name: name, runtime: runtime, label: label, keyPrefix: key, firstSeen: first,
                             lastSeen: last, totalCalls: calls, recentDecisions: decisions, topTools: tools, reasonCounts: reasons,
                             trust: trust)
    }

    mutating func incident() throws(PartFormatError) -> IncidentRecord {
        let id = try string(), title = try string(), severity = try named(Severity.self)
        let agent = try string(), agentID = try string(), trigger = try named(TriggerKind.self)
        let key = try optional { (r: inout PartReader) throws(PartFormatError) in try r.string() }
        let openedBy = try optional { (r: inout PartReader) throws(PartFormatError) in try r.string() }
        let openedAt = try time(), status = try named(IncidentStatus.self)
        let changes = try array { (r: inout PartReader) throws(PartFormatError) in
            IncidentRecord.StatusChange(status: try r.named(IncidentStatus.self), time: try r.time(), actor: try r.string())
        }
        let resolution = try optional { (r: inout PartReader) throws(PartFormatError) in try r.named(Resolution.self) }
        let closedAt = try optional { (r: inout PartReader) throws(PartFormatError) in try r.time() }
        let traces = try array { (r: inout PartReader) throws(PartFormatError) in try r.trace() }
        let actions = try array { (r: inout PartReader) throws(PartFormatError) in
            ResponseAction.make(kind: try r.named(ResponseAction.Kind.self), time: try r.time(), actor: try r.string(), detail: try r.string())
        }
        let notes = try array { (r: inout PartReader) throws(PartFormatError) in Note.make(author: try r.string(), time: try r.time(), text: try r.string()) }
        return IncidentRecord(id: id, title: title, severity: severity, agent: agent, agentID: agentID, trigger: trigger, key: key,
                              openedBy: openedBy, openedAt: openedAt, status: status, statusChanges: changes, resolution: resolution,
                              closedAt: closedAt, traces: traces, actions: actions, notes: notes)
    }
}
