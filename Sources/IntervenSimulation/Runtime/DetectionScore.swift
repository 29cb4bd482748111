public import IntervenCore
public import IntervenScenario

/// How well one trigger (or any automatic trigger) detected the malicious agents of a set.
///
/// An agent is malicious while its label (its group's, or a phase's) is `misbehaving` or
/// `compromised`. It is detected when an incident of the trigger opens while it is malicious;
/// its time to detect runs from the moment it turned malicious (the first malicious stretch
/// with an incident counts). An incident that opens while its agent is benign is a false
/// positive; one that opens while it is malicious a true positive.
public struct DetectionTally: Sendable, Equatable {
    /// The trigger scored, or nil for any trigger but `manual`.
    public var trigger: TriggerKind?
    /// Agents scored.
    public var agents: Int = 0
    /// Agents malicious at some time of the run.
    public var maliciousAgents: Int = 0
    /// Malicious agents detected.
    public var detectedAgents: Int = 0
    /// Incidents of the trigger on the agents.
    public var incidents: Int = 0
    /// Incidents that opened while their agent was malicious.
    public var truePositives: Int = 0
    /// Incidents that opened while their agent was benign, as indexes into `RunResult.incidents`
    /// (agent order, then time order).
    public var falsePositiveIncidents: [Int] = []
    /// Time to detect of every detected agent, sorted.
    public var timesToDetect: [SimDuration] = []
    /// Malicious agents not detected (agent index in scenario order) and when they first turned malicious.
    public var missed: [(agent: Int, from: SimTime)] = []
    /// Milliseconds the agents spent benign, summed (the exposure of false positives).
    public var benignAgentMilliseconds: Int64 = 0

    public var falsePositives: Int { falsePositiveIncidents.count }

    /// Detected over malicious agents, rounded to millionths; nil when no agent is malicious.
    public var detectionRate: Score? { maliciousAgents > 0 ? Self.ratio(detectedAgents, maliciousAgents) : nil }
    /// True positives over incidents; nil without incidents.
    public var precision: Score? { incidents > 0 ? Self.ratio(truePositives, incidents) : nil }
    /// False positives over incidents; zero without incidents.
    public var falsePositiveRatio: Score { incidents > 0 ? Self.ratio(falsePositives, incidents) : .zero }
    /// False positives per 1,000 agent-days of benign behaviour; zero without benign time.
    public var falsePositivesPer1000AgentDays: Double {
        benignAgentMilliseconds > 0 ? Double(falsePositives) * 86_400_000_000 / Double(benignAgentMilliseconds) : 0
    }
    /// Nearest-rank percentiles of the time to detect; nil when nothing was detected.
    public var timeToDetectP50: SimDuration? { Self.percentile(timesToDetect, 50) }
    public var timeToDetectP95: SimDuration? { Self.percentile(timesToDetect, 95) }

    public static func == (a: DetectionTally, b: DetectionTally) -> Bool {
        a.trigger == b.trigger && a.agents == b.agents && a.maliciousAgents == b.maliciousAgents
            && a.detectedAgents == b.detectedAgents && a.incidents == b.incidents && a.truePositives == b.truePositives
            && a.falsePositiveIncidents == b.falsePositiveIncidents && a.timesToDetect == b.timesToDetect
            && a.missed.map(\.agent) == b.missed.map(\.agent) && a.benignAgentMilliseconds == b.benignAgentMilliseconds
    }

    /// `n / d` in millionths, rounded half up.
    static func ratio(_ n: Int, _ d: Int) -> Score { Score(micros: Int32((Int64(n) * 1_000_000 + Int64(d) / 2) / Int64(d))) }

    /// Nearest-rank percentile of sorted values.
    public static func percentile(_ sorted: [SimDuration], _ p: Int) -> SimDuration? {
        guard !sorted.isEmpty else { return nil }
        let rank = max(1, (sorted.count * p + 99) / 100)
        return sorted[min(rank, sorted.count) - 1]
    }
}

