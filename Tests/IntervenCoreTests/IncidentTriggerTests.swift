import IntervenCore
import IntervenTesting
import Testing

@Suite("repeated_deny (>= 5 DENYs within 1 h)")
struct RepeatedDenyTests {
    @Test("4 denies in an hour do not fire; 5 do", arguments: [4, 5])
    func count(denies: Int) throws {
        var r = Rig(try defaults())
        for i in 0..<denies { r.deny(at(h: 1, m: Int64(10 * i))) }
        let inc = r.incidents(.repeatedDeny)
        #expect(inc.count == (denies >= 5 ? 1 : 0))
        if denies >= 5 {
            try #require(inc.count == 1)
            #expect(inc[0].severity == .high)
            #expect(inc[0].traces.map(\.trace) == [1, 2, 3, 4, 5])
            #expect(inc[0].openedAt == at(h: 1, m: 40))
        }
    }

    @Test("the 5th deny exactly 1 h after the 1st fires; one tick later does not", arguments: [
        (SimDuration.hours(1), true), (.hours(1) + SimDuration(milliseconds: 1), false),
    ])
    func window(fifthAfter: SimDuration, fires: Bool) throws {
        var r = Rig(try defaults())
        let t0 = at(h: 1)
        for m in [0, 10, 20, 30] as [Int64] { r.deny(t0 + .minutes(m)) }
        r.deny(t0 + fifthAfter)
        #expect(r.incidents(.repeatedDeny).count == (fires ? 1 : 0))
    }

    @Test("the threshold is a tunable")
    func tunable() throws {
        var rules = try defaults()
        rules.triggers.repeatedDenyCount = 6
        var r = Rig(rules)
        for i in 0..<5 { r.deny(at(h: 1, m: Int64(i))) }
        #expect(r.incidents(.repeatedDeny).isEmpty)
        r.deny(at(h: 1, m: 5))
        #expect(r.incidents(.repeatedDeny).count == 1)
    }

    @Test("dedup: a further match links to the open incident; after it closes a new one opens")
    func dedup() throws {
        var r = Rig(try defaults())
        for i in 0..<6 { r.deny(at(h: 1, m: Int64(i))) }
        var inc = r.incidents(.repeatedDeny)
        try #require(inc.count == 1)
        #expect(inc[0].traces.map(\.trace) == [1, 2, 3, 4, 5, 6])

        try r.g.transition(inc[0].id, to: .investigating, by: "ana", at: at(h: 1, m: 7))
        r.deny(at(h: 1, m: 8))
        inc = r.incidents(.repeatedDeny)
        #expect(inc.count == 1, "investigating is not closed: still linked")
        #expect(inc[0].traces.count == 7)

        try r.g.transition(inc[0].id, to: .closed, resolution: .agentMisbehavior, by: "ana", at: at(h: 1, m: 9))
        r.deny(at(h: 1, m: 10))
        inc = r.incidents(.repeatedDeny)
        try #require(inc.count == 2)
        #expect(inc[0].traces.count == 7)
        #expect(inc[1].status == .open)
        #expect(inc[1].traces.map(\.trace) == [4, 5, 6, 7, 8])
        #expect(inc[1].id != inc[0].id)
    }

    @Test("denies of different agents do not add up")
    func perAgent() throws {
        var r = Rig(try defaults(), agents: ["a", "b"])
        for i in 0..<8 { r.deny(at(h: 1, m: Int64(i)), agent: AgentIndex(i % 2)) }
        #expect(r.incidents(.repeatedDeny).isEmpty)
    }
}

@Suite("read_then_write (sensitive READ then external WRITE within 5 min)")
struct ReadThenWriteTests {
    func read(_ r: inout Rig, _ t: SimTime, classes: DataClasses) {
        r.scan(t, tool: "gdrive", op: "download", verb: .read, classes: classes)
    }
    func externalWrite(_ r: inout Rig, _ t: SimTime, external: Bool = true) {
        r.scan(t, tool: "github", op: "create_gist", verb: .write, external: external, host: "gist.github.com")
    }

    @Test("an external WRITE exactly 5 min after a sensitive READ fires; one tick later does not", arguments: [
        (SimDuration.minutes(5), true), (.minutes(5) + SimDuration(milliseconds: 1), false),
    ])
    func window(gap: SimDuration, fires: Bool) throws {
        var r = Rig(try defaults())
        let t0 = at(h: 1)
        read(&r, t0, classes: [.secrets])
        externalWrite(&r, t0 + gap)
        let inc = r.incidents(.readThenWrite)
        #expect(inc.count == (fires ? 1 : 0))
        if fires {
            try #require(inc.count == 1)
            #expect(inc[0].severity == .high)
            #expect(inc[0].traces == [TraceRef(trace: 1, time: t0), TraceRef(trace: 2, time: t0 + gap)])
        }
    }

