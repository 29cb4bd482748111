public import IntervenCore
import IntervenScenario
import IntervenResults
import IntervenSimulation

/// Why a stored baseline could not be read.
public struct BaselineError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
}

/// How far a run may drift from its baseline before it counts as a change.
public struct BaselineTolerance: Sendable, Equatable {
    /// Trust at a checkpoint (group mean and minimum, and per agent).
    public var trust: Score
    /// A decision's share of a group's scans.
    public var mix: Score
    /// An incident's opening time.
    public var time: SimDuration
    public init(trust: Score = Score(micros: 50_000), mix: Score = Score(micros: 20_000), time: SimDuration = .zero) {
        self.trust = trust; self.mix = mix; self.time = time
    }
}

/// A headline metric that moved between a baseline and a new run.
public struct MetricDelta: Sendable, Equatable {
    /// `detection rate`, `incidents repeated_deny`, `DENY share`, `trust fin-bots mean at end`.
    public var name: String
    public var before: String
    public var after: String
    /// How far it may move before it counts as a change, as the user would write it.
    public var threshold: String
    /// Whether it moved beyond the threshold (a change), or only within it (shown, not counted).
    public var counts: Bool

    /// `detection rate: 0.9 → 0.8 (threshold 0.02)`, or `... (within threshold 0.02)`.
    public var line: String { "\(name): \(before) → \(after) (\(counts ? "" : "within ")threshold \(threshold))" }
}

/// What changed between a baseline and a new run, as lines a reader understands.
public struct BaselineComparison: Sendable, Equatable {
    /// Headline metrics that moved, in a fixed order: detection, incidents by trigger, the
    /// decision mix, trust by group.
    public var metrics: [MetricDelta] = []
    public var added: [String] = []
    public var removed: [String] = []
    public var moved: [String] = []
    public var changed: [String] = []
    public var trust: [String] = []
    public var mix: [String] = []
    /// Changes that are not drift (a different seed, a renamed group).
    public var notes: [String] = []

    public var isEmpty: Bool {
        added.isEmpty && removed.isEmpty && moved.isEmpty && changed.isEmpty && trust.isEmpty && mix.isEmpty && countingMetrics.isEmpty
    }
    public var count: Int { added.count + removed.count + moved.count + changed.count + trust.count + mix.count + countingMetrics.count }
    /// The metrics that moved beyond their thresholds.
    public var countingMetrics: [MetricDelta] { metrics.filter(\.counts) }

    /// Every change, one per line, at most `limit` per kind (then `... and N more`).
    public func lines(limit: Int = 10) -> [String] {
        var out: [String] = notes
        for m in metrics { out.append("metric \(m.line)") }
        func add(_ label: String, _ items: [String]) {
            for s in items.prefix(limit) { out.append("\(label): \(s)") }
            if items.count > limit { out.append("\(label): ... and \(items.count - limit) more") }
        }
        add("incident added", added)
        add("incident removed", removed)
        add("incident moved", moved)
        add("incident changed", changed)
        add("trust moved", trust)
        add("decision mix shifted", mix)
        return out
    }

    /// `3 incidents added, 1 removed, 2 trust trajectories moved`.
    public var summary: String {
        var parts: [String] = []
        let moving = countingMetrics.count
        if moving > 0 { parts.append(Phrase.plural(moving, "metric") + " moved") }
        if !added.isEmpty { parts.append(Phrase.plural(added.count, "incident") + " added") }
        if !removed.isEmpty { parts.append(Phrase.plural(removed.count, "incident") + " removed") }
        if !moved.isEmpty { parts.append(Phrase.plural(moved.count, "incident") + " moved") }
        if !changed.isEmpty { parts.append(Phrase.plural(changed.count, "incident") + " changed") }
        if !trust.isEmpty { parts.append(Phrase.plural(trust.count, "trust trajectory", "trust trajectories") + " moved") }
        if !mix.isEmpty { parts.append(Phrase.plural(mix.count, "decision mix", "decision mixes") + " shifted") }
        return parts.isEmpty ? "no change" : parts.joined(separator: ", ")
    }

