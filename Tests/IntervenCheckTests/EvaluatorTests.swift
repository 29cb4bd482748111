import IntervenCheck
import IntervenCore
import IntervenLoading
import IntervenSimulation
import IntervenScenario
import IntervenTesting
import Testing

/// One `expect:` item and the verdict it must get: passed or not, and words its message carries.
struct Verdict: Sendable {
    var item: String
    var passes: Bool
    var says: [String]

    static func pass(_ item: String, _ says: String...) -> Verdict { Verdict(item: item, passes: true, says: says) }
    static func fail(_ item: String, _ says: String...) -> Verdict { Verdict(item: item, passes: false, says: says) }
}

/// Loads `scenario` (YAML without `expect:`) with `verdicts` as its expectations, runs it on one
/// shard, evaluates it, and checks every verdict and its message.
func judge(_ scenario: String, _ verdicts: [Verdict], sourceLocation: SourceLocation = #_sourceLocation) async throws {
    let text = scenario + "expect:\n" + verdicts.map { "  - \($0.item)\n" }.joined()
    let s = try ScenarioFile.load(text: text, source: "t.yaml", baseDirectory: ".")
    let result = await Simulation(scenario: s, shards: 1).run()
    var evaluator = Evaluator(scenario: s, result: result)
    let outcomes = evaluator.evaluate()
    try #require(outcomes.count == verdicts.count, sourceLocation: sourceLocation)
    let firstLine = scenario.split(separator: "\n", omittingEmptySubsequences: false).count + 1
    for (k, (v, o)) in zip(verdicts, outcomes).enumerated() {
        #expect(o.passed == v.passes, "\(v.item) → \(o.message)", sourceLocation: sourceLocation)
        #expect(o.index == k && o.location == "t.yaml:\(firstLine + k)", "\(v.item) → \(o.location)", sourceLocation: sourceLocation)
        #expect(o.passed ? o.evidence.isEmpty : o.message.hasPrefix("expected "), "\(v.item) → \(o.message)", sourceLocation: sourceLocation)
        for word in v.says {
            #expect(o.message.contains(word), "\(v.item): '\(word)' not in: \(o.message)", sourceLocation: sourceLocation)
        }
    }
}

/// A scenario of `count` quiet agents `a-1`... (no traffic of their own) over 8 hours, with
/// rules overrides and a timeline: every scan and trust change comes from the timeline.
func quiet(count: Int = 1, set: [String] = [], timeline: [String]) -> String {
    var out = "name: t\ndescription: quiet agents driven by the timeline\nseed: 1\nduration: 8h\n"
    if !set.isEmpty { out += "set:\n" + set.map { "  \($0)\n" }.joined() }
    out += """
        agents:
          - group: a
            count: \(count)
            name: a-{n}
            runtime: custom
            arrivals: {constant: 0/h}
            mix: [{op: github.list_prs}]

        """
    if !timeline.isEmpty { out += "timeline:\n" + timeline.map { "  - \($0)\n" }.joined() }
    return out
}

/// `n` denied external shares by an agent (policy P8, band HIGH: -0.05 trust each).
func denies(_ agent: String, at: String, count n: Int, every: String) -> String {
    "{at: \(at), scan: {agent: \(agent), op: gdrive.share_file_external, risk: 0.5, count: \(n), every: \(every)}}"
}

/// The rules used when only one incident per burst of denies is wanted (no trust_collapse on top).
let noCollapse = "triggers.trust_collapse.enabled: false"

@Suite("Evaluator: every expectation kind on both sides of its boundary")
struct EvaluatorTests {
    // MARK: Incidents

    /// a-1: 5 denies 10m..50m → repeated_deny at 50m, left open (5 traces).
    /// a-2: 5 denies 2h..2h4m → repeated_deny at 2h4m, investigating from 3h.
    /// a-3: 5 denies 4h..4h4m → repeated_deny at 4h4m, closed false_positive at 5h.
    static let incidents = quiet(count: 3, set: [noCollapse], timeline: [
        denies("a-1", at: "10m", count: 5, every: "10m"),
        denies("a-2", at: "2h", count: 5, every: "1m"),
        "{at: 3h, transition: {agent: a-2, trigger: repeated_deny, to: investigating}}",
        denies("a-3", at: "4h", count: 5, every: "1m"),
        "{at: 5h, close: {agent: a-3, trigger: repeated_deny, resolution: false_positive}}",
    ])

