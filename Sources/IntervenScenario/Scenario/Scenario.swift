public import IntervenCore

/// A scripted run: who the agents are, how they send traffic, what operators do and when.
///
/// A scenario is plain data. `IntervenLoading` reads it from YAML; tests and tools can also
/// build one in code. The same scenario and seed give byte-identical results at any shard count.
public struct Scenario: Sendable {
    /// Short name; names the results folder.
    public var name: String
    /// What the scenario exercises, for readers.
    public var description: String
    /// The run's seed: every agent's random stream and the analyst's derive from it.
    public var seed: UInt64
    /// Virtual length of the run.
    public var duration: SimDuration
    /// The effective rules (rules file, scenario overrides and `--set` already applied).
    public var rules: Rules
    /// Agent groups, in file order.
    public var groups: [AgentGroup]
    /// Scripted one-off scans and operator actions.
    public var timeline: [TimelineEvent]
    /// The simulated analyst, if any.
    public var analyst: AnalystModel?
    /// How often cross-actor effects are delivered (auto-responses reaching agents, analyst
    /// decisions, agent reactions): they land at the next boundary of this period.
    public var effectLatency: SimDuration
    /// Record every trust change when nil; otherwise one sample per agent per interval.
    public var trustSampleInterval: SimDuration?
    /// The instant virtual time 0 stands for (`start:`), in Unix milliseconds; RFC 3339 times in
    /// outputs count from it.
    public var startUnixMilliseconds: Int64 = Scenario.defaultStart
    /// 2026-01-01T00:00:00Z in Unix milliseconds.
    public static let defaultStart: Int64 = 1_767_225_600_000
    /// What must follow from the run (`check` evaluates them; `run` ignores them).
    public var expectations: [Expectation] = []

    /// A scenario with no agents, no timeline and no analyst.
    public init(name: String, description: String = "", seed: UInt64 = 1, duration: SimDuration, rules: Rules,
                groups: [AgentGroup] = [], timeline: [TimelineEvent] = [], analyst: AnalystModel? = nil,
                effectLatency: SimDuration = .seconds(1), trustSampleInterval: SimDuration? = nil) {
        self.name = name; self.description = description; self.seed = seed; self.duration = duration
        self.rules = rules; self.groups = groups; self.timeline = timeline; self.analyst = analyst
        self.effectLatency = effectLatency; self.trustSampleInterval = trustSampleInterval
    }
}

/// A group of agents that share a runtime, a label, a key and a traffic profile.
public struct AgentGroup: Sendable {
    /// Group name (used in messages).
    public var name: String
    /// How many agents.
    public var count: Int
    /// Agent names: `{n}` is replaced by 1...count, `{n:03}` zero-pads; without `{n}` and with
    /// count 1 the pattern is the name.
    public var namePattern: String
    public var runtime: Runtime
    /// Ground truth at the start (phases may change it).
    public var label: GroundTruth
    /// The key the agents use.
    public var key: KeySpec
    /// When the agents scan.
    public var arrivals: Arrivals
    /// What they scan: templates with weights.
    public var mix: [WeightedTemplate]
    /// How they react to decisions.
    public var behavior: Behavior
    /// Later changes of label, arrivals, mix or behavior, in time order.
    public var phases: [Phase]

    /// A group; phases and behavior default to none and the SDK's habits.
    public init(name: String, count: Int, namePattern: String, runtime: Runtime, label: GroundTruth = .benign,
                key: KeySpec = .live, arrivals: Arrivals, mix: [WeightedTemplate], behavior: Behavior = Behavior(),
                phases: [Phase] = []) {
        self.name = name; self.count = count; self.namePattern = namePattern; self.runtime = runtime
        self.label = label; self.key = key; self.arrivals = arrivals; self.mix = mix; self.behavior = behavior
        self.phases = phases
    }

    /// The names of the group's agents, in order.
    public var agentNames: [String] {
        guard namePattern.contains("{n") else {
            return count == 1 ? [namePattern] : (1...max(count, 1)).map { "\(namePattern)-\($0)" }
        }
        return (1...max(count, 1)).map { AgentGroup.expand(namePattern, $0) }
    }

