import IntervenCore

/// Decodes `Rules` from a layered rules document, section by section in the file's order.
///
/// Every key is read strictly (unknown keys, wrong types and out-of-range values are refused)
/// and every value is range-checked, so a `Rules` either comes back complete or not at all.
enum RulesDecoding {
    /// The top-level keys, in the order of the shipped default file.
    static let topKeys = ["risk_bands", "trust", "scrutiny", "counters", "triggers", "correlation",
                          "auto_response", "approvals", "threat_intel", "policies", "agent_overrides"]

    /// The rules of a whole document.
    static func decode(_ root: LayeredNode) throws(LoadError) -> Rules {
        try ErrorSink.gathering { () throws(LoadError) in try decodeAll(root) }
    }

    /// Every section; with an `ErrorSink` in force an error in one value is recorded and the
    /// reading goes on, so every mistake of a file is found in one pass.
    private static func decodeAll(_ root: LayeredNode) throws(LoadError) -> Rules {
        try root.expectKeys(topKeys)
        var rules = Rules()
        rules.riskBands = try ErrorSink.collect(rules.riskBands) { () throws(LoadError) in try riskBands(root.section("risk_bands", keys: ["medium", "high", "critical"])) }
        rules.trust = try ErrorSink.collect(rules.trust) { () throws(LoadError) in try trust(root) }
        rules.scrutiny = try ErrorSink.collect(rules.scrutiny) { () throws(LoadError) in try scrutiny(root.section("scrutiny", keys: ["verbs", "external", "min_band"])) }
        rules.counters = try ErrorSink.collect(rules.counters) { () throws(LoadError) in try counters(root) }
        rules.triggers = try ErrorSink.collect(rules.triggers) { () throws(LoadError) in try triggers(root) }
        rules.correlation = try ErrorSink.collect(rules.correlation) { () throws(LoadError) in try correlation(root) }
        rules.autoResponse = try ErrorSink.collect(rules.autoResponse) { () throws(LoadError) in try autoResponse(root) }
        rules.approvals = try ErrorSink.collect(rules.approvals) { () throws(LoadError) in try approvals(root) }
        rules.threatIntel = try ErrorSink.collect(rules.threatIntel) { () throws(LoadError) in try threatIntel(root) }
        rules.policies = try ErrorSink.collect(rules.policies) { () throws(LoadError) in try PolicyDecoding.rules(root.child("policies")) }
        rules.agentOverrides = try ErrorSink.collect(rules.agentOverrides) { () throws(LoadError) in try PolicyDecoding.overrides(root.child("agent_overrides")) }
        return rules
    }

    // MARK: Sections

    static func riskBands(_ node: LayeredNode) throws(LoadError) -> RiskBandEdges {
        let names = ["medium", "high", "critical"]
        var cursors: [LayeredNode] = []
        var edges: [Score] = []
        for name in names {
            let c = try node.child(name)
            cursors.append(c)
            edges.append(try c.score(in: .zero ... .one, "a band edge"))
        }
        if edges[0] == .zero, let at = cursors[0].top {
            throw cursors[0].expected("a band edge above 0", found: at, code: .outOfRange)
        }
        for i in 1..<edges.count where edges[i] <= edges[i - 1] {
            let lower = cursors[i - 1], upper = cursors[i]
            guard let lowerAt = lower.top, let upperAt = upper.top else { continue }
            // Blame the edge the user changed: the one from the higher layer (the later key on a tie).
            if upperAt.origin.depth >= lowerAt.origin.depth {
                throw upper.expected("a band edge above \(lower.path) (\(edges[i - 1]))", found: upperAt, code: .outOfRange)
            }
            throw lower.expected("a band edge below \(upper.path) (\(edges[i]))", found: lowerAt, code: .outOfRange)
        }
        var r = RiskBandEdges()
        r.medium = edges[0]
        r.high = edges[1]
        r.critical = edges[2]
        return r
    }

