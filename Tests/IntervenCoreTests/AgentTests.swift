import IntervenCore
import IntervenTesting
import Testing

@Suite("Agents: ids, telemetry and mid-run changes")
struct AgentTests {
    @Test("agent ids are UUIDs derived from the seed and the name")
    func ids() {
        var a = AgentRoster(seed: 7)
        var b = AgentRoster(seed: 7)
        var c = AgentRoster(seed: 8)
        a.add(name: "fin-bot", runtime: .mcp)
        a.add(name: "ops-bot", runtime: .mcp)
        b.add(name: "fin-bot", runtime: .cursor)
        c.add(name: "fin-bot", runtime: .mcp)
        #expect(a.id(of: 0) == b.id(of: 0))
        #expect(a.id(of: 0) != a.id(of: 1))
        #expect(a.id(of: 0) != c.id(of: 0))
        let parts = a.id(of: 0).split(separator: "-")
        #expect(parts.map(\.count) == [8, 4, 4, 4, 12])
        #expect(parts[2].first == "4")
        #expect(a.index(of: "ops-bot") == 1)
        #expect(a.index(of: "nobody") == nil)
    }

    @Test("calls, first and last seen, top tools and reason counts of non-ALLOW decisions")
    func telemetry() throws {
        var r = Rig(try defaults())
        #expect(r.g.firstSeen(of: 0) == .never)
        for i in 0..<3 { r.scan(at(m: Int64(i + 1)), tool: "github") }
        r.scan(at(m: 5), tool: "slack", op: "post_message", verb: .write, classes: [.secrets])     // DENY SECRET_DETECTED
        r.scan(at(m: 6), tool: "slack", op: "post_message", verb: .write, classes: [.pii])        // SANITIZE PII_EGRESS
        r.scan(at(m: 7), tool: "github", op: "merge_pr", verb: .write)                            // REQUIRE_APPROVAL
        #expect(r.g.totalCalls(of: 0) == 6)
        #expect(r.g.firstSeen(of: 0) == at(m: 1))
        #expect(r.g.lastSeen(of: 0) == at(m: 7))
        let top = r.g.topTools(of: 0)
        #expect(top.map(\.tool) == ["github", "slack"])
        #expect(top.map(\.calls) == [4, 2])
        let reasons = r.g.reasonCounts(of: 0)
        #expect(reasons.map(\.code) == ["PII_EGRESS", "POLICY_MATCH", "SECRET_DETECTED"])
        #expect(reasons.map(\.count) == [1, 1, 1])
        let t = at(m: 8)
        #expect(r.g.trust.counter(.decisionsAllow, agent: 0, at: t) == 3)
        #expect(r.g.trust.counter(.decisionsDeny, agent: 0, at: t) == 1)
        #expect(r.g.trust.counter(.decisionsSanitize, agent: 0, at: t) == 1)
        #expect(r.g.trust.counter(.decisionsRequireApproval, agent: 0, at: t) == 1)
        #expect(r.g.trust.counter(.approval, agent: 0, at: t) == 1)
    }

    @Test("an agent added mid-run starts at full trust and is covered by matching overrides")
    func addAgentMidRun() throws {
        var rules = try defaults()
        rules.agentOverrides = [AgentOverride(agent: "quarantined-*", quarantine: true)]
        var r = Rig(rules)
        r.deny(at(m: 1))
        let b = r.g.addAgent(name: "quarantined-7", runtime: .browserUse)
        let c = r.g.addAgent(name: "fresh", runtime: .computerUse, label: .compromised)
        #expect(r.trust(b) == .one)
        #expect(r.g.roster.labels[Int(c)] == .compromised)
        let v = r.scan(at(m: 2), agent: b)
        #expect(v.decision == .deny)
        #expect(v.reasons.contains(.agentQuarantined))
        #expect(r.scan(at(m: 2), agent: c).decision == .allow)
        #expect(r.trust(0) == sc("0.95"))
    }

    @Test("rules changed mid-run apply from the next scan and keep the state")
    func updateRulesMidRun() throws {
        var r = Rig(try defaults())
        for i in 0..<4 { r.deny(at(h: 1, m: Int64(i))) }
        var changed = r.g.rules
        changed.triggers.repeatedDenyCount = 6
        changed.trust.deny = sc("-0.01")
        r.g.updateRules(changed)
        #expect(r.deny(at(h: 1, m: 4)).trustAfter == sc("0.79"))
        #expect(r.incidents(.repeatedDeny).isEmpty, "5 denies no longer reach the threshold of 6")
        r.deny(at(h: 1, m: 5))
        #expect(r.incidents(.repeatedDeny).count == 1, "the denies before the change still count")
    }

    @Test("the critical counter follows the configured critical band")
    func criticalCounterBand() throws {
        var rules = try defaults()
        rules.triggers.criticalBand = .high
        var r = Rig(rules)
        r.scan(at(m: 1), risk: sc("0.6"))       // HIGH: critical under these rules
        r.scan(at(m: 2), risk: sc("0.3"))       // MEDIUM: not
        #expect(r.g.trust.counter(.critical, agent: 0, at: at(m: 2)) == 1)
    }

    @Test("a threat-intel hit in band CRITICAL moves trust by the threat-intel amount only, and opens both incidents")
    func criticalThreatIntel() throws {
        var r = Rig(try defaults())
        let v = r.scan(at(m: 1), tool: "custom_proxy", op: "get", host: "exfil-bin.example", risk: sc("0.9"))
        #expect(v.decision == .deny)
        let causes = r.changes().map(\.cause)
        #expect(causes.first == .threatIntel)
        #expect(!causes.contains(.criticalDeny))
        #expect(r.incidents(.threatIntel).count == 1)
        #expect(r.incidents(.criticalDeny).count == 1)
    }
}

@Suite("SimTime display")
struct SimTimeTests {
    @Test("times print as HH:MM:SS, with milliseconds and days when needed", arguments: [
        (Int64(0), "00:00:00"), (3_723_004, "01:02:03.004"), (86_461_000, "1d 00:01:01"), (Int64.min, "never"),
    ])
    func description(ms: Int64, text: String) {
        #expect(SimTime(milliseconds: ms).description == text)
    }
}
