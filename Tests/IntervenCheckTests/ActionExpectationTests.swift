import IntervenCheck
import IntervenCore
import IntervenLoading
import IntervenSimulation
import IntervenScenario
import IntervenTesting
import Testing

@Suite("Evaluator: refused actions, reason codes and notes on both sides of their boundaries")
struct ActionExpectationTests {
    /// a-1 suspended at 10m: three scans 20m..22m are gate-denied (AGENT_SUSPENDED); a reset of
    /// its trust at 30m is refused; reactivated at 40m.
    static let suspended = quiet(timeline: [
        "{at: 10m, suspend: a-1}",
        "{at: 20m, scan: {agent: a-1, op: github.list_prs, count: 3, every: 1m}}",
        "{at: 30m, reset_trust: a-1}",
        "{at: 40m, reactivate: a-1}",
    ])

    @Test("refused: the action, agent and time of a refusal")
    func refused() async throws {
        try await judge(Self.suspended, [
            .pass("refused: {agent: a-1, action: reset_trust, within: [30m, 30m], count: 1}", "found 1", "suspended"),
            .pass("refused: {count: 1}"),
            .fail("refused: {agent: a-1, action: reset_trust, within: [30m1ms, 1h]}", "found none", "other refused actions: operator reset_trust a-1 at 00:30:00"),
            .fail("refused: {agent: a-1, action: reset_trust, within: [0s, 29m59s999ms]}", "found none"),
            .fail("refused: {action: suspend}", "found none"),
            .fail("refused: {agent: a-1, count: 0}", "found 1"),
        ])
    }

    @Test("a refusal no refused: expectation states is unexpected")
    func unexpected() async throws {
        let without = try ScenarioFile.load(text: Self.suspended, source: "t.yaml", baseDirectory: ".")
        let run = await Simulation(scenario: without, shards: 1).run()
        let lone = Evaluator(scenario: without, result: run).unexpectedRefusals()
        #expect(lone.map(\.keyword) == ["reset_trust"])
        #expect(lone.first?.line == 15, "the timeline item's line: \(lone.map(\.line))")
        let stated = try ScenarioFile.load(text: Self.suspended + "expect:\n  - refused: {agent: a-1, action: reset_trust}\n",
                                           source: "t.yaml", baseDirectory: ".")
        #expect(Evaluator(scenario: stated, result: run).unexpectedRefusals().isEmpty)
        let other = try ScenarioFile.load(text: Self.suspended + "expect:\n  - refused: {agent: a-1, action: close}\n",
                                          source: "t.yaml", baseDirectory: ".")
        #expect(Evaluator(scenario: other, result: run).unexpectedRefusals().count == 1)
    }

    @Test("reasons: scans with a reason code, counted in a window to the millisecond")
    func reasons() async throws {
        try await judge(Self.suspended, [
            .pass("reasons: {agent: a-1, code: AGENT_SUSPENDED, count: 3}", "3 scans (DENY 3)"),
            .pass("reasons: {agent: a-1, code: AGENT_SUSPENDED, within: [20m, 22m], count: 3}"),
            .fail("reasons: {agent: a-1, code: AGENT_SUSPENDED, within: [20m, 21m59s999ms], count: 3}", "2 scans"),
            .fail("reasons: {agent: a-1, code: AGENT_SUSPENDED, within: [20m1ms, 22m], count: 3}", "2 scans"),
            .fail("reasons: {agent: a-1, code: POLICY_MATCH}", "0 scans", "AGENT_SUSPENDED 3"),
            .pass("reasons: {agent: a-1, code: MY_OWN_CODE, count: 0}"),
        ])
    }

    /// a-1: 5 denies 10m..50m → repeated_deny at 50m; alice notes it at 55m; a note at 40m
    /// (before it opened) is refused.
    static let noted = quiet(set: [noCollapse], timeline: [
        denies("a-1", at: "10m", count: 5, every: "10m"),
        "{at: 40m, by: bob, note: {agent: a-1, trigger: repeated_deny, text: early}}",
        "{at: 55m, by: alice, note: {agent: a-1, trigger: repeated_deny, text: \"checked the logs\"}}",
    ])

    @Test("notes: author, text and time of notes on incidents")
    func notes() async throws {
        try await judge(Self.noted, [
            .pass("notes: {agent: a-1, trigger: repeated_deny, by_author: alice, text: logs, within: [55m, 55m], count: 1}", "found 1"),
            .pass("notes: {count: 1}"),
            .fail("notes: {agent: a-1, by_author: bob}", "found none", "other notes: alice", "refused notes: bob note a-1 repeated_deny at 00:40:00"),
            .fail("notes: {agent: a-1, within: [55m1ms, 1h]}", "found none"),
            .fail("notes: {agent: a-1, text: nothing-like-it}", "found none"),
            .fail("notes: {agent: a-1, trigger: threat_intel}", "found none"),
        ])
    }

    /// a-1: 3 denied shares at 10m, 11m, 12m (band HIGH); its trust reset at 30m zeroes the trust
    /// counters. a-2: 2 denies at 20m, 21m, never reset.
    static let counted = quiet(count: 2, set: [noCollapse], timeline: [
        denies("a-1", at: "10m", count: 3, every: "1m"),
        denies("a-2", at: "20m", count: 2, every: "1m"),
        "{at: 30m, reset_trust: a-1}",
    ])

    @Test("counters: the rolling counters at an instant, before and after a reset")
    func counters() async throws {
        try await judge(Self.counted, [
            .pass("counters: {agent: a-1, at: 11m, deny: 2, high_risk: 2}", "a-1: deny 2"),
            .pass("counters: {agent: a-1, at: 10m59s999ms, deny: 1}"),
            .fail("counters: {agent: a-1, at: 10m59s999ms, deny: 2}", "a-1: deny 1"),
            .pass("counters: {agent: a-1, at: 29m59s999ms, deny: 3, critical: 0}"),
            .pass("counters: {agent: a-1, at: 30m, deny: 0, high_risk: 0}"),
            .fail("counters: {agent: a-1, at: 30m, deny: {at_least: 1}}", "a-1: deny 0"),
            .pass("counters: {agent: \"a-*\", at: 25m, deny: {at_least: 2}}"),
            .fail("counters: {agent: \"a-*\", at: 7h, deny: 2}", "a-1: deny 0"),
        ])
    }

    @Test("counter readings do not depend on the shard count")
    func countersOverShards() async throws {
        let s = try ScenarioFile.load(text: Self.counted + "expect:\n  - counters: {agent: \"a-*\", at: 21m, deny: 2}\n",
                                      source: "t.yaml", baseDirectory: ".")
        let one = await Simulation(scenario: s, shards: 1).run()
        let two = await Simulation(scenario: s, shards: 2).run()
        #expect(one.observations.counterReadings == [[3, 0, 3, 0, 0, 0], [2, 0, 2, 0, 0, 0]])
        #expect(one.observations.counterReadings == two.observations.counterReadings)
    }
}
