import IntervenCore
import IntervenLoading
import IntervenTesting
import Testing

@Suite("Rendering effective rules")
struct RenderTests {
    static let changedFile = """
        risk_bands:
          medium: 0.3
        trust:
          deny: -0.07
          idle_recovery:
            period: 0s
        scrutiny:
          min_band: null
          verbs: []
        triggers:
          repeated_deny:
            count: 3
            window: 90m
          read_then_write:
            sensitive_classes: [SECRETS, INTERNAL]
        correlation:
          privilege_escalation:
            creates: [iam.create_user]
        threat_intel:
          feeds:
            urlhaus:
              enabled: false
            "team list: #1":
              indicators: ["2001:db8::1", "evil.example", "null"]
          allowlist: [intranet.example]
        policies:
          - rule_id: P1
            name: "Deny: GitHub external collaborator"
            priority: 10
            match: {tool_names: [github], operations: [add_collaborator]}
            action: DENY
          - rule_id: P3
            name: Deny Slack secret egress
            priority: 30
            match: {tool_names: [slack], operations: [post_message, update_message]}
            condition: {has_data_class: [SECRETS]}
            action: OPEN_INCIDENT
            incident_severity: CRITICAL
            reason_code: SECRET_DETECTED
          - rule_id: big-upload
            name: Big uploads to risky hosts
            match: {verbs: [WRITE], agent_runtime_types: [claude_code], host_patterns: ["*.example"], url_patterns: ["https://x.example/*?a=1"]}
            condition: {body_size_bytes_gt: 1000000, risk_score_gt: 0.5, trust_score_lt: 0.8, threat_intel_match: false, is_external: true}
            action: REQUIRE_APPROVAL
        agent_overrides:
          - agent: fin-bot-*
            quarantine: true
            rules:
              - {rule_id: fin-allow-merge, name: Let fin bots merge, match: {operations: [merge_pr]}, action: ALLOW}
          - agent: "quoted \\"agent\\""
            rules: []
        """

    @Test("the defaults render without a single '# default:' note and load back equal")
    func defaultsRoundTrip() throws {
        let defaults = try RulesFile.defaults()
        let text = RulesFile.render(defaults)
        #expect(!text.contains("# default:"))
        #expect(try RulesFile.load(text: text, source: "rendered.yaml") == defaults)
    }

    @Test("a changed file renders to text that loads back to the same rules")
    func changedRoundTrip() throws {
        let rules = try RulesFile.load(text: Self.changedFile, source: "changed.yaml", overrides: ["approvals.deny_window=20m"])
        #expect(rules.threatIntel.feeds.last?.name == "team list: #1")
        let text = RulesFile.render(rules)
        let again = try RulesFile.load(text: text, source: "rendered.yaml")
        #expect(again == rules)
        // Rendering is stable: the rendered file renders to itself.
        #expect(RulesFile.render(again) == text)
    }

    @Test("changed values carry their default, unchanged ones do not", arguments: [
        ("  medium: 0.3", "# default: 0.25"),
        ("  deny: -0.07", "# default: -0.05"),
        ("    period: 0s", "# default: 1h"),
        ("  verbs: []", "# default: [WRITE, ADMIN]"),
        ("  min_band: null", "# default: MEDIUM"),
        ("    count: 3", "# default: 5"),
        ("    window: 1h30m", "# default: 1h"),
        ("    sensitive_classes: [SECRETS, INTERNAL]", "# default: [SECRETS, PII, PHI]"),
        ("    creates: [iam.create_user]", "# default: [aws.create_user, aws.create_role]"),
        ("      enabled: false", "# default: true"),
        ("  allowlist: [intranet.example]", "# default: []"),
        ("  deny_window: 20m", "# default: 10m"),
        ("    name: \"Deny: GitHub external collaborator\"", "# default: Deny GitHub external collaborator"),
        ("    condition: {}", "# default: {is_external: true}"),
        ("    reason_code: null", "# default: EXTERNAL_PRINCIPAL"),
        ("    action: OPEN_INCIDENT", "# default: DENY"),
        ("    incident_severity: CRITICAL", "# default: null"),
        ("  - rule_id: big-upload", "# not in defaults"),
        ("policies:", "# default: [P1, P2, P3, P4, P5, P6, P7, P8, P9]"),
        ("agent_overrides:", "# default: []"),
    ])
    func notes(_ line: String, _ note: String) throws {
        let rules = try RulesFile.load(text: Self.changedFile, source: "changed.yaml", overrides: ["approvals.deny_window=20m"])
        let lines = RulesFile.render(rules).split(separator: "\n").map(String.init)
        let hit = lines.first { $0.hasPrefix(line + " ") || $0 == line }
        let found = try #require(hit, "no line starting with '\(line)'")
        #expect(found.hasSuffix(note), "\(found)")
    }

    @Test("unchanged values in a changed file carry no note")
    func unchangedQuiet() throws {
        let rules = try RulesFile.load(text: Self.changedFile, source: "changed.yaml")
        let lines = RulesFile.render(rules).split(separator: "\n").map(String.init)
        for quiet in ["  high: 0.5", "  initial: 1", "    severity: HIGH", "  denylist: [attacker.example]", "    priority: 30"] {
            let line = try #require(lines.first { $0.hasPrefix(quiet) })
            #expect(!line.contains("#"), "\(line)")
        }
    }

    @Test("sections come in the order of the shipped file")
    func keyOrder() throws {
        let text = RulesFile.render(try RulesFile.defaults())
        let sections = ["risk_bands:", "trust:", "scrutiny:", "counters:", "triggers:", "correlation:", "auto_response:",
                        "approvals:", "threat_intel:", "policies:", "agent_overrides:"]
        let lines = text.split(separator: "\n").map(String.init)
        let positions = sections.compactMap { s in lines.firstIndex { $0.hasPrefix(s) } }
        #expect(positions.count == sections.count)
        #expect(positions == positions.sorted())
    }
}