    /// The pattern with each `{n}` / `{n:WIDTH}` replaced by `n`.
    static func expand(_ pattern: String, _ n: Int) -> String {
        let chars = Array(pattern)
        var out = ""
        var i = 0
        while i < chars.count {
            if chars[i] == "{", i + 1 < chars.count, chars[i + 1] == "n", let close = chars[(i + 2)...].firstIndex(of: "}") {
                let spec = String(chars[(i + 2)..<close])
                var digits = "\(n)"
                if spec.hasPrefix(":"), let width = Int(spec.dropFirst()), digits.count < width {
                    digits = String(repeating: "0", count: width - digits.count) + digits
                }
                out += digits
                i = close + 1
            } else {
                out.append(chars[i])
                i += 1
            }
        }
        return out
    }
}

/// The API key an agent uses: its live key, or an ephemeral key minted at its first scan.
public enum KeySpec: Sendable, Equatable {
    case live
    case ephemeral(EphemeralScope)
}

/// A scan template with a relative weight in a mix.
public struct WeightedTemplate: Sendable, Equatable {
    public var template: ScanTemplate
    /// Relative weight (at least 1).
    public var weight: Int
    /// A template with a weight.
    public init(_ template: ScanTemplate, weight: Int) { self.template = template; self.weight = weight }
}

/// Where a scan goes: a fixed host, or an indicator of a threat-intel feed.
public enum HostSpec: Sendable, Equatable {
    /// A fixed host or IP.
    case fixed(String)
    /// An indicator of the named feed (or of any enabled feed when nil), drawn per scan.
    case threatFeed(String?)
}

/// How a template's risk score is drawn.
public enum RiskSpec: Sendable, Equatable {
    case fixed(Score)
    /// Uniform in [low, high], in millionths.
    case uniform(Score, Score)
}

/// One kind of tool call: tool, operation, verb, destination, data classes and risk.
public struct ScanTemplate: Sendable, Equatable {
    public var tool: String
    public var operation: String
    public var verb: Verb
    public var host: HostSpec
    /// Whether the destination is external (a threat-feed host always is).
    public var external: Bool
    public var dataClasses: DataClasses
    public var risk: RiskSpec
    /// A principal named by the call (collaborator, policy ARN), or nil.
    public var principal: String?
    public var bodyBytes: Int
    /// How many distinct request signatures the template produces per agent (identical
    /// retries share one).
    public var variants: Int

    /// A template from the catalogue's operation, with overrides.
    public init(_ op: CatalogueOperation, verb: Verb? = nil, host: HostSpec? = nil, external: Bool? = nil,
                dataClasses: DataClasses = [], risk: RiskSpec = .uniform(.zero, Score(micros: 200_000)),
                principal: String? = nil, bodyBytes: Int = 512, variants: Int = 8) {
        tool = op.tool; operation = op.operation; self.verb = verb ?? op.verb
        self.host = host ?? .fixed(op.host)
        if case .threatFeed = self.host { self.external = true } else { self.external = external ?? op.external }
        self.dataClasses = dataClasses; self.risk = risk; self.principal = principal
        self.bodyBytes = bodyBytes; self.variants = max(1, variants)
    }
}

/// How agents react to decisions (the closed loop).
public struct Behavior: Sendable, Equatable {
    /// Re-send the identical request once an approval is granted (the SDK's habit).
    public var retryAfterApproval: Bool
    /// How often the agent polls a pending approval; the retry happens at the first poll after
    /// the decision reaches it.
    public var pollInterval: SimDuration
    /// How long the agent waits for a decision before giving up.
    public var approvalTimeout: SimDuration
    /// After this many consecutive DENYs the agent pauses (0 = never).
    public var backoffAfterDenies: Int
    /// How long it pauses.
    public var backoffPause: SimDuration

    /// The SDK's habits: retry after approval, poll every 2 s, wait up to 10 min, pause 5 min
    /// after 5 denies in a row.
    public init(retryAfterApproval: Bool = true, pollInterval: SimDuration = .seconds(2),
                approvalTimeout: SimDuration = .minutes(10), backoffAfterDenies: Int = 5, backoffPause: SimDuration = .minutes(5)) {
        self.retryAfterApproval = retryAfterApproval; self.pollInterval = pollInterval
        self.approvalTimeout = approvalTimeout; self.backoffAfterDenies = backoffAfterDenies; self.backoffPause = backoffPause
    }
}