    @Test("incident count: exactly, at_least and at_most")
    func incidentCount() async throws {
        try await judge(Self.incidents, [
            .pass("incident: {trigger: repeated_deny, agent: \"a-*\", count: 3}", "3 incidents (first a-1 repeated_deny at 00:50:00"),
            .fail("incident: {trigger: repeated_deny, agent: \"a-*\", count: 4}", "exactly 4 repeated_deny incidents for a-*", "found 3"),
            .fail("incident: {trigger: repeated_deny, agent: \"a-*\", count: 2}", "found 3", "the extra: a-3 repeated_deny at 04:04:00"),
            .pass("incident: {trigger: repeated_deny, agent: \"a-*\", count: {at_least: 3}}"),
            .fail("incident: {trigger: repeated_deny, agent: \"a-*\", count: {at_least: 4}}", "at least 4", "found 3"),
            .pass("incident: {trigger: repeated_deny, agent: \"a-*\", count: {at_most: 3}}"),
            .fail("incident: {trigger: repeated_deny, agent: \"a-*\", count: {at_most: 2}}", "at most 2", "the extra: a-3"),
            .pass("incident: {trigger: repeated_deny, agent: \"a-*\", count: {at_least: 3, at_most: 3}}"),
            .pass("incident: {agent: a-1, count: {exactly: 1}}"),
            .pass("incident: {trigger: repeated_deny, agent: a-1}"),
            .fail("incident: {trigger: critical_deny, agent: a-1}", "found none", "other incidents of these agents: a-1 repeated_deny at 00:50:00"),
            .pass("incident: {trigger: critical_deny, agent: a-1, count: 0}"),
        ])
    }

    @Test("incident severity, status and resolution filters (timeline transition and close)")
    func incidentFilters() async throws {
        try await judge(Self.incidents, [
            .pass("incident: {trigger: repeated_deny, agent: a-1, severity: HIGH}"),
            .fail("incident: {trigger: repeated_deny, agent: a-1, severity: CRITICAL}", "found none",
                  "near misses: a-1 repeated_deny at 00:50:00: severity HIGH"),
            .pass("incident: {agent: \"a-*\", status: open, count: 1}", "first a-1"),
            .pass("incident: {agent: a-2, status: investigating}"),
            .fail("incident: {agent: a-2, status: open}", "near misses: a-2 repeated_deny at 02:04:00: status investigating"),
            .fail("incident: {agent: a-1, status: closed}", "status open"),
            .pass("incident: {agent: a-3, status: closed}"),
            .pass("incident: {agent: a-3, status: closed, resolution: false_positive}", "(HIGH, closed false_positive)"),
            .pass("incident: {agent: a-3, resolution: false_positive}"),
            .fail("incident: {agent: a-3, resolution: agent_compromised}", "resolved agent_compromised", "resolved false_positive"),
            .fail("incident: {agent: a-1, resolution: false_positive}", "no resolution"),
            .pass("incident: {agent: \"a-*\", resolution: false_positive, count: 1}"),
        ])
    }

    @Test("incident window: opened exactly at the window's end passes, one millisecond later fails")
    func incidentWindow() async throws {
        try await judge(Self.incidents, [
            .pass("incident: {trigger: repeated_deny, agent: a-1, within: [50m, 50m]}", "opened at 00:50:00"),
            .pass("incident: {trigger: repeated_deny, agent: a-1, by: 50m}"),
            .pass("incident: {trigger: repeated_deny, agent: a-1, within: {from: 49m, to: 50m}}"),
            .fail("incident: {trigger: repeated_deny, agent: a-1, by: 49m59s999ms}", "opened by 00:49:59.999",
                  "a-1 repeated_deny at 00:50:00: outside the window"),
            .fail("incident: {trigger: repeated_deny, agent: a-1, within: [50m1ms, 8h]}", "outside the window"),
            .pass("incident: {trigger: repeated_deny, agent: \"a-*\", within: [50m, 2h4m], count: 2}"),
            .pass("incident: {trigger: repeated_deny, agent: \"a-*\", within: [50m1ms, 2h4m], count: 1}"),
            .pass("incident: {trigger: repeated_deny, agent: \"a-*\", within: [50m, 2h3m59s999ms], count: 1}"),
        ])
    }

