import IntervenCore

/// Decodes policy rules (tenant `policies` and per-agent `agent_overrides`).
enum PolicyDecoding {
    /// Keys of one rule, in the order the renderer writes them.
    static let ruleKeys = ["rule_id", "name", "priority", "match", "condition", "action", "reason_code", "incident_severity"]
    /// Keys of a rule's `match`.
    static let matchKeys = ["tool_names", "operations", "verbs", "agent_ids", "agent_runtime_types",
                            "url_patterns", "host_patterns", "principal_patterns"]
    /// Keys of a rule's `condition`.
    static let conditionKeys = ["has_data_class", "is_external", "risk_score_gt", "trust_score_lt",
                                "threat_intel_match", "body_size_bytes_gt"]
    /// Keys of one agent override.
    static let overrideKeys = ["agent", "quarantine", "rules"]

    /// A list of rules whose `rule_id`s are unique.
    static func rules(_ list: LayeredNode) throws(LoadError) -> [PolicyRule] {
        try list.checkingHiddenLayers { node throws(LoadError) in try uniqueRules(node) }
    }

    private static func uniqueRules(_ list: LayeredNode) throws(LoadError) -> [PolicyRule] {
        var out: [PolicyRule] = []
        var seen: [String: (path: ValuePath, at: Located)] = [:]
        for item in try list.items() {
            let rule = try self.rule(item)
            let idNode = try item.child("rule_id")
            if let first = seen[rule.id], let at = idNode.top {
                throw idNode.fail(.duplicateKey, "duplicate rule_id \(Escaping.quoted(rule.id)) (first used by \(first.path) at line \(first.at.line))", at: at)
            }
            if let at = idNode.top { seen[rule.id] = (item.path, at) }
            out.append(rule)
        }
        return out
    }

    /// One rule.
    static func rule(_ node: LayeredNode) throws(LoadError) -> PolicyRule {
        try node.expectKeys(ruleKeys)
        if node.isNullOrAbsent { throw node.missing("a rule with rule_id, name, action") }
        let id = try node.child("rule_id").string("a rule id")
        let name = try node.child("name").string("a rule name")
        let priority = try node.child("priority").optional { n throws(LoadError) in try n.int() } ?? 100
        let match = try self.match(node.section("match", keys: matchKeys))
        let condition = try self.condition(node.section("condition", keys: conditionKeys))
        let actionNode = try node.child("action")
        let action = try actionNode.named(PolicyAction.self, "an action")
        let reason = try node.child("reason_code").optional { n throws(LoadError) in try n.string("a reason code") }
        let severityNode = try node.child("incident_severity")
        let severity = try severityNode.optional { n throws(LoadError) in try n.named(Severity.self, "a severity") }
        if action == .openIncident, severity == nil {
            let names = Severity.allCases.map(\.description).joined(separator: ", ")
            throw node.fail(.missingValue, "action OPEN_INCIDENT needs incident_severity (\(names))",
                            at: severityNode.top ?? actionNode.top)
        }
        if action != .openIncident, severity != nil {
            throw severityNode.fail(.invalidValue, "only allowed with action OPEN_INCIDENT; the rule's action is \(action)")
        }
        return PolicyRule(id: id, name: name, priority: priority, match: match, condition: condition,
                          action: action, reasonCode: reason, incidentSeverity: severity)
    }

    static func match(_ m: LayeredNode) throws(LoadError) -> RuleMatch {
        var r = RuleMatch()
        r.toolNames = try m.child("tool_names").optional { n throws(LoadError) in try n.strings("a tool name or glob") }
        r.operations = try m.child("operations").optional { n throws(LoadError) in try n.strings("an operation name or glob") }
        r.verbs = try m.child("verbs").optional { n throws(LoadError) in try n.verbSet() }
        r.agents = try m.child("agent_ids").optional { n throws(LoadError) in try n.strings("an agent name, id or glob") }
        r.runtimes = try m.child("agent_runtime_types").optional { n throws(LoadError) in
            try n.list { item throws(LoadError) in try item.named(Runtime.self, "a runtime") }
        }
        r.urlPatterns = try m.child("url_patterns").optional { n throws(LoadError) in try n.strings("a URL glob") }
        r.hostPatterns = try m.child("host_patterns").optional { n throws(LoadError) in try n.strings("a host glob") }
        r.principalPatterns = try m.child("principal_patterns").optional { n throws(LoadError) in try n.strings("a principal glob") }
        return r
    }

    static func condition(_ c: LayeredNode) throws(LoadError) -> RuleCondition {
        var r = RuleCondition()
        r.hasDataClass = try c.child("has_data_class").optional { n throws(LoadError) in try n.dataClasses() }
        r.isExternal = try c.child("is_external").optional { n throws(LoadError) in try n.bool() }
        r.riskScoreGreaterThan = try c.child("risk_score_gt").optional { n throws(LoadError) in
            try n.score(in: .zero ... .one, "a risk score")
        }
        r.trustScoreLessThan = try c.child("trust_score_lt").optional { n throws(LoadError) in
            try n.score(in: .zero ... .one, "a trust score")
        }
        r.threatIntelMatch = try c.child("threat_intel_match").optional { n throws(LoadError) in try n.bool() }
        r.bodySizeGreaterThan = try c.child("body_size_bytes_gt").optional { n throws(LoadError) in try n.int(atLeast: 0, atMost: Int(Int32.max)) }
        return r
    }

    /// The per-agent overrides.
    static func overrides(_ list: LayeredNode) throws(LoadError) -> [AgentOverride] {
        try list.list { item throws(LoadError) in try override(item) }
    }

    /// One per-agent override (also a timeline `override:` event).
    static func override(_ item: LayeredNode) throws(LoadError) -> AgentOverride {
        try item.expectKeys(overrideKeys)
        if item.isNullOrAbsent { throw item.missing("an override with agent, quarantine, rules") }
        let agent = try item.child("agent").string("an agent name, id or glob")
        let quarantine = try item.child("quarantine").optional { n throws(LoadError) in try n.bool() } ?? false
        let rules = try item.child("rules").optional { n throws(LoadError) in try self.rules(n) } ?? []
        return AgentOverride(agent: agent, quarantine: quarantine, rules: rules)
    }
}
