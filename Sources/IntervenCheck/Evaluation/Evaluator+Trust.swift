import IntervenCore
import IntervenScenario
import IntervenSimulation

/// A tracked agent's trajectory, queried at instants and over windows.
struct Trajectory {
    let points: [TrackPoint]
    let end: SimTime

    /// The point in force at `t` (the last at or before it).
    func point(at t: SimTime) -> TrackPoint {
        var lo = 0, hi = points.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if points[mid].time <= t { lo = mid } else { hi = mid - 1 }
        }
        return points[lo]
    }

    /// Points in force during [from, to]: the one at `from`, then every later change up to `to`.
    func points(in w: TimeWindow) -> [TrackPoint] {
        let from = SimTime.zero + w.from, to = SimTime.zero + w.to
        var out = [point(at: from)]
        for p in points where p.time > from && p.time <= to { out.append(p) }
        return out
    }

    /// Every instant scrutiny turned on (`on`) or off, with pins ending between changes.
    func scrutinyEdges() -> [(time: SimTime, on: Bool)] {
        var edges: [(SimTime, Bool)] = []
        // The state at the start is not an edge: an agent that starts in scrutiny never entered it.
        var state = points.first.map { $0.inScrutiny(at: $0.time) } ?? false
        func set(_ t: SimTime, _ v: Bool) { if v != state { edges.append((t, v)); state = v } }
        for (k, p) in points.enumerated() {
            set(p.time, p.inScrutiny(at: p.time))
            let next = k + 1 < points.count ? points[k + 1].time : end
            if !p.belowThreshold, p.pinnedUntil > p.time, p.pinnedUntil <= next, p.pinnedUntil <= end { set(p.pinnedUntil, false) }
        }
        return edges
    }
}

extension Evaluator {
    func trajectory(_ agent: Int) -> Trajectory? {
        result.observations.tracks[names[agent]].map { Trajectory(points: $0, end: SimTime.zero + result.duration) }
    }

    // MARK: Trust

    mutating func trust(_ x: TrustExpectation) -> ExpectationOutcome {
        let list = agents(x.agent)
        let title: String
        switch x.check {
        case .value(let at, let b): title = "trust of \(x.agent) at \(Self.time(at)): \(b.phrase(Self.score))"
        case .range(let w, let lo, let hi):
            title = "trust of \(x.agent) \(w.phrase(opening: "up to")):"
                + (lo.map { " lowest \($0.phrase(Self.score))" } ?? "") + (lo != nil && hi != nil ? "," : "")
                + (hi.map { " highest \($0.phrase(Self.score))" } ?? "")
        case .entersScrutiny(let w): title = "\(x.agent) enters scrutiny \(w.phrase)"
        case .leavesScrutiny(let w): title = "\(x.agent) leaves scrutiny \(w.phrase)"
        case .recoversAbove(let level, let by): title = "trust of \(x.agent) falls below \(level) and is back at or above it by \(Self.time(by))"
        case .neverBelow(let level, let w): title = "trust of \(x.agent) never below \(level)" + (w.map { " \($0.phrase(opening: "up to"))" } ?? "")
        }
        var failed: [(name: String, seen: String, why: String)] = []
        var onlySeen = ""
        for a in list {
            guard let tr = trajectory(a) else { continue }
            let (ok, seen, why) = check(x.check, tr)
            onlySeen = seen
            if !ok { failed.append((names[a], seen, why)) }
        }
        if failed.isEmpty { return Self.outcome(title, true, list.count == 1 ? onlySeen : "holds for all \(list.count) agents") }
        let first = failed[0]
        if list.count == 1 { return Self.outcome(title, false, first.seen, first.why.isEmpty ? [] : [first.why]) }
        return Self.outcome(title, false, "fails for \(failed.count) of \(list.count) agents: " + Phrase.list(failed.map { "\($0.name): \($0.seen)" }),
                            first.why.isEmpty ? [] : ["\(first.name): \(first.why)"])
    }