    @Test("incident traces: at_least on both sides")
    func incidentTraces() async throws {
        try await judge(Self.incidents, [
            .pass("incident: {trigger: repeated_deny, agent: a-1, traces: {at_least: 5}}", "with at least 5 linked traces"),
            .fail("incident: {trigger: repeated_deny, agent: a-1, traces: {at_least: 6}}", "found none", "5 linked traces"),
        ])
    }

    @Test("no_incident: by trigger, agent and window")
    func noIncident() async throws {
        try await judge(Self.incidents, [
            .fail("no_incident: {trigger: repeated_deny, agent: a-1}", "no repeated_deny incident for a-1", "found 1",
                  "a-1 repeated_deny at 00:50:00 (HIGH, open)"),
            .pass("no_incident: {trigger: critical_deny, agent: a-1}", "none"),
            .pass("no_incident: {trigger: threat_intel}"),
            .fail("no_incident: {}", "found 3"),
            .pass("no_incident: {agent: a-1, by: 49m59s999ms}", "up to 00:49:59.999"),
            .fail("no_incident: {agent: a-1, by: 50m}"),
            .pass("no_incident: {agent: \"a-*\", within: [50m1ms, 2h3m59s999ms]}"),
            .fail("no_incident: {agent: \"a-*\", within: [50m1ms, 2h4m]}", "a-2 repeated_deny at 02:04:00"),
        ])
    }

    @Test("a repeated_deny expectation that misses its threshold says how close the denies came")
    func repeatedDenyEvidence() async throws {
        let scenario = quiet(count: 2, set: ["triggers.repeated_deny.count: 6"], timeline: [
            denies("a-1", at: "10m", count: 5, every: "10m"),
        ])
        try await judge(scenario, [
            .fail("incident: {trigger: repeated_deny, agent: a-1}", "found none",
                  "a-1: at most 5 denies within 1h (threshold 6); 5 from 00:10:00 to 00:50:00, no later deny"),
            .fail("incident: {trigger: repeated_deny, agent: a-1, by: 2h}", "no later deny up to 02:00:00"),
            .fail("incident: {trigger: repeated_deny, agent: a-2}", "a-2: no deny"),
        ])
        // The 5th deny one second after the hour that began with the 1st.
        let spread = quiet(timeline: [denies("a-1", at: "10m", count: 4, every: "10m"), denies("a-1", at: "1h10m1s", count: 1, every: "1s")])
        try await judge(spread, [
            .fail("incident: {trigger: repeated_deny, agent: a-1}",
                  "a-1: at most 4 denies within 1h (threshold 5); 4 from 00:10:00 to 00:40:00, the 5th came at 01:10:01 (1s too late)"),
            .pass("no_incident: {trigger: repeated_deny}"),
        ])
    }

    // MARK: Trust

    /// Initial trust 0.65; a-1 is denied at 10m (0.60, not below the 0.6 threshold) and 20m
    /// (0.55: scrutiny), then recovers 0.01 per idle hour: 0.56 at 1h20m ... 0.60 at 5h20m.
    static let trust = quiet(set: ["trust.initial: 0.65"], timeline: [denies("a-1", at: "10m", count: 2, every: "10m")])

