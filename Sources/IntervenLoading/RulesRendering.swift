import IntervenCore

/// Writes effective rules as a complete rules file, marking values that differ from the defaults.
///
/// Keys come in the order of the shipped default file. A changed value ends with
/// `# default: X`; a policy rule the defaults do not have ends its `rule_id` line with
/// `# not in defaults`. Loading the text gives back equal `Rules`, with one exception a loaded
/// rule set never hits: a feed missing from `rules` but present in the defaults is written as a
/// disabled, empty feed, because a rules file can only add or change feeds, never remove one.
struct RulesRendering {
    /// The rules to write.
    var rules: Rules
    /// What to compare against; nil writes no `# default:` comments.
    var defaults: Rules?

    /// The whole file.
    func text() -> String {
        var out = Output()
        out.raw("# Effective rules: the shipped defaults with the rules file and any --set overrides laid over them.")
        out.raw("# Values that differ from the shipped defaults end with a note naming the default.")
        var previous: [Substring] = []
        for item in Self.layout {
            switch item {
            case .setting(let setting):
                let path = setting.path.split(separator: ".")
                // Open the sections this path enters: a blank line before a new top-level one.
                let shared = zip(previous.dropLast(), path.dropLast()).prefix { $0 == $1 }.count
                for depth in shared..<(path.count - 1) {
                    if depth == 0 { out.raw("") }
                    out.raw(String(repeating: "  ", count: depth) + path[depth] + ":")
                }
                out.value(path.count - 1, String(path[path.count - 1]), setting.spell(rules), defaults.map(setting.spell))
                previous = path
            case .threatIntel:
                out.raw("")
                writeThreatIntel(&out)
                previous = []
            case .policies:
                out.raw("")
                writePolicies(&out)
                previous = []
            }
        }
        return out.lines.joined(separator: "\n") + "\n"
    }

    /// The values that differ from `defaults`, one line each.
    func differences() -> [String] {
        guard let defaults else { return [] }
        var out: [String] = []
        for item in Self.layout {
            switch item {
            case .setting(let setting):
                let value = setting.spell(rules), base = setting.spell(defaults)
                if value != base { out.append("\(setting.path): \(value) (default: \(base))") }
            case .threatIntel:
                if rules.threatIntel != defaults.threatIntel { out.append("threat_intel: differs from the defaults") }
            case .policies:
                if rules.policies != defaults.policies || rules.agentOverrides != defaults.agentOverrides {
                    out.append("policies: differ from the defaults")
                }
            }
        }
        return out
    }

    // MARK: The layout

    /// One scalar setting: its dotted path in the rules file and how its value is spelled.
    struct Setting {
        let path: String
        let spell: @Sendable (Rules) -> String
    }

    /// What the file holds, in the order of the shipped default file.
    enum Item {
        case setting(Setting)
        case threatIntel
        case policies
    }

    private static func score(_ path: String, _ k: KeyPath<Rules, Score> & Sendable) -> Item {
        .setting(Setting(path: path) { $0[keyPath: k].description })
    }
    private static func duration(_ path: String, _ k: KeyPath<Rules, SimDuration> & Sendable) -> Item {
        .setting(Setting(path: path) { $0[keyPath: k].description })
    }
    private static func bool(_ path: String, _ k: KeyPath<Rules, Bool> & Sendable) -> Item {
        .setting(Setting(path: path) { $0[keyPath: k] ? "true" : "false" })
    }
    private static func int(_ path: String, _ k: KeyPath<Rules, Int> & Sendable) -> Item {
        .setting(Setting(path: path) { "\($0[keyPath: k])" })
    }
    private static func band(_ path: String, _ k: KeyPath<Rules, RiskBand?> & Sendable) -> Item {
        .setting(Setting(path: path) { $0[keyPath: k]?.description ?? "null" })
    }
    private static func band(_ path: String, _ k: KeyPath<Rules, RiskBand> & Sendable) -> Item {
        .setting(Setting(path: path) { $0[keyPath: k].description })
    }
    private static func verbs(_ path: String, _ k: KeyPath<Rules, VerbSet> & Sendable) -> Item {
        .setting(Setting(path: path) { "[" + $0[keyPath: k].verbs.map(\.description).joined(separator: ", ") + "]" })
    }
    private static func classes(_ path: String, _ k: KeyPath<Rules, DataClasses> & Sendable) -> Item {
        .setting(Setting(path: path) { "[" + $0[keyPath: k].nameList.joined(separator: ", ") + "]" })
    }
    private static func refs(_ path: String, _ k: KeyPath<Rules, [OperationRef]> & Sendable) -> Item {
        .setting(Setting(path: path) { YAMLText.list($0[keyPath: k].map(\.description)) })
    }
    private static func severity(_ path: String, _ k: KeyPath<Rules, Severity> & Sendable) -> Item {
        .setting(Setting(path: path) { $0[keyPath: k].description })
    }
    /// `enabled` and `severity` of a trigger.
    private static func trigger(_ name: String, _ k: KeyPath<Rules, TriggerSwitch> & Sendable) -> [Item] {
        [.setting(Setting(path: "triggers.\(name).enabled") { $0[keyPath: k].enabled ? "true" : "false" }),
         .setting(Setting(path: "triggers.\(name).severity") { $0[keyPath: k].severity.description })]
    }

