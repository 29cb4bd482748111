import IntervenCore
import IntervenScenario
import IntervenSimulation

/// The synthetic tenant `bench` runs: about 95% benign, 4% misbehaving and 1% compromised agents
/// over the built-in tool catalogue, every agent scanning at one constant rate, with traffic that
/// makes every automatic trigger and both anomaly patterns of the shipped rules fire.
///
/// - Benign agents in five groups (five runtimes, three traffic profiles: coding, CRM, ops):
///   reads and writes at LOW or MEDIUM risk, personal data posted to Slack now and then (the
///   default policy sanitizes it), PR merges that need an approval.
/// - Leakers (misbehaving): mostly reads; about one scan in five posts secrets to Slack or shares
///   a file externally, which the policy denies, often in band CRITICAL: `critical_deny`,
///   `repeated_deny`, `trust_collapse`.
/// - Ephemeral-key agents (misbehaving): a key scoped to Salesforce and HubSpot, sometimes used
///   for Slack: `ephemeral_scope`.
/// - Compromised agents behave like the CRM agents until a third of the run, then export
///   contacts and move money (`read_then_write`), pay threat-intel hosts (`threat_intel`), and
///   create IAM users then attach admin policies (privilege escalation). One of them also
///   deletes records in a scripted burst halfway through (mass-action burst).
///
/// Agents never block (no retry after approval, no backoff) and there is no analyst, so every
/// agent sends exactly one scan per period: the scan count is agents × rate × duration (plus the
/// scripted burst), whatever the decisions. Everything derives from the seed.
struct BenchTenant {
    let agents: Int
    let duration: SimDuration
    let rate: Rate
    let seed: UInt64
    /// One trust sample per agent per interval (nil: every change, which costs memory at scale).
    let trustSample: SimDuration?

    /// How many agents each kind of group gets.
    struct Composition: Equatable {
        /// Benign agents per group, in `BenchTenant.benignGroups` order (zero-sized groups left out).
        var benign: [Int]
        var leakers: Int
        var ephemeral: Int
        var compromised: Int
        var benignTotal: Int { benign.reduce(0, +) }
    }

    /// Benign groups: name pattern, runtime and traffic profile.
    static let benignGroups: [(name: String, pattern: String, runtime: Runtime, profile: Profile)] = [
        ("coders-claude-code", "cc-{n}", .claudeCode, .coding),
        ("coders-cursor", "cursor-{n}", .cursor, .coding),
        ("crm-langchain", "lc-{n}", .langchain, .crm),
        ("crm-crewai", "crew-{n}", .crewai, .crm),
        ("ops-mcp", "mcp-{n}", .mcp, .ops),
    ]

    enum Profile { case coding, crm, ops }

    /// 1% compromised and 4% misbehaving (an eighth of them with ephemeral keys), the rest benign
    /// and spread evenly over the benign groups; tenants of fewer than 4 agents are all benign.
    var composition: Composition {
        let compromised = agents >= 4 ? max(1, agents / 100) : 0
        let misbehaving = agents >= 4 ? max(2, agents * 4 / 100) : 0
        let ephemeral = misbehaving > 0 ? max(1, misbehaving / 8) : 0
        let benign = agents - compromised - misbehaving
        let k = Self.benignGroups.count
        let benignSizes = (0..<k).map { benign / k + ($0 < benign % k ? 1 : 0) }
        return Composition(benign: benignSizes, leakers: misbehaving - ephemeral, ephemeral: ephemeral, compromised: compromised)
    }

    /// When the compromised agents turn (a third of the run).
    var turnAt: SimDuration { SimDuration(milliseconds: duration.milliseconds / 3) }

    /// The scripted burst: 12 admin calls one second apart, halfway through the run (only when
    /// the run is long enough and has a compromised agent).
    static let burstCount = 12
    var burstAt: SimDuration? {
        let at = SimDuration(milliseconds: duration.milliseconds / 2)
        guard composition.compromised > 0, at.milliseconds + Int64(Self.burstCount) * 1000 < duration.milliseconds else { return nil }
        return at
    }

    /// The arrival period in whole milliseconds (as constant arrivals use it).
    var periodMilliseconds: Int64 {
        max(1, Int64((1 / rate.perMillisecond).rounded()))
    }

    /// Scans the run will decide: exact when the period divides the duration (each agent then
    /// sends duration / period scans whatever its phase), else a bound on each side.
    var expectedScans: (low: UInt64, high: UInt64) {
        let d = duration.milliseconds, p = periodMilliseconds
        let burst = UInt64(burstAt == nil ? 0 : Self.burstCount)
        let n = UInt64(agents)
        return (n * UInt64(d / p) + burst, n * UInt64((d + p - 1) / p) + burst)
    }

