import IntervenLoading
import IntervenTesting
import Testing

/// One bad rules or scenario file and the error a user should see.
struct BadInput: Sendable, CustomTestStringConvertible {
    var name: String
    var yaml: String
    var code: LoadError.Code
    var line: Int
    var column: Int
    /// Fragments the message must contain (key path, expectation, what was found, hint).
    var mentions: [String]
    var testDescription: String { name }

    init(_ name: String, _ yaml: String, _ code: LoadError.Code, at line: Int, _ column: Int, _ mentions: String...) {
        self.name = name; self.yaml = yaml; self.code = code; self.line = line; self.column = column; self.mentions = mentions
    }
}

@Suite("Malformed rules files")
struct MalformedInputTests {
    static let source = "rules/bad.yaml"

    static let cases: [BadInput] = [
        // YAML syntax
        BadInput("mis-indented key", "trust:\n  initial: 1\n   deny: 2\n", .syntax, at: 3, 8,
                 "invalid YAML", "mapping values are not allowed"),
        BadInput("unclosed flow list", "scrutiny:\n  verbs: [WRITE, ADMIN\nexternal: true\n", .syntax, at: 3, 9, "invalid YAML"),
        BadInput("tab indentation", "trust:\n\tinitial: 1\n", .syntax, at: 2, 1, "invalid YAML"),
        BadInput("two documents", "trust: {}\n---\nscrutiny: {}\n", .syntax, at: 2, 1, "single document"),
        // Shapes and types
        BadInput("string where an integer belongs", "triggers:\n  repeated_deny:\n    count: five\n", .wrongType, at: 3, 12,
                 "triggers.repeated_deny.count", "expected a whole number", "found 'five'"),
        BadInput("quoted number", "triggers:\n  repeated_deny:\n    count: \"5\"\n", .wrongType, at: 3, 12,
                 "triggers.repeated_deny.count", "without quotes"),
        BadInput("fraction where an integer belongs", "correlation:\n  mass_action_burst:\n    count: 2.5\n", .wrongType, at: 3, 12,
                 "correlation.mass_action_burst.count"),
        BadInput("scalar where a section belongs", "trust: 5\n", .wrongType, at: 1, 8, "trust: expected a mapping", "found '5'"),
        BadInput("scalar where a list belongs", "threat_intel:\n  allowlist: good.example\n", .wrongType, at: 2, 14,
                 "threat_intel.allowlist", "expected a list"),
        BadInput("yes is not a boolean here", "scrutiny:\n  external: yes\n", .wrongType, at: 2, 13,
                 "scrutiny.external", "true or false", "found 'yes'"),
        BadInput("score written as words", "trust:\n  initial: high\n", .wrongType, at: 2, 12, "trust.initial", "0.25"),
        BadInput("duration without a unit", "counters:\n  deny: 300\n", .wrongType, at: 2, 9,
                 "counters.deny", "expected a duration like 90s, 5m, 1h30m", "add a unit"),
        BadInput("root is a list", "- trust\n", .wrongType, at: 1, 1, "expected a mapping"),
        BadInput("rule is not a mapping", "policies:\n  - P1\n", .wrongType, at: 2, 5, "policies[0]", "expected a mapping"),
        // Keys
        BadInput("misspelt key", "triggers:\n  repeated_deny:\n    windw: 5m\n", .unknownKey, at: 3, 5,
                 "unknown key 'windw' in triggers.repeated_deny; did you mean 'window'?"),
        BadInput("swapped letters at the top", "trsut:\n  initial: 1\n", .unknownKey, at: 1, 1,
                 "unknown key 'trsut' at the top level; did you mean 'trust'?"),
        BadInput("nothing close", "approvals:\n  banana: 1m\n", .unknownKey, at: 2, 3,
                 "unknown key 'banana' in approvals", "valid keys: pending_ttl, grant_window, deny_window"),
        BadInput("misspelt rule key", "policies:\n  - {rule_id: A, name: a, acton: DENY}\n", .unknownKey, at: 2, 27,
                 "in policies[0]", "did you mean 'action'?"),
        BadInput("duplicate key", "triggers:\n  repeated_deny:\n    window: 5m\n    window: 6m\n", .duplicateKey, at: 4, 5,
                 "duplicate key 'window' in triggers.repeated_deny", "first at line 3, column 5"),
        BadInput("duplicate key in a flow mapping", "policies:\n  - {rule_id: A, name: a, action: DENY, action: ALLOW}\n",
                 .duplicateKey, at: 2, 41, "duplicate key 'action' in policies[0]"),
        BadInput("duplicate key, once quoted", "triggers:\n  repeated_deny: {\"window\": 5m, window: 6m}\n", .duplicateKey, at: 2, 33,
                 "duplicate key 'window' in triggers.repeated_deny (first at line 2, column 19)"),
        BadInput("duplicate feed", "threat_intel:\n  feeds:\n    x: {indicators: []}\n    x: {indicators: [a]}\n", .duplicateKey,
                 at: 4, 5, "duplicate key 'x' in threat_intel.feeds"),
        BadInput("missing rule name", "policies:\n  - rule_id: A\n    action: DENY\n", .missingValue, at: 2, 5,
                 "missing required key 'name' in policies[0]"),
        BadInput("null required value", "triggers:\n  repeated_deny:\n    count:\n", .missingValue, at: 0, 0,
                 "triggers.repeated_deny.count", "found nothing"),
        BadInput("new feed without indicators", "threat_intel:\n  feeds:\n    urlhas: {enabled: false}\n", .missingValue, at: 3, 13,
                 "missing required key 'indicators' in threat_intel.feeds.urlhas", "did you mean the feed 'urlhaus'?"),
        // Ranges
        BadInput("negative duration", "triggers:\n  repeated_deny:\n    window: -5m\n", .outOfRange, at: 3, 13,
                 "triggers.repeated_deny.window: expected a duration like 90s, 5m, 1h30m; found '-5m' (negative durations are not allowed)"),
        BadInput("zero window", "approvals:\n  pending_ttl: 0s\n", .outOfRange, at: 2, 16, "approvals.pending_ttl", "longer than zero"),
        BadInput("zero pin duration", "auto_response:\n  pin_duration: 0m\n", .outOfRange, at: 2, 17, "auto_response.pin_duration"),
        BadInput("trust above one", "trust:\n  initial: 1.5\n", .outOfRange, at: 2, 12, "trust.initial", "in [0, 1]", "found '1.5'"),
        BadInput("threshold below zero", "trust:\n  scrutiny_threshold: -0.1\n", .outOfRange, at: 2, 23, "trust.scrutiny_threshold"),
        BadInput("positive deny movement", "trust:\n  deny: 0.05\n", .outOfRange, at: 2, 9,
                 "trust.deny: expected a trust movement in [-1, 0]", "lowers trust"),
        BadInput("reward above one", "trust:\n  clean_streak:\n    reward: 2\n", .outOfRange, at: 3, 13, "trust.clean_streak.reward"),
        BadInput("drop above one", "triggers:\n  trust_collapse:\n    drop: 1.3\n", .outOfRange, at: 3, 11, "triggers.trust_collapse.drop"),
        BadInput("seven decimal places", "trust:\n  deny: -0.0000001\n", .invalidValue, at: 2, 9, "at most six decimal places"),
        BadInput("count of zero", "triggers:\n  repeated_deny:\n    count: 0\n", .outOfRange, at: 3, 12, "from 1 to 10000", "found '0'"),
        BadInput("negative streak length", "trust:\n  clean_streak:\n    length: -1\n", .outOfRange, at: 3, 13, "from 0 to 1000000"),
        BadInput("absurd repeated-deny count", "triggers:\n  repeated_deny:\n    count: 99999999999\n", .outOfRange, at: 3, 12,
                 "a whole number from 1 to 10000"),
        BadInput("absurd burst count", "correlation:\n  mass_action_burst:\n    count: 2000000000\n", .outOfRange, at: 3, 12,
                 "from 1 to 10000"),
        BadInput("window longer than a year", "approvals:\n  grant_window: 400d\n", .outOfRange, at: 2, 17, "at most 366d"),
        BadInput("band edges out of order", "risk_bands:\n  medium: 0.6\n", .outOfRange, at: 2, 11,
                 "risk_bands.medium: expected a band edge below risk_bands.high (0.5); found '0.6'"),
        BadInput("critical edge below high", "risk_bands:\n  critical: 0.4\n", .outOfRange, at: 2, 13,
                 "risk_bands.critical: expected a band edge above risk_bands.high (0.5)"),
        BadInput("band edge at zero", "risk_bands:\n  medium: 0\n", .outOfRange, at: 2, 11, "above 0"),
        BadInput("negative body size", "policies:\n  - {rule_id: A, name: a, action: DENY, condition: {body_size_bytes_gt: -1}}\n",
                 .outOfRange, at: 2, 73, "policies[0].condition.body_size_bytes_gt"),
        BadInput("risk score above one", "policies:\n  - {rule_id: A, name: a, action: DENY, condition: {risk_score_gt: 1.5}}\n",
                 .outOfRange, at: 2, 68, "policies[0].condition.risk_score_gt"),
        // Rules
        BadInput("OPEN_INCIDENT without severity", "policies:\n  - {rule_id: A, name: a, action: OPEN_INCIDENT}\n", .missingValue,
                 at: 2, 35, "policies[0]", "OPEN_INCIDENT needs incident_severity"),
        BadInput("severity on a DENY rule", "policies:\n  - {rule_id: A, name: a, action: DENY, incident_severity: HIGH}\n",
                 .invalidValue, at: 2, 60, "policies[0].incident_severity", "only allowed with action OPEN_INCIDENT"),
        BadInput("duplicate rule_id", "policies:\n  - {rule_id: A, name: a, action: DENY}\n  - {rule_id: A, name: b, action: DENY}\n",
                 .duplicateKey, at: 3, 15, "policies[1].rule_id", "duplicate rule_id 'A'", "policies[0] at line 2"),
        BadInput("duplicate rule_id in an override",
                 "agent_overrides:\n  - agent: x\n    rules:\n      - {rule_id: A, name: a, action: DENY}\n      - {rule_id: A, name: b, action: DENY}\n",
                 .duplicateKey, at: 5, 19, "agent_overrides[0].rules[1].rule_id"),
        BadInput("unknown action", "policies:\n  - {rule_id: A, name: a, action: BLOCK}\n", .invalidValue, at: 2, 35,
                 "policies[0].action", "ALLOW, REQUIRE_APPROVAL, SANITIZE, DENY, OPEN_INCIDENT"),
        // Names
        BadInput("lower-case severity", "triggers:\n  critical_deny:\n    severity: high\n", .invalidValue, at: 3, 15,
                 "triggers.critical_deny.severity", "found 'high'; did you mean 'HIGH'?"),
        BadInput("unknown verb", "scrutiny:\n  verbs: [WRITE, ADMN]\n", .invalidValue, at: 2, 18,
                 "scrutiny.verbs[1]", "READ, WRITE, ADMIN", "did you mean 'ADMIN'?"),
        BadInput("unknown data class", "triggers:\n  read_then_write:\n    sensitive_classes: [SECRET]\n", .invalidValue, at: 3, 25,
                 "triggers.read_then_write.sensitive_classes[0]", "did you mean 'SECRETS'?"),
        BadInput("unknown runtime", "policies:\n  - {rule_id: A, name: a, action: DENY, match: {agent_runtime_types: [claude-code]}}\n",
                 .invalidValue, at: 2, 71, "did you mean 'claude_code'?"),
        BadInput("unknown band", "counters:\n  high_risk_band: SEVERE\n", .invalidValue, at: 2, 19,
                 "counters.high_risk_band", "LOW, MEDIUM, HIGH, CRITICAL"),
        BadInput("operation without a tool", "correlation:\n  privilege_escalation:\n    creates: [create_user]\n",
                 .invalidValue, at: 3, 15, "correlation.privilege_escalation.creates[0]", "tool.operation"),
    ]