    static let layout: [Item] = [
        score("risk_bands.medium", \.riskBands.medium),
        score("risk_bands.high", \.riskBands.high),
        score("risk_bands.critical", \.riskBands.critical),
        score("trust.initial", \.trust.initial),
        score("trust.scrutiny_threshold", \.trust.scrutinyThreshold),
        score("trust.deny", \.trust.deny),
        score("trust.critical_deny", \.trust.criticalDeny),
        score("trust.threat_intel", \.trust.threatIntel),
        score("trust.anomaly", \.trust.anomaly),
        score("trust.analyst_deny", \.trust.analystDeny),
        score("trust.incident_open", \.trust.incidentOpen),
        int("trust.clean_streak.length", \.trust.cleanStreakLength),
        score("trust.clean_streak.reward", \.trust.cleanStreakReward),
        score("trust.approval_retry", \.trust.approvalRetry),
        duration("trust.idle_recovery.period", \.trust.idlePeriod),
        score("trust.idle_recovery.reward", \.trust.idleReward),
        bool("trust.gate_denies_lower_trust", \.trust.gateDeniesLowerTrust),
        verbs("scrutiny.verbs", \.scrutiny.verbs),
        bool("scrutiny.external", \.scrutiny.external),
        band("scrutiny.min_band", \.scrutiny.minBand),
        duration("counters.deny", \.counters.deny),
        duration("counters.approval", \.counters.approval),
        duration("counters.high_risk", \.counters.highRisk),
        duration("counters.threat_intel", \.counters.threatIntel),
        duration("counters.anomaly", \.counters.anomaly),
        duration("counters.critical", \.counters.critical),
        duration("counters.decisions", \.counters.decisions),
        band("counters.high_risk_band", \.counters.highRiskBand),
    ] + trigger("critical_deny", \.triggers.criticalDeny) + [
        band("triggers.critical_deny.band", \.triggers.criticalBand),
    ] + trigger("repeated_deny", \.triggers.repeatedDeny) + [
        int("triggers.repeated_deny.count", \.triggers.repeatedDenyCount),
        duration("triggers.repeated_deny.window", \.triggers.repeatedDenyWindow),
        bool("triggers.repeated_deny.count_gate_denies", \.triggers.countGateDenies),
    ] + trigger("threat_intel", \.triggers.threatIntel) + trigger("read_then_write", \.triggers.readThenWrite) + [
        duration("triggers.read_then_write.window", \.triggers.readThenWriteWindow),
        classes("triggers.read_then_write.sensitive_classes", \.triggers.sensitiveClasses),
        verbs("triggers.read_then_write.write_verbs", \.triggers.writeVerbs),
    ] + trigger("trust_collapse", \.triggers.trustCollapse) + [
        score("triggers.trust_collapse.drop", \.triggers.trustCollapseDrop),
        duration("triggers.trust_collapse.window", \.triggers.trustCollapseWindow),
    ] + trigger("ephemeral_scope", \.triggers.ephemeralScope) + [
        bool("correlation.privilege_escalation.enabled", \.correlation.privilegeEscalation),
        duration("correlation.privilege_escalation.window", \.correlation.privilegeEscalationWindow),
        refs("correlation.privilege_escalation.creates", \.correlation.escalationCreates),
        refs("correlation.privilege_escalation.attaches", \.correlation.escalationAttaches),
        bool("correlation.mass_action_burst.enabled", \.correlation.massActionBurst),
        int("correlation.mass_action_burst.count", \.correlation.massActionCount),
        duration("correlation.mass_action_burst.window", \.correlation.massActionWindow),
        verbs("correlation.mass_action_burst.mutating_verbs", \.correlation.mutatingVerbs),
        bool("auto_response.lower_trust", \.autoResponse.lowerTrust),
        bool("auto_response.pin_scrutiny", \.autoResponse.pinScrutiny),
        duration("auto_response.pin_duration", \.autoResponse.pinDuration),
        bool("auto_response.alert", \.autoResponse.alert),
        duration("approvals.pending_ttl", \.approvals.pendingTTL),
        duration("approvals.grant_window", \.approvals.grantWindow),
        duration("approvals.deny_window", \.approvals.denyWindow),
        .threatIntel,
        .policies,
    ]