    static func trust(_ root: LayeredNode) throws(LoadError) -> TrustRules {
        let t = try root.section("trust", keys: [
            "initial", "scrutiny_threshold", "deny", "critical_deny", "threat_intel", "anomaly", "analyst_deny",
            "incident_open", "clean_streak", "approval_retry", "idle_recovery", "gate_denies_lower_trust",
        ])
        let unit = Score.zero ... Score.one
        let movement = -Score.one ... Score.zero
        let movementName = "a trust movement"
        let movementNote = "a movement is negative: it lowers trust"
        var r = TrustRules()
        r.initial = try ErrorSink.collect(r.initial) { () throws(LoadError) in try t.child("initial").score(in: unit, "a trust score") }
        r.scrutinyThreshold = try ErrorSink.collect(r.scrutinyThreshold) { () throws(LoadError) in try t.child("scrutiny_threshold").score(in: unit, "a trust score") }
        r.deny = try ErrorSink.collect(r.deny) { () throws(LoadError) in try t.child("deny").score(in: movement, movementName, rangeNote: movementNote) }
        r.criticalDeny = try ErrorSink.collect(r.criticalDeny) { () throws(LoadError) in try t.child("critical_deny").score(in: movement, movementName, rangeNote: movementNote) }
        r.threatIntel = try ErrorSink.collect(r.threatIntel) { () throws(LoadError) in try t.child("threat_intel").score(in: movement, movementName, rangeNote: movementNote) }
        r.anomaly = try ErrorSink.collect(r.anomaly) { () throws(LoadError) in try t.child("anomaly").score(in: movement, movementName, rangeNote: movementNote) }
        r.analystDeny = try ErrorSink.collect(r.analystDeny) { () throws(LoadError) in try t.child("analyst_deny").score(in: movement, movementName, rangeNote: movementNote) }
        r.incidentOpen = try ErrorSink.collect(r.incidentOpen) { () throws(LoadError) in try t.child("incident_open").score(in: movement, movementName, rangeNote: movementNote) }
        let streak = try t.section("clean_streak", keys: ["length", "reward"])
        r.cleanStreakLength = try ErrorSink.collect(r.cleanStreakLength) { () throws(LoadError) in try streak.child("length").int(atLeast: 0, atMost: 1_000_000) }
        r.cleanStreakReward = try ErrorSink.collect(r.cleanStreakReward) { () throws(LoadError) in try streak.child("reward").score(in: unit, "a reward") }
        r.approvalRetry = try ErrorSink.collect(r.approvalRetry) { () throws(LoadError) in try t.child("approval_retry").score(in: unit, "a reward") }
        let idle = try t.section("idle_recovery", keys: ["period", "reward"])
        r.idlePeriod = try ErrorSink.collect(r.idlePeriod) { () throws(LoadError) in try idle.child("period").duration(positive: false) }
        r.idleReward = try ErrorSink.collect(r.idleReward) { () throws(LoadError) in try idle.child("reward").score(in: unit, "a reward") }
        r.gateDeniesLowerTrust = try ErrorSink.collect(r.gateDeniesLowerTrust) { () throws(LoadError) in try t.child("gate_denies_lower_trust").bool() }
        return r
    }

    static func scrutiny(_ s: LayeredNode) throws(LoadError) -> ScrutinyRules {
        var r = ScrutinyRules()
        r.verbs = try ErrorSink.collect(r.verbs) { () throws(LoadError) in try s.child("verbs").verbSet() }
        r.external = try ErrorSink.collect(r.external) { () throws(LoadError) in try s.child("external").bool() }
        let band = try s.child("min_band")
        r.minBand = try ErrorSink.collect(r.minBand) { () throws(LoadError) -> RiskBand? in
            try band.optional { node throws(LoadError) -> RiskBand? in
                try node.named("a risk band or none", names: RiskBand.allCases.map(\.description) + ["none"]) { name in
                    name == "none" ? .some(nil) : RiskBand(name: name).map { .some($0) }
                }
            } ?? nil
        }
        return r
    }

    static func counters(_ root: LayeredNode) throws(LoadError) -> CounterRules {
        let c = try root.section("counters", keys: [
            "deny", "approval", "high_risk", "threat_intel", "anomaly", "critical", "decisions", "high_risk_band",
        ])
        var r = CounterRules()
        r.deny = try ErrorSink.collect(r.deny) { () throws(LoadError) in try c.child("deny").duration(positive: true) }
        r.approval = try ErrorSink.collect(r.approval) { () throws(LoadError) in try c.child("approval").duration(positive: true) }
        r.highRisk = try ErrorSink.collect(r.highRisk) { () throws(LoadError) in try c.child("high_risk").duration(positive: true) }
        r.threatIntel = try ErrorSink.collect(r.threatIntel) { () throws(LoadError) in try c.child("threat_intel").duration(positive: true) }
        r.anomaly = try ErrorSink.collect(r.anomaly) { () throws(LoadError) in try c.child("anomaly").duration(positive: true) }
        r.critical = try ErrorSink.collect(r.critical) { () throws(LoadError) in try c.child("critical").duration(positive: true) }
        r.decisions = try ErrorSink.collect(r.decisions) { () throws(LoadError) in try c.child("decisions").duration(positive: true) }
        r.highRiskBand = try ErrorSink.collect(r.highRiskBand) { () throws(LoadError) in try c.child("high_risk_band").named(RiskBand.self, "a risk band") }
        return r
    }

