import IntervenCheck
import IntervenCore
import IntervenLoading
import IntervenSimulation
import IntervenScenario
import IntervenTesting
import Testing

// State, decisions, detection and coverage expectations on both sides of their boundaries.

extension EvaluatorTests {
    // MARK: State

    /// a-1 suspended over [1h, 2h).
    static let suspension = quiet(count: 2, timeline: ["{at: 1h, suspend: a-1}", "{at: 2h, reactivate: a-1}"])

    @Test("state suspended: before, at and after a timeline suspend and reactivate")
    func suspended() async throws {
        try await judge(Self.suspension, [
            .pass("state: {agent: a-1, at: 59m59s999ms, suspended: false}"),
            .fail("state: {agent: a-1, at: 59m59s999ms, suspended: true}", "a-1 at 00:59:59.999: suspended", "a-1 was not suspended"),
            .pass("state: {agent: a-1, at: 1h, suspended: true}"),
            .pass("state: {agent: a-1, at: 1h59m59s999ms, suspended: true, scrutiny: false}"),
            .fail("state: {agent: \"a-*\", at: 1h30m, suspended: true}", "a-2 was not suspended"),
            .fail("state: {agent: a-1, at: 1h30m, suspended: false}", "a-1 was suspended (last change at 01:00:00: suspended)"),
            .pass("state: {agent: a-1, at: 2h, suspended: false}"),
            .fail("state: {agent: a-1, at: 2h, suspended: true}", "(last change at 02:00:00: reactivated)"),
            .pass("state: {agent: \"a-*\", at: 8h, suspended: false, scrutiny: false, pinned: false}", "all 2 agents"),
        ])
    }

    // MARK: Decisions

    /// a-1: 5 ALLOWs (1m..5m), then 5 DENYs (10m..50m). a-2: nothing.
    static let decisions = quiet(count: 2, set: [noCollapse], timeline: [
        "{at: 1m, scan: {agent: a-1, op: github.list_prs, risk: 0.1, count: 5, every: 1m}}",
        denies("a-1", at: "10m", count: 5, every: "10m"),
    ])

    @Test("decision counts, windows and shares")
    func decisionCounts() async throws {
        try await judge(Self.decisions, [
            .pass("decisions: {agent: a-1, DENY: 5, ALLOW: 5, scans: 10}", "10 scans: ALLOW 5, REQUIRE_APPROVAL 0, SANITIZE 0, DENY 5"),
            .fail("decisions: {agent: a-1, DENY: 4}", "DENY exactly 4", "DENY 5", "all 10 scans"),
            .pass("decisions: {agent: a-1, ALLOW: {at_least: 5}, SANITIZE: {at_most: 0}, REQUIRE_APPROVAL: 0}"),
            .fail("decisions: {agent: a-1, ALLOW: {at_least: 6}}", "ALLOW 5"),
            .fail("decisions: {agent: a-1, scans: {at_most: 9}}", "scans 10"),
            .pass("decisions: {agent: \"a-*\", scans: 10}"),
            .pass("decisions: {agent: a-2, scans: 0}"),
            .pass("decisions: {agent: a-1, within: [10m, 30m], DENY: 3, ALLOW: 0}", "between 00:10:00 and 00:30:00"),
            .fail("decisions: {agent: a-1, within: [10m1ms, 30m], DENY: 3}", "DENY 2"),
            .fail("decisions: {agent: a-1, by: 29m59s999ms, DENY: 3}", "up to 00:29:59.999", "DENY 2"),
            .pass("decisions: {agent: a-1, by: 30m, DENY: 3, ALLOW: 5}"),
        ])
    }

    @Test("decision shares: at the exact ratio and a millionth beyond it")
    func decisionShares() async throws {
        try await judge(Self.decisions, [
            .pass("decisions: {agent: a-1, share: {DENY: {at_least: 0.5}, ALLOW: {at_most: 0.5}}}"),
            .fail("decisions: {agent: a-1, share: {DENY: {at_least: 0.500001}}}", "DENY share 0.5 (5 of 10)"),
            .fail("decisions: {agent: a-1, share: {ALLOW: {at_most: 0.499999}}}", "ALLOW share 0.5 (5 of 10)"),
            .pass("decisions: {agent: a-1, by: 30m, share: {DENY: {at_least: 0.375, at_most: 0.375}}}"),
            .pass("decisions: {agent: a-1, share: {SANITIZE: {at_most: 0}}}"),
            .fail("decisions: {agent: a-2, share: {DENY: {at_most: 0}}}", "no scans, so no DENY share"),
        ])
    }