/// Detection of one agent group (or of every agent), per trigger, with what the gateway's
/// reactions cost the group.
public struct GroupDetection: Sendable, Equatable {
    /// The group's name, or nil for every agent.
    public var group: String?
    /// `any` first (any trigger but `manual`), then each trigger but `manual` in declaration order.
    public var triggers: [DetectionTally]
    /// REQUIRE_APPROVAL decisions (approvals asked of the analyst, retries while pending included).
    public var approvalsRequested: UInt64
    /// Milliseconds the agents spent in scrutiny, summed.
    public var scrutinyAgentMilliseconds: Int64
    /// Agents suspended at some time of the run.
    public var suspendedAgents: Int
}

/// A run's detection quality: every agent, then each group.
public struct DetectionMetrics: Sendable, Equatable {
    public var overall: GroupDetection
    public var groups: [GroupDetection]

    public init(overall: GroupDetection, groups: [GroupDetection]) { self.overall = overall; self.groups = groups }

    /// The triggers scored separately, in the order of `GroupDetection.triggers` after `any`.
    public static let triggers: [TriggerKind] = TriggerKind.allCases.filter { $0 != .manual }
}

/// Scores a run against the scenario's ground truth; `Evaluator`'s detection expectation and
/// `summary.json`'s `detection` section both come from here.
public struct DetectionScorer: Sendable {
    public let scenario: Scenario
    public let result: RunResult
    /// Group of each agent (scenario order).
    public let groupOf: [Int]
    /// Malicious intervals `[from, to)` of each group.
    public let intervals: [[(from: SimTime, to: SimTime)]]
    /// Indexes into `result.incidents` of each agent's incidents, in time order.
    let incidentsOf: [[Int]]

    public init(scenario: Scenario, result: RunResult) {
        self.scenario = scenario
        self.result = result
        var groupOf: [Int] = [], index: [String: Int] = [:]
        for (g, group) in scenario.groups.enumerated() {
            for n in group.agentNames { index[n] = groupOf.count; groupOf.append(g) }
        }
        self.groupOf = groupOf
        intervals = scenario.groups.indices.map { Self.maliciousIntervals(scenario.groups[$0], until: SimTime.zero + result.duration) }
        var of = [[Int]](repeating: [], count: groupOf.count)
        for (k, i) in result.incidents.enumerated() { if let a = index[i.agent] { of[a].append(k) } }
        incidentsOf = of
    }

    /// The intervals during which an agent of `group` is malicious, from its label and phases.
    public static func maliciousIntervals(_ group: AgentGroup, until end: SimTime) -> [(from: SimTime, to: SimTime)] {
        var changes: [(SimTime, GroundTruth)] = [(.zero, group.label)]
        for p in group.phases { if let l = p.label { changes.append((SimTime.zero + p.at, l)) } }
        var out: [(from: SimTime, to: SimTime)] = []
        for (k, (t, label)) in changes.enumerated() where label != .benign {
            let until = k + 1 < changes.count ? changes[k + 1].0 : end
            if let last = out.last, last.to == t { out[out.count - 1].to = until } else { out.append((t, until)) }
        }
        return out
    }

    /// The tally of `trigger` (nil: any but `manual`) over `agents` (indexes in scenario order).
    public func tally(agents: [Int], trigger: TriggerKind?) -> DetectionTally {
        var t = DetectionTally(trigger: trigger)
        let duration = result.duration.milliseconds
        for a in agents {
            t.agents += 1
            let iv = intervals[groupOf[a]]
            var maliciousMs: Int64 = 0
            for v in iv { maliciousMs += (v.to - v.from).milliseconds }
            t.benignAgentMilliseconds += duration - maliciousMs
            var mine: [Int] = []
            for k in incidentsOf[a] {
                let i = result.incidents[k]
                let counts = trigger.map { i.trigger == $0 } ?? (i.trigger != .manual)
                if counts { mine.append(k) }
            }
            t.incidents += mine.count
            for k in mine {
                let at = result.incidents[k].openedAt
                if iv.contains(where: { at >= $0.from && at < $0.to }) { t.truePositives += 1 } else { t.falsePositiveIncidents.append(k) }
            }
            guard !iv.isEmpty else { continue }
            t.maliciousAgents += 1
            var first: SimDuration? = nil
            for v in iv {
                if let k = mine.first(where: { result.incidents[$0].openedAt >= v.from && result.incidents[$0].openedAt < v.to }) {
                    first = result.incidents[k].openedAt - v.from
                    break
                }
            }
            if let first { t.timesToDetect.append(first); t.detectedAgents += 1 } else { t.missed.append((a, iv[0].from)) }
        }
        t.timesToDetect.sort()
        return t
    }

