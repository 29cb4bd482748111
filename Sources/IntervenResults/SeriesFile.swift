import IntervenCore
import IntervenScenario
import IntervenSimulation

/// `series.json`: compact aggregates for pictures of a run (what `report.html` draws).
///
/// - `checkpoints_ms`: the times of every per-checkpoint array (`checkpoints + 1` instants from 0
///   to the end of the run);
/// - `groups`: each group's name, label, runtime and agent count, and its trust at every
///   checkpoint: mean, lowest, 10th and 90th percentile and highest over its agents (percentiles
///   and extremes to 0.001);
/// - `decisions_per_hour`: per virtual hour `[ALLOW, REQUIRE_APPROVAL, SANITIZE, DENY]`;
/// - `agents`: the agents worth showing (all of them up to `agentLimit`; otherwise those with
///   incidents, suspended, in scrutiny, then lowest trust and most denies), each with its group
///   and its trust at every checkpoint; `agents_total` says how many there are;
/// - `trajectories`: the exact trust trajectory (every change, thinned to at most
///   `trajectoryPoints`) of the agents with the most incidents;
/// - `time_to_detect_ms` per trigger (`any` first) and the indexes (into `incidents.json`) of
///   the incidents that opened while their agent was benign;
/// - the rules file and the rules values that differ from the shipped defaults.
///
/// Every number comes from integers or fixed-point scores, so the bytes are deterministic.
enum SeriesFile {
    static let name = "series.json"
    static let checkpoints = 144
    static let agentLimit = 2_000
    static let trajectoryAgents = 12
    static let trajectoryPoints = 600

    static func render(_ r: RunResult) -> [UInt8] {
        let n = r.agents.count
        var index: [String: Int] = [:]
        index.reserveCapacity(n)
        for i in r.agents.indices { index[r.agents.name(at: i)] = i }
        var groupOf = [Int](repeating: 0, count: n)
        var k = 0
        for (g, group) in r.groups.enumerated() {
            for _ in 0..<group.count where k < n { groupOf[k] = g; k += 1 }
        }
        let groupCount = max(1, r.groups.count)

        // Checkpoint times: 0, step, 2 step, ..., end.
        let end = r.duration.milliseconds
        let times = (0...checkpoints).map { end * Int64($0) / Int64(checkpoints) }

        // Which agents the page shows, and whose whole trajectory it draws.
        var incidentCount = [Int](repeating: 0, count: n)
        for i in r.incidents { if let a = index[i.agent] { incidentCount[a] += 1 } }
        let shown = selectAgents(r, incidentCount: incidentCount)
        var shownSlot = [Int32](repeating: -1, count: n)
        for (s, a) in shown.enumerated() { shownSlot[a] = Int32(s) }
        let traced = (0..<n).filter { incidentCount[$0] > 0 }
            .sorted { (incidentCount[$0], -$0) > (incidentCount[$1], -$1) }
            .prefix(trajectoryAgents)
        var tracedSlot = [Int32](repeating: -1, count: n)
        for (s, a) in traced.enumerated() { tracedSlot[a] = Int32(s) }
        var trajectories = [[(Int64, Score)]](repeating: [], count: traced.count)
        for (s, _) in traced.enumerated() { trajectories[s].append((0, r.initialTrust)) }

        // One sweep over the series in time order: per group a histogram of 1,001 bins
        // (thousandths), a running sum; the shown agents' values at each checkpoint.
        let bins = 1_001
        var current = [Int32](repeating: r.initialTrust.micros, count: n)
        var histogram = [Int32](repeating: 0, count: groupCount * bins)
        var sums = [Int64](repeating: 0, count: groupCount)
        var members = [Int](repeating: 0, count: groupCount)
        for a in 0..<n {
            histogram[groupOf[a] * bins + bin(r.initialTrust.micros)] += 1
            sums[groupOf[a]] += Int64(r.initialTrust.micros)
            members[groupOf[a]] += 1
        }
        var groupStats = [[[Int32]]](repeating: [[], [], [], [], []], count: groupCount)   // mean, min, p10, p90, max
        var agentPoints = [[Int32]](repeating: [], count: shown.count)
        var next = 0
        func checkpoint() {
            for g in 0..<groupCount {
                let stats = summary(histogram[(g * bins)..<((g + 1) * bins)], sum: sums[g], count: members[g])
                for s in 0..<5 { groupStats[g][s].append(stats[s]) }
            }
            for (s, a) in shown.enumerated() { agentPoints[s].append(current[a]) }
        }
        for sample in r.trust {
            // A value "at" a checkpoint is the value after everything at that instant.
            while next < times.count && times[next] < sample.time.milliseconds { checkpoint(); next += 1 }
            guard let a = index[sample.agent] else { continue }
            let g = groupOf[a]
            let old = current[a], new = sample.trust.micros
            if old != new {
                histogram[g * bins + bin(old)] -= 1
                histogram[g * bins + bin(new)] += 1
                sums[g] += Int64(new) - Int64(old)
                current[a] = new
            }
            if tracedSlot[a] >= 0 { trajectories[Int(tracedSlot[a])].append((sample.time.milliseconds, sample.trust)) }
        }
        while next < times.count { checkpoint(); next += 1 }

        var w = JSONWriter()
        w.beginObject()
        w.field("scenario", r.scenario)
        w.field("initial_trust", r.initialTrust)
        w.field("scrutiny_threshold", r.scrutinyThreshold)
        w.field("rules_file", r.rulesFile)
        w.key("rules_differences"); w.beginArray(); for d in r.rulesDifferences { w.string(d) }; w.endArray()
        w.key("checkpoints_ms"); w.number(list(times.map { "\($0)" }))
        w.key("groups"); w.beginArray()
        for (g, group) in r.groups.enumerated() {
            w.beginObject()
            w.field("name", group.name)
            w.field("label", group.label.description)
            w.field("runtime", group.runtime.description)
            w.field("agents", group.count)
            for (s, key) in ["trust_mean", "trust_min", "trust_p10", "trust_p90", "trust_max"].enumerated() {
                w.key(key); w.number(list(groupStats[g][s].map { Score(micros: $0).description }))
            }
            w.endObject()
        }
        w.endArray()
        let hours = r.hourlyDecisions.count / 4
        w.key("decisions_per_hour"); w.beginArray()
        for h in 0..<hours { w.number(list((0..<4).map { "\(r.hourlyDecisions[h * 4 + $0])" })) }
        w.endArray()
        w.field("agents_total", n)
        w.key("agents"); w.beginArray()
        for (s, a) in shown.enumerated() {
            w.beginObject()
            w.field("name", r.agents[a].name)
            w.field("group", r.groups.isEmpty ? "" : r.groups[groupOf[a]].name)
            w.field("incidents", incidentCount[a])
            w.key("trust"); w.number(list(agentPoints[s].map { Score(micros: $0).description }))
            w.endObject()
        }
        w.endArray()
        w.key("trajectories"); w.beginArray()
        for (s, a) in traced.enumerated() {
            w.beginObject()
            w.field("agent", r.agents[a].name)
            w.key("points"); w.number(list(thin(trajectories[s]).map { "[\($0.0),\($0.1.description)]" }))
            w.endObject()
        }
        w.endArray()
        w.key("time_to_detect_ms"); w.beginArray()
        for t in r.detection?.overall.triggers ?? [] {
            w.beginObject()
            w.field("trigger", t.trigger?.description ?? "any")
            w.key("times"); w.number(list(t.timesToDetect.map { "\($0.milliseconds)" }))
            w.endObject()
        }
        w.endArray()
        let falsePositives = Set(r.detection?.overall.triggers.first?.falsePositiveIncidents ?? [])
        w.key("false_positive_incidents"); w.number(list(falsePositives.sorted().map { "\($0)" }))
        w.endObject()
        return w.document
    }

