public import IntervenCore

/// What a scenario says must follow from its traffic: incidents, trust trajectories, agent
/// states, decision mixes, detection quality and coverage. `check` runs the scenario and
/// evaluates each one (see `Evaluator`).
public struct Expectation: Sendable {
    /// Where the scenario file states it (`file:line`), for reports; empty for one built in code.
    public var location: String
    /// The column of the item in the file (1-based; 0 when unknown), for annotations.
    public var column: Int = 0
    /// The item's `id:`: a stable name for reports (JUnit, annotations) that does not change
    /// when other expectations are inserted before it; nil when the file gives none.
    public var id: String?
    /// What is expected.
    public var kind: Kind

    /// An expectation at a place in a file.
    public init(_ kind: Kind, location: String = "", column: Int = 0, id: String? = nil) {
        self.kind = kind; self.location = location; self.column = column; self.id = id
    }

    /// The kinds of expectation.
    public enum Kind: Sendable, Equatable {
        /// Incidents matching a filter, counted.
        case incident(IncidentExpectation)
        /// No incident matching a filter.
        case noIncident(NoIncidentExpectation)
        /// Trust of every agent a glob matches.
        case trust(TrustExpectation)
        /// Suspension and scrutiny of every agent a glob matches, at a time.
        case state(StateExpectation)
        /// Decision counts and ratios over the agents a glob matches.
        case decisions(DecisionExpectation)
        /// Detection quality against the scenario's ground-truth labels.
        case detection(DetectionExpectation)
        /// A path the scenario claims to exercise was reached at least once.
        case sometimes(CoverageExpectation)
        /// Scripted timeline actions the gateway refused (a run with an unexpected refusal fails).
        case refused(RefusedExpectation)
        /// Scans answered with a reason code, summed over the agents, in a window.
        case reasons(ReasonsExpectation)
        /// Notes on incidents.
        case notes(NotesExpectation)
        /// The rolling counters of every agent a glob matches, at a time.
        case counters(CountersExpectation)
    }
}

/// A closed interval of virtual time, as offsets from the start of the run.
public struct TimeWindow: Sendable, Equatable {
    public var from: SimDuration
    public var to: SimDuration
    /// The window [from, to].
    public init(from: SimDuration, to: SimDuration) { self.from = from; self.to = to }

    /// Whether `t` lies in the window (both ends included).
    public func contains(_ t: SimTime) -> Bool {
        t.milliseconds >= from.milliseconds && t.milliseconds <= to.milliseconds
    }

    /// `between 01:00:00 and 02:00:00`, `at 01:00:00`, or `by 01:00:00` (`up to` with
    /// `opening: "up to"`, for states that hold over the window rather than events by its end).
    public func phrase(opening: String = "by") -> String {
        if from == to { return "at \(SimTime.zero + to)" }
        return from == .zero ? "\(opening) \(SimTime.zero + to)" : "between \(SimTime.zero + from) and \(SimTime.zero + to)"
    }

    /// The window as `phrase()` says it: events happen `by` its end.
    public var phrase: String { phrase() }
}

/// Bounds on a value: exactly, at least, at most, or between (both included).
public struct Bound<Value: Comparable & Sendable>: Sendable, Equatable {
    public var lower: Value?
    public var upper: Value?
    /// Bounds; nil means unbounded on that side.
    public init(lower: Value?, upper: Value?) { self.lower = lower; self.upper = upper }
    public static func exactly(_ v: Value) -> Bound { Bound(lower: v, upper: v) }
    public static func atLeast(_ v: Value) -> Bound { Bound(lower: v, upper: nil) }
    public static func atMost(_ v: Value) -> Bound { Bound(lower: nil, upper: v) }

    /// Whether `v` satisfies the bounds.
    public func contains(_ v: Value) -> Bool {
        if let lower, v < lower { return false }
        if let upper, v > upper { return false }
        return true
    }

    /// `exactly 3`, `at least 1`, `at most 0.05`, `between 0.4 and 0.6`, with values shown by `show`.
    public func phrase(_ show: (Value) -> String) -> String {
        switch (lower, upper) {
        case let (l?, u?) where l == u: "exactly \(show(l))"
        case let (l?, u?): "between \(show(l)) and \(show(u))"
        case let (l?, nil): "at least \(show(l))"
        case let (nil, u?): "at most \(show(u))"
        case (nil, nil): "any value"
        }
    }
}

