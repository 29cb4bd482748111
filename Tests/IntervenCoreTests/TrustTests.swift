import IntervenCore
import IntervenTesting
import Testing

@Suite("Trust movements")
struct TrustTests {
    @Test("every agent starts at 1.0 and a plain DENY lowers it by 0.05")
    func plainDeny() throws {
        var r = Rig(try defaults(), agents: ["a", "b"])
        #expect(r.trust(0) == .one)
        #expect(r.trust(1) == .one)
        let v = r.deny(at(m: 1))
        #expect(v.trustAfter == sc("0.95"))
        let changes = r.changes()
        try #require(changes.count == 1)
        #expect(changes[0].time == at(m: 1))
        #expect(changes[0].agent == 0)
        #expect(changes[0].before == .one)
        #expect(changes[0].after == sc("0.95"))
        #expect(changes[0].cause == .deny)
        #expect(r.trust(1) == .one)
    }

    @Test("trust never leaves [0, 1]")
    func clamped() throws {
        var rules = try defaults().quiet
        rules.trust.deny = sc("-0.4")
        var r = Rig(rules)
        for i in 1...4 { r.deny(at(m: Int64(i))) }
        #expect(r.trust() == .zero)
    }

    @Test("the 50th consecutive clean scan earns +0.05, the 49th does not", arguments: [(49, "0.8"), (50, "0.85")])
    func cleanStreak(scans: Int, expected: String) throws {
        var rules = try defaults()
        rules.trust.initial = sc("0.8")
        var r = Rig(rules)
        for i in 0..<scans { r.scan(at(m: 1, s: Int64(i))) }
        #expect(r.trust() == sc(expected))
    }

    @Test("the streak restarts after a reward")
    func streakRestarts() throws {
        var rules = try defaults()
        rules.trust.initial = sc("0.8")
        var r = Rig(rules)
        for i in 0..<50 { r.scan(at(m: 1, s: Int64(i))) }
        #expect(r.trust() == sc("0.85"))
        for i in 50..<99 { r.scan(at(m: 1, s: Int64(i))) }
        #expect(r.trust() == sc("0.85"))
        r.scan(at(m: 1, s: 99))
        #expect(r.trust() == sc("0.9"))
        #expect(r.changes().map(\.cause) == [.cleanStreak, .cleanStreak])
    }

    @Test("a DENY breaks the clean streak")
    func denyBreaksStreak() throws {
        var rules = try defaults()
        rules.trust.initial = sc("0.8")
        var r = Rig(rules)
        var t = at(m: 1)
        for _ in 0..<49 { r.scan(t); t = t + .seconds(1) }
        r.deny(t); t = t + .seconds(1)
        #expect(r.trust() == sc("0.75"))
        for _ in 0..<49 { r.scan(t); t = t + .seconds(1) }
        #expect(r.trust() == sc("0.75"))
        r.scan(t)
        #expect(r.trust() == sc("0.8"))
    }

    @Test("a gate deny also breaks the clean streak")
    func gateDenyBreaksStreak() throws {
        var rules = try defaults()
        rules.trust.initial = sc("0.8")
        var r = Rig(rules)
        var t = at(m: 1)
        for _ in 0..<49 { r.scan(t); t = t + .seconds(1) }
        try r.g.suspend(0, at: t)
        r.scan(t); t = t + .seconds(1)
        try r.g.reactivate(0, at: t)
        r.scan(t)
        #expect(r.trust() == sc("0.8"))
    }

    @Test("idle recovery credits +0.01 per full idle hour when the agent is next seen", arguments: [
        (SimDuration(milliseconds: 3_600_000 - 1), "0.9"), (.hours(1), "0.91"),
        (SimDuration(milliseconds: 3 * 3_600_000 - 1), "0.92"), (.hours(3), "0.93"),
    ])
    func idleRecovery(idle: SimDuration, expected: String) throws {
        var rules = try defaults()
        rules.trust.initial = sc("0.9")
        var r = Rig(rules)
        let t0 = at(h: 2)
        r.scan(t0)
        let v = r.scan(t0 + idle)
        #expect(v.trustAfter == sc(expected))
        #expect(r.changes().allSatisfy { $0.cause == .idle })
    }

    @Test("idle recovery is capped at 1.0")
    func idleCap() throws {
        var rules = try defaults()
        rules.trust.initial = sc("0.995")
        var r = Rig(rules)
        r.scan(at(h: 1))
        #expect(r.scan(at(h: 3)).trustAfter == .one)
    }

