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
        let d = defaults
        out.raw("# Effective rules: the shipped defaults with the rules file and any --set overrides laid over them.")
        out.raw("# Values that differ from the shipped defaults end with a note naming the default.")
        out.raw("")

        out.raw("risk_bands:")
        out.value(1, "medium", score(rules.riskBands.medium), d.map { score($0.riskBands.medium) })
        out.value(1, "high", score(rules.riskBands.high), d.map { score($0.riskBands.high) })
        out.value(1, "critical", score(rules.riskBands.critical), d.map { score($0.riskBands.critical) })
        out.raw("")

        let t = rules.trust, dt = d?.trust
        out.raw("trust:")
        out.value(1, "initial", score(t.initial), dt.map { score($0.initial) })
        out.value(1, "scrutiny_threshold", score(t.scrutinyThreshold), dt.map { score($0.scrutinyThreshold) })
        out.value(1, "deny", score(t.deny), dt.map { score($0.deny) })
        out.value(1, "critical_deny", score(t.criticalDeny), dt.map { score($0.criticalDeny) })
        out.value(1, "threat_intel", score(t.threatIntel), dt.map { score($0.threatIntel) })
        out.value(1, "anomaly", score(t.anomaly), dt.map { score($0.anomaly) })
        out.value(1, "analyst_deny", score(t.analystDeny), dt.map { score($0.analystDeny) })
        out.value(1, "incident_open", score(t.incidentOpen), dt.map { score($0.incidentOpen) })
        out.raw("  clean_streak:")
        out.value(2, "length", "\(t.cleanStreakLength)", dt.map { "\($0.cleanStreakLength)" })
        out.value(2, "reward", score(t.cleanStreakReward), dt.map { score($0.cleanStreakReward) })
        out.value(1, "approval_retry", score(t.approvalRetry), dt.map { score($0.approvalRetry) })
        out.raw("  idle_recovery:")
        out.value(2, "period", duration(t.idlePeriod), dt.map { duration($0.idlePeriod) })
        out.value(2, "reward", score(t.idleReward), dt.map { score($0.idleReward) })
        out.value(1, "gate_denies_lower_trust", bool(t.gateDeniesLowerTrust), dt.map { bool($0.gateDeniesLowerTrust) })
        out.raw("")

        let s = rules.scrutiny, ds = d?.scrutiny
        out.raw("scrutiny:")
        out.value(1, "verbs", verbs(s.verbs), ds.map { verbs($0.verbs) })
        out.value(1, "external", bool(s.external), ds.map { bool($0.external) })
        out.value(1, "min_band", band(s.minBand), ds.map { band($0.minBand) })
        out.raw("")

        let c = rules.counters, dc = d?.counters
        out.raw("counters:")
        out.value(1, "deny", duration(c.deny), dc.map { duration($0.deny) })
        out.value(1, "approval", duration(c.approval), dc.map { duration($0.approval) })
        out.value(1, "high_risk", duration(c.highRisk), dc.map { duration($0.highRisk) })
        out.value(1, "threat_intel", duration(c.threatIntel), dc.map { duration($0.threatIntel) })
        out.value(1, "anomaly", duration(c.anomaly), dc.map { duration($0.anomaly) })
        out.value(1, "critical", duration(c.critical), dc.map { duration($0.critical) })
        out.value(1, "decisions", duration(c.decisions), dc.map { duration($0.decisions) })
        out.value(1, "high_risk_band", band(c.highRiskBand), dc.map { band($0.highRiskBand) })
        out.raw("")

        writeTriggers(&out)
        out.raw("")
        writeCorrelation(&out)
        out.raw("")

        let a = rules.autoResponse, da = d?.autoResponse
        out.raw("auto_response:")
        out.value(1, "lower_trust", bool(a.lowerTrust), da.map { bool($0.lowerTrust) })
        out.value(1, "pin_scrutiny", bool(a.pinScrutiny), da.map { bool($0.pinScrutiny) })
        out.value(1, "pin_duration", duration(a.pinDuration), da.map { duration($0.pinDuration) })
        out.value(1, "alert", bool(a.alert), da.map { bool($0.alert) })
        out.raw("")

        let ap = rules.approvals, dap = d?.approvals
        out.raw("approvals:")
        out.value(1, "pending_ttl", duration(ap.pendingTTL), dap.map { duration($0.pendingTTL) })
        out.value(1, "grant_window", duration(ap.grantWindow), dap.map { duration($0.grantWindow) })
        out.value(1, "deny_window", duration(ap.denyWindow), dap.map { duration($0.denyWindow) })
        out.raw("")

        writeThreatIntel(&out)
        out.raw("")

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
        return out.lines.joined(separator: "\n") + "\n"
    }

    // MARK: Sections

    private func writeTriggers(_ out: inout Output) {
        let t = rules.triggers, dt = defaults?.triggers
        out.raw("triggers:")
        out.raw("  critical_deny:")
        writeSwitch(&out, t.criticalDeny, dt?.criticalDeny)
        out.value(2, "band", band(t.criticalBand), dt.map { band($0.criticalBand) })
        out.raw("  repeated_deny:")
        writeSwitch(&out, t.repeatedDeny, dt?.repeatedDeny)
        out.value(2, "count", "\(t.repeatedDenyCount)", dt.map { "\($0.repeatedDenyCount)" })
        out.value(2, "window", duration(t.repeatedDenyWindow), dt.map { duration($0.repeatedDenyWindow) })
        out.value(2, "count_gate_denies", bool(t.countGateDenies), dt.map { bool($0.countGateDenies) })
        out.raw("  threat_intel:")
        writeSwitch(&out, t.threatIntel, dt?.threatIntel)
        out.raw("  read_then_write:")
        writeSwitch(&out, t.readThenWrite, dt?.readThenWrite)
        out.value(2, "window", duration(t.readThenWriteWindow), dt.map { duration($0.readThenWriteWindow) })
        out.value(2, "sensitive_classes", classes(t.sensitiveClasses), dt.map { classes($0.sensitiveClasses) })
        out.value(2, "write_verbs", verbs(t.writeVerbs), dt.map { verbs($0.writeVerbs) })
        out.raw("  trust_collapse:")
        writeSwitch(&out, t.trustCollapse, dt?.trustCollapse)
        out.value(2, "drop", score(t.trustCollapseDrop), dt.map { score($0.trustCollapseDrop) })
        out.value(2, "window", duration(t.trustCollapseWindow), dt.map { duration($0.trustCollapseWindow) })
        out.raw("  ephemeral_scope:")
        writeSwitch(&out, t.ephemeralScope, dt?.ephemeralScope)
    }

    private func writeSwitch(_ out: inout Output, _ s: TriggerSwitch, _ d: TriggerSwitch?) {
        out.value(2, "enabled", bool(s.enabled), d.map { bool($0.enabled) })
        out.value(2, "severity", s.severity.description, d.map { $0.severity.description })
    }

    private func writeCorrelation(_ out: inout Output) {
        let c = rules.correlation, dc = defaults?.correlation
        out.raw("correlation:")
        out.raw("  privilege_escalation:")
        out.value(2, "enabled", bool(c.privilegeEscalation), dc.map { bool($0.privilegeEscalation) })
        out.value(2, "window", duration(c.privilegeEscalationWindow), dc.map { duration($0.privilegeEscalationWindow) })
        out.value(2, "creates", refs(c.escalationCreates), dc.map { refs($0.escalationCreates) })
        out.value(2, "attaches", refs(c.escalationAttaches), dc.map { refs($0.escalationAttaches) })
        out.raw("  mass_action_burst:")
        out.value(2, "enabled", bool(c.massActionBurst), dc.map { bool($0.massActionBurst) })
        out.value(2, "count", "\(c.massActionCount)", dc.map { "\($0.massActionCount)" })
        out.value(2, "window", duration(c.massActionWindow), dc.map { duration($0.massActionWindow) })
        out.value(2, "mutating_verbs", verbs(c.mutatingVerbs), dc.map { verbs($0.mutatingVerbs) })
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