    static let classCases: [(DataClasses, Bool)] = [
        (.secrets, true), (.pii, true), (.phi, true), ([.internal, .phi], true), (.internal, false), ([], false),
    ]

    @Test("only SECRETS, PII or PHI make a READ sensitive", arguments: classCases)
    func sensitiveClasses(classes: DataClasses, fires: Bool) throws {
        var r = Rig(try defaults())
        read(&r, at(h: 1), classes: classes)
        externalWrite(&r, at(h: 1, m: 1))
        #expect(r.incidents(.readThenWrite).count == (fires ? 1 : 0))
    }

    @Test("an internal WRITE or an external READ after a sensitive READ does not fire")
    func internalWrite() throws {
        var r = Rig(try defaults())
        read(&r, at(h: 1), classes: [.pii])
        externalWrite(&r, at(h: 1, m: 1), external: false)
        r.scan(at(h: 1, m: 2), tool: "github", op: "get_gist", verb: .read, external: true)
        #expect(r.incidents(.readThenWrite).isEmpty)
    }

    @Test("another agent's write does not pair with the read")
    func perAgent() throws {
        var r = Rig(try defaults(), agents: ["a", "b"])
        r.scan(at(h: 1), agent: 0, tool: "gdrive", op: "download", classes: [.secrets])
        r.scan(at(h: 1, m: 1), agent: 1, tool: "github", op: "create_gist", verb: .write, external: true)
        #expect(r.incidents(.readThenWrite).isEmpty)
    }
}

@Suite("critical_deny (one DENY in band CRITICAL)")
struct CriticalDenyTests {
    @Test("risk 0.75 is CRITICAL: incident and -0.15; 0.749999 is HIGH: -0.05 and no incident", arguments: [
        ("0.75", true), ("0.749999", false), ("1", true),
    ])
    func band(risk: String, critical: Bool) throws {
        var r = Rig(try defaults())
        let v = r.deny(at(h: 1), risk: sc(risk))
        #expect(v.band == (critical ? .critical : .high))
        let changes = r.changes()
        try #require(!changes.isEmpty)
        #expect(changes[0].cause == (critical ? .criticalDeny : .deny))
        #expect(changes[0].after - changes[0].before == sc(critical ? "-0.15" : "-0.05"))
        let inc = r.incidents(.criticalDeny)
        #expect(inc.count == (critical ? 1 : 0))
        if critical {
            try #require(inc.count == 1)
            #expect(inc[0].severity == .critical)
            #expect(v.incidentsOpened >= 1)
            #expect(r.g.trust.counter(.critical, agent: 0, at: at(h: 1)) == 1)
        }
    }

    @Test("a CRITICAL-band scan that is not denied opens nothing and moves no trust")
    func notDenied() throws {
        var r = Rig(try defaults())
        let v = r.scan(at(h: 1), risk: sc("0.9"))
        #expect(v.decision == .allow)
        #expect(r.g.desk.incidents.isEmpty)
        #expect(r.trust() == .one)
    }
}

@Suite("Automatic responses on incident open")
struct AutoResponseTests {
    /// Default rules plus an OPEN_INCIDENT rule on `custom_proxy.exfil` (a LOW-risk DENY and a `policy` incident).
    func rules() throws -> Rules {
        var r = try defaults()
        r.add(PolicyRule(id: "X1", name: "Exfil", match: .tools(["custom_proxy"], operations: ["exfil"]),
                         action: .openIncident, incidentSeverity: .medium))
        return r
    }

    @Test("an opened incident lowers trust 0.10, pins scrutiny for 24 h, sends an alert, and records each on the incident")
    func allOn() throws {
        var r = Rig(try rules())
        let t = at(h: 1)
        let v = r.scan(t, tool: "custom_proxy", op: "exfil")
        #expect(v.trustAfter == sc("0.85"))          // -0.05 for the deny, -0.10 for the incident
        #expect(r.changes().map(\.cause) == [.deny, .scrutinyPinned, .incidentOpen])
        let inc = try #require(r.incidents(.policy).first)
        #expect(Set(inc.actions.map(\.kind)) == [.lowerTrust, .pinScrutiny, .alert])
        #expect(inc.actions.allSatisfy { $0.actor == "auto" && $0.time == t })
        #expect(r.g.desk.alerts.count == 1)
        #expect(r.g.desk.alerts.first?.incident == inc.id)
        #expect(r.g.desk.alerts.first?.severity == .medium)
        #expect(r.g.inScrutiny(0, at: t + .hours(1)))
    }