    /// Compares `new` with `old`.
    public init(old: Baseline, new: Baseline, tolerance: BaselineTolerance = BaselineTolerance()) {
        if old.seed != new.seed { notes.append("note: seed \(old.seed) in the baseline, \(new.seed) now") }
        if old.metrics == nil { notes.append("note: the baseline has no metrics (an older format); rewrite it with --update-baseline") }
        if !old.rulesDigest.isEmpty && old.rulesDigest != new.rulesDigest {
            notes.append("note: the rules differ from the baseline's (digest \(old.rulesDigest) → \(new.rulesDigest))")
        }
        if !old.toolVersion.isEmpty && old.toolVersion != new.toolVersion {
            notes.append("note: written by interven-sim \(old.toolVersion), checked with \(new.toolVersion)")
        }
        metrics = Self.metricDeltas(old: old, new: new, tolerance: tolerance)
        func time(_ ms: Int64) -> String { SimTime(milliseconds: ms).description }
        func describe(_ i: Baseline.IncidentLine) -> String {
            "\(i.trigger)\(i.key.map { "[\($0)]" } ?? "") for \(i.agent) at \(time(i.openedAt)) (\(i.severity))"
        }
        // Incidents pair up by (agent, trigger, key, occurrence).
        struct Key: Hashable { var agent: String, trigger: String, key: String?, n: Int }
        func keyed(_ list: [Baseline.IncidentLine]) -> [(Key, Baseline.IncidentLine)] {
            var seen: [String: Int] = [:]
            return list.map { i in
                let id = "\(i.agent)\u{0}\(i.trigger)\u{0}\(i.key ?? "")"
                let n = seen[id, default: 0]
                seen[id] = n + 1
                return (Key(agent: i.agent, trigger: i.trigger, key: i.key, n: n), i)
            }
        }
        let before = keyed(old.incidents), after = keyed(new.incidents)
        let beforeMap = Dictionary(before, uniquingKeysWith: { a, _ in a })
        let afterMap = Dictionary(after, uniquingKeysWith: { a, _ in a })
        for (k, i) in before where afterMap[k] == nil { removed.append(describe(i)) }
        for (k, i) in after {
            guard let o = beforeMap[k] else { added.append(describe(i)); continue }
            if abs(o.openedAt - i.openedAt) > tolerance.time.milliseconds {
                let delta = SimDuration(milliseconds: abs(i.openedAt - o.openedAt))
                moved.append("\(i.trigger) for \(i.agent) from \(time(o.openedAt)) to \(time(i.openedAt)) (\(i.openedAt > o.openedAt ? "+" : "-")\(delta))")
            } else if o.severity != i.severity || o.status != i.status || o.resolution != i.resolution {
                changed.append("\(i.trigger) for \(i.agent) at \(time(i.openedAt)): \(o.severity) \(o.status)\(o.resolution.map { " " + $0 } ?? "") → \(i.severity) \(i.status)\(i.resolution.map { " " + $0 } ?? "")")
            }
        }
        // Trust at checkpoints, per group then per agent (the first moved checkpoint of each).
        let sameCheckpoints = old.checkpoints == new.checkpoints
        if !sameCheckpoints { notes.append("note: the run's length changed; trust is not compared") }
        func firstMove(_ a: [Score], _ b: [Score]) -> (Int, Score, Score)? {
            guard sameCheckpoints, a.count == b.count else { return nil }
            for k in a.indices where abs(Int(a[k].micros) - Int(b[k].micros)) > Int(tolerance.trust.micros) { return (k, a[k], b[k]) }
            return nil
        }
        let oldGroups = Dictionary(old.groups.map { ($0.group, $0) }, uniquingKeysWith: { a, _ in a })
        for g in new.groups {
            guard let o = oldGroups[g.group] else { notes.append("note: group \(g.group) is new"); continue }
            if let (k, a, b) = firstMove(o.trustMean, g.trustMean) {
                trust.append("group \(g.group) mean at \(time(new.checkpoints[k])): \(a) → \(b)")
            } else if let (k, a, b) = firstMove(o.trustMin, g.trustMin) {
                trust.append("group \(g.group) lowest at \(time(new.checkpoints[k])): \(a) → \(b)")
            }
            let ot = o.decisions.reduce(0, +), nt = g.decisions.reduce(0, +)
            var shifts: [String] = []
            for (d, decision) in Decision.allCases.enumerated() where d < o.decisions.count && d < g.decisions.count {
                let a = share(o.decisions[d], ot), b = share(g.decisions[d], nt)
                if abs(a - b) > Int64(tolerance.mix.micros) {
                    shifts.append("\(decision) \(Phrase.percent(o.decisions[d], ot)) → \(Phrase.percent(g.decisions[d], nt))")
                }
            }
            if !shifts.isEmpty { mix.append("group \(g.group) (\(ot) → \(nt) scans): " + shifts.joined(separator: ", ")) }
        }
        for o in old.groups where !new.groups.contains(where: { $0.group == o.group }) { notes.append("note: group \(o.group) is gone") }
        let oldAgents = Dictionary(old.agents.map { ($0.agent, $0.trust) }, uniquingKeysWith: { a, _ in a })
        let newAgents = Dictionary(new.agents.map { ($0.agent, $0.trust) }, uniquingKeysWith: { a, _ in a })
        for name in Set(oldAgents.keys).union(newAgents.keys).sorted() {
            // An agent left out never moved from the initial score; compare against that.
            let a = oldAgents[name] ?? [Score](repeating: old.initialTrust, count: old.checkpoints.count)
            let b = newAgents[name] ?? [Score](repeating: new.initialTrust, count: new.checkpoints.count)
            if let (k, a, b) = firstMove(a, b) {
                trust.append("\(name) at \(time(new.checkpoints[k])): \(a) → \(b)")
            }
        }
    }