/// From a time on, a group behaves differently (e.g. turns compromised and exfiltrates).
public struct Phase: Sendable, Equatable {
    /// Offset from the start of the run.
    public var at: SimDuration
    public var label: GroundTruth?
    public var arrivals: Arrivals?
    public var mix: [WeightedTemplate]?
    public var behavior: Behavior?
    /// A phase; nil fields keep the group's current value.
    public init(at: SimDuration, label: GroundTruth? = nil, arrivals: Arrivals? = nil, mix: [WeightedTemplate]? = nil,
                behavior: Behavior? = nil) {
        self.at = at; self.label = label; self.arrivals = arrivals; self.mix = mix; self.behavior = behavior
    }
}

/// A scripted event at a time.
public struct TimelineEvent: Sendable {
    /// Offset from the start of the run.
    public var at: SimDuration
    /// Who does it (`operator` by default), recorded on incidents and approvals.
    public var actor: String
    public var action: TimelineAction
    /// The item's line in the scenario file (0 when built in code), for reports.
    public var line: Int = 0
    /// An event at a time.
    public init(at: SimDuration, actor: String = "operator", action: TimelineAction) {
        self.at = at; self.actor = actor; self.action = action
    }
}

/// Which incident of an agent a timeline action means: the newest one (of a trigger, when given).
public struct IncidentSelector: Sendable, Equatable {
    public var agent: String
    public var trigger: TriggerKind?
    /// The newest incident of `agent` (opened by `trigger` when given).
    public init(agent: String, trigger: TriggerKind? = nil) { self.agent = agent; self.trigger = trigger }
}

/// What a timeline event does.
public enum TimelineAction: Sendable {
    /// `count` scans of a template by a named agent, `spacing` apart.
    case scan(agent: String, template: ScanTemplate, count: Int, spacing: SimDuration)
    case suspend(agent: String)
    case reactivate(agent: String)
    case resetTrust(agent: String)
    /// Rotate the agent's API key (outside any incident).
    case rotateKey(agent: String)
    /// Decide the agent's newest pending approval.
    case decideApproval(agent: String, approve: Bool)
    /// Move an incident along its lifecycle.
    case transition(IncidentSelector, to: IncidentStatus, resolution: Resolution?)
    case addNote(IncidentSelector, text: String)
    /// An operator response on an incident (suspend agent, rotate key, notify, open ticket).
    case respond(IncidentSelector, OperatorAction)
    /// A manual incident from the agent's last `traces` scans.
    case openManualIncident(agent: String, severity: Severity, traces: Int, title: String?)
    case addOverride(AgentOverride)
    case addIndicator(feed: String, host: String)
    /// Rules changed mid-run (the loader has applied the `--set`-style change already).
    case setRules(Rules, change: String)
}

/// The simulated analyst (docs/behaviour.md §14): decides approvals and triages incidents from ground truth.
public struct AnalystModel: Sendable, Equatable {
    /// Analysts working the queue in parallel.
    public var headcount: Int
    /// Time an analyst takes per item.
    public var responseTime: Delay
    /// Probability of deciding as the ground truth says.
    public var accuracy: Score
    public var decidesApprovals: Bool
    public var triagesIncidents: Bool
    /// An analyst model.
    public init(headcount: Int, responseTime: Delay, accuracy: Score, decidesApprovals: Bool = true, triagesIncidents: Bool = true) {
        self.headcount = headcount; self.responseTime = responseTime; self.accuracy = accuracy
        self.decidesApprovals = decidesApprovals; self.triagesIncidents = triagesIncidents
    }
}

/// A random delay.
public enum Delay: Sendable, Equatable {
    case fixed(SimDuration)
    case uniform(SimDuration, SimDuration)
    /// Exponential with a mean, never below `minimum`.
    case exponential(mean: SimDuration, minimum: SimDuration)

    /// The shortest delay this can draw.
    public var minimum: SimDuration {
        switch self {
        case .fixed(let d): d
        case .uniform(let lo, let hi): min(lo, hi)
        case .exponential(_, let minimum): max(.zero, minimum)
        }
    }

    /// A draw in whole milliseconds.
    public func draw(_ rng: inout RandomStream) -> SimDuration {
        switch self {
        case .fixed(let d): return d
        case .uniform(let lo, let hi):
            let span = UInt64(max(0, hi.milliseconds - lo.milliseconds)) + 1
            return SimDuration(milliseconds: lo.milliseconds + Int64(rng.nextBelow(span)))
        case .exponential(let mean, let minimum):
            let d = Int64(rng.exponential(mean: Double(mean.milliseconds)))
            return SimDuration(milliseconds: max(minimum.milliseconds, d))
        }
    }
}