    // MARK: Lists

    private func writePolicies(_ out: inout Output) {
        let d = defaults
        let ids = rules.policies.map(\.id), defaultIDs = d?.policies.map(\.id)
        out.value(0, "policies", rules.policies.isEmpty ? "[]" : "", defaultIDs.map { YAMLText.list($0) },
                  current: YAMLText.list(ids))
        writeRules(&out, rules.policies, defaults: d?.policies, indent: 1)
        out.raw("")

        out.value(0, "agent_overrides", rules.agentOverrides.isEmpty ? "[]" : "",
                  d.map { overridesSummary($0.agentOverrides) }, current: overridesSummary(rules.agentOverrides))
        for o in rules.agentOverrides {
            let counterpart = d?.agentOverrides.first { $0.agent == o.agent }
            out.raw("  - agent: " + YAMLText.string(o.agent))
            out.value(2, "quarantine", bool(o.quarantine), counterpart.map { bool($0.quarantine) })
            out.value(2, "rules", o.rules.isEmpty ? "[]" : "", nil)
            writeRules(&out, o.rules, defaults: counterpart?.rules, indent: 3)
        }
    }

    private func writeThreatIntel(_ out: inout Output) {
        let ti = rules.threatIntel, dti = defaults?.threatIntel
        out.raw("threat_intel:")
        var feeds = ti.feeds
        var missing: Set<String> = []
        for f in dti?.feeds ?? [] where !feeds.contains(where: { $0.name == f.name }) {
            // A file cannot remove a feed, so the closest it can say is "disabled and empty".
            feeds.append(ThreatFeed(name: f.name, enabled: false, indicators: []))
            missing.insert(f.name)
        }
        out.raw(feeds.isEmpty ? "  feeds: {}" : "  feeds:")
        for f in feeds {
            let df = dti?.feeds.first { $0.name == f.name }
            let note = dti == nil ? "" : missing.contains(f.name) ? "not in these rules; written disabled"
                : df == nil ? "not in defaults" : ""
            out.noted("    " + YAMLText.string(f.name) + ":", note)
            out.value(3, "enabled", bool(f.enabled), dti == nil ? nil : bool(df?.enabled ?? false), whenNew: df == nil)
            out.value(3, "indicators", YAMLText.list(f.indicators), df.map { YAMLText.list($0.indicators) })
        }
        out.value(1, "allowlist", YAMLText.list(ti.allowlist), dti.map { YAMLText.list($0.allowlist) })
        out.value(1, "denylist", YAMLText.list(ti.denylist), dti.map { YAMLText.list($0.denylist) })
    }

    /// A list of rules as block items; `defaults` holds the rules to compare with by `rule_id`.
    private func writeRules(_ out: inout Output, _ list: [PolicyRule], defaults: [PolicyRule]?, indent: Int) {
        let pad = String(repeating: "  ", count: indent)
        for rule in list {
            let dr = defaults?.first { $0.id == rule.id }
            let note = defaults != nil && dr == nil && self.defaults != nil ? "not in defaults" : ""
            out.noted(pad + "- rule_id: " + YAMLText.string(rule.id), note)
            let level = indent + 1
            out.value(level, "name", YAMLText.string(rule.name), dr.map { YAMLText.string($0.name) })
            out.value(level, "priority", "\(rule.priority)", dr.map { "\($0.priority)" })
            let m = match(rule.match), dm = dr.map { match($0.match) }
            if m != "{}" || (dm != nil && dm != "{}") { out.value(level, "match", m, dm) }
            let c = condition(rule.condition), dcond = dr.map { condition($0.condition) }
            if c != "{}" || (dcond != nil && dcond != "{}") { out.value(level, "condition", c, dcond) }
            out.value(level, "action", rule.action.description, dr.map { $0.action.description })
            if rule.reasonCode != nil || dr?.reasonCode != nil {
                out.value(level, "reason_code", rule.reasonCode.map(YAMLText.string) ?? "null",
                          dr.map { $0.reasonCode.map(YAMLText.string) ?? "null" })
            }
            if rule.incidentSeverity != nil || dr?.incidentSeverity != nil {
                out.value(level, "incident_severity", rule.incidentSeverity?.description ?? "null",
                          dr.map { $0.incidentSeverity?.description ?? "null" })
            }
        }
    }

