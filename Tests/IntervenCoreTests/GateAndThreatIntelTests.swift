import IntervenCore
import IntervenTesting
import Testing

@Suite("Suspension: a gate deny (decision step 1)")
struct SuspensionTests {
    @Test("a suspended agent is denied every scan with AGENT_SUSPENDED, moving no trust and opening nothing")
    func suspendedDeniesEverything() throws {
        var r = Rig(try defaults())
        try r.g.suspend(0, at: at(m: 0))
        #expect(r.g.isSuspended(0))
        var verdicts: [Verdict] = []
        for i in 0..<10 {
            let t = at(m: Int64(i + 1))
            switch i % 3 {
            case 0: verdicts.append(r.scan(t))                                           // would be ALLOW
            case 1: verdicts.append(r.deny(t, risk: sc("0.9")))                          // would be a critical deny
            default: verdicts.append(r.scan(t, tool: "custom_proxy", op: "get", host: "malware-drop.example"))
            }
        }
        for v in verdicts {
            #expect(v.decision == .deny)
            #expect(v.reasons.contains(.agentSuspended))
            #expect(!v.reasons.contains(.threatIntelMatch))
            #expect(v.isGateDeny)
            #expect(v.trustAfter == .one)
        }
        // Ten denies within an hour: recorded as DENY decisions, but no trust movement and no incident.
        // The only row of the trust series is the suspension itself, with trust unchanged.
        let changes = r.changes()
        #expect(changes.map(\.cause) == [.suspended])
        #expect(changes.allSatisfy { $0.before == .one && $0.after == .one && $0.suspended })
        #expect(r.g.desk.incidents.isEmpty)
        #expect(r.g.trust.counter(.deny, agent: 0, at: at(m: 11)) == 10)
    }

    @Test("after reactivation the agent is decided normally again, and gate denies never counted toward repeated_deny")
    func reactivatedIsDecidedNormally() throws {
        var r = Rig(try defaults())
        try r.g.suspend(0, at: at(m: 0))
        for i in 1...6 { r.deny(at(m: Int64(i))) }
        try r.g.reactivate(0, at: at(m: 7))
        #expect(!r.g.isSuspended(0))
        #expect(r.scan(at(m: 8)).decision == .allow)
        let v = r.deny(at(m: 9))
        #expect(v.decision == .deny)
        #expect(!v.isGateDeny)
        #expect(v.trustAfter == sc("0.95"))
        #expect(r.incidents(.repeatedDeny).isEmpty)
    }

    @Test("suspending twice or reactivating an active agent is refused")
    func suspendTwice() throws {
        var r = Rig(try defaults())
        #expect(refusal { try r.g.reactivate(0, at: at(m: 1)) } == .agentNotSuspended)
        try r.g.suspend(0, at: at(m: 1))
        #expect(refusal { try r.g.suspend(0, at: at(m: 2)) } == .agentSuspended)
        #expect(refusal { try r.g.suspend(7, at: at(m: 2)) } == .unknownAgent)
    }
}

@Suite("Threat intel (decision step 5)")
struct ThreatIntelTests {
    @Test("a feed host is denied with THREAT_INTEL_MATCH, lowers trust 0.20 and opens a CRITICAL incident named for the feed",
          arguments: [("malware-drop.example", "urlhaus"), ("198.51.100.23", "urlhaus"), ("login-verify.example", "openphish"),
                      ("203.0.113.67", "abuseipdb-free"), ("attacker.example", "denylist")])
    func feedHit(host: String, feed: String) throws {
        var r = Rig(try defaults())
        let v = r.scan(at(m: 1), tool: "custom_proxy", op: "get", host: host)
        #expect(v.decision == .deny)
        #expect(v.reasons.contains(.threatIntelMatch))
        #expect(r.g.feedName(v.threatFeed) == feed)
        let changes = r.changes()
        try #require(changes.count >= 1)
        #expect(changes[0].cause == .threatIntel)
        #expect(changes[0].after - changes[0].before == sc("-0.2"))
        #expect(!changes.contains { $0.cause == .deny })
        let ti = r.incidents(.threatIntel)
        try #require(ti.count == 1)
        #expect(ti[0].severity == .critical)
        #expect(ti[0].title == "Threat-intel match — \(feed)")
        #expect(ti[0].traces == [r.lastRef(at(m: 1))])
        #expect(r.g.trust.counter(.threatIntel, agent: 0, at: at(m: 1)) == 1)
    }

