import Foundation
import IntervenCore
import IntervenLoading
import IntervenSimulation
import IntervenScenario
import IntervenTesting
import Testing

/// A minimal valid scenario: one group `g` of agents a-1, a-2, a-3 (lines 1-9); tests append
/// sections after it.
let minimalScenario = """
    name: t
    description: d
    duration: 24h
    agents:
      - group: g
        count: 3
        name: a-{n}
        arrivals: {poisson: 1/h}
        mix: [{op: github.create_pr}]

    """

/// Loads scenario text as `s.yaml` in the current directory.
func loadScenario(_ text: String, rulesPath: String? = nil, overrides: [String] = [],
                  baseDirectory: String = ".") throws(LoadError) -> Scenario {
    try ScenarioFile.load(text: text, source: "s.yaml", baseDirectory: baseDirectory, rulesPath: rulesPath, overrides: overrides)
}

/// A temporary directory removed when the value goes away.
final class TemporaryDirectory {
    let path: String
    init() throws {
        path = NSTemporaryDirectory() + "scenario-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    /// Writes a file under the directory and returns its path.
    @discardableResult
    func write(_ relative: String, _ text: String) throws -> String {
        let full = path + "/" + relative
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: full, atomically: true, encoding: .utf8)
        return full
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

@Suite("Scenario format")
struct ScenarioFormatTests {
    @Test("omitted keys take their documented defaults")
    func defaults() throws {
        let s = try loadScenario(minimalScenario)
        #expect(s.seed == 1)
        #expect(s.effectLatency == .seconds(1))
        #expect(s.trustSampleInterval == nil)
        #expect(s.analyst == nil)
        #expect(s.timeline.isEmpty)
        #expect(s.rules == (try RulesFile.defaults()))
        let g = try #require(s.groups.first)
        #expect(g.runtime == .custom)
        #expect(g.label == .benign)
        #expect(g.key == .live)
        #expect(g.behavior == Behavior())
        #expect(g.phases.isEmpty)
        #expect(g.agentNames == ["a-1", "a-2", "a-3"])
        let t = try #require(g.mix.first)
        #expect(t.weight == 1)
        let op = try #require(ToolCatalogue.operation("github.create_pr"))
        #expect(t.template == ScanTemplate(op))
        #expect(t.template.risk == .uniform(.zero, Score.parse("0.2")!))
    }

    @Test("name patterns: zero padding, a bare name, and a group name as the default pattern")
    func namePatterns() throws {
        let text = """
            name: t
            description: d
            duration: 1h
            agents:
              - {group: padded, count: 12, name: "bot-{n:03}", arrivals: {poisson: 1/h}, mix: [{op: slack.post_message}]}
              - {group: single, name: the-one, arrivals: {poisson: 1/h}, mix: [{op: slack.post_message}]}
              - {group: workers, count: 2, arrivals: {poisson: 1/h}, mix: [{op: slack.post_message}]}
            """
        let s = try loadScenario(text)
        #expect(s.groups[0].agentNames.first == "bot-001")
        #expect(s.groups[0].agentNames.last == "bot-012")
        #expect(s.groups[1].agentNames == ["the-one"])
        #expect(s.groups[2].agentNames == ["workers-1", "workers-2"])
    }

    @Test("a template takes the catalogue's verb, host and externality, and each key overrides one")
    func templates() throws {
        let text = minimalScenario.replacingOccurrences(of: "    mix: [{op: github.create_pr}]\n", with: """
                mix:
                  - {op: slack.invite_user, weight: 3}
                  - op: gdrive.upload
                    verb: ADMIN
                    host: files.example
                    external: true
                    data: [PII, SECRETS]
                    risk: 0.45
                    principal: "arn:aws:iam::aws:policy/AdministratorAccess"
                    body_bytes: 2048
                    variants: 2
                  - {op: github.get_contents, risk: 0.3..0.6, host: "feed:urlhaus"}
                  - {op: github.get_contents, host: "feed:any"}
                  - {tool: webhook, operation: post, verb: WRITE, host: hooks.example}
                  - {tool: github, operation: merge_pr}

            """)
        let mix = try loadScenario(text).groups[0].mix
        #expect(mix.map(\.weight) == [3, 1, 1, 1, 1, 1])
        #expect(mix[0].template.verb == .admin)
        #expect(mix[0].template.host == .fixed("slack.com"))
        #expect(mix[0].template.external)

        let t = mix[1].template
        #expect(t.tool == "gdrive" && t.operation == "upload")
        #expect(t.verb == .admin)
        #expect(t.host == .fixed("files.example"))
        #expect(t.external)
        #expect(t.dataClasses == [.pii, .secrets])
        #expect(t.risk == .fixed(Score.parse("0.45")!))
        #expect(t.principal == "arn:aws:iam::aws:policy/AdministratorAccess")
        #expect(t.bodyBytes == 2048)
        #expect(t.variants == 2)

        #expect(mix[2].template.risk == .uniform(Score.parse("0.3")!, Score.parse("0.6")!))
        #expect(mix[2].template.host == .threatFeed("urlhaus"))
        #expect(mix[2].template.external, "a feed host is external")
        #expect(mix[3].template.host == .threatFeed(nil))

        let custom = mix[4].template
        #expect(custom.tool == "webhook" && custom.operation == "post")
        #expect(custom.verb == .write)
        #expect(custom.host == .fixed("hooks.example"))
        #expect(!custom.external, "a custom operation is internal unless it says otherwise")
        #expect(mix[5].template == ScanTemplate(ToolCatalogue.operation("github.merge_pr")!), "tool + operation of the catalogue")
    }

    @Test("arrivals: poisson, constant, bursts, and daily windows that may wrap midnight")
    func arrivals() throws {
        func arrivals(_ flow: String) throws -> Arrivals {
            try loadScenario(minimalScenario.replacingOccurrences(of: "{poisson: 1/h}", with: flow)).groups[0].arrivals
        }
        #expect(try arrivals("{poisson: 30/min}") == Arrivals(.poisson(Rate("30/min")!)))
        #expect(try arrivals("{constant: 2/h}") == Arrivals(.constant(Rate("2/h")!)))
        #expect(try arrivals("{bursts: {rate: 60/min, on: 5m, off: 25m}}")
                == Arrivals(.bursts(rate: Rate("60/min")!, on: .minutes(5), off: .minutes(25))))
        #expect(try arrivals("{poisson: 1/h, window: {start: \"09:00\", end: \"17:30\"}}").window
                == DailyWindow(start: .hours(9), end: .minutes(17 * 60 + 30)))
        #expect(try arrivals("{poisson: 1/h, window: {start: \"22:00\", end: \"06:00:30\"}}").window
                == DailyWindow(start: .hours(22), end: .seconds(6 * 3600 + 30)))
        #expect(try arrivals("{poisson: 1/h, window: {start: \"9:00\", end: \"24:00\"}}").window
                == DailyWindow(start: .hours(9), end: .zero))
    }

    @Test("phases: each changes only what it names, and behaviour keys merge over the earlier behaviour")
    func phases() throws {
        let text = minimalScenario + """
                key: {ephemeral: {tools: [github, webhook], ttl: 10m, max_uses: 5}}
                behavior: {poll: 5s, backoff: {after_denies: 3}}
                phases:
                  - {at: 2h, behavior: {approval_timeout: 1m}}
                  - {at: 3h, label: compromised, mix: [{tool: webhook, operation: post, verb: WRITE, host: x.example}]}
                  - {at: 4h, arrivals: {constant: 10/h}, behavior: {retry_after_approval: false}}
            """
        let g = try loadScenario(text).groups[0]
        #expect(g.key == .ephemeral(EphemeralScope(tools: ["github", "webhook"], verbs: .all, ttl: .minutes(10), maxUses: 5)))
        #expect(g.behavior == Behavior(pollInterval: .seconds(5), backoffAfterDenies: 3))
        #expect(g.phases.map(\.at) == [.hours(2), .hours(3), .hours(4)])
        #expect(g.phases[0].behavior == Behavior(pollInterval: .seconds(5), approvalTimeout: .minutes(1), backoffAfterDenies: 3))
        #expect(g.phases[0].label == nil && g.phases[0].mix == nil && g.phases[0].arrivals == nil)
        #expect(g.phases[1].label == .compromised)
        #expect(g.phases[1].mix?.first?.template.tool == "webhook")
        #expect(g.phases[1].behavior == nil)
        #expect(g.phases[2].arrivals == Arrivals(.constant(Rate("10/h")!)))
        #expect(g.phases[2].behavior == Behavior(retryAfterApproval: false, pollInterval: .seconds(5),
                                                 approvalTimeout: .minutes(1), backoffAfterDenies: 3))
    }

    @Test("analyst: defaults, and each response-time form")
    func analyst() throws {
        func analyst(_ yaml: String) throws -> AnalystModel? { try loadScenario(minimalScenario + yaml).analyst }
        #expect(try analyst("analyst: {}\n") == AnalystModel(headcount: 1, responseTime: .fixed(.minutes(5)), accuracy: .one))
        #expect(try analyst("analyst: {headcount: 3, response_time: 90s, accuracy: 0.9, approvals: false}\n")
                == AnalystModel(headcount: 3, responseTime: .fixed(.seconds(90)), accuracy: Score.parse("0.9")!, decidesApprovals: false))
        #expect(try analyst("analyst: {response_time: {uniform: [1m, 10m]}, incidents: false}\n")?.responseTime == .uniform(.minutes(1), .minutes(10)))
        #expect(try analyst("analyst: {response_time: {exponential: 4m}}\n")?.responseTime == .exponential(mean: .minutes(4), minimum: .zero))
        #expect(try analyst("analyst: {response_time: {exponential: 4m, min: 30s}}\n")?.responseTime
                == .exponential(mean: .minutes(4), minimum: .seconds(30)))
    }

    @Test("top-level values: seed, effect latency, trust sample interval")
    func topLevel() throws {
        let s = try loadScenario(minimalScenario + "seed: 42\neffect_latency: 250ms\ntrust_sample: 10m\n")
        #expect(s.seed == 42)
        #expect(s.effectLatency == SimDuration(milliseconds: 250))
        #expect(s.trustSampleInterval == .minutes(10))
    }
}