    /// The headline metrics of `new` against `old`: every one that moved, with its threshold.
    static func metricDeltas(old: Baseline, new: Baseline, tolerance: BaselineTolerance) -> [MetricDelta] {
        var out: [MetricDelta] = []
        let shareLimit = Int64(tolerance.mix.micros)
        if let a = old.metrics, let b = new.metrics {
            // Detection is measured against ground truth: only when some agent is labelled malicious.
            let labelled = a.malicious > 0 || b.malicious > 0
            if labelled && a.rate != b.rate {
                out.append(MetricDelta(name: "detection rate", before: "\(a.rate) (\(a.detected)/\(a.malicious))",
                                       after: "\(b.rate) (\(b.detected)/\(b.malicious))", threshold: "\(tolerance.mix)",
                                       counts: abs(Int64(a.rate.micros) - Int64(b.rate.micros)) > shareLimit))
            }
            if labelled && a.falsePositiveRatio != b.falsePositiveRatio {
                out.append(MetricDelta(name: "false-positive ratio", before: "\(a.falsePositiveRatio) (\(a.falsePositives)/\(a.incidents))",
                                       after: "\(b.falsePositiveRatio) (\(b.falsePositives)/\(b.incidents))", threshold: "\(tolerance.mix)",
                                       counts: abs(Int64(a.falsePositiveRatio.micros) - Int64(b.falsePositiveRatio.micros)) > shareLimit))
            }
            for (label, x, y) in [("time to detect p50", a.p50, b.p50), ("time to detect p95", a.p95, b.p95)] where labelled && x != y {
                func show(_ v: Int64?) -> String { v.map { SimDuration(milliseconds: $0).description } ?? "none" }
                let moved = x.flatMap { x in y.map { abs(x - $0) } } ?? Int64.max
                out.append(MetricDelta(name: label, before: show(x), after: show(y), threshold: "\(tolerance.time)",
                                       counts: moved > tolerance.time.milliseconds))
            }
            for (k, t) in TriggerKind.allCases.enumerated() where k < a.incidentsByTrigger.count && k < b.incidentsByTrigger.count {
                let x = a.incidentsByTrigger[k], y = b.incidentsByTrigger[k]
                if x != y { out.append(MetricDelta(name: "incidents per trigger \(t)", before: "\(x)", after: "\(y)", threshold: "0", counts: true)) }
            }
            let ta = a.decisions.reduce(0, +), tb = b.decisions.reduce(0, +)
            for (k, dc) in Decision.allCases.enumerated() where k < a.decisions.count && k < b.decisions.count {
                let sa = share(a.decisions[k], ta), sb = share(b.decisions[k], tb)
                if sa != sb {
                    out.append(MetricDelta(name: "decision mix \(dc)", before: Phrase.percent(a.decisions[k], ta),
                                           after: Phrase.percent(b.decisions[k], tb), threshold: Phrase.percent(UInt64(tolerance.mix.micros), 1_000_000),
                                           counts: abs(sa - sb) > shareLimit))
                }
            }
        }
        // Trust by group at the end of the run.
        let oldGroups = Dictionary(old.groups.map { ($0.group, $0) }, uniquingKeysWith: { a, _ in a })
        for g in new.groups {
            guard let o = oldGroups[g.group] else { continue }
            for (label, x, y) in [("mean", o.trustMean.last, g.trustMean.last), ("lowest", o.trustMin.last, g.trustMin.last)] {
                guard let x, let y, x != y else { continue }
                out.append(MetricDelta(name: "trust of group \(g.group), \(label) at end", before: "\(x)", after: "\(y)", threshold: "\(tolerance.trust)",
                                       counts: abs(Int(x.micros) - Int(y.micros)) > Int(tolerance.trust.micros)))
            }
        }
        return out
    }

    private static func share(_ n: UInt64, _ total: UInt64) -> Int64 {
        total == 0 ? 0 : Int64((n * 1_000_000 + total / 2) / total)
    }

    private func share(_ n: UInt64, _ total: UInt64) -> Int64 {
        total == 0 ? 0 : Int64((n * 1_000_000 + total / 2) / total)
    }
}