    @Test("trust at a time: between and approx, before and after a change")
    func trustValue() async throws {
        try await judge(Self.trust, [
            .pass("trust: {agent: a-1, at: 10m, between: [0.6, 0.6]}", "exactly 0.6: 0.6"),
            .fail("trust: {agent: a-1, at: 9m59s999ms, between: [0.6, 0.6]}", "at 00:09:59.999", "0.65", "unchanged since the start"),
            .pass("trust: {agent: a-1, at: 9m59s999ms, approx: 0.65}"),
            .pass("trust: {agent: a-1, at: 10m, approx: 0.601}"),
            .fail("trust: {agent: a-1, at: 10m, approx: 0.6011}", "between 0.6001 and 0.6021: 0.6"),
            .pass("trust: {agent: a-1, at: 10m, approx: 0.61, tolerance: 0.01}"),
            .fail("trust: {agent: a-1, at: 10m, approx: 0.61, tolerance: 0.009999}"),
            .pass("trust: {agent: a-1, at: 1h20m, approx: 0.56}"),
            .fail("trust: {agent: a-1, at: 1h19m59s999ms, approx: 0.56}", "0.55", "last change at 00:20:00 (deny)"),
            .pass("trust: {agent: \"a-*\", at: 8h, between: [0.62, 0.62]}"),
        ])
    }

    @Test("a trust expectation over a glob names the agents it fails for, with the first one's evidence")
    func trustOverAGlob() async throws {
        let three = quiet(count: 3, timeline: [denies("a-2", at: "10m", count: 1, every: "1m"), denies("a-3", at: "20m", count: 2, every: "1m")])
        try await judge(three, [
            .pass("trust: {agent: \"a-*\", at: 5m, approx: 1.0}", "holds for all 3 agents"),
            .fail("trust: {agent: \"a-*\", at: 30m, approx: 1.0}", "fails for 2 of 3 agents: a-2: 0.95, a-3: 0.9",
                  "a-2: last change at 00:10:00 (deny)"),
        ])
    }

    @Test("trust min and max over a window")
    func trustRange() async throws {
        try await judge(Self.trust, [
            .pass("trust: {agent: a-1, within: [0s, 1h], min: {at_least: 0.55}, max: {at_most: 0.65}}", "lowest 0.55, highest 0.65"),
            .fail("trust: {agent: a-1, within: [0s, 1h], min: {at_least: 0.550001}}", "lowest 0.55", "lowest at 00:20:00 (deny)"),
            .fail("trust: {agent: a-1, within: [0s, 1h], max: {at_most: 0.649999}}", "highest 0.65"),
            .pass("trust: {agent: a-1, within: [10m, 19m59s999ms], min: {exactly: 0.6}, max: {exactly: 0.6}}"),
            .fail("trust: {agent: a-1, within: [10m, 20m], min: {exactly: 0.6}}", "lowest 0.55"),
            .fail("trust: {agent: a-1, within: [9m59s999ms, 10m], max: {at_most: 0.6}}", "highest 0.65"),
            .pass("trust: {agent: a-1, min: {at_least: 0.55}}"),
        ])
    }

    @Test("enters_scrutiny and leaves_scrutiny in and out of their windows (threshold: below 0.6)")
    func scrutinyEvents() async throws {
        try await judge(Self.trust, [
            .pass("trust: {agent: a-1, enters_scrutiny: [0s, 20m]}", "at 00:20:00"),
            .pass("trust: {agent: a-1, enters_scrutiny: [20m, 8h]}"),
            .fail("trust: {agent: a-1, enters_scrutiny: [0s, 19m59s999ms]}", "entered at 00:20:00", "lowest trust 0.55 at 00:20:00"),
            .fail("trust: {agent: a-1, enters_scrutiny: [20m1ms, 8h]}", "entered at 00:20:00"),
            .pass("trust: {agent: a-1, leaves_scrutiny: [5h20m, 5h20m]}", "at 05:20:00"),
            .fail("trust: {agent: a-1, leaves_scrutiny: [0s, 5h19m59s999ms]}", "left at 05:20:00"),
            .fail("trust: {agent: a-1, leaves_scrutiny: {from: 5h20m1ms, to: 8h}}"),
        ])
        // Nobody enters scrutiny without a reason.
        try await judge(quiet(timeline: []), [
            .fail("trust: {agent: a-1, enters_scrutiny: [0s, 8h]}", "never entered scrutiny", "lowest trust 1 at 00:00:00"),
            .fail("trust: {agent: a-1, leaves_scrutiny: [0s, 8h]}", "never left scrutiny"),
        ])
    }