/// One timeline item and the action it must decode to.
struct TimelineCase: Sendable, CustomTestStringConvertible {
    var item: String
    var expected: TimelineAction
    var testDescription: String { item }
    init(_ item: String, _ expected: TimelineAction) { self.item = item; self.expected = expected }
}

@Suite("Scenario timeline")
struct ScenarioTimelineTests {
    static let share = ScanTemplate(ToolCatalogue.operation("gdrive.share_file_external")!, dataClasses: .pii,
                                    risk: .fixed(Score.parse("0.8")!))

    static let cases: [TimelineCase] = [
        TimelineCase("{at: 30m, scan: {agent: a-2, op: gdrive.share_file_external, count: 5, every: 10s, data: [PII], risk: 0.8}}",
                     .scan(agent: "a-2", template: share, count: 5, spacing: .seconds(10))),
        TimelineCase("{at: 30m, scan: {agent: a-2, op: github.create_pr}}",
                     .scan(agent: "a-2", template: ScanTemplate(ToolCatalogue.operation("github.create_pr")!), count: 1, spacing: .seconds(1))),
        TimelineCase("{at: 1h, suspend: a-1}", .suspend(agent: "a-1")),
        TimelineCase("{at: 1h, reactivate: a-1}", .reactivate(agent: "a-1")),
        TimelineCase("{at: 1h, reset_trust: a-1}", .resetTrust(agent: "a-1")),
        TimelineCase("{at: 1h, rotate_key: a-1}", .rotateKey(agent: "a-1")),
        TimelineCase("{at: 1h, approve: a-3}", .decideApproval(agent: "a-3", approve: true)),
        TimelineCase("{at: 1h, deny: a-3}", .decideApproval(agent: "a-3", approve: false)),
        TimelineCase("{at: 1h, transition: {agent: a-1, trigger: repeated_deny, to: investigating}}",
                     .transition(IncidentSelector(agent: "a-1", trigger: .repeatedDeny), to: .investigating, resolution: nil)),
        TimelineCase("{at: 1h, transition: {agent: a-1, to: closed, resolution: policy_gap}}",
                     .transition(IncidentSelector(agent: "a-1"), to: .closed, resolution: .policyGap)),
        TimelineCase("{at: 1h, close: {agent: a-1, trigger: repeated_deny, resolution: false_positive}}",
                     .transition(IncidentSelector(agent: "a-1", trigger: .repeatedDeny), to: .closed, resolution: .falsePositive)),
        TimelineCase("{at: 1h, note: {agent: a-1, trigger: manual, text: checked}}",
                     .addNote(IncidentSelector(agent: "a-1", trigger: .manual), text: "checked")),
        TimelineCase("{at: 1h, respond: {agent: a-1, trigger: threat_intel, action: rotate_key}}",
                     .respond(IncidentSelector(agent: "a-1", trigger: .threatIntel), .rotateKey)),
        TimelineCase("{at: 1h, respond: {agent: a-1, action: suspend_agent}}", .respond(IncidentSelector(agent: "a-1"), .suspendAgent)),
        TimelineCase("{at: 1h, respond: {agent: a-1, action: {notify: \"#sec\"}}}", .respond(IncidentSelector(agent: "a-1"), .notify(channel: "#sec"))),
        TimelineCase("{at: 1h, respond: {agent: a-1, action: {ticket: jira}}}", .respond(IncidentSelector(agent: "a-1"), .openTicket(system: "jira"))),
        TimelineCase("{at: 1h, manual_incident: {agent: a-2, severity: HIGH, traces: 3, title: Odd shares}}",
                     .openManualIncident(agent: "a-2", severity: .high, traces: 3, title: "Odd shares")),
        TimelineCase("{at: 1h, manual_incident: {agent: a-2, severity: LOW}}",
                     .openManualIncident(agent: "a-2", severity: .low, traces: 1, title: nil)),
        TimelineCase("{at: 1h, override: {agent: a-*, quarantine: true}}", .addOverride(AgentOverride(agent: "a-*", quarantine: true))),
        TimelineCase("{at: 1h, override: {agent: a-2, rules: [{rule_id: X, name: no merges, match: {operations: [merge_pr]}, action: DENY}]}}",
                     .addOverride(AgentOverride(agent: "a-2", rules: [
                        PolicyRule(id: "X", name: "no merges", match: { var m = RuleMatch(); m.operations = ["merge_pr"]; return m }(), action: .deny),
                     ]))),
        TimelineCase("{at: 1h, indicator: {feed: urlhaus, host: new-bad.example}}", .addIndicator(feed: "urlhaus", host: "new-bad.example")),
        TimelineCase("{at: 1h, indicator: {feed: denylist, host: 192.0.2.7}}", .addIndicator(feed: "denylist", host: "192.0.2.7")),
    ]

