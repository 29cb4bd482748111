/// Why an agent's trust moved (docs/behaviour.md §5).
public enum TrustCause: UInt8, CaseIterable, Sendable, CustomStringConvertible {
    case deny, criticalDeny, threatIntel, anomaly, analystDeny, incidentOpen, cleanStreak, approvalRetry, idle, reset
    /// Not a score movement: the agent was suspended or reactivated (recorded so the series
    /// shows every change of the suspended column).
    case suspended, reactivated
    /// Not a score movement: scrutiny was pinned (an incident's auto-response), so the series
    /// shows when the scrutiny column turned on without a fall in trust.
    case scrutinyPinned
    /// `deny`, `critical_deny`, `threat_intel`, ... as written in trust.csv.
    public var description: String {
        ["deny", "critical_deny", "threat_intel", "anomaly", "analyst_deny", "incident_open", "clean_streak",
         "approval_retry", "idle", "reset", "suspended", "reactivated", "scrutiny_pinned"][Int(rawValue)]
    }
}

/// One change of an agent's trust score.
public struct TrustChange: Sendable, Equatable {
    /// When it happened; for idle recovery, the end of the last full idle period.
    public var time: SimTime
    /// Whose trust changed.
    public var agent: AgentIndex
    /// The score before the change.
    public var before: Score
    /// The score after it, clamped to [0, 1].
    public var after: Score
    /// Whether the agent was in scrutiny right after the change.
    public var scrutiny: Bool
    /// Whether the agent was suspended right after the change.
    public var suspended: Bool
    /// What moved it.
    public var cause: TrustCause
    /// Until when scrutiny was pinned right after the change (exclusive), or `.never`.
    public var pinnedUntil: SimTime = .never
    /// Whether the score was below the scrutiny threshold right after the change; with
    /// `pinnedUntil` this gives the scrutiny state at any later instant up to the next change.
    public var belowThreshold: Bool = false
}

/// Per-agent trust state (docs/behaviour.md §5) in flat arrays indexed by `AgentIndex`.
///
/// Scores are fixed-point; every movement clamps to [0, 1]. Idle recovery is credited lazily,
/// at the instant each full idle period ended, when the agent is next seen (or settled), so a
/// quiet agent costs nothing while it is quiet.
public struct TrustEngine: Sendable {
    private(set) var rules: TrustRules
    private var collapseWindow: SimDuration
    private var collapseDrop: Score
    private var collapseEnabled: Bool

    /// One record per agent, so a scan reads and writes one cache line of trust state.
    private(set) var agents: [AgentTrust] = []
    private var history: [TrustHistory] = []
    private(set) var counters: RollingCounters

    /// Trust changes since the last `drainChanges`, when recording is on.
    public private(set) var changes: [TrustChange] = []
    /// Whether to keep `changes`.
    public var recordsChanges = false

    init(rules: Rules) {
        self.rules = rules.trust
        collapseWindow = rules.triggers.trustCollapseWindow
        collapseDrop = rules.triggers.trustCollapseDrop
        collapseEnabled = rules.triggers.trustCollapse.enabled
        counters = RollingCounters(rules: rules.counters)
    }

    /// Takes new movements and collapse thresholds mid-run (counter windows stay).
    mutating func updateRules(_ r: Rules) {
        rules = r.trust
        collapseWindow = r.triggers.trustCollapseWindow
        collapseDrop = r.triggers.trustCollapseDrop
        collapseEnabled = r.triggers.trustCollapse.enabled
    }

    /// Makes room for agents up to `count`; new agents start at the initial trust.
    mutating func grow(to count: Int) {
        let n = count - agents.count
        guard n > 0 else { return }
        agents.append(contentsOf: repeatElement(AgentTrust(score: rules.initial), count: n))
        history.append(contentsOf: repeatElement(TrustHistory(), count: n))
        counters.grow(to: count)
    }

    /// Whether the agent is in scrutiny at `time`: trust below the threshold, or pinned.
    func inScrutiny(_ agent: Int, at time: SimTime) -> Bool {
        agents[agent].score < rules.scrutinyThreshold || time < agents[agent].pinnedUntil
    }

    /// An agent's trust score.
    @inline(__always) func score(_ agent: Int) -> Score { agents[agent].score }
    /// Whether an agent is suspended.
    @inline(__always) func isSuspended(_ agent: Int) -> Bool { agents[agent].suspended }
    /// Until when an agent's scrutiny is pinned (exclusive), or `.never`.
    func pinnedUntil(_ agent: Int) -> SimTime { agents[agent].pinnedUntil }
    /// An agent's last scan time, or `.never`.
    func lastActivity(_ agent: Int) -> SimTime { agents[agent].lastActivity }
    /// The latest end of an approval grant or deny window of the agent.
    @inline(__always) func grantHorizon(_ agent: Int) -> SimTime { agents[agent].grantHorizon }
    /// Extends the agent's grant horizon (set when an analyst decides an approval).
    mutating func extendGrantHorizon(_ agent: Int, to time: SimTime) {
        if agents[agent].grantHorizon < time { agents[agent].grantHorizon = time }
    }

    /// Records a change of the agent's state (score, suspension or pin) when recording is on.
    @inline(__always)
    private mutating func recordChange(_ agent: Int, before: Score, cause: TrustCause, at time: SimTime) {
        let a = agents[agent]
        changes.append(TrustChange(time: time, agent: AgentIndex(agent), before: before, after: a.score,
                                   scrutiny: inScrutiny(agent, at: time), suspended: a.suspended, cause: cause,
                                   pinnedUntil: a.pinnedUntil, belowThreshold: a.score < rules.scrutinyThreshold))
    }