    static func triggers(_ root: LayeredNode) throws(LoadError) -> TriggerRules {
        let t = try root.section("triggers", keys: [
            "critical_deny", "repeated_deny", "threat_intel", "read_then_write", "trust_collapse", "ephemeral_scope",
        ])
        var r = TriggerRules()
        let critical = try t.section("critical_deny", keys: ["enabled", "severity", "band"])
        r.criticalDeny = try ErrorSink.collect(r.criticalDeny) { () throws(LoadError) in try triggerSwitch(critical) }
        r.criticalBand = try ErrorSink.collect(r.criticalBand) { () throws(LoadError) in try critical.child("band").named(RiskBand.self, "a risk band") }

        let repeated = try t.section("repeated_deny", keys: ["enabled", "severity", "count", "window", "count_gate_denies"])
        r.repeatedDeny = try ErrorSink.collect(r.repeatedDeny) { () throws(LoadError) in try triggerSwitch(repeated) }
        r.repeatedDenyCount = try ErrorSink.collect(r.repeatedDenyCount) { () throws(LoadError) in try repeated.child("count").int(atLeast: 1, atMost: 10_000) }
        r.repeatedDenyWindow = try ErrorSink.collect(r.repeatedDenyWindow) { () throws(LoadError) in try repeated.child("window").duration(positive: true) }
        r.countGateDenies = try ErrorSink.collect(r.countGateDenies) { () throws(LoadError) in try repeated.child("count_gate_denies").bool() }

        r.threatIntel = try ErrorSink.collect(r.threatIntel) { () throws(LoadError) in try triggerSwitch(t.section("threat_intel", keys: ["enabled", "severity"])) }

        let rtw = try t.section("read_then_write", keys: ["enabled", "severity", "window", "sensitive_classes", "write_verbs"])
        r.readThenWrite = try ErrorSink.collect(r.readThenWrite) { () throws(LoadError) in try triggerSwitch(rtw) }
        r.readThenWriteWindow = try ErrorSink.collect(r.readThenWriteWindow) { () throws(LoadError) in try rtw.child("window").duration(positive: true) }
        r.sensitiveClasses = try ErrorSink.collect(r.sensitiveClasses) { () throws(LoadError) in try rtw.child("sensitive_classes").dataClasses() }
        r.writeVerbs = try ErrorSink.collect(r.writeVerbs) { () throws(LoadError) in try rtw.child("write_verbs").verbSet() }

        let collapse = try t.section("trust_collapse", keys: ["enabled", "severity", "drop", "window"])
        r.trustCollapse = try ErrorSink.collect(r.trustCollapse) { () throws(LoadError) in try triggerSwitch(collapse) }
        r.trustCollapseDrop = try ErrorSink.collect(r.trustCollapseDrop) { () throws(LoadError) in try collapse.child("drop").score(in: .zero ... .one, "a trust drop") }
        r.trustCollapseWindow = try ErrorSink.collect(r.trustCollapseWindow) { () throws(LoadError) in try collapse.child("window").duration(positive: true) }

        r.ephemeralScope = try ErrorSink.collect(r.ephemeralScope) { () throws(LoadError) in try triggerSwitch(t.section("ephemeral_scope", keys: ["enabled", "severity"])) }
        return r
    }

    static func triggerSwitch(_ node: LayeredNode) throws(LoadError) -> TriggerSwitch {
        var s = TriggerSwitch()
        s.enabled = try node.child("enabled").bool()
        s.severity = try node.child("severity").named(Severity.self, "a severity")
        return s
    }