    @Test("each action decodes", arguments: cases)
    func decodes(_ c: TimelineCase) throws {
        let s = try loadScenario(minimalScenario + "timeline:\n  - \(c.item)\n")
        let event = try #require(s.timeline.first)
        #expect(s.timeline.count == 1)
        #expect(String(reflecting: event.action) == String(reflecting: c.expected))
        #expect(event.actor == "operator")
    }

    @Test("`by` names the actor")
    func actor() throws {
        let s = try loadScenario(minimalScenario + "timeline:\n  - {at: 1h, by: alice, note: {agent: a-1, text: hi}}\n")
        #expect(s.timeline.first?.actor == "alice")
    }

    @Test("events come out sorted by time, in file order among equal times")
    func sorted() throws {
        let s = try loadScenario(minimalScenario + """
            timeline:
              - {at: 3h, suspend: a-1}
              - {at: 1h, suspend: a-2}
              - {at: 2h, reactivate: a-1}
              - {at: 1h, suspend: a-3}
              - {at: 1h, reactivate: a-2}
            """)
        let order = s.timeline.map { e -> String in
            switch e.action {
            case .suspend(let agent): "\(e.at) suspend \(agent)"
            case .reactivate(let agent): "\(e.at) reactivate \(agent)"
            default: "\(e.at) ?"
            }
        }
        #expect(order == ["1h suspend a-2", "1h suspend a-3", "1h reactivate a-2", "2h reactivate a-1", "3h suspend a-1"])
    }

