import IntervenCore
import IntervenTesting
import Testing

@Suite("Agent snapshots (the Agents page)")
struct SnapshotTests {
    @Test("a snapshot gathers identity, activity, the decision split, top tools, reasons and trust state")
    func snapshot() throws {
        var r = Rig(try defaults(), agents: ["fin-bot", "ops-bot"])
        r.scan(at(m: 1))
        r.scan(at(m: 2), tool: "slack", op: "post_message", verb: .write, classes: .pii)     // SANITIZE (P5)
        r.deny(at(m: 3))                                                                     // DENY (P8)
        r.scan(at(m: 4), tool: "github", op: "merge_pr", verb: .write)                       // REQUIRE_APPROVAL (P2)
        let s = r.g.snapshot(of: 0, at: at(m: 5))
        #expect(s.name == "fin-bot")
        #expect(s.id == r.g.roster.id(of: 0))
        #expect(s.runtime == .langchain)
        #expect(s.keyPrefix.hasPrefix("iv_live_"))
        #expect(s.firstSeen == at(m: 1))
        #expect(s.lastSeen == at(m: 4))
        #expect(s.totalCalls == 4)
        #expect(s.recentDecisions == [.allow: 1, .sanitize: 1, .deny: 1, .requireApproval: 1])
        #expect(s.topTools.first?.tool == "github" && s.topTools.first?.calls == 2)
        #expect(s.reasonCounts.map(\.code) == ["PII_EGRESS", "POLICY_MATCH", "SENSITIVE_DATA_EGRESS"])
        #expect(s.trust.score == sc("0.95"))
        #expect(s.trust.counters[.deny] == 1)
        #expect(s.trust.counters[.approval] == 1)
        #expect(!s.trust.suspended)
        #expect(s.trust.scrutinyPinnedUntil == nil)
        #expect(s.trust.cleanStreak == 1)

        let idle = r.g.snapshot(of: 1, at: at(m: 5))
        #expect(idle.firstSeen == nil && idle.lastSeen == nil && idle.totalCalls == 0)
        #expect(idle.recentDecisions.values.allSatisfy { $0 == 0 })
    }

    @Test("the decision split forgets decisions older than its window")
    func decisionWindow() throws {
        var r = Rig(try defaults())
        r.scan(at(h: 1))
        r.scan(at(h: 30))
        #expect(r.g.snapshot(of: 0, at: at(h: 30)).recentDecisions[.allow] == 1)
        #expect(r.g.snapshot(of: 0, at: at(h: 30)).totalCalls == 2)
    }

    @Test("a pinned agent's snapshot shows the pin until it ends")
    func pin() throws {
        var r = Rig(try defaults())
        r.scan(at(m: 1), risk: sc("0.8"), signature: 1)
        r.deny(at(m: 2), risk: sc("0.8"))                       // CRITICAL-band deny: incident, pin 24 h
        #expect(r.g.snapshot(of: 0, at: at(h: 1)).trust.scrutinyPinnedUntil == at(h: 24, m: 2))
        #expect(r.g.snapshot(of: 0, at: at(h: 1)).trust.inScrutiny)
        #expect(r.g.snapshot(of: 0, at: at(h: 24, m: 2)).trust.scrutinyPinnedUntil == nil)
    }
}