    /// Moves trust by `delta` (clamped to [0, 1]) and reports whether this fall is a trust collapse.
    @discardableResult
    mutating func move(_ agent: Int, by delta: Score, cause: TrustCause, at time: SimTime) -> Bool {
        let before = agents[agent].score
        let after = (before + delta).clampedToUnit
        guard after != before else { return false }
        agents[agent].score = after
        // The score in force before the first change (the initial score, or the score an
        // operator reset set) was never recorded; without it a fall from there is not seen.
        if history[agent].isEmpty { history[agent].record(before, at: time) }
        history[agent].record(after, at: time)
        if recordsChanges { recordChange(agent, before: before, cause: cause, at: time) }
        guard collapseEnabled, after < before else { return false }
        let peak = history[agent].maximum(over: collapseWindow, now: time, current: after)
        return peak - after > collapseDrop
    }

    /// Credits idle recovery for every full idle period that ended at or before `time`.
    @inline(__always) mutating func settleIdle(_ agent: Int, until time: SimTime) {
        guard rules.idlePeriod.milliseconds > 0 else { return }
        let from = agents[agent].idleCreditedUntil
        guard from != .never else { return }
        // Almost every scan comes within an idle period of the last one: no division then.
        let idle = time.milliseconds - from.milliseconds
        guard idle >= rules.idlePeriod.milliseconds else { return }
        let periods = idle / rules.idlePeriod.milliseconds
        guard periods > 0 else { return }
        agents[agent].idleCreditedUntil = from + rules.idlePeriod * periods
        // One credit at the end of each full idle period, so the series shows every step; the
        // loop stops at full trust, so it is bounded by 1 / reward however long the idle time.
        var k: Int64 = 1
        while k <= periods && agents[agent].score < Score.one && rules.idleReward > .zero {
            move(agent, by: rules.idleReward, cause: .idle, at: from + rules.idlePeriod * k)
            k += 1
        }
    }

    /// Marks the agent active at `time` (idle periods count from here).
    @inline(__always) mutating func touch(_ agent: Int, at time: SimTime) {
        agents[agent].lastActivity = time
        agents[agent].idleCreditedUntil = time
    }

    /// Counts a scan toward the clean streak; returns true when the streak completed.
    @inline(__always) mutating func countStreak(_ agent: Int, denied: Bool) -> Bool {
        if denied { agents[agent].cleanStreak = 0; return false }
        guard rules.cleanStreakLength > 0 else { return false }
        agents[agent].cleanStreak += 1
        if agents[agent].cleanStreak >= rules.cleanStreakLength { agents[agent].cleanStreak = 0; return true }
        return false
    }

    /// Pins scrutiny until `until` (exclusive) unless it is pinned longer already.
    mutating func pin(_ agent: Int, until: SimTime, at time: SimTime) {
        guard agents[agent].pinnedUntil < until else { return }
        agents[agent].pinnedUntil = until
        if recordsChanges { recordChange(agent, before: agents[agent].score, cause: .scrutinyPinned, at: time) }
    }

    /// Suspends or reactivates an agent, recording the change in the series.
    mutating func setSuspended(_ agent: Int, _ value: Bool, at time: SimTime) {
        agents[agent].suspended = value
        if recordsChanges { recordChange(agent, before: agents[agent].score, cause: value ? .suspended : .reactivated, at: time) }
    }

    /// A removed agent's index back to a fresh agent's state (its counter rows kept, zeroed, for
    /// the index's next agent).
    mutating func clear(_ agent: Int) {
        agents[agent] = AgentTrust(score: rules.initial)
        history[agent] = TrustHistory()
        counters.clear(agent: agent)
    }

    /// Operator reset: trust back to initial, trust counters zeroed, pin cleared, streak restarted.
    mutating func reset(_ agent: Int, at time: SimTime) {
        let before = agents[agent].score
        let wasPinned = time < agents[agent].pinnedUntil
        agents[agent].score = rules.initial
        agents[agent].pinnedUntil = .never
        agents[agent].cleanStreak = 0
        history[agent].clear()
        counters.resetTrustCounters(agent: agent)
        // A reset that leaves the score where it was still ends a pin, which the series must show.
        if recordsChanges && (before != rules.initial || wasPinned) { recordChange(agent, before: before, cause: .reset, at: time) }
    }

    @inline(__always) mutating func count(_ kind: CounterKind, _ agent: Int, at time: SimTime) {
        counters.add(kind, agent: agent, at: time)
    }

    /// A rolling counter's value for an agent at `time`.
    public func counter(_ kind: CounterKind, agent: AgentIndex, at time: SimTime) -> Int {
        counters.count(kind, agent: Int(agent), at: time)
    }

    /// Returns and forgets the recorded trust changes.
    public mutating func drainChanges() -> [TrustChange] {
        defer { changes.removeAll(keepingCapacity: true) }
        return changes
    }
}

/// The hot trust state of one agent (48 bytes).
struct AgentTrust: Sendable {
    var score: Score
    var cleanStreak: Int32 = 0
    /// Last scan time, or `.never`.
    var lastActivity = SimTime.never
    /// The instant idle recovery was last credited up to.
    var idleCreditedUntil = SimTime.never
    /// Scrutiny pinned until this time (exclusive), or `.never`.
    var pinnedUntil = SimTime.never
    /// The latest end of a grant or deny window, so agents without one skip the grant lookup.
    var grantHorizon = SimTime.never
    var suspended = false
}