    @Test("settling credits idle hours without a scan, and never credits an hour twice")
    func settleCredits() throws {
        var rules = try defaults()
        rules.trust.initial = sc("0.9")
        var r = Rig(rules)
        r.scan(at(h: 1))
        r.g.settle(until: at(h: 3, m: 30))
        #expect(r.trust() == sc("0.92"))
        // One +0.01 step at the end of each full idle hour.
        let steps = r.changes()
        #expect(steps.map(\.time) == [at(h: 2), at(h: 3)])
        #expect(steps.map(\.after) == [sc("0.91"), sc("0.92")])
        r.scan(at(h: 3, m: 59))
        #expect(r.trust() == sc("0.92"))
        // The next idle hour counts from the last scan, not from the settle.
        #expect(r.scan(at(h: 4, m: 59)).trustAfter == sc("0.93"))
    }

    @Test("a suspended agent's idle hours are credited by settling, as its next scan would")
    func settleSuspended() throws {
        var rules = try defaults()
        rules.trust.initial = sc("0.9")
        var r = Rig(rules)
        r.scan(at(h: 1))
        try r.g.suspend(0, at: at(h: 1, m: 1))
        r.g.settle(until: at(h: 3, m: 30))
        #expect(r.trust() == sc("0.92"))
    }

    @Test("an agent never seen gets no idle credit")
    func neverSeen() throws {
        var rules = try defaults()
        rules.trust.initial = sc("0.9")
        var r = Rig(rules)
        r.g.settle(until: at(h: 10))
        #expect(r.trust() == sc("0.9"))
    }
}

@Suite("Trust collapse (a fall of more than 0.3 within 1 h)")
struct TrustCollapseTests {
    /// Rules where only plain denies move trust and only trust_collapse opens incidents.
    func rules(deny: String) throws -> Rules {
        var r = try defaults().quiet
        r.triggers.trustCollapse.enabled = true
        r.trust.deny = sc(deny)
        r.trust.idleReward = .zero
        return r
    }

    @Test("a fall of exactly 0.30 does not fire; 0.31 does", arguments: [
        ("-0.3", 1, false), ("-0.31", 1, true), ("-0.1", 3, false), ("-0.15", 2, false), ("-0.155", 2, true),
        ("-0.06", 5, false), ("-0.062", 5, true),
    ])
    func magnitude(deny: String, denies: Int, fires: Bool) throws {
        var r = Rig(try rules(deny: deny))
        for i in 0..<denies { r.deny(at(h: 1, m: Int64(10 * i))) }
        let collapse = r.incidents(.trustCollapse)
        #expect(collapse.count == (fires ? 1 : 0))
        if fires {
            try #require(collapse.count == 1)
            #expect(collapse[0].severity == .medium)
            #expect(collapse[0].openedAt == at(h: 1, m: Int64(10 * (denies - 1))))
        }
    }

    @Test("falls exactly one hour apart are within the window; one tick more is not", arguments: [
        (SimDuration.hours(1), true), (.hours(1) + SimDuration(milliseconds: 1), false),
    ])
    func window(gap: SimDuration, fires: Bool) throws {
        var r = Rig(try rules(deny: "-0.155"))
        r.deny(at(h: 1))
        r.deny(at(h: 1) + gap)
        #expect(r.incidents(.trustCollapse).count == (fires ? 1 : 0))
    }

    @Test("the fall is measured from the highest trust within the window, not from 1.0")
    func fromPeak() throws {
        var rules = try rules(deny: "-0.1")
        rules.trust.initial = sc("0.7")
        var r = Rig(rules)
        for i in 0..<3 { r.deny(at(h: 1, m: Int64(i))) }   // 0.7 → 0.4: exactly 0.30
        #expect(r.incidents(.trustCollapse).isEmpty)
        r.deny(at(h: 1, m: 3))                              // 0.3: 0.40 below the peak
        #expect(r.incidents(.trustCollapse).count == 1)
    }

