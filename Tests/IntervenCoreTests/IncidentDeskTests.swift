import IntervenCore
import IntervenTesting
import Testing

/// A rig with one automatically opened incident: a critical deny at 01:00.
private func rigWithIncident() throws -> Rig {
    var r = Rig(try defaults())
    r.deny(at(h: 1), risk: sc("0.9"))
    return r
}

extension Rig {
    /// The critical_deny incident of `rigWithIncident()`.
    fileprivate func incidentID() throws -> IncidentID { try #require(incidents(.criticalDeny).first?.id) }
}

@Suite("Incident lifecycle")
struct IncidentLifecycleTests {
    @Test("open → investigating → closed, with a resolution code only on closing")
    func fullPath() throws {
        var r = try rigWithIncident()
        let id = try r.incidentID()
        #expect(r.g.desk.incident(id)?.status == .open)
        try r.g.transition(id, to: .investigating, by: "ana", at: at(h: 2))
        #expect(r.g.desk.incident(id)?.status == .investigating)
        try r.g.transition(id, to: .closed, resolution: .agentMisbehavior, by: "ana", at: at(h: 3))
        let inc = try #require(r.g.desk.incident(id))
        #expect(inc.status == .closed)
        #expect(inc.resolution == .agentMisbehavior)
        #expect(inc.closedAt == at(h: 3))
        #expect(inc.statusChanges.map(\.status) == [.open, .investigating, .closed])
        #expect(inc.statusChanges.map(\.actor) == ["auto", "ana", "ana"])
    }

    @Test("open → closed directly is allowed")
    func openToClosed() throws {
        var r = try rigWithIncident()
        let id = try r.incidentID()
        try r.g.transition(id, to: .closed, resolution: .falsePositive, by: "ana", at: at(h: 2))
        #expect(r.g.desk.incident(id)?.status == .closed)
    }

    @Test("every resolution code closes an incident", arguments: Resolution.allCases)
    func everyResolution(resolution: Resolution) throws {
        var r = try rigWithIncident()
        let id = try r.incidentID()
        try r.g.transition(id, to: .closed, resolution: resolution, by: "ana", at: at(h: 2))
        #expect(r.g.desk.incident(id)?.resolution == resolution)
    }

    struct Refused: Sendable, CustomTestStringConvertible {
        var label: String
        var path: [IncidentStatus]          // legal steps taken first (closing ones with a code)
        var to: IncidentStatus
        var resolution: Resolution?
        var code: GatewayError.Code
        var testDescription: String { label }
    }

    @Test("illegal transitions and bad resolution use are refused and change nothing", arguments: [
        Refused(label: "close without a code", path: [], to: .closed, resolution: nil, code: .missingResolution),
        Refused(label: "close from investigating without a code", path: [.investigating], to: .closed, resolution: nil,
                code: .missingResolution),
        Refused(label: "a code on a non-closing transition", path: [], to: .investigating, resolution: .policyGap,
                code: .unexpectedResolution),
        Refused(label: "investigating → open", path: [.investigating], to: .open, resolution: nil, code: .illegalTransition),
        Refused(label: "open → open", path: [], to: .open, resolution: nil, code: .illegalTransition),
        Refused(label: "closed → open", path: [.closed], to: .open, resolution: nil, code: .illegalTransition),
        Refused(label: "closed → investigating", path: [.closed], to: .investigating, resolution: nil, code: .illegalTransition),
        Refused(label: "closed → closed", path: [.closed], to: .closed, resolution: .falsePositive, code: .illegalTransition),
    ])
    func refused(c: Refused) throws {
        var r = try rigWithIncident()
        let id = try r.incidentID()
        var t = at(h: 2)
        for step in c.path {
            try r.g.transition(id, to: step, resolution: step == .closed ? .infrastructure : nil, by: "ana", at: t)
            t = t + .minutes(1)
        }
        let before = try #require(r.g.desk.incident(id))
        #expect(refusal { try r.g.transition(id, to: c.to, resolution: c.resolution, by: "bob", at: t) } == c.code)
        let after = try #require(r.g.desk.incident(id))
        #expect(after.status == before.status)
        #expect(after.resolution == before.resolution)
        #expect(after.closedAt == before.closedAt)
        #expect(after.statusChanges.count == before.statusChanges.count)
    }

