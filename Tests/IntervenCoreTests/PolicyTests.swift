import IntervenCore
import IntervenTesting
import Testing

/// A tenant rule on the tool `widget` with its own reason code, so the winner is visible.
private func widgetRule(_ id: String, _ action: PolicyAction, priority: Int = 100) -> PolicyRule {
    PolicyRule(id: id, name: "widget \(action)", priority: priority, match: .tools(["widget"]), action: action,
               reasonCode: "\(id)_CODE")
}

private func allowRule(_ id: String, operations: [String]) -> PolicyRule {
    var m = RuleMatch()
    m.operations = operations
    return PolicyRule(id: id, name: "let fin bots through", match: m, action: .allow)
}

@Suite("Policies (decision step 4)")
struct PolicyTests {
    @Test("no matching rule allows with no reason and no rule")
    func noMatchAllows() throws {
        var r = Rig(try defaults())
        let v = r.scan(at(m: 1), tool: "jira", op: "create_ticket", verb: .write)
        #expect(v.decision == .allow)
        #expect(v.reasons.isEmpty)
        #expect(v.rule == .none)
    }

    @Test("a shipped default policy decides with its reason code")
    func defaultPolicyReason() throws {
        var r = Rig(try defaults())
        let v = r.scan(at(m: 1), tool: "slack", op: "post_message", verb: .write, classes: [.secrets])
        #expect(v.decision == .deny)
        #expect(v.reasons.names(in: r.g.symbols) == ["SECRET_DETECTED"])
        #expect(r.g.symbols[v.rule] == "P3")
    }

    static let strictness: [(PolicyAction, PolicyAction, Decision)] = [
        (.allow, .requireApproval, .requireApproval), (.requireApproval, .sanitize, .sanitize),
        (.sanitize, .deny, .deny), (.allow, .deny, .deny), (.deny, .allow, .deny), (.sanitize, .requireApproval, .sanitize),
        (.allow, .allow, .allow), (.requireApproval, .openIncident, .deny),
    ]

    @Test("the strictest matching tenant rule wins, whatever the priorities", arguments: strictness)
    func strictestWins(first: PolicyAction, second: PolicyAction, expected: Decision) throws {
        var rules = try defaults()
        rules.add(widgetRule("W1", first, priority: 1))
        rules.add(widgetRule("W2", second, priority: 2))
        var r = Rig(rules)
        let v = r.scan(at(m: 1), tool: "widget", op: "poke")
        #expect(v.decision == expected)
        if expected != .allow {
            let winner = second.decision > first.decision ? "W2" : "W1"
            #expect(r.g.symbols[v.rule] == winner)
            #expect(r.g.symbols[v.reasons.custom] == "\(winner)_CODE")
        }
    }

    @Test("a per-agent ALLOW never loosens a tenant DENY")
    func agentAllowCannotLoosenDeny() throws {
        var rules = try defaults()
        rules.agentOverrides = [AgentOverride(agent: "fin-bot-*", rules: [allowRule("A1", operations: ["share_file_external"])])]
        var r = Rig(rules, agents: ["fin-bot-1"])
        let v = r.deny(at(m: 1))
        #expect(v.decision == .deny)
        #expect(r.g.symbols[v.rule] == "P8")
        #expect(v.reasons.names(in: r.g.symbols) == ["SENSITIVE_DATA_EGRESS"])
    }

    @Test("a per-agent ALLOW loosens a tenant REQUIRE_APPROVAL or SANITIZE for that agent only", arguments: [
        ("github", "merge_pr", DataClasses(), Decision.requireApproval),
        ("slack", "post_message", DataClasses.pii, Decision.sanitize),
    ])
    func agentAllowLoosens(tool: String, op: String, classes: DataClasses, tenant: Decision) throws {
        var rules = try defaults()
        rules.agentOverrides = [AgentOverride(agent: "fin-bot-*", rules: [allowRule("A1", operations: [op])])]
        var r = Rig(rules, agents: ["fin-bot-1", "ops-bot"])
        let fin = r.scan(at(m: 1), agent: 0, tool: tool, op: op, verb: .write, classes: classes)
        let ops = r.scan(at(m: 1), agent: 1, tool: tool, op: op, verb: .write, classes: classes)
        #expect(fin.decision == .allow)
        #expect(ops.decision == tenant)
    }