    @Test("a threat-intel match overrides an ALLOW from policy")
    func overridesAllow() throws {
        var rules = try defaults()
        rules.agentOverrides = [AgentOverride(agent: "fin-bot", rules: [
            PolicyRule(id: "A1", name: "allow all", action: .allow),
        ])]
        var r = Rig(rules)
        #expect(r.scan(at(m: 1), tool: "custom_proxy", op: "get", host: "c2-beacon.example").decision == .deny)
    }

    @Test("the allowlist suppresses a feed hit, but never a denylist entry")
    func allowlist() throws {
        var rules = try defaults()
        rules.threatIntel.allowlist = ["malware-drop.example", "attacker.example"]
        var r = Rig(rules)
        let allowed = r.scan(at(m: 1), tool: "custom_proxy", op: "get", host: "malware-drop.example")
        #expect(allowed.decision == .allow)
        #expect(!allowed.reasons.contains(.threatIntelMatch))
        let denied = r.scan(at(m: 2), tool: "custom_proxy", op: "get", host: "attacker.example")
        #expect(denied.decision == .deny)
        #expect(r.g.feedName(denied.threatFeed) == "denylist")
    }

    @Test("a disabled feed does not match")
    func disabledFeed() throws {
        var rules = try defaults()
        let k = try #require(rules.threatIntel.feeds.firstIndex { $0.name == "urlhaus" })
        rules.threatIntel.feeds[k].enabled = false
        var r = Rig(rules)
        #expect(r.scan(at(m: 1), tool: "custom_proxy", op: "get", host: "malware-drop.example").decision == .allow)
        #expect(r.scan(at(m: 2), tool: "custom_proxy", op: "get", host: "login-verify.example").decision == .deny)
    }

    @Test("an indicator added mid-run matches from then on; an unknown feed is refused")
    func addIndicator() throws {
        var r = Rig(try defaults())
        #expect(r.scan(at(m: 1), tool: "custom_proxy", op: "get", host: "new-bad.example").decision == .allow)
        try r.g.addIndicator("new-bad.example", feed: "openphish")
        let v = r.scan(at(m: 2), tool: "custom_proxy", op: "get", host: "new-bad.example")
        #expect(v.decision == .deny)
        #expect(r.g.feedName(v.threatFeed) == "openphish")
        try r.g.addIndicator("fresh-deny.example", feed: "denylist")
        #expect(r.g.feedName(r.scan(at(m: 3), tool: "custom_proxy", op: "get", host: "fresh-deny.example").threatFeed) == "denylist")
        #expect(refusal { try r.g.addIndicator("x.example", feed: "no-such-feed") } == .unknownFeed)
    }

    @Test("dedup by feed: a second hit on one feed links to its open incident, another feed opens its own, a closed one is not reused")
    func dedupByFeed() throws {
        var r = Rig(try defaults())
        r.scan(at(m: 1), tool: "custom_proxy", op: "get", host: "malware-drop.example")
        let second = r.scan(at(m: 2), tool: "custom_proxy", op: "get", host: "198.51.100.23")   // also urlhaus
        #expect(second.decision == .deny)
        var ti = r.incidents(.threatIntel)
        try #require(ti.count == 1)
        #expect(ti[0].traces.map(\.trace) == [1, 2])

        r.scan(at(m: 3), tool: "custom_proxy", op: "get", host: "login-verify.example")        // openphish
        ti = r.incidents(.threatIntel)
        try #require(ti.count == 2)
        #expect(ti.map(\.title) == ["Threat-intel match — urlhaus", "Threat-intel match — openphish"])

        try r.g.transition(ti[0].id, to: .closed, resolution: .agentCompromised, by: "ana", at: at(m: 4))
        r.scan(at(m: 5), tool: "custom_proxy", op: "get", host: "malware-drop.example")
        ti = r.incidents(.threatIntel)
        try #require(ti.count == 3)
        #expect(ti[0].traces.count == 2)
        #expect(ti[0].status == .closed)
        #expect(ti[2].title == "Threat-intel match — urlhaus")
        #expect(ti[2].traces.map(\.trace) == [4])
    }
}