    /// The scenario, with `rules` in force.
    func scenario(rules: Rules) -> Scenario {
        let c = composition
        let arrivals = Arrivals(.constant(rate))
        let steady = Behavior(retryAfterApproval: false, backoffAfterDenies: 0)
        var groups: [AgentGroup] = []
        for (spec, count) in zip(Self.benignGroups, c.benign) where count > 0 {
            groups.append(AgentGroup(name: spec.name, count: count, namePattern: spec.pattern, runtime: spec.runtime,
                                     arrivals: arrivals, mix: Self.mix(spec.profile), behavior: steady))
        }
        if c.leakers > 0 {
            groups.append(AgentGroup(
                name: "leakers", count: c.leakers, namePattern: "leaker-{n}", runtime: .openclaw, label: .misbehaving,
                arrivals: arrivals,
                mix: [
                    w("github.list_prs", 25), w("salesforce.query", 25), w("notion.search", 20), w("jira.add_comment", 10),
                    w("slack.post_message", 12, data: .secrets, risk: (500_000, 950_000)),
                    w("gdrive.share_file_external", 6, risk: (550_000, 800_000)),
                    w("slack.upload_file", 2, data: .secrets, risk: (400_000, 900_000)),
                ],
                behavior: steady))
        }
        if c.ephemeral > 0 {
            let scope = EphemeralScope(tools: ["salesforce", "hubspot"], verbs: VerbSet([.read, .write]),
                                       ttl: duration + .hours(1), maxUses: Int(Int32.max))
            groups.append(AgentGroup(
                name: "ephemeral-keys", count: c.ephemeral, namePattern: "eph-{n}", runtime: .openaiAssistants,
                label: .misbehaving, key: .ephemeral(scope), arrivals: arrivals,
                mix: [w("salesforce.query", 45), w("hubspot.search", 30), w("salesforce.update_record", 20),
                      w("slack.post_message", 5)],     // Slack is outside the key's scope
                behavior: steady))
        }
        if c.compromised > 0 {
            let turned: [WeightedTemplate] = [
                w("salesforce.export_contacts", 30, data: .pii, risk: (300_000, 500_000)),
                w("custom_proxy.transfer_funds", 25, risk: (400_000, 700_000)),
                w("custom_proxy.create_disbursement", 5, risk: (700_000, 950_000), host: .threatFeed(nil)),
                w("aws.create_user", 10),
                w("aws.attach_policy", 10, principal: "arn:aws:iam::aws:policy/AdministratorAccess"),
                w("salesforce.query", 20),
            ]
            groups.append(AgentGroup(
                name: "compromised", count: c.compromised, namePattern: "comp-{n}", runtime: .langgraph,
                arrivals: arrivals, mix: Self.mix(.crm), behavior: steady,
                phases: [Phase(at: turnAt, label: .compromised, mix: turned)]))
        }
        var timeline: [TimelineEvent] = []
        if let at = burstAt, let delete = ToolCatalogue.operation("salesforce.delete_record") {
            timeline.append(TimelineEvent(at: at, actor: "bench", action: .scan(
                agent: "comp-1", template: ScanTemplate(delete), count: Self.burstCount, spacing: .seconds(1))))
        }
        return Scenario(name: "bench", description: "The synthetic tenant of interven-sim bench.", seed: seed,
                        duration: duration, rules: rules, groups: groups, timeline: timeline, analyst: nil,
                        effectLatency: .seconds(1), trustSampleInterval: trustSample)
    }

    /// A benign traffic profile.
    static func mix(_ profile: Profile) -> [WeightedTemplate] {
        switch profile {
        case .coding:
            [w("github.list_prs", 30), w("github.get_contents", 25), w("github.create_pr", 15), w("github.create_issue", 10),
             w("jira.add_comment", 10), w("slack.post_message", 9), w("github.merge_pr", 1)]     // merge: approval (P2)
        case .crm:
            [w("salesforce.query", 30), w("hubspot.search", 20), w("salesforce.update_record", 15, risk: (250_000, 450_000)),
             w("zendesk.update_ticket", 15), w("notion.search", 15), w("slack.post_message", 5, data: .pii)]   // PII: sanitized (P5)
        case .ops:
            [w("aws.s3_get_object", 30), w("datadog.post_event", 25), w("jira.create_issue", 20), w("slack.post_message", 20),
             w("aws.s3_put_object", 5, risk: (250_000, 450_000))]
        }
    }

    /// One line per group kind, for the report.
    var summary: String {
        let c = composition
        return "\(c.benignTotal) benign (\(c.benign.filter { $0 > 0 }.count) groups), \(c.leakers) leaking, "
            + "\(c.ephemeral) with ephemeral keys, \(c.compromised) turning compromised at \(turnAt)"
    }
}

/// A catalogue template with a weight (the names above are all in the catalogue).
private func w(_ name: String, _ weight: Int, data: DataClasses = [], risk: (Int32, Int32) = (0, 200_000),
               host: HostSpec? = nil, principal: String? = nil) -> WeightedTemplate {
    guard let op = ToolCatalogue.operation(name) else { preconditionFailure("no catalogue operation \(name)") }
    return WeightedTemplate(ScanTemplate(op, host: host, dataClasses: data,
                                         risk: .uniform(Score(micros: risk.0), Score(micros: risk.1)), principal: principal),
                            weight: weight)
}