    enum Switch: String, CaseIterable, Sendable { case lowerTrust, pinScrutiny, alert }

    @Test("each auto-response can be switched off on its own", arguments: Switch.allCases)
    func switchedOff(off: Switch) throws {
        var rules = try rules()
        switch off {
        case .lowerTrust: rules.autoResponse.lowerTrust = false
        case .pinScrutiny: rules.autoResponse.pinScrutiny = false
        case .alert: rules.autoResponse.alert = false
        }
        var r = Rig(rules)
        let t = at(h: 1)
        let v = r.scan(t, tool: "custom_proxy", op: "exfil")
        let inc = try #require(r.incidents(.policy).first)
        let kinds = Set(inc.actions.map(\.kind))
        #expect(v.trustAfter == sc(off == .lowerTrust ? "0.95" : "0.85"))
        #expect(kinds.contains(.lowerTrust) == (off != .lowerTrust))
        #expect(r.g.inScrutiny(0, at: t + .hours(1)) == (off != .pinScrutiny))
        #expect(kinds.contains(.pinScrutiny) == (off != .pinScrutiny))
        #expect(r.g.desk.alerts.count == (off == .alert ? 0 : 1))
        #expect(kinds.contains(.alert) == (off != .alert))
    }

    @Test("a linked match runs no auto-response again")
    func linkRunsNothing() throws {
        var r = Rig(try rules())
        r.scan(at(h: 1), tool: "custom_proxy", op: "exfil")
        _ = r.changes()
        r.scan(at(h: 1, m: 1), tool: "custom_proxy", op: "exfil")
        #expect(r.changes().map(\.cause) == [.deny])
        #expect(r.g.desk.alerts.count == 1)
    }
}

@Suite("Anomaly signals: lower trust, open no incident")
struct AnomalyTests {
    @Test("privilege escalation: IAM create then policy attach within 2 min", arguments: [
        ("create_user", SimDuration.minutes(2), true), ("create_role", .minutes(1), true),
        ("create_user", .minutes(2) + SimDuration(milliseconds: 1), false), ("describe_user", .seconds(10), false),
    ])
    func privilegeEscalation(create: String, gap: SimDuration, fires: Bool) throws {
        var r = Rig(try defaults())
        let t0 = at(h: 1)
        r.scan(t0, tool: "aws", op: create, verb: .admin)
        let v = r.scan(t0 + gap, tool: "aws", op: "attach_policy", verb: .admin, principal: "arn:aws:iam::aws:policy/ReadOnlyAccess")
        #expect(v.decision == .allow)
        #expect(r.g.anomalies.map(\.kind) == (fires ? [.privilegeEscalation] : []))
        #expect(r.trust() == (fires ? sc("0.95") : .one))
        #expect(r.g.desk.incidents.isEmpty)
        if fires {
            #expect(r.changes().map(\.cause) == [.anomaly])
            #expect(r.g.anomalies.first?.traces.map(\.trace) == [1, 2])
            #expect(r.g.trust.counter(.anomaly, agent: 0, at: t0 + gap) == 1)
        }
    }

    @Test("mass-action burst: 10 mutating calls to one tool within 1 min (the last exactly 1 min after the first fires)", arguments: [
        (10, Int64(60_000), Verb.write, true), (10, 60_001, .write, false), (9, 60_000, .write, false),
        (10, 60_000, .admin, true), (10, 60_000, .read, false),
    ])
    func massAction(calls: Int, lastAfterMs: Int64, verb: Verb, fires: Bool) throws {
        var r = Rig(try defaults())
        let t0 = at(h: 1)
        for i in 0..<(calls - 1) { r.scan(t0 + .seconds(Int64(i)), tool: "jira", op: "close_ticket", verb: verb) }
        r.scan(t0 + SimDuration(milliseconds: lastAfterMs), tool: "jira", op: "close_ticket", verb: verb)
        #expect(r.g.anomalies.map(\.kind) == (fires ? [.massActionBurst] : []))
        #expect(r.trust() == (fires ? sc("0.95") : .one))
        #expect(r.g.desk.incidents.isEmpty)
    }

    @Test("mutating calls spread over different tools are not a burst")
    func differentTools() throws {
        var r = Rig(try defaults())
        for i in 0..<10 { r.scan(at(h: 1, s: Int64(i)), tool: i % 2 == 0 ? "jira" : "linear", op: "close", verb: .write) }
        #expect(r.g.anomalies.isEmpty)
    }
}