    @Test("each bad input gets one positioned error naming the key path", arguments: cases)
    func refused(_ bad: BadInput) throws {
        let error = try #require(throws: LoadError.self) {
            try RulesFile.load(text: bad.yaml, source: Self.source)
        }
        #expect(error.code == bad.code, "\(error)")
        #expect(error.file == Self.source)
        if bad.line > 0 {
            #expect(error.line == bad.line, "\(error)")
            #expect(error.column == bad.column, "\(error)")
            #expect(error.description.hasPrefix("\(Self.source):\(bad.line):\(bad.column): "))
        }
        for fragment in bad.mentions {
            #expect(error.message.contains(fragment), "'\(fragment)' not in: \(error.message)")
        }
        #expect(!error.description.contains("\n"))
    }

    @Test("a null required value points at its key's line")
    func nullValuePosition() throws {
        let error = try #require(throws: LoadError.self) {
            try RulesFile.load(text: "triggers:\n  repeated_deny:\n    count:\n", source: Self.source)
        }
        #expect(error.line == 3)
    }

    @Test("an error names the file the value came from, not the file below it")
    func blamesTheChangingLayer() throws {
        // high comes from the defaults, but the user's medium is what broke the order.
        let error = try #require(throws: LoadError.self) {
            try RulesFile.load(text: "risk_bands:\n  medium: 0.6\n", source: "mine.yaml")
        }
        #expect(error.file == "mine.yaml")
    }
}
