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
        try root.expectKeys(topKeys)
        var rules = Rules()
        rules.riskBands = try riskBands(root.section("risk_bands", keys: ["medium", "high", "critical"]))
        rules.trust = try trust(root)
        rules.scrutiny = try scrutiny(root.section("scrutiny", keys: ["verbs", "external", "min_band"]))
        rules.counters = try counters(root)
        rules.triggers = try triggers(root)
        rules.correlation = try correlation(root)
        rules.autoResponse = try autoResponse(root)
        rules.approvals = try approvals(root)
        rules.threatIntel = try threatIntel(root)
        rules.policies = try PolicyDecoding.rules(root.child("policies"))
        rules.agentOverrides = try PolicyDecoding.overrides(root.child("agent_overrides"))
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
        r.initial = try t.child("initial").score(in: unit, "a trust score")
        r.scrutinyThreshold = try t.child("scrutiny_threshold").score(in: unit, "a trust score")
        r.deny = try t.child("deny").score(in: movement, movementName, rangeNote: movementNote)
        r.criticalDeny = try t.child("critical_deny").score(in: movement, movementName, rangeNote: movementNote)
        r.threatIntel = try t.child("threat_intel").score(in: movement, movementName, rangeNote: movementNote)
        r.anomaly = try t.child("anomaly").score(in: movement, movementName, rangeNote: movementNote)
        r.analystDeny = try t.child("analyst_deny").score(in: movement, movementName, rangeNote: movementNote)
        r.incidentOpen = try t.child("incident_open").score(in: movement, movementName, rangeNote: movementNote)
        let streak = try t.section("clean_streak", keys: ["length", "reward"])
        r.cleanStreakLength = try streak.child("length").int(atLeast: 0, atMost: 1_000_000)
        r.cleanStreakReward = try streak.child("reward").score(in: unit, "a reward")
        r.approvalRetry = try t.child("approval_retry").score(in: unit, "a reward")
        let idle = try t.section("idle_recovery", keys: ["period", "reward"])
        r.idlePeriod = try idle.child("period").duration(positive: false)
        r.idleReward = try idle.child("reward").score(in: unit, "a reward")
        r.gateDeniesLowerTrust = try t.child("gate_denies_lower_trust").bool()
        return r
    }

    static func scrutiny(_ s: LayeredNode) throws(LoadError) -> ScrutinyRules {
        var r = ScrutinyRules()
        r.verbs = try s.child("verbs").verbSet()
        r.external = try s.child("external").bool()
        let band = try s.child("min_band")
        r.minBand = try band.optional { node throws(LoadError) -> RiskBand? in
            try node.named("a risk band or none", names: RiskBand.allCases.map(\.description) + ["none"]) { name in
                name == "none" ? .some(nil) : RiskBand(name: name).map { .some($0) }
            }
        } ?? nil
        return r
    }

    static func counters(_ root: LayeredNode) throws(LoadError) -> CounterRules {
        let c = try root.section("counters", keys: [
            "deny", "approval", "high_risk", "threat_intel", "anomaly", "critical", "decisions", "high_risk_band",
        ])
        var r = CounterRules()
        r.deny = try c.child("deny").duration(positive: true)
        r.approval = try c.child("approval").duration(positive: true)
        r.highRisk = try c.child("high_risk").duration(positive: true)
        r.threatIntel = try c.child("threat_intel").duration(positive: true)
        r.anomaly = try c.child("anomaly").duration(positive: true)
        r.critical = try c.child("critical").duration(positive: true)
        r.decisions = try c.child("decisions").duration(positive: true)
        r.highRiskBand = try c.child("high_risk_band").named(RiskBand.self, "a risk band")
        return r
    }

    static func triggers(_ root: LayeredNode) throws(LoadError) -> TriggerRules {
        let t = try root.section("triggers", keys: [
            "critical_deny", "repeated_deny", "threat_intel", "read_then_write", "trust_collapse", "ephemeral_scope",
        ])
        var r = TriggerRules()
        let critical = try t.section("critical_deny", keys: ["enabled", "severity", "band"])
        r.criticalDeny = try triggerSwitch(critical)
        r.criticalBand = try critical.child("band").named(RiskBand.self, "a risk band")

        let repeated = try t.section("repeated_deny", keys: ["enabled", "severity", "count", "window", "count_gate_denies"])
        r.repeatedDeny = try triggerSwitch(repeated)
        r.repeatedDenyCount = try repeated.child("count").int(atLeast: 1, atMost: 10_000)
        r.repeatedDenyWindow = try repeated.child("window").duration(positive: true)
        r.countGateDenies = try repeated.child("count_gate_denies").bool()

        r.threatIntel = try triggerSwitch(t.section("threat_intel", keys: ["enabled", "severity"]))

        let rtw = try t.section("read_then_write", keys: ["enabled", "severity", "window", "sensitive_classes", "write_verbs"])
        r.readThenWrite = try triggerSwitch(rtw)
        r.readThenWriteWindow = try rtw.child("window").duration(positive: true)
        r.sensitiveClasses = try rtw.child("sensitive_classes").dataClasses()
        r.writeVerbs = try rtw.child("write_verbs").verbSet()

        let collapse = try t.section("trust_collapse", keys: ["enabled", "severity", "drop", "window"])
        r.trustCollapse = try triggerSwitch(collapse)
        r.trustCollapseDrop = try collapse.child("drop").score(in: .zero ... .one, "a trust drop")
        r.trustCollapseWindow = try collapse.child("window").duration(positive: true)

        r.ephemeralScope = try triggerSwitch(t.section("ephemeral_scope", keys: ["enabled", "severity"]))
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
        r.privilegeEscalation = try pe.child("enabled").bool()
        r.privilegeEscalationWindow = try pe.child("window").duration(positive: true)
        r.escalationCreates = try pe.child("creates").list { item throws(LoadError) in try item.operationRef() }
        r.escalationAttaches = try pe.child("attaches").list { item throws(LoadError) in try item.operationRef() }
        let burst = try c.section("mass_action_burst", keys: ["enabled", "count", "window", "mutating_verbs"])
        r.massActionBurst = try burst.child("enabled").bool()
        r.massActionCount = try burst.child("count").int(atLeast: 1, atMost: 10_000)
        r.massActionWindow = try burst.child("window").duration(positive: true)
        r.mutatingVerbs = try burst.child("mutating_verbs").verbSet()
        return r
    }

    static func autoResponse(_ root: LayeredNode) throws(LoadError) -> AutoResponseRules {
        let a = try root.section("auto_response", keys: ["lower_trust", "pin_scrutiny", "pin_duration", "alert"])
        var r = AutoResponseRules()
        r.lowerTrust = try a.child("lower_trust").bool()
        r.pinScrutiny = try a.child("pin_scrutiny").bool()
        r.pinDuration = try a.child("pin_duration").duration(positive: true)
        r.alert = try a.child("alert").bool()
        return r
    }

    static func approvals(_ root: LayeredNode) throws(LoadError) -> ApprovalRules {
        let a = try root.section("approvals", keys: ["pending_ttl", "grant_window", "deny_window"])
        var r = ApprovalRules()
        r.pendingTTL = try a.child("pending_ttl").duration(positive: true)
        r.grantWindow = try a.child("grant_window").duration(positive: true)
        r.denyWindow = try a.child("deny_window").duration(positive: true)
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
        r.allowlist = try ti.child("allowlist").strings("a host or IP")
        r.denylist = try ti.child("denylist").strings("a host or IP")
        return r
    }
}