    @Test("an unknown incident is refused")
    func unknown() throws {
        var r = try rigWithIncident()
        let ghost = IncidentID(agent: 0, ordinal: 99)
        #expect(refusal { try r.g.transition(ghost, to: .investigating, by: "ana", at: at(h: 2)) } == .unknownIncident)
        #expect(refusal { try r.g.addNote(ghost, author: "ana", text: "x", at: at(h: 2)) } == .unknownIncident)
    }

    @Test("false-positive ratio counts closed incidents only")
    func falsePositiveRatio() throws {
        var r = Rig(try defaults())
        #expect(r.g.desk.falsePositiveRatio == nil)
        var ids: [IncidentID] = []
        for i in 0..<5 {
            ids.append(try r.g.openManualIncident(agent: 0, traces: [TraceRef(trace: TraceID(i), time: at(h: 1))],
                                                  severity: .low, by: "ana", at: at(h: 1)))
        }
        #expect(r.g.desk.falsePositiveRatio == nil)
        try r.g.transition(ids[0], to: .closed, resolution: .falsePositive, by: "ana", at: at(h: 2))
        #expect(r.g.desk.falsePositiveRatio == 1.0)
        try r.g.transition(ids[1], to: .closed, resolution: .agentCompromised, by: "ana", at: at(h: 2))
        try r.g.transition(ids[2], to: .closed, resolution: .policyGap, by: "ana", at: at(h: 2))
        try r.g.transition(ids[3], to: .closed, resolution: .infrastructure, by: "ana", at: at(h: 2))
        try r.g.transition(ids[4], to: .investigating, by: "ana", at: at(h: 2))
        #expect(r.g.desk.falsePositiveRatio == 0.25)
    }
}

@Suite("Incident notes are append-only")
struct IncidentNoteTests {
    @Test("notes keep author, time and text in the order added; identical text appends")
    func appendOnly() throws {
        var r = try rigWithIncident()
        let id = try r.incidentID()
        try r.g.addNote(id, author: "ana", text: "looks like a misconfigured bot", at: at(h: 2))
        try r.g.addNote(id, author: "bob", text: "owner contacted", at: at(h: 3))
        let firstTwo = try #require(r.g.desk.incident(id)).notes
        try r.g.addNote(id, author: "carol", text: "looks like a misconfigured bot", at: at(h: 4))
        let notes = try #require(r.g.desk.incident(id)).notes
        #expect(notes.count == 3)
        #expect(Array(notes.prefix(2)) == firstTwo)
        #expect(notes.map(\.author) == ["ana", "bob", "carol"])
        #expect(notes.map(\.time) == [at(h: 2), at(h: 3), at(h: 4)])
        #expect(notes.map(\.text) == ["looks like a misconfigured bot", "owner contacted", "looks like a misconfigured bot"])
    }

    @Test("an empty or blank note is refused and adds nothing", arguments: ["", "   ", "\t ", "\n\n", " \r\n "])
    func emptyRefused(text: String) throws {
        var r = try rigWithIncident()
        let id = try r.incidentID()
        try r.g.addNote(id, author: "ana", text: "first", at: at(h: 2))
        #expect(refusal { try r.g.addNote(id, author: "ana", text: text, at: at(h: 3)) } == .emptyNote)
        #expect(r.g.desk.incident(id)?.notes.map(\.text) == ["first"])
    }

    @Test("a closed incident still takes notes (they are the record of the investigation)")
    func notesOnClosed() throws {
        var r = try rigWithIncident()
        let id = try r.incidentID()
        try r.g.transition(id, to: .closed, resolution: .falsePositive, by: "ana", at: at(h: 2))
        try r.g.addNote(id, author: "ana", text: "post-mortem", at: at(h: 3))
        #expect(r.g.desk.incident(id)?.notes.count == 1)
    }
}

@Suite("Operator actions on incidents")
struct OperatorActionTests {
    @Test("suspend agent: recorded on the incident, and the agent is then denied")
    func suspend() throws {
        var r = try rigWithIncident()
        let id = try r.incidentID()
        try r.g.respond(id, with: .suspendAgent, by: "ana", at: at(h: 2))
        #expect(r.g.isSuspended(0))
        let action = try #require(r.g.desk.incident(id)?.actions.last)
        #expect(action.kind == .suspendAgent)
        #expect(action.actor == "ana")
        #expect(action.time == at(h: 2))
        let v = r.scan(at(h: 2, m: 1))
        #expect(v.decision == .deny)
        #expect(v.reasons.contains(.agentSuspended))
    }