    @Test("a per-agent rule that is not ALLOW does not loosen a stricter tenant rule: the strictest wins")
    func agentNonAllowDoesNotLoosen() throws {
        var rules = try defaults()
        var m = RuleMatch()
        m.toolNames = ["slack"]
        rules.agentOverrides = [AgentOverride(agent: "fin-bot-*", rules: [
            PolicyRule(id: "A-RA", name: "review slack", match: m, action: .requireApproval, reasonCode: "AGENT_REVIEW"),
        ])]
        var r = Rig(rules, agents: ["fin-bot-1"])
        // Tenant P5 sanitizes Slack PII; the agent's REQUIRE_APPROVAL is looser, so SANITIZE stands.
        let pii = r.scan(at(m: 1), tool: "slack", op: "post_message", verb: .write, classes: .pii)
        #expect(pii.decision == .sanitize)
        #expect(r.g.symbols[pii.rule] == "P5")
        // With no tenant rule matching, the agent's rule decides.
        let plain = r.scan(at(m: 2), tool: "slack", op: "post_message", verb: .write)
        #expect(plain.decision == .requireApproval)
        #expect(plain.reasons.names(in: r.g.symbols) == ["AGENT_REVIEW"])
    }

    @Test("a per-agent ALLOW drops tenant REQUIRE_APPROVAL but other per-agent rules still count")
    func agentAllowWithStricterAgentRule() throws {
        var rules = try defaults()
        var pii = RuleCondition()
        pii.hasDataClass = .pii
        rules.agentOverrides = [AgentOverride(agent: "fin-bot-*", rules: [
            allowRule("A1", operations: ["merge_pr"]),
            PolicyRule(id: "A2", name: "sanitize PII", match: .tools(["github"]), condition: pii, action: .sanitize),
        ])]
        var r = Rig(rules, agents: ["fin-bot-1"])
        #expect(r.scan(at(m: 1), tool: "github", op: "merge_pr", verb: .write).decision == .allow)
        let v = r.scan(at(m: 2), tool: "github", op: "merge_pr", verb: .write, classes: .pii)
        #expect(v.decision == .sanitize)
        #expect(r.g.symbols[v.rule] == "A2")
    }

    @Test("an override added mid-run applies from the next scan")
    func overrideAddedMidRun() throws {
        var r = Rig(try defaults(), agents: ["fin-bot-1"])
        #expect(r.scan(at(m: 1), tool: "github", op: "merge_pr", verb: .write).decision == .requireApproval)
        r.g.addOverride(AgentOverride(agent: "fin-bot-1", rules: [allowRule("A1", operations: ["merge_pr"])]))
        #expect(r.scan(at(m: 2), tool: "github", op: "merge_pr", verb: .write).decision == .allow)
        r.g.addOverride(AgentOverride(agent: "fin-bot-1", quarantine: true))
        let v = r.scan(at(m: 3))
        #expect(v.decision == .deny)
        #expect(v.reasons.contains(.agentQuarantined))
    }

    @Test("a quarantined agent is denied everything with AGENT_QUARANTINED; others are not")
    func quarantine() throws {
        var rules = try defaults()
        rules.agentOverrides = [AgentOverride(agent: "fin-bot-1", quarantine: true,
                                              rules: [allowRule("A1", operations: ["list_repos"])])]
        var r = Rig(rules, agents: ["fin-bot-1", "ops-bot"])
        for (i, (tool, op, verb)) in [("github", "list_repos", Verb.read), ("jira", "comment", .write), ("aws", "describe", .admin)].enumerated() {
            let v = r.scan(at(m: Int64(i + 1)), agent: 0, tool: tool, op: op, verb: verb)
            #expect(v.decision == .deny)
            #expect(v.reasons.contains(.agentQuarantined))
            #expect(!v.isGateDeny)
        }
        #expect(r.scan(at(m: 5), agent: 1).decision == .allow)
        // A quarantine deny is a policy deny, not a gate deny: it lowers trust.
        #expect(r.trust(0) == sc("0.85"))
        #expect(r.trust(1) == .one)
    }