    // MARK: Spelling

    private func score(_ s: Score) -> String { s.description }
    private func duration(_ d: SimDuration) -> String { d.description }
    private func bool(_ b: Bool) -> String { b ? "true" : "false" }
    private func band(_ b: RiskBand?) -> String { b?.description ?? "null" }
    private func verbs(_ v: VerbSet) -> String { "[" + v.verbs.map(\.description).joined(separator: ", ") + "]" }
    private func classes(_ c: DataClasses) -> String { "[" + c.nameList.joined(separator: ", ") + "]" }
    private func refs(_ r: [OperationRef]) -> String { YAMLText.list(r.map(\.description)) }

    private func overridesSummary(_ list: [AgentOverride]) -> String {
        list.isEmpty ? "[]" : "agents " + YAMLText.list(list.map(\.agent))
    }

    private func match(_ m: RuleMatch) -> String {
        var pairs: [(String, String)] = []
        if let v = m.toolNames { pairs.append(("tool_names", YAMLText.list(v))) }
        if let v = m.operations { pairs.append(("operations", YAMLText.list(v))) }
        if let v = m.verbs { pairs.append(("verbs", verbs(v))) }
        if let v = m.agents { pairs.append(("agent_ids", YAMLText.list(v))) }
        if let v = m.runtimes { pairs.append(("agent_runtime_types", "[" + v.map(\.description).joined(separator: ", ") + "]")) }
        if let v = m.urlPatterns { pairs.append(("url_patterns", YAMLText.list(v))) }
        if let v = m.hostPatterns { pairs.append(("host_patterns", YAMLText.list(v))) }
        if let v = m.principalPatterns { pairs.append(("principal_patterns", YAMLText.list(v))) }
        return YAMLText.flowMapping(pairs)
    }

    private func condition(_ c: RuleCondition) -> String {
        var pairs: [(String, String)] = []
        if let v = c.hasDataClass { pairs.append(("has_data_class", classes(v))) }
        if let v = c.isExternal { pairs.append(("is_external", bool(v))) }
        if let v = c.riskScoreGreaterThan { pairs.append(("risk_score_gt", score(v))) }
        if let v = c.trustScoreLessThan { pairs.append(("trust_score_lt", score(v))) }
        if let v = c.threatIntelMatch { pairs.append(("threat_intel_match", bool(v))) }
        if let v = c.bodySizeGreaterThan { pairs.append(("body_size_bytes_gt", "\(v)")) }
        return YAMLText.flowMapping(pairs)
    }
}

/// Lines of YAML with aligned `# default:` comments.
private struct Output {
    var lines: [String] = []

    /// A line as given.
    mutating func raw(_ line: String) { lines.append(line) }

    /// `key: value`, ending with `# default: X` when `current` (the value itself unless given)
    /// differs from `defaultValue`; `whenNew` suppresses the comment for an item the defaults lack.
    mutating func value(_ indent: Int, _ key: String, _ value: String, _ defaultValue: String?,
                        current: String? = nil, whenNew: Bool = false) {
        let line = String(repeating: "  ", count: indent) + key + ":" + (value.isEmpty ? "" : " " + value)
        if let defaultValue, !whenNew, (current ?? value) != defaultValue {
            noted(line, "default: " + defaultValue)
        } else {
            lines.append(line)
        }
    }

    /// A line with `# note` aligned at column 33 (or two spaces after a longer line); no note if empty.
    mutating func noted(_ line: String, _ note: String) {
        guard !note.isEmpty else { return lines.append(line) }
        let column = 32
        let gap = line.count < column - 1 ? String(repeating: " ", count: column - line.count) : "  "
        lines.append(line + gap + "# " + note)
    }
}