    /// The agents the page lists: all of them when there are few; otherwise the most relevant
    /// `agentLimit` (incidents, suspended, scrutiny, lowest trust, most denies), in scenario order.
    static func selectAgents(_ r: RunResult, incidentCount: [Int]) -> [Int] {
        let n = r.agents.count
        guard n > agentLimit else { return Array(0..<n) }
        func key(_ a: Int) -> (Int, Int, Int, Int32, Int) {
            let s = r.agents[a]
            return (incidentCount[a], s.trust.suspended ? 1 : 0, s.trust.inScrutiny ? 1 : 0, -s.trust.score.micros,
                    s.recentDecisions[.deny])
        }
        let ranked = (0..<n).sorted { a, b in
            let ka = key(a), kb = key(b)
            return ka != kb ? ka > kb : a < b
        }
        return ranked.prefix(agentLimit).sorted()
    }

    /// The histogram bin (thousandths) of a trust value.
    static func bin(_ micros: Int32) -> Int { Int(min(max(micros, 0), 1_000_000) + 500) / 1_000 }

    /// Mean, lowest, 10th and 90th percentile (nearest rank) and highest of a histogram, in micros.
    static func summary(_ h: ArraySlice<Int32>, sum: Int64, count: Int) -> [Int32] {
        guard count > 0 else { return [0, 0, 0, 0, 0] }
        let mean = Int32((sum + Int64(count) / 2) / Int64(count))
        func rank(_ p: Int) -> Int32 {
            let target = max(1, (count * p + 99) / 100)
            var seen = 0
            for (k, c) in h.enumerated() { seen += Int(c); if seen >= target { return Int32(k * 1_000) } }
            return 1_000_000
        }
        return [mean, rank(0), rank(10), rank(90), rank(100)]
    }

    /// At most `trajectoryPoints` points: every point when there are few, else the first and last
    /// and, per stretch, its lowest and highest.
    static func thin(_ p: [(Int64, Score)]) -> [(Int64, Score)] {
        guard p.count > trajectoryPoints else { return p }
        let stretches = trajectoryPoints / 2 - 1
        var out = [p[0]]
        for s in 0..<stretches {
            let lo = 1 + (p.count - 2) * s / stretches, hi = 1 + (p.count - 2) * (s + 1) / stretches
            guard lo < hi else { continue }
            let slice = p[lo..<hi]
            let a = slice.indices.min { (p[$0].1, $0) < (p[$1].1, $1) }!
            let b = slice.indices.max { (p[$0].1, -$0) < (p[$1].1, -$1) }!
            for i in [min(a, b), max(a, b)] where out.last.map({ $0.0 != p[i].0 || $0.1 != p[i].1 }) ?? true { out.append(p[i]) }
        }
        out.append(p[p.count - 1])
        return out
    }

    /// `[a,b,c]`.
    static func list(_ items: [String]) -> String { "[" + items.joined(separator: ",") + "]" }
}
