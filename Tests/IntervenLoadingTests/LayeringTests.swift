import Foundation
import IntervenCore
import IntervenLoading
import IntervenTesting
import Testing

@Suite("Layering a rules file over the defaults")
struct LayeringTests {
    @Test("a partial file changes only the values it names")
    func partialFile() throws {
        let text = """
            trust:
              scrutiny_threshold: 0.5
            triggers:
              repeated_deny:
                count: 3
            """
        let r = try RulesFile.load(text: text, source: "rules/partial.yaml")
        var expected = try RulesFile.defaults()
        expected.trust.scrutinyThreshold = Score.parse("0.5")!
        expected.triggers.repeatedDenyCount = 3
        #expect(r == expected)
        #expect(r.triggers.repeatedDenyWindow == .hours(1))
    }

    @Test("feeds merge by name: one feed's switch can change alone, and new feeds come after the defaults")
    func feedsMergeByName() throws {
        let text = """
            threat_intel:
              feeds:
                urlhaus:
                  enabled: false
                internal-blocklist:
                  indicators: [bad.example]
            """
        let feeds = try RulesFile.load(text: text, source: "f.yaml").threatIntel.feeds
        #expect(feeds.count == 7)
        #expect(feeds[0] == ThreatFeed(name: "urlhaus", enabled: false, indicators: ["malware-drop.example", "198.51.100.23"]))
        #expect(feeds[1...5].allSatisfy { $0.enabled })
        #expect(feeds[6] == ThreatFeed(name: "internal-blocklist", enabled: true, indicators: ["bad.example"]))
    }

    @Test("lists replace whole instead of merging")
    func listsReplace() throws {
        let text = """
            scrutiny:
              verbs: [ADMIN]
            threat_intel:
              denylist: []
            policies:
              - rule_id: only
                name: Only rule
                action: DENY
            """
        let r = try RulesFile.load(text: text, source: "l.yaml")
        #expect(r.scrutiny.verbs == VerbSet([.admin]))
        #expect(r.threatIntel.denylist.isEmpty)
        #expect(r.policies == [PolicyRule(id: "only", name: "Only rule", priority: 100, action: .deny)])
    }

    @Test("a section with every key commented out changes nothing; min_band can be switched off")
    func nullSections() throws {
        let r = try RulesFile.load(text: "trust:\nscrutiny:\n  min_band: null\n", source: "n.yaml")
        var expected = try RulesFile.defaults()
        expected.scrutiny.minBand = nil
        #expect(r == expected)
        #expect(try RulesFile.load(text: "scrutiny: {min_band: none}", source: "n.yaml").scrutiny.minBand == nil)
    }

    @Test("rules with every optional key, and agent overrides")
    func fullRule() throws {
        let text = """
            policies:
              - rule_id: big
                name: Big uploads
                priority: -5
                match:
                  tool_names: [gdrive, "s3*"]
                  verbs: [WRITE]
                  agent_ids: [fin-bot-*]
                  agent_runtime_types: [claude_code, mcp]
                  url_patterns: ["https://*.example/*"]
                  host_patterns: ["*.example"]
                condition:
                  body_size_bytes_gt: 1048576
                  is_external: true
                  risk_score_gt: 0.7
                  trust_score_lt: 0.4
                  threat_intel_match: false
                action: OPEN_INCIDENT
                incident_severity: HIGH
                reason_code: LARGE_EGRESS
            agent_overrides:
              - agent: fin-bot-*
                quarantine: true
                rules:
                  - {rule_id: fin-allow-merge, name: Let fin bots merge, match: {operations: [merge_pr]}, action: ALLOW}
              - agent: lonely
            """
        let r = try RulesFile.load(text: text, source: "full.yaml")
        let rule = try #require(r.policies.first)
        #expect(rule.priority == -5)
        #expect(rule.match.toolNames == ["gdrive", "s3*"])
        #expect(rule.match.agents == ["fin-bot-*"])
        #expect(rule.match.runtimes == [.claudeCode, .mcp])
        #expect(rule.match.operations == nil)
        #expect(rule.condition.bodySizeGreaterThan == 1_048_576)
        #expect(rule.condition.riskScoreGreaterThan == Score.parse("0.7"))
        #expect(rule.condition.trustScoreLessThan == Score.parse("0.4"))
        #expect(rule.condition.threatIntelMatch == false)
        #expect(rule.condition.hasDataClass == nil)
        #expect(rule.action == .openIncident && rule.incidentSeverity == .high)
        #expect(r.agentOverrides.count == 2)
        #expect(r.agentOverrides[0].quarantine)
        #expect(r.agentOverrides[0].rules.map(\.id) == ["fin-allow-merge"])
        #expect(r.agentOverrides[1] == AgentOverride(agent: "lonely"))
    }

    @Test("a file on disk is read and named in errors")
    func fromDisk() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("interven-loading-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = dir.appendingPathComponent("good.yaml").path
        try "approvals:\n  pending_ttl: 15m\n".write(toFile: good, atomically: true, encoding: .utf8)
        #expect(try RulesFile.load(path: good).approvals.pendingTTL == .minutes(15))

        let bad = dir.appendingPathComponent("bad.yaml").path
        try "approvals:\n  pending_ttl: soon\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let error = try #require(throws: LoadError.self) { try RulesFile.load(path: bad) }
        #expect(error.code == .wrongType)
        #expect(error.description.hasPrefix("\(bad):2:16: approvals.pending_ttl: expected a duration"))
    }

    @Test("a missing file is refused by name")
    func missingFile() throws {
        let error = try #require(throws: LoadError.self) { try RulesFile.load(path: "rules/does-not-exist.yaml") }
        #expect(error.code == .fileNotFound)
        #expect(error.file == "rules/does-not-exist.yaml")
        #expect(error.description == "rules/does-not-exist.yaml: no such rules file")
    }

    @Test("the shipped file itself loads to the defaults")
    func shippedFile() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Scenarios/rules/default.yaml").path
        #expect(try RulesFile.load(path: path) == RulesFile.defaults())
    }
}
