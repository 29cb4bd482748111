import IntervenCore
import IntervenScenario

/// What the load generator sends next: an agent's scan, a timeline scan, or an operator action.
enum PlannedKind: Sendable {
    /// The agent's next regular arrival.
    case arrival
    /// A scripted scan of the timeline.
    case timelineScan(ScanRequest)
    /// A scripted operator action (index into the scenario's timeline).
    case action(Int)
}

/// A planned send at a scenario time.
struct Planned: Sendable {
    var time: SimTime
    /// Tie-break: the order planned.
    var sequence: UInt64
    var agent: Int32
    var kind: PlannedKind

    static func before(_ a: Planned, _ b: Planned) -> Bool {
        a.time != b.time ? a.time < b.time : a.sequence < b.sequence
    }
}

/// A binary min-heap of planned sends by (time, sequence): the scheduler's one queue, so an agent
/// costs a few words of state rather than a parked task.
struct PlanHeap {
    private var items: [Planned] = []
    var count: Int { items.count }
    var first: Planned? { items.first }

    mutating func push(_ p: Planned) {
        items.append(p)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard Planned.before(items[i], items[parent]) else { break }
            items.swapAt(i, parent); i = parent
        }
    }

    mutating func pop() -> Planned? {
        guard !items.isEmpty else { return nil }
        let top = items[0]
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < items.count && Planned.before(items[l], items[m]) { m = l }
                if r < items.count && Planned.before(items[r], items[m]) { m = r }
                if m == i { break }
                items.swapAt(i, m); i = m
            }
        }
        return top
    }
}

/// One agent of the scenario as the load generator drives it: its random stream (derived from the
/// seed and its name exactly as the simulation derives it), its arrivals, mix and behaviour,
/// with the group's phases applied at their times.
struct LoadAgent: Sendable {
    var name: String
    var group: Int
    var runtime: Runtime
    var label: GroundTruth
    var stream: RandomStream
    var arrivals: Arrivals
    var mix: [WeightedTemplate]
    var behavior: Behavior
    /// The next phase of the group to apply.
    var nextPhase = 0
}

/// The scenario's traffic, generated from its seed: every agent's arrivals and scans, the
/// timeline, with the same streams and draws as the simulation's open-loop traffic.
struct TrafficModel: Sendable {
    let scenario: Scenario
    var agents: [LoadAgent] = []
    var index: [String: Int32] = [:]
    let feeds: [[String]]
    let anyFeed: [String]
    let feedNames: [String]

    init(scenario: Scenario) {
        self.scenario = scenario
        let f = scenario.rules.threatIntel.feeds
        feeds = f.map { $0.indicators }
        feedNames = f.map(\.name)
        anyFeed = f.filter(\.enabled).flatMap(\.indicators)
        for (g, group) in scenario.groups.enumerated() {
            for name in group.agentNames {
                index[name] = Int32(agents.count)
                agents.append(LoadAgent(name: name, group: g, runtime: group.runtime, label: group.label,
                                        stream: RandomStream(seed: scenario.seed, stream: stableHash(name)),
                                        arrivals: group.arrivals, mix: group.mix, behavior: group.behavior))
            }
        }
    }

    var end: SimTime { SimTime.zero + scenario.duration }

    /// The agent's next arrival at or after `t` (`first`: its first, or after a phase change),
    /// applying the phases it passes; nil when none before the end.
    mutating func nextArrival(_ a: Int, from t: SimTime, first: Bool) -> SimTime? {
        var from = t
        var isFirst = first
        while true {
            let group = scenario.groups[agents[a].group]
            var rng = agents[a].stream
            let candidate = isFirst ? agents[a].arrivals.first(from: from, rng: &rng) : agents[a].arrivals.next(after: from, rng: &rng)
            agents[a].stream = rng
            let phase = agents[a].nextPhase < group.phases.count ? group.phases[agents[a].nextPhase] : nil
            if let phase, SimTime.zero + phase.at <= (candidate ?? end) {
                agents[a].nextPhase += 1
                if let l = phase.label { agents[a].label = l }
                if let m = phase.mix { agents[a].mix = m }
                if let b = phase.behavior { agents[a].behavior = b }
                if let arr = phase.arrivals {
                    agents[a].arrivals = arr
                    from = max(from, SimTime.zero + phase.at); isFirst = true
                    continue
                }
            }
            guard let c = candidate, c < end else { return nil }
            return c
        }
    }

    /// The agent's next scan from its current mix.
    mutating func nextScan(_ a: Int) -> ScanRequest? {
        let mix = agents[a].mix
        guard !mix.isEmpty else { return nil }
        var rng = agents[a].stream
        let total = mix.reduce(UInt64(0)) { $0 + UInt64(max(1, $1.weight)) }
        let r = rng.nextBelow(total)
        var acc: UInt64 = 0, k = 0
        for (i, w) in mix.enumerated() {
            acc += UInt64(max(1, w.weight))
            if r < acc { k = i; break }
        }
        let req = ScanRequest.make(agent: agents[a].name, runtime: agents[a].runtime, template: mix[k].template, feeds: feeds,
                                   anyFeed: anyFeed, feedNames: feedNames, rng: &rng)
        agents[a].stream = rng
        return req
    }

    /// The timeline's scans and operator actions, as planned sends.
    func timeline(sequence: inout UInt64) -> [Planned] {
        var out: [Planned] = []
        for (k, e) in scenario.timeline.enumerated() {
            if case .scan(let agent, let template, let count, let spacing) = e.action {
                let runtime = index[agent].map { agents[Int($0)].runtime } ?? .custom
                for n in 0..<max(1, count) {
                    var rng = RandomStream(seed: scenario.seed, stream: stableHash("timeline/\(k)/\(n)"))
                    let req = ScanRequest.make(agent: agent, runtime: runtime, template: template, feeds: feeds, anyFeed: anyFeed,
                                               feedNames: feedNames, rng: &rng)
                    let at = SimTime.zero + e.at + SimDuration(milliseconds: spacing.milliseconds * Int64(n))
                    out.append(Planned(time: at, sequence: sequence, agent: index[agent] ?? -1, kind: .timelineScan(req)))
                    sequence += 1
                }
            } else {
                out.append(Planned(time: SimTime.zero + e.at, sequence: sequence, agent: -1, kind: .action(k)))
                sequence += 1
            }
        }
        return out
    }
}