    /// Whether one agent's trajectory satisfies a check; what was seen; the nearest evidence.
    func check(_ c: TrustExpectation.Check, _ tr: Trajectory) -> (Bool, String, String) {
        func cause(_ p: TrackPoint) -> String {
            p.cause.map { "last change at \(p.time) (\($0))" } ?? "unchanged since the start"
        }
        switch c {
        case .value(let at, let b):
            let p = tr.point(at: SimTime.zero + at)
            return (b.contains(p.trust), "\(p.trust)", cause(p))
        case .range(let w, let lo, let hi):
            let ps = tr.points(in: w)
            let low = ps.min { $0.trust < $1.trust }!, high = ps.max { $0.trust < $1.trust }!
            let ok = (lo?.contains(low.trust) ?? true) && (hi?.contains(high.trust) ?? true)
            return (ok, "lowest \(low.trust), highest \(high.trust)",
                    "lowest at \(max(low.time, SimTime.zero + w.from))" + (low.cause.map { " (\($0))" } ?? "")
                    + ", highest at \(max(high.time, SimTime.zero + w.from))")
        case .entersScrutiny(let w), .leavesScrutiny(let w):
            let entering = if case .entersScrutiny = c { true } else { false }
            let edges = tr.scrutinyEdges().filter { $0.on == entering }
            let hit = edges.first { w.contains($0.time) }
            if let hit { return (true, "at \(hit.time)", "") }
            let lowest = tr.points.min { $0.trust < $1.trust }!
            let seen = edges.isEmpty ? (entering ? "never entered scrutiny" : "never left scrutiny")
                : (entering ? "entered at " : "left at ") + Phrase.list(edges.map(\.time.description))
            return (false, seen, "lowest trust \(lowest.trust) at \(lowest.time)")
        case .recoversAbove(let level, let by):
            let t = SimTime.zero + by
            let before = tr.points.filter { $0.time <= t }
            guard let dip = before.first(where: { $0.trust < level }) else {
                return (false, "never fell below \(level) by \(t)", "lowest \(before.map(\.trust).min() ?? .zero)")
            }
            let p = tr.point(at: t)
            if p.trust >= level {
                let back = before.last { $0.trust < level }.flatMap { last in before.first { $0.time > last.time } }
                return (true, "fell below at \(dip.time), back at \(back?.time.description ?? "?")", "")
            }
            return (false, "fell below at \(dip.time) and was \(p.trust) at \(t)", cause(p))
        case .neverBelow(let level, let w):
            let ps = w.map { tr.points(in: $0) } ?? tr.points
            if let low = ps.first(where: { $0.trust < level }) {
                let lowest = ps.min { $0.trust < $1.trust }!
                return (false, "fell to \(low.trust) at \(low.time)" + (low.cause.map { " (\($0))" } ?? ""),
                        "lowest \(lowest.trust) at \(lowest.time)")
            }
            return (true, "lowest \(ps.map(\.trust).min()!)", "")
        }
    }

    // MARK: State

    mutating func state(_ x: StateExpectation) -> ExpectationOutcome {
        let t = SimTime.zero + x.at
        var wanted: [String] = []
        if let v = x.suspended { wanted.append(v ? "suspended" : "not suspended") }
        if let v = x.scrutiny { wanted.append(v ? "in scrutiny" : "not in scrutiny") }
        if let v = x.pinned { wanted.append(v ? "scrutiny pinned" : "scrutiny not pinned") }
        let title = "\(x.agent) at \(t): " + wanted.joined(separator: ", ")
        var bad: [String] = []
        let list = agents(x.agent)
        for a in list {
            guard let tr = trajectory(a) else { continue }
            let p = tr.point(at: t)
            var wrong: [String] = []
            if let v = x.suspended, p.suspended != v { wrong.append(p.suspended ? "suspended" : "not suspended") }
            if let v = x.scrutiny, p.inScrutiny(at: t) != v {
                wrong.append(p.inScrutiny(at: t) ? "in scrutiny (trust \(p.trust)\(p.pinned(at: t) ? ", pinned until \(p.pinnedUntil)" : ""))" : "not in scrutiny (trust \(p.trust))")
            }
            if let v = x.pinned, p.pinned(at: t) != v { wrong.append(p.pinned(at: t) ? "pinned until \(p.pinnedUntil)" : "not pinned") }
            if !wrong.isEmpty {
                bad.append("\(names[a]) was " + wrong.joined(separator: ", ") + (p.cause.map { " (last change at \(p.time): \($0))" } ?? ""))
            }
        }
        if bad.isEmpty { return Self.outcome(title, true, list.count == 1 ? "yes" : "all \(list.count) agents") }
        return Self.outcome(title, false, Phrase.list(bad, limit: 2))
    }