    // MARK: Detection

    /// good-1 (benign) is denied 5 times at 10m..14m: a false positive at 14m. bad-1..4 turn
    /// compromised at 1h; bad-1 is caught at 1h14m (14m), bad-2 at 1h34m (34m), bad-3 at 2h4m
    /// (1h4m), bad-4 never. Rate 3/4, false-positive ratio 1/4, p50 34m, p95 1h4m.
    static let detection = """
        name: detect
        description: benign and compromised agents, three of four caught
        duration: 8h
        set:
          triggers.trust_collapse.enabled: false
        agents:
          - group: good
            count: 2
            name: good-{n}
            runtime: custom
            label: benign
            arrivals: {constant: 0/h}
            mix: [{op: github.list_prs}]
          - group: bad
            count: 4
            name: bad-{n}
            runtime: custom
            arrivals: {constant: 0/h}
            mix: [{op: github.list_prs}]
            phases:
              - {at: 1h, label: compromised}
        timeline:
          - \(denies("good-1", at: "10m", count: 5, every: "1m"))
          - \(denies("bad-1", at: "1h10m", count: 5, every: "1m"))
          - \(denies("bad-2", at: "1h30m", count: 5, every: "1m"))
          - \(denies("bad-3", at: "2h", count: 5, every: "1m"))

        """

    @Test("detection rate, false-positive ratio and time to detect p50/p95 against labels and phases")
    func detection() async throws {
        try await judge(Self.detection, [
            .pass("detection: {trigger: repeated_deny, rate: {at_least: 0.75}}",
                  "detected 3 of 4 malicious agents (75.0%)", "1 of 4 incidents on benign agents", "time to detect p50 34m, p95 1h4m"),
            .fail("detection: {trigger: repeated_deny, rate: {at_least: 0.750001}}", "detection rate 0.75",
                  "missed: bad-4 (malicious from 01:00:00)"),
            .pass("detection: {trigger: repeated_deny, rate: {at_most: 0.75}}"),
            .pass("detection: {trigger: repeated_deny, false_positive_ratio: {at_most: 0.25}}"),
            .fail("detection: {trigger: repeated_deny, false_positive_ratio: {at_most: 0.249999}}", "false-positive ratio 0.25",
                  "on benign agents: good-1 repeated_deny at 00:14:00"),
            .pass("detection: {trigger: repeated_deny, time_to_detect: {p50: {at_most: 34m}, p95: {at_most: 1h4m}}}"),
            .fail("detection: {trigger: repeated_deny, time_to_detect: {p50: {at_most: 33m59s999ms}}}", "p50 34m",
                  "slowest detection took 1h4m"),
            .fail("detection: {trigger: repeated_deny, time_to_detect: {p95: {at_most: 1h3m59s999ms}}}", "p95 1h4m"),
            .pass("detection: {trigger: repeated_deny, time_to_detect: {p50: {at_least: 34m}, p95: {at_least: 1h4m}}}"),
            .fail("detection: {trigger: repeated_deny, time_to_detect: {p95: {at_least: 1h4m1ms}}}", "p95 1h4m"),
            // Any trigger: the same incidents (trust collapse is off).
            .pass("detection: {rate: {exactly: 0.75}, false_positive_ratio: {exactly: 0.25}}", "detection by any trigger"),
            // Restricted to agents: only the good ones cannot be measured; only bad ones have no false positive.
            .fail("detection: {agent: \"good-*\", rate: {at_least: 0}}", "no agent of good-* is labelled misbehaving or compromised"),
            .pass("detection: {agent: \"bad-*\", rate: {exactly: 0.75}, false_positive_ratio: {exactly: 0}}"),
            .pass("detection: {agent: \"bad-[12]\", rate: {exactly: 1}, time_to_detect: {p95: {exactly: 34m}}}"),
            .fail("detection: {agent: bad-4, time_to_detect: {p50: {at_most: 8h}}}", "no agent detected, so no time to detect"),
            .fail("detection: {trigger: critical_deny, rate: {at_least: 0.25}}", "detection rate 0", "detected 0 of 4"),
        ])
    }