    /// Every agent and each group, per trigger, with approvals, scrutiny and suspensions.
    public func metrics() -> DetectionMetrics {
        let n = groupOf.count
        var members = [[Int]](repeating: [], count: scenario.groups.count)
        for a in 0..<n { members[groupOf[a]].append(a) }
        let (scrutiny, suspended) = scrutinyAndSuspensions()
        let approvalColumn = Int(Decision.requireApproval.rawValue)
        func detection(_ agents: [Int], name: String?, approvals: UInt64) -> GroupDetection {
            let tallies = [tally(agents: agents, trigger: nil)] + DetectionMetrics.triggers.map { tally(agents: agents, trigger: $0) }
            return GroupDetection(group: name, triggers: tallies, approvalsRequested: approvals,
                                  scrutinyAgentMilliseconds: agents.reduce(0) { $0 + scrutiny[$1] },
                                  suspendedAgents: agents.reduce(0) { $0 + (suspended[$1] ? 1 : 0) })
        }
        let byGroup = result.observations.decisionsByGroup
        func approvals(_ g: Int) -> UInt64 { g < byGroup.count && approvalColumn < byGroup[g].count ? byGroup[g][approvalColumn] : 0 }
        let groups = scenario.groups.indices.map { g in detection(members[g], name: scenario.groups[g].name, approvals: approvals(g)) }
        let overall = detection(Array(0..<n), name: nil, approvals: scenario.groups.indices.reduce(0) { $0 + approvals($1) })
        return DetectionMetrics(overall: overall, groups: groups)
    }

    /// Per agent, milliseconds in scrutiny and whether it was ever suspended, from the trust
    /// series: with every change recorded, scrutiny is "below the threshold, or pinned" (a pin
    /// lasts the rules' pin duration from its `scrutiny_pinned` row, and a reset ends it); with a
    /// sampled series, each sample's scrutiny holds until the next sample.
    func scrutinyAndSuspensions() -> (scrutiny: [Int64], suspended: [Bool]) {
        let n = result.agents.count
        var index: [String: Int] = [:]
        index.reserveCapacity(n)
        for a in 0..<n { index[result.agents.name(at: a)] = a }
        let rules = scenario.rules
        let threshold = rules.trust.scrutinyThreshold
        let pin = rules.autoResponse.pinScrutiny ? rules.autoResponse.pinDuration : .zero
        let sampled = scenario.trustSampleInterval != nil
        var last = [Int64](repeating: 0, count: n)
        var below = [Bool](repeating: rules.trust.initial < threshold, count: n)
        var pinnedUntil = [Int64](repeating: Int64.min, count: n)
        var total = [Int64](repeating: 0, count: n)
        var suspended = (0..<n).map { result.agents.isSuspended(at: $0) }
        func advance(_ a: Int, to t: Int64) {
            let from = last[a]
            guard t > from else { return }
            if below[a] { total[a] += t - from } else if pinnedUntil[a] > from { total[a] += min(pinnedUntil[a], t) - from }
            last[a] = t
        }
        for row in result.trust {
            guard let a = index[row.agent] else { continue }
            let t = row.time.milliseconds
            advance(a, to: t)
            if row.suspended { suspended[a] = true }
            if sampled || row.cause == nil {
                below[a] = row.scrutiny
                pinnedUntil[a] = Int64.min
                continue
            }
            below[a] = row.trust < threshold
            switch row.cause {
            case .scrutinyPinned?: pinnedUntil[a] = t + pin.milliseconds
            case .reset?: pinnedUntil[a] = Int64.min
            default:
                if !row.scrutiny { pinnedUntil[a] = Int64.min }
                else if !below[a], pinnedUntil[a] <= t { pinnedUntil[a] = t + pin.milliseconds }
            }
        }
        let end = result.duration.milliseconds
        for a in 0..<n { advance(a, to: end) }
        return (total, suspended)
    }
}