    @Test("rules changes are cumulative in time order, whatever the file order")
    func setRulesCumulative() throws {
        let s = try loadScenario(minimalScenario + """
            set: {triggers.repeated_deny.window: 2h}
            timeline:
              - {at: 6h, set: {triggers.repeated_deny.count: 3, "trust.deny": -0.1}}
              - {at: 2h, set: {approvals.grant_window: 5m}}
            """, overrides: ["triggers.repeated_deny.count=7"])
        #expect(s.rules.triggers.repeatedDenyCount == 7, "--set lies over the scenario's set:")
        #expect(s.rules.triggers.repeatedDenyWindow == .hours(2))
        #expect(s.timeline.map(\.at) == [.hours(2), .hours(6)])
        guard case .setRules(let first, let firstChange) = s.timeline[0].action,
              case .setRules(let second, let secondChange) = s.timeline[1].action else {
            Issue.record("expected two rules changes")
            return
        }
        #expect(firstChange == "approvals.grant_window=5m")
        #expect(first.approvals.grantWindow == .minutes(5))
        #expect(first.triggers.repeatedDenyCount == 7)
        #expect(secondChange == "triggers.repeated_deny.count=3, trust.deny=-0.1")
        #expect(second.approvals.grantWindow == .minutes(5), "keeps the earlier change")
        #expect(second.triggers.repeatedDenyCount == 3, "a timeline change lies over --set from its time on")
        #expect(second.trust.deny == Score.parse("-0.1")!)
        #expect(second.triggers.repeatedDenyWindow == .hours(2))
    }

    @Test("a feed added by a rules change can be used from that time on")
    func feedAddedMidRun() throws {
        let text = minimalScenario + """
                phases:
                  - {at: 3h, mix: [{op: github.get_contents, host: "feed:internal"}]}
            timeline:
              - {at: 2h, set: {threat_intel.feeds.internal.indicators: [bad.internal]}}
              - {at: 2h, indicator: {feed: internal, host: worse.internal}}
            """
        let s = try loadScenario(text)
        #expect(s.groups[0].phases[0].mix?.first?.template.host == .threatFeed("internal"))
        #expect(s.timeline.count == 2)
    }
}
