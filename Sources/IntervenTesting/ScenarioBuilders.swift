public import IntervenCore
import IntervenLoading
public import IntervenScenario

/// A catalogue template, failing the test on a typo.
public func op(_ name: String, data: DataClasses = [], risk: RiskSpec = .uniform(.zero, Score(micros: 200_000)),
        host: HostSpec? = nil, external: Bool? = nil, principal: String? = nil, variants: Int = 8) -> ScanTemplate {
    guard let o = ToolCatalogue.operation(name) else { preconditionFailure("no catalogue operation \(name)") }
    return ScanTemplate(o, host: host, external: external, dataClasses: data, risk: risk, principal: principal, variants: variants)
}

/// A rate, failing the test on a typo.
public func rate(_ text: String) -> Rate {
    guard let r = Rate(text) else { preconditionFailure("bad rate \(text)") }
    return r
}

/// A mixed tenant in code: benign agents, a misbehaving group, a group that turns compromised,
/// an analyst and a few operator actions. Small enough to run in well under a second.
public func mixedTenant(seed: UInt64 = 7, agents: Int = 60, hours: Int64 = 6) throws -> Scenario {
    let rules = try RulesFile.defaults()
    let benign = AgentGroup(
        name: "workers", count: agents, namePattern: "worker-{n:03}", runtime: .langchain,
        arrivals: Arrivals(.poisson(rate("1/min"))),
        mix: [WeightedTemplate(op("github.create_pr"), weight: 5), WeightedTemplate(op("github.list_prs"), weight: 5),
              WeightedTemplate(op("slack.post_message", data: .pii), weight: 1), WeightedTemplate(op("github.merge_pr"), weight: 1)])
    let noisy = AgentGroup(
        name: "noisy", count: 6, namePattern: "noisy-{n}", runtime: .crewai, label: .misbehaving,
        arrivals: Arrivals(.bursts(rate: rate("20/min"), on: .minutes(10), off: .minutes(50))),
        mix: [WeightedTemplate(op("slack.post_message", data: .secrets, risk: .uniform(Score(micros: 500_000), Score(micros: 900_000))), weight: 3),
              WeightedTemplate(op("gdrive.share_file_external"), weight: 1), WeightedTemplate(op("github.create_issue"), weight: 4)])
    let turned = AgentGroup(
        name: "fin", count: 4, namePattern: "fin-bot-{n}", runtime: .openaiAssistants,
        key: .ephemeral(EphemeralScope(tools: ["salesforce", "custom_proxy"], verbs: VerbSet([.read, .write]), ttl: .hours(4), maxUses: 200)),
        arrivals: Arrivals(.constant(rate("2/min")), window: DailyWindow(start: .hours(1), end: .hours(5))),
        mix: [WeightedTemplate(op("salesforce.query"), weight: 1)],
        phases: [Phase(at: .hours(2), label: .compromised,
                       mix: [WeightedTemplate(op("salesforce.export_contacts", data: .pii), weight: 2),
                             WeightedTemplate(op("custom_proxy.transfer_funds"), weight: 1),
                             WeightedTemplate(op("custom_proxy.create_disbursement", host: .threatFeed(nil)), weight: 1)])])
    let timeline: [TimelineEvent] = [
        TimelineEvent(at: .minutes(30), action: .scan(agent: "worker-001", template: op("gdrive.share_file_external"), count: 5, spacing: .seconds(10))),
        TimelineEvent(at: .hours(1), action: .suspend(agent: "noisy-1")),
        TimelineEvent(at: .hours(3), action: .reactivate(agent: "noisy-1")),
        TimelineEvent(at: .hours(3), action: .addIndicator(feed: "urlhaus", host: "payments.example")),
        TimelineEvent(at: .hours(4), actor: "alice", action: .addNote(IncidentSelector(agent: "fin-bot-1"), text: "looking")),
    ]
    return Scenario(name: "mixed", seed: seed, duration: .hours(hours), rules: rules, groups: [benign, noisy, turned],
                    timeline: timeline,
                    analyst: AnalystModel(headcount: 3, responseTime: .exponential(mean: .minutes(1), minimum: .seconds(20)),
                                          accuracy: Score(micros: 900_000)))
}