/// `incident:` incidents matching every given field, counted.
public struct IncidentExpectation: Sendable, Equatable {
    public var trigger: TriggerKind?
    /// An agent name or glob.
    public var agent: String
    public var severity: Severity?
    /// The status at the end of the run.
    public var status: IncidentStatus?
    public var resolution: Resolution?
    /// How many matching incidents (default: at least 1).
    public var count: Bound<Int>
    /// When they opened.
    public var window: TimeWindow?
    /// At least this many linked traces each.
    public var minTraces: Int?

    public init(trigger: TriggerKind? = nil, agent: String = "*", severity: Severity? = nil, status: IncidentStatus? = nil,
                resolution: Resolution? = nil, count: Bound<Int> = .atLeast(1), window: TimeWindow? = nil, minTraces: Int? = nil) {
        self.trigger = trigger; self.agent = agent; self.severity = severity; self.status = status
        self.resolution = resolution; self.count = count; self.window = window; self.minTraces = minTraces
    }
}

/// `no_incident:` no incident of a trigger (any when nil) for the agents a glob matches, in a window.
public struct NoIncidentExpectation: Sendable, Equatable {
    public var trigger: TriggerKind?
    public var agent: String
    public var window: TimeWindow?
    public init(trigger: TriggerKind? = nil, agent: String = "*", window: TimeWindow? = nil) {
        self.trigger = trigger; self.agent = agent; self.window = window
    }
}

/// `trust:` a property of the trust trajectory of every agent a glob matches.
public struct TrustExpectation: Sendable, Equatable {
    public var agent: String
    public var check: Check
    public init(agent: String, check: Check) { self.agent = agent; self.check = check }

    public enum Check: Sendable, Equatable {
        /// The score at a time (after everything that happened at that instant).
        case value(at: SimDuration, Bound<Score>)
        /// The lowest and highest score over a window.
        case range(TimeWindow, min: Bound<Score>?, max: Bound<Score>?)
        /// Scrutiny turns on at some instant in the window.
        case entersScrutiny(TimeWindow)
        /// Scrutiny turns off at some instant in the window (trust recovered or a pin ended).
        case leavesScrutiny(TimeWindow)
        /// Trust fell below the level at some time, and by `by` it is above it again.
        case recoversAbove(Score, by: SimDuration)
        /// Trust stays at or above the level (over the window, or the whole run).
        case neverBelow(Score, TimeWindow?)
    }
}

/// `state:` suspension and scrutiny of every agent a glob matches, at a time.
public struct StateExpectation: Sendable, Equatable {
    public var agent: String
    public var at: SimDuration
    public var suspended: Bool?
    public var scrutiny: Bool?
    /// Scrutiny pinned (by an incident's auto-response), whatever the score.
    public var pinned: Bool?
    public init(agent: String, at: SimDuration, suspended: Bool? = nil, scrutiny: Bool? = nil, pinned: Bool? = nil) {
        self.agent = agent; self.at = at; self.suspended = suspended; self.scrutiny = scrutiny; self.pinned = pinned
    }
}

/// `decisions:` counts and shares of decisions over the agents a glob matches, in a window.
public struct DecisionExpectation: Sendable, Equatable {
    public var agent: String
    public var window: TimeWindow?
    /// Bounds on the number of scans with a decision (nil: every scan).
    public var counts: [DecisionCount]
    /// Bounds on a decision's share of the scans, in [0, 1].
    public var ratios: [DecisionRatio]
    public init(agent: String = "*", window: TimeWindow? = nil, counts: [DecisionCount] = [], ratios: [DecisionRatio] = []) {
        self.agent = agent; self.window = window; self.counts = counts; self.ratios = ratios
    }

    public struct DecisionCount: Sendable, Equatable {
        /// The decision counted, or nil for all scans.
        public var decision: Decision?
        public var bound: Bound<Int>
        public init(_ decision: Decision?, _ bound: Bound<Int>) { self.decision = decision; self.bound = bound }
    }

    public struct DecisionRatio: Sendable, Equatable {
        public var decision: Decision
        public var bound: Bound<Score>
        public init(_ decision: Decision, _ bound: Bound<Score>) { self.decision = decision; self.bound = bound }
    }
}