    @Test("recovers_above with by, and never_below with and without a window")
    func recoveryAndFloor() async throws {
        try await judge(Self.trust, [
            .pass("trust: {agent: a-1, recovers_above: 0.6, by: 5h20m}", "fell below at 00:20:00, back at 05:20:00"),
            .fail("trust: {agent: a-1, recovers_above: 0.6, by: 5h19m59s999ms}", "fell below at 00:20:00 and was 0.59 at 05:19:59.999",
                  "last change at 04:20:00 (idle)"),
            .pass("trust: {agent: a-1, recovers_above: 0.56, by: 1h20m}"),
            .fail("trust: {agent: a-1, recovers_above: 0.55, by: 8h}", "never fell below 0.55"),
            .pass("trust: {agent: a-1, never_below: 0.55}", "lowest 0.55"),
            .fail("trust: {agent: a-1, never_below: 0.550001}", "fell to 0.55 at 00:20:00 (deny)"),
            .pass("trust: {agent: a-1, never_below: 0.6, by: 19m59s999ms}"),
            .fail("trust: {agent: a-1, never_below: 0.6, by: 20m}", "fell to 0.55 at 00:20:00"),
            .pass("trust: {agent: a-1, never_below: 0.6, within: [5h20m, 8h]}"),
            .fail("trust: {agent: a-1, never_below: 0.6, within: [5h19m59s999ms, 8h]}", "fell to 0.59"),
        ])
    }

    /// a-1: 5 denies 10m..50m (0.75), repeated_deny at 50m pins scrutiny for 1h and lowers trust
    /// to 0.65: in scrutiny from the pin alone, over [50m, 1h50m).
    static let pinned = quiet(set: [noCollapse, "auto_response.pin_duration: 1h"], timeline: [denies("a-1", at: "10m", count: 5, every: "10m")])

    @Test("a scrutiny pin from an incident's auto-response counts as scrutiny, and ends after the pin duration")
    func pinnedScrutiny() async throws {
        try await judge(Self.pinned, [
            .pass("trust: {agent: a-1, enters_scrutiny: [50m, 50m]}", "at 00:50:00"),
            .fail("trust: {agent: a-1, enters_scrutiny: [50m1ms, 8h]}"),
            .pass("trust: {agent: a-1, leaves_scrutiny: [1h50m, 1h50m]}", "at 01:50:00"),
            .fail("trust: {agent: a-1, leaves_scrutiny: [0s, 1h49m59s999ms]}"),
            .pass("state: {agent: a-1, at: 49m59s999ms, scrutiny: false, pinned: false}"),
            .fail("state: {agent: a-1, at: 49m59s999ms, pinned: true}", "a-1 was not pinned"),
            .pass("state: {agent: a-1, at: 50m, scrutiny: true, pinned: true}", "yes"),
            .pass("state: {agent: a-1, at: 1h49m59s999ms, scrutiny: true, pinned: true}"),
            .pass("state: {agent: a-1, at: 1h50m, scrutiny: false, pinned: false}"),
            .fail("state: {agent: a-1, at: 1h50m, pinned: true}", "scrutiny pinned", "a-1 was not pinned"),
            .fail("state: {agent: a-1, at: 1h, scrutiny: false}", "in scrutiny (trust 0.65, pinned until 01:50:00)"),
            .fail("state: {agent: a-1, at: 1h, pinned: false}", "pinned until 01:50:00"),
            .pass("sometimes: {agent: a-1, scrutiny: true}", "a-1 at 00:50:00"),
            .pass("trust: {agent: a-1, never_below: 0.6}"),
        ])
        // With the default 24h pin it is still pinned when the run ends.
        try await judge(quiet(set: [noCollapse], timeline: [denies("a-1", at: "10m", count: 5, every: "10m")]), [
            .pass("state: {agent: a-1, at: 8h, scrutiny: true, pinned: true}"),
            .fail("trust: {agent: a-1, leaves_scrutiny: [50m, 8h]}", "never left scrutiny"),
        ])
    }
}