    @Test("overrides select agents by name glob or by id")
    func overrideByIdOrGlob() throws {
        var roster = AgentRoster(seed: 1)
        roster.add(name: "fin-bot-1", runtime: .crewai)
        roster.add(name: "ops-bot", runtime: .crewai)
        var rules = try defaults()
        rules.agentOverrides = [AgentOverride(agent: roster.id(of: 1), quarantine: true)]
        var g = Gateway(rules: rules, roster: roster)
        let tool = g.intern("github"), op = g.intern("list_repos")
        #expect(g.process(Scan(time: at(m: 1), agent: 0, tool: tool, operation: op, trace: 1)).decision == .allow)
        #expect(g.process(Scan(time: at(m: 1), agent: 1, tool: tool, operation: op, trace: 2)).decision == .deny)
    }

    @Test("tool-name globs", arguments: [
        ("git*", "github", true), ("git*", "gitlab", true), ("git*", "legit", false),
        ("?lack", "slack", true), ("?lack", "black", true), ("?lack", "lack", false),
        ("[gs]drive", "gdrive", true), ("[gs]drive", "sdrive", true), ("[gs]drive", "xdrive", false),
    ])
    func toolGlobs(pattern: String, tool: String, matches: Bool) throws {
        var rules = try defaults()
        rules.policies = [PolicyRule(id: "G1", name: "glob", match: .tools([pattern]), action: .deny)]
        var r = Rig(rules)
        let v = r.scan(at(m: 1), tool: tool, op: "anything")
        #expect(v.decision == (matches ? .deny : .allow))
        if matches { #expect(v.reasons.contains(.policyMatch)) }
    }

    @Test("URL pattern globs", arguments: [
        ("https://*.internal.example/*", "https://api.internal.example/v1/users", true),
        ("https://*.internal.example/*", "https://internal.example.org/v1", false),
        ("https://hooks.example/?/*", "https://hooks.example/a/b", true),
        ("https://hooks.example/?/*", "https://hooks.example/ab/b", false),
        ("https://[ab].example/*", "https://a.example/x", true),
        ("https://[ab].example/*", "https://c.example/x", false),
    ])
    func urlGlobs(pattern: String, url: String, matches: Bool) throws {
        var rules = try defaults()
        var m = RuleMatch()
        m.urlPatterns = [pattern]
        rules.policies = [PolicyRule(id: "U1", name: "url", match: m, action: .deny, reasonCode: "URL_BLOCKED")]
        var r = Rig(rules)
        let v = r.scan(at(m: 1), tool: "custom_proxy", op: "request", url: url)
        #expect(v.decision == (matches ? .deny : .allow))
    }

    @Test("match keys on verbs and runtimes")
    func verbAndRuntimeKeys() throws {
        var rules = try defaults()
        var m = RuleMatch()
        m.verbs = VerbSet([.admin])
        m.runtimes = [.mcp]
        rules.policies = [PolicyRule(id: "R1", name: "mcp admin", match: m, action: .deny)]
        var roster = AgentRoster(seed: 1)
        roster.add(name: "mcp-bot", runtime: .mcp)
        roster.add(name: "lc-bot", runtime: .langchain)
        var g = Gateway(rules: rules, roster: roster)
        func decide(_ agent: AgentIndex, _ verb: Verb, _ trace: TraceID) -> Decision {
            g.process(Scan(time: at(m: 1), agent: agent, tool: g.intern("aws"), operation: g.intern("x"), verb: verb,
                           signature: trace, trace: trace)).decision
        }
        #expect(decide(0, .admin, 1) == .deny)
        #expect(decide(0, .write, 2) == .allow)
        #expect(decide(1, .admin, 3) == .allow)
    }

    struct ConditionCase: Sendable, CustomTestStringConvertible {
        var label: String
        var condition: RuleCondition
        var trust = "1"
        var risk = "0"
        var classes: DataClasses = []
        var external = false
        var host = ""
        var body: Int32 = 0
        var matches: Bool
        var testDescription: String { label }
    }

    static let conditionCases: [ConditionCase] = {
        func cond(_ f: (inout RuleCondition) -> Void) -> RuleCondition { var c = RuleCondition(); f(&c); return c }
        let pii = cond { $0.hasDataClass = [.pii] }
        let ext = cond { $0.isExternal = true }
        let risk = cond { $0.riskScoreGreaterThan = sc("0.5") }
        let trust = cond { $0.trustScoreLessThan = sc("0.8") }
        let ti = cond { $0.threatIntelMatch = true }
        let body = cond { $0.bodySizeGreaterThan = 1000 }
        let both = cond { $0.isExternal = true; $0.hasDataClass = [.secrets] }
        return [
            ConditionCase(label: "has_data_class: one of them present", condition: pii, classes: [.secrets, .pii], matches: true),
            ConditionCase(label: "has_data_class: absent", condition: pii, classes: [.secrets], matches: false),
            ConditionCase(label: "is_external: external", condition: ext, external: true, matches: true),
            ConditionCase(label: "is_external: internal", condition: ext, external: false, matches: false),
            ConditionCase(label: "risk_score_gt: equal does not match", condition: risk, risk: "0.5", matches: false),
            ConditionCase(label: "risk_score_gt: one micro above", condition: risk, risk: "0.500001", matches: true),
            ConditionCase(label: "trust_score_lt: equal does not match", condition: trust, trust: "0.8", matches: false),
            ConditionCase(label: "trust_score_lt: one micro below", condition: trust, trust: "0.799999", matches: true),
            ConditionCase(label: "threat_intel_match: feed host", condition: ti, host: "malware-drop.example", matches: true),
            ConditionCase(label: "threat_intel_match: clean host", condition: ti, host: "api.example", matches: false),
            ConditionCase(label: "body_size_bytes_gt: equal does not match", condition: body, body: 1000, matches: false),
            ConditionCase(label: "body_size_bytes_gt: one byte more", condition: body, body: 1001, matches: true),
            ConditionCase(label: "conditions are ANDed: both hold", condition: both, classes: [.secrets], external: true, matches: true),
            ConditionCase(label: "conditions are ANDed: one fails", condition: both, classes: [.secrets], external: false, matches: false),
        ]
    }()

    @Test("conditions", arguments: conditionCases)
    func conditions(c: ConditionCase) throws {
        var rules = try defaults()
        rules.trust.initial = sc(c.trust)
        rules.policies = [PolicyRule(id: "C1", name: "condition", match: .tools(["widget"]), condition: c.condition,
                                     action: .sanitize, reasonCode: "COND")]
        var r = Rig(rules)
        let v = r.scan(at(m: 1), tool: "widget", op: "poke", external: c.external, classes: c.classes, host: c.host,
                       risk: sc(c.risk), body: c.body)
        #expect((r.g.symbols[v.rule] == "C1") == c.matches)
        if c.host.isEmpty {
            #expect(v.decision == (c.matches ? .sanitize : .allow))
        }
    }

    @Test("OPEN_INCIDENT denies and opens a policy incident at the rule's severity, one per rule")
    func openIncidentRule() throws {
        var rules = try defaults()
        var m = RuleMatch()
        m.toolNames = ["custom_proxy"]
        rules.add(PolicyRule(id: "X1", name: "Exfil proxy", match: m, action: .openIncident, reasonCode: "EXFIL",
                             incidentSeverity: .low))
        var m2 = RuleMatch()
        m2.operations = ["upload"]
        rules.add(PolicyRule(id: "X2", name: "Any upload", match: m2, action: .openIncident, incidentSeverity: .critical))
        var r = Rig(rules)
        let v1 = r.scan(at(m: 1), tool: "custom_proxy", op: "post")
        #expect(v1.decision == .deny)
        #expect(v1.incidentsOpened == 1)
        let policy = r.incidents(.policy)
        try #require(policy.count == 1)
        #expect(policy[0].severity == .low)
        #expect(r.g.symbols[policy[0].trigger.key] == "X1")
        #expect(policy[0].title.contains("X1"))
        #expect(policy[0].traces == [r.lastRef(at(m: 1))])

        // The same rule again links to the open incident; a scan both rules match opens X2's own.
        let v2 = r.scan(at(m: 2), tool: "custom_proxy", op: "upload")
        #expect(v2.decision == .deny)
        let after = r.incidents(.policy)
        try #require(after.count == 2)
        #expect(after[0].traces.count == 2)
        #expect(r.g.symbols[after[1].trigger.key] == "X2")
        #expect(after[1].severity == .critical)
    }
}
