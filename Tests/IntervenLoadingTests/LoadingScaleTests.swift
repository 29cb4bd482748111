import Foundation
import IntervenCore
import IntervenLoading
import IntervenSimulation
import IntervenTesting
import Testing

/// Large inputs load in time proportional to their size. These tests check what comes out, not
/// how long it takes; with lookups that walk a mapping per key (as loading once did) each of
/// them took minutes instead of about a second in a debug build.
@Suite("Loading large inputs")
struct LoadingScaleTests {
    static let agentLine = #"  - {group: g, count: 3, name: "a-{n}", runtime: custom, arrivals: {constant: 1/h}, mix: [{op: github.list_prs}]}"#
    static let header = "name: big\ndescription: a large scenario\nduration: 2h\nagents:\n" + agentLine + "\n"

    @Test("a rules file with 20,000 feeds loads every feed")
    func manyFeeds() throws {
        var text = "threat_intel:\n  feeds:\n"
        for i in 0..<20_000 { text += "    feed-\(i):\n      indicators: [h\(i).example]\n" }
        let feeds = try RulesFile.load(text: text, source: "feeds.yaml").threatIntel.feeds
        #expect(feeds.count == 20_006)
        #expect(feeds.last == ThreatFeed(name: "feed-19999", enabled: true, indicators: ["h19999.example"]))
    }

    @Test("40,000 unknown keys: the error names the first one, at its line")
    func manyUnknownKeys() throws {
        var text = "trust:\n"
        for i in 0..<40_000 { text += "  k\(i): 1\n" }
        let error = try #require(throws: LoadError.self) { try RulesFile.load(text: text, source: "keys.yaml") }
        #expect(error.code == .unknownKey)
        #expect((error.line, error.column) == (2, 3))
        #expect(error.message.hasPrefix("unknown key 'k0' in trust; valid keys: initial, "))
    }

    @Test("40,000 unknown top-level keys in a scenario: the error names the first one")
    func manyUnknownScenarioKeys() throws {
        var text = Self.header
        for i in 0..<40_000 { text += "x\(i): 1\n" }
        let error = try #require(throws: LoadError.self) {
            try ScenarioFile.load(text: text, source: "s.yaml", baseDirectory: ".")
        }
        #expect(error.code == .unknownKey)
        #expect(error.line == 6)
        #expect(error.message.hasPrefix("unknown key 'x0' at the top level"))
    }

    @Test("a key repeated after 10,000 others is reported at its second place")
    func lateDuplicate() throws {
        var text = "threat_intel:\n  feeds:\n"
        for i in 0..<10_000 { text += "    feed-\(i): {indicators: [h.example]}\n" }
        text += "    'feed-7': {indicators: [h.example]}\n"
        let error = try #require(throws: LoadError.self) { try RulesFile.load(text: text, source: "dup.yaml") }
        #expect(error.code == .duplicateKey)
        #expect(error.line == 10_003)
        #expect(error.message.contains("duplicate key 'feed-7'"))
    }

    @Test("5,000 policy rules and 2,000 agent groups load")
    func manyRulesAndGroups() throws {
        var rules = "policies:\n"
        for i in 0..<5_000 { rules += "  - {rule_id: r\(i), name: n, priority: \(i), match: {tool_names: [t\(i)]}, action: DENY}\n" }
        #expect(try RulesFile.load(text: rules, source: "p.yaml").policies.count == 5_000)

        var scenario = "name: groups\ndescription: many groups\nduration: 1h\nagents:\n"
        for i in 0..<2_000 {
            scenario += "  - {group: g\(i), name: a\(i), runtime: custom, arrivals: {constant: 1/h}, mix: [{op: github.list_prs}]}\n"
        }
        #expect(try ScenarioFile.load(text: scenario, source: "g.yaml", baseDirectory: ".").groups.count == 2_000)
    }

    @Test("500 rules changes in the timeline: each is in force from its time")
    func manyRulesChanges() throws {
        var text = Self.header + "timeline:\n"
        for i in 0..<500 { text += "  - {at: \(i)s, set: {triggers.repeated_deny.count: \(i % 10 + 1)}}\n" }
        let s = try ScenarioFile.load(text: text, source: "s.yaml", baseDirectory: ".")
        let counts = s.timeline.compactMap { e -> Int? in
            if case .setRules(let r, _) = e.action { return r.triggers.repeatedDenyCount } else { return nil }
        }
        #expect(counts == (0..<500).map { $0 % 10 + 1 })
    }

    /// Rules changes in the timeline as `(set mapping, the same change as --set arguments)`.
    static let changes: [(set: String, overrides: [String])] = [
        ("{triggers.repeated_deny.count: 3}", ["triggers.repeated_deny.count=3"]),
        ("{triggers.repeated_deny: {window: 30m, severity: CRITICAL}}", ["triggers.repeated_deny={window: 30m, severity: CRITICAL}"]),
        ("{threat_intel.feeds.inside.indicators: ['a b.example', \"x#y\", '198.51.100.9']}",
         ["threat_intel.feeds.inside.indicators=['a b.example', \"x#y\", '198.51.100.9']"]),
        ("{threat_intel.feeds.urlhaus.enabled: false, threat_intel.allowlist: [ok.example]}",
         ["threat_intel.feeds.urlhaus.enabled=false", "threat_intel.allowlist=[ok.example]"]),
        ("{scrutiny.min_band: none, scrutiny.verbs: [ADMIN]}", ["scrutiny.min_band=none", "scrutiny.verbs=[ADMIN]"]),
        ("{policies: [{rule_id: 'odd: id', name: \"a 'quoted' # name\", priority: 2, match: {host_patterns: ['*.ex[ab]mple', '?x']}, action: OPEN_INCIDENT, incident_severity: LOW}]}",
         ["policies=[{rule_id: 'odd: id', name: \"a 'quoted' # name\", priority: 2, match: {host_patterns: ['*.ex[ab]mple', '?x']}, action: OPEN_INCIDENT, incident_severity: LOW}]"]),
        ("{agent_overrides: [{agent: 'a-*', quarantine: true}], risk_bands.critical: 0.9}",
         ["agent_overrides=[{agent: 'a-*', quarantine: true}]", "risk_bands.critical=0.9"]),
        ("{triggers.repeated_deny.count: 4, trust.deny: -0.000001}", ["triggers.repeated_deny.count=4", "trust.deny=-0.000001"]),
    ]

    @Test("each timeline rules change gives the rules that laying every change so far over the base gives")
    func changesMatchLayering() throws {
        var text = Self.header + "set: {trust.initial: 0.9}\ntimeline:\n"
        for (i, c) in Self.changes.enumerated() { text += "  - {at: \(i + 1)m, set: \(c.set)}\n" }
        let s = try ScenarioFile.load(text: text, source: "s.yaml", baseDirectory: ".", overrides: ["approvals.grant_window=2m"])
        let got = s.timeline.compactMap { e -> Rules? in if case .setRules(let r, _) = e.action { r } else { nil } }
        try #require(got.count == Self.changes.count)
        var arguments = ["trust.initial=0.9", "approvals.grant_window=2m"]
        for (i, c) in Self.changes.enumerated() {
            arguments += c.overrides
            let expected = try RulesFile.load(path: nil, overrides: arguments)
            #expect(got[i] == expected, "after change \(i + 1): \(c.set)")
        }
    }
}