    @Test("rotate key: the key prefix changes and the new prefix is recorded")
    func rotateKey() throws {
        var r = try rigWithIncident()
        let id = try r.incidentID()
        let old = r.g.keyPrefix(of: 0)
        #expect(old.hasPrefix("iv_live_"))
        #expect(old.count == "iv_live_".count + 4)
        try r.g.respond(id, with: .rotateKey, by: "ana", at: at(h: 2))
        let new = r.g.keyPrefix(of: 0)
        #expect(new != old)
        #expect(new.hasPrefix("iv_live_"))
        let action = try #require(r.g.desk.incident(id)?.actions.last)
        #expect(action.kind == .rotateKey)
        #expect(action.detail == new)
    }

    @Test("notify and open ticket are recorded with their channel and system")
    func notifyAndTicket() throws {
        var r = try rigWithIncident()
        let id = try r.incidentID()
        let auto = try #require(r.g.desk.incident(id)).actions.count
        try r.g.respond(id, with: .notify(channel: "#sec-ops"), by: "ana", at: at(h: 2))
        try r.g.respond(id, with: .openTicket(system: "jira"), by: "bob", at: at(h: 3))
        let actions = try #require(r.g.desk.incident(id)).actions.dropFirst(auto)
        #expect(actions.map(\.kind) == [.notifyChannel, .openTicket])
        #expect(actions.map(\.detail) == ["#sec-ops", "jira"])
        #expect(actions.map(\.actor) == ["ana", "bob"])
    }

    @Test("actions on a closed incident are refused and change nothing", arguments: [
        OperatorAction.suspendAgent, .rotateKey, .notify(channel: "#x"), .openTicket(system: "jira"),
    ])
    func refusedOnClosed(action: OperatorAction) throws {
        var r = try rigWithIncident()
        let id = try r.incidentID()
        try r.g.transition(id, to: .closed, resolution: .falsePositive, by: "ana", at: at(h: 2))
        let before = try #require(r.g.desk.incident(id)).actions
        let prefix = r.g.keyPrefix(of: 0)
        #expect(refusal { try r.g.respond(id, with: action, by: "ana", at: at(h: 3)) } == .incidentClosed)
        #expect(r.g.desk.incident(id)?.actions == before)
        #expect(!r.g.isSuspended(0))
        #expect(r.g.keyPrefix(of: 0) == prefix)
    }

    @Test("a manual incident opens from traces with the operator's severity, never deduplicated, no auto-response")
    func manualIncident() throws {
        var r = Rig(try defaults())
        r.scan(at(h: 1))
        r.scan(at(h: 1, m: 5))
        let traces = [TraceRef(trace: 2, time: at(h: 1, m: 5)), TraceRef(trace: 1, time: at(h: 1))]
        let a = try r.g.openManualIncident(agent: 0, traces: traces, severity: .medium, by: "ana", at: at(h: 2))
        let b = try r.g.openManualIncident(agent: 0, traces: [traces[0]], severity: .critical, by: "bob",
                                           title: "Odd uploads", at: at(h: 3))
        #expect(a != b)
        let inc = try #require(r.g.desk.incident(a))
        #expect(inc.trigger.kind == .manual)
        #expect(inc.openedBy == "ana")
        #expect(inc.severity == .medium)
        #expect(inc.traces == traces.sorted())
        #expect(inc.actions.isEmpty)
        #expect(r.g.desk.incident(b)?.title == "Odd uploads")
        #expect(r.g.desk.incident(b)?.severity == .critical)
        #expect(r.g.desk.alerts.isEmpty)
        #expect(r.trust() == .one)
        #expect(!r.g.inScrutiny(0, at: at(h: 3)))
        #expect(refusal { _ = try r.g.openManualIncident(agent: 0, traces: [], severity: .low, by: "ana", at: at(h: 4)) } == .noTraces)
        #expect(refusal { _ = try r.g.openManualIncident(agent: 5, traces: traces, severity: .low, by: "ana", at: at(h: 4)) } == .unknownAgent)
    }
}