/// `detection:` detection quality against ground truth, for one trigger or all of them.
///
/// An agent is malicious while its label is `misbehaving` or `compromised`. It is detected when
/// an incident of the trigger (any automatic or policy trigger when nil) opens while it is
/// malicious; time to detect runs from the moment it turned malicious. An incident that opens
/// while its agent is benign is a false positive.
public struct DetectionExpectation: Sendable, Equatable {
    public var trigger: TriggerKind?
    public var agent: String
    /// Share of malicious agents detected.
    public var rate: Bound<Score>?
    /// Share of incidents that opened on benign agents.
    public var falsePositiveRatio: Bound<Score>?
    public var p50: Bound<SimDuration>?
    public var p95: Bound<SimDuration>?
    public init(trigger: TriggerKind? = nil, agent: String = "*", rate: Bound<Score>? = nil, falsePositiveRatio: Bound<Score>? = nil,
                p50: Bound<SimDuration>? = nil, p95: Bound<SimDuration>? = nil) {
        self.trigger = trigger; self.agent = agent; self.rate = rate; self.falsePositiveRatio = falsePositiveRatio
        self.p50 = p50; self.p95 = p95
    }
}

/// `sometimes:` at least one agent a glob matches reaches a state or event (in a window).
public struct CoverageExpectation: Sendable, Equatable {
    public var agent: String
    public var window: TimeWindow?
    public var condition: Condition
    public init(agent: String = "*", window: TimeWindow? = nil, condition: Condition) {
        self.agent = agent; self.window = window; self.condition = condition
    }

    public enum Condition: Sendable, Equatable {
        case scrutiny
        case suspended
        case decision(Decision)
        /// An incident opened (of a trigger, or any).
        case incident(TriggerKind?)
        case trustBelow(Score)
    }
}

/// `refused:` timeline actions the gateway refused, counted.
public struct RefusedExpectation: Sendable, Equatable {
    /// An agent name or glob; `*` also matches tenant-wide actions.
    public var agent: String
    /// The action's timeline key (`close`, `note`, `rotate_key`, ...); nil: any.
    public var action: String?
    /// When the refused actions were scripted.
    public var window: TimeWindow?
    /// How many (default: at least 1).
    public var count: Bound<Int>
    public init(agent: String = "*", action: String? = nil, window: TimeWindow? = nil, count: Bound<Int> = .atLeast(1)) {
        self.agent = agent; self.action = action; self.window = window; self.count = count
    }
}

/// `reasons:` scans whose reason codes include `code`, summed over the agents a glob matches.
public struct ReasonsExpectation: Sendable, Equatable {
    public var agent: String
    /// A built-in code (`RECENT_DENY_GRANT`) or a rule's own `reason_code`.
    public var code: String
    public var window: TimeWindow?
    public var count: Bound<Int>
    public init(agent: String = "*", code: String, window: TimeWindow? = nil, count: Bound<Int> = .atLeast(1)) {
        self.agent = agent; self.code = code; self.window = window; self.count = count
    }
}

/// `notes:` notes on the incidents of the agents a glob matches, counted.
public struct NotesExpectation: Sendable, Equatable {
    public var agent: String
    public var trigger: TriggerKind?
    /// The note's author (the timeline item's `by`).
    public var author: String?
    /// Text the note contains.
    public var text: String?
    /// When the notes were added.
    public var window: TimeWindow?
    public var count: Bound<Int>
    public init(agent: String = "*", trigger: TriggerKind? = nil, author: String? = nil, text: String? = nil,
                window: TimeWindow? = nil, count: Bound<Int> = .atLeast(1)) {
        self.agent = agent; self.trigger = trigger; self.author = author; self.text = text; self.window = window; self.count = count
    }
}

/// `counters:` the rolling counters (deny, approval, high_risk, threat_intel, anomaly, critical)
/// of every agent a glob matches at a time: the value after everything at that instant.
public struct CountersExpectation: Sendable, Equatable {
    public var agent: String
    public var at: SimDuration
    /// Bounds by counter name, in `names` order.
    public var bounds: [(name: String, bound: Bound<Int>)]
    /// The counters an expectation can state.
    public static let names = ["deny", "approval", "high_risk", "threat_intel", "anomaly", "critical"]
    public init(agent: String, at: SimDuration, bounds: [(name: String, bound: Bound<Int>)]) {
        self.agent = agent; self.at = at; self.bounds = bounds
    }
    public static func == (a: CountersExpectation, b: CountersExpectation) -> Bool {
        a.agent == b.agent && a.at == b.at && a.bounds.map(\.name) == b.bounds.map(\.name) && a.bounds.map(\.bound) == b.bounds.map(\.bound)
    }
}
