public import IntervenCore
import IntervenScenario

/// Everything a run produced, in canonical order (independent of the shard count).
public struct RunResult: Sendable {
    public var scenario: String
    public var seed: UInt64
    public var shards: Int
    /// Virtual length of the run.
    public var duration: SimDuration
    /// Every agent's Agents-page row at the end of the run, in scenario order (made when read).
    public var agents: AgentRows
    /// Scans decided.
    public var scans: UInt64
    /// Decisions by type.
    public var decisions: [Decision: UInt64]
    /// Every incident, ordered by (opened at, agent, ordinal).
    public var incidents: [IncidentRecord]
    /// The trust series, ordered by (time, agent): every change, or samples.
    public var trust: [TrustSample]
    /// Tenant-wide alerts, ordered by (time, agent, incident).
    public var alerts: [AlertRecord]
    /// Anomaly signals, ordered by (time, agent).
    public var anomalies: [AnomalyRecord]
    /// Approvals by final status.
    public var approvals: [ApprovalStatus: Int]
    /// Timeline actions the gateway refused (e.g. an illegal incident transition), in time order.
    public var refusedActions: [RefusedAction]
    /// The instant virtual time 0 stands for (the scenario's `start:`), in Unix milliseconds:
    /// the results files write times in RFC 3339 from it.
    public var startUnixMilliseconds: Int64 = ActivityLog.defaultStart
    /// Wall-clock seconds the run took (the only field that differs between identical runs).
    public var wallSeconds: Double
    /// A hash of the incident timeline and the trust series.
    public var fingerprint: Fingerprint
    /// What the shards recorded for the scenario's expectations, and decisions per group.
    public var observations = Observations()
    /// Wall-clock seconds of each stage (not part of the result proper: differs run to run).
    public var timings = RunTimings()
    /// Sampled nanoseconds of single scans' trips through the gateway (decision, trust,
    /// correlation, incidents), when sampling was asked for; shard by shard, not sorted.
    public var coreLatencies: [UInt32] = []
    /// Detection quality against the scenario's ground truth (see `DetectionScorer`); nil for a
    /// result not made by `Simulation`.
    public var detection: DetectionMetrics? = nil
    /// Set when the run was stopped before its end because its trust series outgrew
    /// `Simulation.trustRowLimit`; the result then holds nothing else of use.
    public var stopped: RunStopped?
    /// The scenario's agent groups in scenario order; each group's agents follow one another in `agents`.
    public var groups: [RunGroup] = []
    /// Decisions per virtual hour, flat: hour `h`, decision `d` at `h * 4 + d.rawValue`.
    public var hourlyDecisions: [UInt64] = []
    /// The trust every agent starts with, and the scrutiny threshold of the rules in effect.
    public var initialTrust: Score = .zero
    public var scrutinyThreshold: Score = .zero
    /// The rules file the run used (nil: the shipped rules) and the values that differ from the
    /// shipped defaults (`path: value (default: X)`), filled in by whoever loaded the rules.
    public var rulesFile: String? = nil
    public var rulesDifferences: [String] = []

    /// Scans per wall-clock second.
    public var scansPerSecond: Double { wallSeconds > 0 ? Double(scans) / wallSeconds : 0 }
}

/// Why a run was stopped before its end.
public struct RunStopped: Sendable, Equatable {
    /// The virtual time it had reached.
    public var at: SimTime
    /// The trust series rows it held then.
    public var trustRows: Int
    /// The limit they passed.
    public var limit: Int
}

/// One agent group of a run: its agents are `count` consecutive entries of `RunResult.agents`.
public struct RunGroup: Sendable, Equatable {
    public var name: String
    public var label: GroundTruth
    public var runtime: Runtime
    public var count: Int
    public init(name: String, label: GroundTruth, runtime: Runtime, count: Int) {
        self.name = name; self.label = label; self.runtime = runtime; self.count = count
    }
}

/// An incident as written to `incidents.json`.
public struct IncidentRecord: Sendable, Equatable {
    /// A UUID derived from the seed, the agent and the agent's incident ordinal.
    public var id: String
    public var title: String
    public var severity: Severity
    public var agent: String
    public var agentID: String
    public var trigger: TriggerKind
    /// The feed for `threat_intel`, the rule id for `policy`, nil otherwise.
    public var key: String?
    /// The operator who opened a manual incident.
    public var openedBy: String?
    public var openedAt: SimTime
    public var status: IncidentStatus
    /// Every status with when and by whom, starting with `open`.
    public var statusChanges: [StatusChange]
    public var resolution: Resolution?
    public var closedAt: SimTime?
    /// Linked traces in time order.
    public var traces: [TraceRef]
    public var actions: [ResponseAction]
    public var notes: [Note]

    /// One status change of an incident.
    public struct StatusChange: Sendable, Equatable {
        public var status: IncidentStatus
        public var time: SimTime
        public var actor: String
    }
}

/// One row of `trust.csv`.
public struct TrustSample: Sendable, Equatable {
    public var time: SimTime
    public var agent: String
    public var trust: Score
    public var scrutiny: Bool
    public var suspended: Bool
    /// What moved trust (nil for a periodic sample).
    public var cause: TrustCause?
}

/// A tenant-wide alert sent when an incident opened.
public struct AlertRecord: Sendable, Equatable {
    public var time: SimTime
    public var agent: String
    public var incidentID: String
    public var severity: Severity
    public var title: String
}

/// An anomaly signal (privilege escalation, mass-action burst).
public struct AnomalyRecord: Sendable, Equatable {
    public var time: SimTime
    public var agent: String
    public var kind: AnomalyKind
    public var traces: [TraceRef]
}

/// A timeline action the gateway refused.
public struct RefusedAction: Sendable, Equatable {
    public var time: SimTime
    /// The action as the scenario wrote it, e.g. `transition fin-bot-1 repeated_deny → closed`.
    public var action: String
    /// The gateway's one-line reason.
    public var reason: String
    /// The action's key as a timeline item writes it (`close`, `note`, `rotate_key`, ...).
    public var keyword: String = ""
    /// The agent it names, if any.
    public var agent: String?
    /// The timeline item's line in the scenario file (0 when unknown).
    public var line: Int = 0

    public init(time: SimTime, action: String, reason: String, keyword: String = "", agent: String? = nil, line: Int = 0) {
        self.time = time; self.action = action; self.reason = reason; self.keyword = keyword; self.agent = agent; self.line = line
    }
}