    // MARK: Decisions

    mutating func decisions(_ x: DecisionExpectation, probe: [UInt64]?) -> ExpectationOutcome {
        let counts = probe ?? [0, 0, 0, 0]
        let total = counts.reduce(0, +)
        func name(_ d: Decision?) -> String { d.map(\.description) ?? "scans" }
        var parts: [String] = []
        for c in x.counts { parts.append("\(name(c.decision)) \(c.bound.phrase(Self.count))") }
        for r in x.ratios { parts.append("\(r.decision) share \(r.bound.phrase(Self.score))") }
        let title = "decisions of \(x.agent)" + (x.window.map { " \($0.phrase(opening: "up to"))" } ?? "") + ": "
            + parts.joined(separator: ", ")
        var wrong: [String] = []
        for c in x.counts {
            let n = c.decision.map { counts[Int($0.rawValue)] } ?? total
            if !c.bound.contains(Int(clamping: n)) { wrong.append("\(name(c.decision)) \(n)") }
        }
        for r in x.ratios {
            let n = counts[Int(r.decision.rawValue)]
            guard total > 0 else { wrong.append("no scans, so no \(r.decision) share"); continue }
            let share = Score(micros: Int32((n * 1_000_000 + total / 2) / total))
            if !r.bound.contains(share) { wrong.append("\(r.decision) share \(share) (\(n) of \(total))") }
        }
        let mix = Decision.allCases.map { "\($0) \(counts[Int($0.rawValue)])" }.joined(separator: ", ")
        if wrong.isEmpty { return Self.outcome(title, true, "\(total) scans: \(mix)") }
        return Self.outcome(title, false, wrong.joined(separator: ", "), ["all \(total) scans: \(mix)"])
    }

    // MARK: Coverage

    mutating func sometimes(_ x: CoverageExpectation, probe: [UInt64]?) -> ExpectationOutcome {
        let w = x.window ?? TimeWindow(from: .zero, to: result.duration)
        let wText = x.window.map { " \($0.phrase)" } ?? ""
        let list = agents(x.agent)
        switch x.condition {
        case .decision(let d):
            let n = probe.map { $0[Int(d.rawValue)] } ?? 0
            let title = "sometimes: some agent of \(x.agent) gets \(d)\(wText)"
            let total = probe?.reduce(0, +) ?? 0
            return Self.outcome(title, n > 0, n > 0 ? Phrase.plural(Int(n), "scan") : "never reached", ["\(total) scans, none \(d)"])
        case .incident(let trigger):
            let title = "sometimes: an \(trigger.map { "\($0) " } ?? "")incident opens for \(x.agent)\(wText)"
            let glob = Glob(x.agent)
            let found = result.incidents.filter { (trigger == nil || $0.trigger == trigger) && glob.matches($0.agent) && w.contains($0.openedAt) }
            return Self.outcome(title, !found.isEmpty, found.first.map { "first: \(Self.describe($0))" } ?? "never reached",
                                ["no incident of these agents matched"])
        case .scrutiny, .suspended, .trustBelow:
            let what: String = switch x.condition {
            case .scrutiny: "is in scrutiny"
            case .suspended: "is suspended"
            case .trustBelow(let s): "has trust below \(s)"
            default: ""
            }
            let title = "sometimes: some agent of \(x.agent) \(what)\(wText)"
            var lowest: (Score, String, SimTime)? = nil
            for a in list {
                guard let tr = trajectory(a) else { continue }
                let ps = tr.points(in: w)
                for p in ps {
                    let t = max(p.time, SimTime.zero + w.from)
                    let hit: Bool = switch x.condition {
                    case .scrutiny: p.inScrutiny(at: t)
                    case .suspended: p.suspended
                    case .trustBelow(let s): p.trust < s
                    default: false
                    }
                    if hit { return Self.outcome(title, true, "first: \(names[a]) at \(t)") }
                    if lowest.map({ p.trust < $0.0 }) ?? true { lowest = (p.trust, names[a], t) }
                }
            }
            let suspension = if case .suspended = x.condition { true } else { false }
            return Self.outcome(title, false, "never reached",
                                suspension ? ["no agent of \(list.count) was suspended"]
                                    : lowest.map { ["lowest trust among them \($0.0) (\($0.1) at \($0.2))"] } ?? [])
        }
    }
}