    static func correlation(_ root: LayeredNode) throws(LoadError) -> CorrelationRules {
        let c = try root.section("correlation", keys: ["privilege_escalation", "mass_action_burst"])
        var r = CorrelationRules()
        let pe = try c.section("privilege_escalation", keys: ["enabled", "window", "creates", "attaches"])
        r.privilegeEscalation = try ErrorSink.collect(r.privilegeEscalation) { () throws(LoadError) in try pe.child("enabled").bool() }
        r.privilegeEscalationWindow = try ErrorSink.collect(r.privilegeEscalationWindow) { () throws(LoadError) in try pe.child("window").duration(positive: true) }
        r.escalationCreates = try ErrorSink.collect(r.escalationCreates) { () throws(LoadError) in try pe.child("creates").list { item throws(LoadError) in try item.operationRef() } }
        r.escalationAttaches = try ErrorSink.collect(r.escalationAttaches) { () throws(LoadError) in try pe.child("attaches").list { item throws(LoadError) in try item.operationRef() } }
        let burst = try c.section("mass_action_burst", keys: ["enabled", "count", "window", "mutating_verbs"])
        r.massActionBurst = try ErrorSink.collect(r.massActionBurst) { () throws(LoadError) in try burst.child("enabled").bool() }
        r.massActionCount = try ErrorSink.collect(r.massActionCount) { () throws(LoadError) in try burst.child("count").int(atLeast: 1, atMost: 10_000) }
        r.massActionWindow = try ErrorSink.collect(r.massActionWindow) { () throws(LoadError) in try burst.child("window").duration(positive: true) }
        r.mutatingVerbs = try ErrorSink.collect(r.mutatingVerbs) { () throws(LoadError) in try burst.child("mutating_verbs").verbSet() }
        return r
    }

    static func autoResponse(_ root: LayeredNode) throws(LoadError) -> AutoResponseRules {
        let a = try root.section("auto_response", keys: ["lower_trust", "pin_scrutiny", "pin_duration", "alert"])
        var r = AutoResponseRules()
        r.lowerTrust = try ErrorSink.collect(r.lowerTrust) { () throws(LoadError) in try a.child("lower_trust").bool() }
        r.pinScrutiny = try ErrorSink.collect(r.pinScrutiny) { () throws(LoadError) in try a.child("pin_scrutiny").bool() }
        r.pinDuration = try ErrorSink.collect(r.pinDuration) { () throws(LoadError) in try a.child("pin_duration").duration(positive: true) }
        r.alert = try ErrorSink.collect(r.alert) { () throws(LoadError) in try a.child("alert").bool() }
        return r
    }

    static func approvals(_ root: LayeredNode) throws(LoadError) -> ApprovalRules {
        let a = try root.section("approvals", keys: ["pending_ttl", "grant_window", "deny_window"])
        var r = ApprovalRules()
        r.pendingTTL = try ErrorSink.collect(r.pendingTTL) { () throws(LoadError) in try a.child("pending_ttl").duration(positive: true) }
        r.grantWindow = try ErrorSink.collect(r.grantWindow) { () throws(LoadError) in try a.child("grant_window").duration(positive: true) }
        r.denyWindow = try ErrorSink.collect(r.denyWindow) { () throws(LoadError) in try a.child("deny_window").duration(positive: true) }
        return r
    }

    static func threatIntel(_ root: LayeredNode) throws(LoadError) -> ThreatIntelRules {
        let ti = try root.section("threat_intel", keys: ["feeds", "allowlist", "denylist"])
        var r = ThreatIntelRules()
        let feeds = try ti.child("feeds")
        let names = try feeds.keys()
        for name in names {
            let feed = try feeds.section(name, keys: ["enabled", "indicators"])
            let enabled = try feed.child("enabled").optional { node throws(LoadError) in try node.bool() } ?? true
            let indicators: [String]
            do {
                indicators = try feed.child("indicators").strings("a host or IP")
            } catch where error.code == .missingValue {
                // A feed only an upper layer names is new; a near miss of an existing one is likelier a typo.
                var e = error
                if feed.values.count == 1, let near = Suggestion.nearest(to: name, in: names.filter { $0 != name }) {
                    e.message += " (a new feed \(Escaping.quoted(name)); did you mean the feed \(Escaping.quoted(near))?)"
                }
                throw e
            }
            r.feeds.append(ThreatFeed(name: name, enabled: enabled, indicators: indicators))
        }
        r.allowlist = try ErrorSink.collect(r.allowlist) { () throws(LoadError) in try ti.child("allowlist").strings("a host or IP") }
        r.denylist = try ErrorSink.collect(r.denylist) { () throws(LoadError) in try ti.child("denylist").strings("a host or IP") }
        return r
    }
}