    @Test("a group labelled misbehaving from the start is malicious for the whole run")
    func misbehavingFromTheStart() async throws {
        let scenario = quiet(count: 2, set: [noCollapse], timeline: [denies("a-2", at: "20m", count: 5, every: "1m")])
            .replacingOccurrences(of: "    runtime: custom\n", with: "    runtime: custom\n    label: misbehaving\n")
        try await judge(scenario, [
            .pass("detection: {trigger: repeated_deny, rate: {exactly: 0.5}, time_to_detect: {p50: {exactly: 24m}}}",
                  "detected 1 of 2 malicious agents (50.0%)", "0 of 1 incident on benign agents"),
            .fail("detection: {trigger: repeated_deny, rate: {at_least: 0.500001}}"),
        ])
    }

    // MARK: Sometimes

    @Test("sometimes: scrutiny and trust_below reached and not reached")
    func sometimesTrust() async throws {
        try await judge(Self.trust, [
            .pass("sometimes: {agent: a-1, scrutiny: true}", "first: a-1 at 00:20:00"),
            .pass("sometimes: {agent: a-1, scrutiny: true, within: [20m, 20m]}"),
            .fail("sometimes: {agent: a-1, scrutiny: true, by: 19m59s999ms}", "never reached", "lowest trust among them 0.6 (a-1 at 00:10:00)"),
            .pass("sometimes: {agent: a-1, scrutiny: true, within: [5h19m59s999ms, 8h]}"),
            .fail("sometimes: {agent: a-1, scrutiny: true, within: [5h20m, 8h]}", "never reached"),
            .pass("sometimes: {agent: \"*\", trust_below: 0.6}", "first: a-1 at 00:20:00"),
            .pass("sometimes: {trust_below: 0.550001}"),
            .fail("sometimes: {agent: a-1, trust_below: 0.55}", "never reached", "lowest trust among them 0.55 (a-1 at 00:20:00)"),
            .fail("sometimes: {agent: a-1, trust_below: 0.6, by: 19m59s999ms}"),
        ])
    }

    @Test("sometimes: suspended reached and not reached")
    func sometimesSuspended() async throws {
        try await judge(Self.suspension, [
            .pass("sometimes: {agent: a-1, suspended: true}", "first: a-1 at 01:00:00"),
            .pass("sometimes: {agent: a-1, suspended: true, within: [1h59m59s999ms, 8h]}"),
            .fail("sometimes: {agent: a-1, suspended: true, by: 59m59s999ms}", "never reached"),
            .fail("sometimes: {agent: a-1, suspended: true, within: [2h, 8h]}", "never reached"),
            .fail("sometimes: {agent: a-2, suspended: true}", "never reached"),
        ])
    }

    @Test("sometimes: a decision and an incident reached and not reached")
    func sometimesEvents() async throws {
        try await judge(Self.decisions, [
            .pass("sometimes: {agent: a-1, decision: DENY}", "5 scans"),
            .fail("sometimes: {agent: a-1, decision: SANITIZE}", "never reached", "10 scans, none SANITIZE"),
            .fail("sometimes: {agent: a-1, decision: DENY, by: 9m59s999ms}", "never reached", "5 scans, none DENY"),
            .pass("sometimes: {agent: a-1, decision: DENY, by: 10m}", "1 scan"),
            .fail("sometimes: {agent: a-2, decision: ALLOW}", "0 scans, none ALLOW"),
            .pass("sometimes: {agent: a-1, incident: repeated_deny}", "first: a-1 repeated_deny at 00:50:00"),
            .pass("sometimes: {incident: any, within: [50m, 50m]}"),
            .fail("sometimes: {incident: any, by: 49m59s999ms}", "never reached"),
            .fail("sometimes: {agent: a-1, incident: critical_deny}", "never reached"),
            .fail("sometimes: {agent: a-2, incident: any}", "never reached"),
        ])
    }
}