    @Test("after a collapse and some recovery, a small fall is measured from the recovered level, not the old peak")
    func afterRecovery() throws {
        var rules = try rules(deny: "-0.05")
        rules.trust.criticalDeny = sc("-0.35")
        rules.trust.idleReward = sc("0.01")
        var r = Rig(rules)
        let t0 = at(h: 1)
        r.deny(t0, risk: sc("0.9"))                         // 1.0 → 0.65: a collapse
        let first = try #require(r.incidents(.trustCollapse).first)
        try r.g.transition(first.id, to: .closed, resolution: .agentMisbehavior, by: "ana", at: t0 + .minutes(1))
        // Three idle hours later: +0.03 (credited now) to 0.68, then a plain deny to 0.63.
        let v = r.deny(t0 + .hours(3))
        #expect(v.trustAfter == sc("0.63"))
        #expect(r.incidents(.trustCollapse).count == 1)
    }

    @Test("a collapse after an operator reset is measured from the reset value")
    func afterReset() throws {
        var r = Rig(try rules(deny: "-0.2"))
        r.deny(at(h: 1))
        try r.g.resetTrust(0, at: at(h: 1, m: 1))
        r.deny(at(h: 1, m: 2))
        #expect(r.incidents(.trustCollapse).isEmpty)
        r.deny(at(h: 1, m: 3))                              // 1.0 → 0.6 since the reset
        #expect(r.incidents(.trustCollapse).count == 1)
    }
}

@Suite("Operator reset, suspend and reactivate")
struct OperatorTrustTests {
    /// A gateway whose agent took a critical deny: trust 0.75, counters set, scrutiny pinned.
    func damaged() throws -> Rig {
        var r = Rig(try defaults())
        r.deny(at(h: 1), risk: sc("0.8"))
        #expect(r.trust() == sc("0.75"))
        return r
    }

    @Test("reset is refused while suspended and changes nothing")
    func resetRefusedWhileSuspended() throws {
        var r = try damaged()
        try r.g.suspend(0, at: at(h: 1, m: 1))
        _ = r.changes()
        #expect(refusal { try r.g.resetTrust(0, at: at(h: 1, m: 2)) } == .agentSuspended)
        #expect(r.trust() == sc("0.75"))
        #expect(r.g.isSuspended(0))
        #expect(r.g.inScrutiny(0, at: at(h: 1, m: 2)))
        #expect(r.g.trust.counter(.deny, agent: 0, at: at(h: 1, m: 2)) == 1)
        #expect(r.g.trust.counter(.critical, agent: 0, at: at(h: 1, m: 2)) == 1)
        #expect(r.changes().isEmpty)
    }

    @Test("reactivation keeps trust, counters and the pin as they were")
    func reactivateKeepsState() throws {
        var r = try damaged()
        let t = at(h: 1, m: 2)
        let countersBefore = CounterKind.trustCounters.map { r.g.trust.counter($0, agent: 0, at: t) }
        try r.g.suspend(0, at: at(h: 1, m: 1))
        try r.g.reactivate(0, at: t)
        #expect(!r.g.isSuspended(0))
        #expect(r.trust() == sc("0.75"))
        #expect(CounterKind.trustCounters.map { r.g.trust.counter($0, agent: 0, at: t) } == countersBefore)
        #expect(countersBefore.reduce(0, +) > 0)
        #expect(r.g.inScrutiny(0, at: t))
    }

    @Test("reset also empties the repeated-deny window: one deny after it opens nothing")
    func resetEmptiesDenyWindow() throws {
        var r = Rig(try defaults())
        for k in 0..<4 { r.deny(at(m: Int64(k))) }
        try r.g.resetTrust(0, at: at(m: 5))
        r.deny(at(m: 6))
        #expect(r.incidents(.repeatedDeny).isEmpty)
        for k in 7..<11 { r.deny(at(m: Int64(k))) }
        #expect(r.incidents(.repeatedDeny).count == 1, "five denies after the reset do open one")
    }

    @Test("reset after reactivation restores 1.0, zeroes the counters and clears the pin")
    func resetAfterReactivate() throws {
        var r = try damaged()
        try r.g.suspend(0, at: at(h: 1, m: 1))
        try r.g.reactivate(0, at: at(h: 1, m: 2))
        _ = r.changes()
        try r.g.resetTrust(0, at: at(h: 1, m: 3))
        let t = at(h: 1, m: 3)
        #expect(r.trust() == .one)
        #expect(CounterKind.trustCounters.allSatisfy { r.g.trust.counter($0, agent: 0, at: t) == 0 })
        #expect(!r.g.inScrutiny(0, at: t))
        #expect(r.changes().map(\.cause) == [.reset])
        #expect(r.write(at(h: 1, m: 4)).decision == .allow)
    }
}
