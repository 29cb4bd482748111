import IntervenCore
public import IntervenScenario
public import IntervenSimulation

/// Evaluates a scenario's expectations against the result of running it.
///
/// Every expectation is judged from what the run recorded (incidents, the observations the
/// shards kept for it, the ground-truth labels of the scenario), never from wall-clock time, so
/// the verdicts are as reproducible as the run. A failure carries what was expected, what
/// happened and the nearest evidence.
public struct Evaluator {
    let scenario: Scenario
    let result: RunResult
    /// Agent names in scenario order, and the group of each.
    let names: [String]
    let groupOf: [Int]
    private var globCache: [String: [Int]] = [:]

    /// An evaluator of `scenario`'s expectations over `result` (a run of that scenario).
    public init(scenario: Scenario, result: RunResult) {
        self.scenario = scenario
        self.result = result
        var names: [String] = [], groups: [Int] = []
        for (g, group) in scenario.groups.enumerated() {
            for n in group.agentNames { names.append(n); groups.append(g) }
        }
        self.names = names
        groupOf = groups
    }

    /// The verdict on every expectation, in file order.
    public mutating func evaluate() -> [ExpectationOutcome] {
        let clock = ContinuousClock()
        var seen: [String: Int] = [:]
        return scenario.expectations.enumerated().map { k, e in
            let started = clock.now
            var o = evaluate(e, index: k)
            let spent = (clock.now - started).components
            o.seconds = Double(spent.seconds) + Double(spent.attoseconds) / 1e18
            o.index = k
            o.location = e.location
            o.column = e.column
            if let id = e.id {
                o.id = id
                o.hasExplicitID = true
            } else {
                let n = seen[o.title, default: 0] + 1
                seen[o.title] = n
                o.id = n == 1 ? o.title : "\(o.title) (\(n))"
            }
            return o
        }
    }

    mutating func evaluate(_ e: Expectation, index: Int) -> ExpectationOutcome {
        switch e.kind {
        case .incident(let x): return incident(x)
        case .noIncident(let x): return noIncident(x)
        case .trust(let x): return trust(x)
        case .state(let x): return state(x)
        case .decisions(let x): return decisions(x, probe: probe(index))
        case .detection(let x): return detection(x)
        case .sometimes(let x): return sometimes(x, probe: probe(index))
        case .refused(let x): return refused(x)
        case .reasons(let x): return reasons(x, probe: probe(index))
        case .notes(let x): return notes(x)
        case .counters(let x): return counters(x, index: index)
        }
    }

    private func probe(_ index: Int) -> [UInt64]? {
        let o = result.observations
        guard index < o.probeOfExpectation.count, o.probeOfExpectation[index] >= 0 else { return nil }
        return o.probeCounts[o.probeOfExpectation[index]]
    }

    /// Indexes of the agents a glob matches.
    mutating func agents(_ glob: String) -> [Int] {
        if let hit = globCache[glob] { return hit }
        let found = Glob(glob).indexes(in: names).map(Int.init)
        globCache[glob] = found
        return found
    }

    static func outcome(_ title: String, _ passed: Bool, _ observed: String, _ evidence: [String] = []) -> ExpectationOutcome {
        ExpectationOutcome(index: 0, location: "", title: title, passed: passed, observed: observed, evidence: passed ? [] : evidence)
    }

    static func score(_ s: Score) -> String { s.description }
    static func count(_ n: Int) -> String { "\(n)" }
    static func time(_ d: SimDuration) -> String { (SimTime.zero + d).description }
    static func describe(_ i: IncidentRecord) -> String {
        "\(i.agent) \(i.trigger) at \(i.openedAt) (\(i.severity), \(i.status)\(i.resolution.map { " \($0)" } ?? ""))"
    }

    // MARK: Incidents

    mutating func incident(_ x: IncidentExpectation) -> ExpectationOutcome {
        let one = x.count.upper == 1 || (x.count.upper == nil && x.count.lower == 1)
        var what = (x.trigger.map { "\($0) incident" } ?? "incident") + (one ? "" : "s")
        what += " for \(x.agent)"
        if let s = x.severity { what += ", \(s)" }
        if let s = x.status { what += ", \(s)" }
        if let r = x.resolution { what += ", resolved \(r)" }
        if let t = x.minTraces { what += ", with at least \(Phrase.plural(t, "linked trace"))" }
        if let w = x.window { what += ", opened \(w.phrase)" }
        let title = x.count.phrase(Self.count) + " " + what
        let glob = Glob(x.agent)
        let candidates = result.incidents.filter { (x.trigger == nil || $0.trigger == x.trigger) && glob.matches($0.agent) }
        var matching: [IncidentRecord] = []
        var misses: [String] = []
        for i in candidates {
            var why: [String] = []
            if let s = x.severity, i.severity != s { why.append("severity \(i.severity)") }
            if let s = x.status, i.status != s { why.append("status \(i.status)") }
            if let r = x.resolution, i.resolution != r { why.append(i.resolution.map { "resolved \($0)" } ?? "no resolution") }
            if let t = x.minTraces, i.traces.count < t { why.append(Phrase.plural(i.traces.count, "linked trace")) }
            if let w = x.window, !w.contains(i.openedAt) { why.append("outside the window") }
            if why.isEmpty { matching.append(i) } else { misses.append("\(i.agent) \(i.trigger) at \(i.openedAt): \(why.joined(separator: ", "))") }
        }
        let n = matching.count
        let observed = n == 0 ? "none" : Phrase.plural(n, "incident") + " (first \(Self.describe(matching[0])))"
        if x.count.contains(n) { return Self.outcome(title, true, observed) }
        var evidence: [String] = []
        if let upper = x.count.upper, n > upper {
            evidence.append("the extra: " + Phrase.list(matching.dropFirst(upper).map(Self.describe)))
        } else {
            if !misses.isEmpty { evidence.append("near misses: " + Phrase.list(misses)) }
            if let trigger = x.trigger, n == 0 {
                evidence += triggerEvidence(trigger, agents: agents(x.agent), window: x.window)
            }
            if candidates.isEmpty {
                let others = result.incidents.filter { glob.matches($0.agent) }
                if !others.isEmpty { evidence.append("other incidents of these agents: " + Phrase.list(others.map(Self.describe))) }
                else if let t = x.trigger {
                    let elsewhere = result.incidents.filter { $0.trigger == t }
                    if !elsewhere.isEmpty { evidence.append("\(t) incidents of other agents: " + Phrase.list(elsewhere.map(Self.describe))) }
                }
            }
        }
        return Self.outcome(title, false, n == 0 ? "found none" : "found \(n)", evidence)
    }

    mutating func noIncident(_ x: NoIncidentExpectation) -> ExpectationOutcome {
        var title = "no " + (x.trigger.map { "\($0) incident" } ?? "incident") + " for \(x.agent)"
        if let w = x.window { title += ", \(w.phrase(opening: "up to"))" }
        let glob = Glob(x.agent)
        let found = result.incidents.filter {
            (x.trigger == nil || $0.trigger == x.trigger) && glob.matches($0.agent) && (x.window?.contains($0.openedAt) ?? true)
        }
        if found.isEmpty { return Self.outcome(title, true, "none") }
        return Self.outcome(title, false, "found \(found.count)", [Phrase.list(found.map(Self.describe))])
    }

    /// What the logged decisions (or tracked trust) say about why a trigger did not fire.
    mutating func triggerEvidence(_ trigger: TriggerKind, agents list: [Int], window: TimeWindow?) -> [String] {
        let rules = scenario.rules.triggers
        let obs = result.observations
        var lines: [(rank: Int64, text: String)] = []
        for a in list {
            let name = names[a]
            if trigger == .trustCollapse, let track = obs.tracks[name] {
                if let fall = Self.largestFall(track, within: rules.trustCollapseWindow, in: window) {
                    lines.append((Int64(fall.drop.micros), "\(name): largest fall within \(rules.trustCollapseWindow) was \(fall.drop) (\(fall.from) at \(fall.fromTime) to \(fall.to) at \(fall.toTime)); a collapse needs more than \(rules.trustCollapseDrop)"))
                } else {
                    lines.append((0, "\(name): trust never fell"))
                }
                continue
            }
            guard let log = obs.logs[name] else { continue }
            // Scans up to a trigger window before the expectation's window still count toward it.
            let lead: SimDuration = switch trigger {
            case .repeatedDeny: rules.repeatedDenyWindow
            case .readThenWrite: rules.readThenWriteWindow
            default: .zero
            }
            let inWindow = log.filter { p in
                guard let w = window else { return true }
                return p.time.milliseconds >= w.from.milliseconds - lead.milliseconds && p.time.milliseconds <= w.to.milliseconds
            }
            switch trigger {
            case .repeatedDeny:
                let denies = inWindow.filter { $0.decision == .deny && (rules.countGateDenies || !$0.gateDeny) }.map(\.time)
                lines.append(Self.denyRun(name, denies, count: rules.repeatedDenyCount, span: rules.repeatedDenyWindow, window: window))
            case .criticalDeny:
                let denies = inWindow.filter { $0.decision == .deny && !$0.gateDeny }
                let worst = denies.map(\.band).max()
                lines.append((Int64(denies.count), "\(name): \(Phrase.plural(denies.count, "deny", "denies"))" + (worst.map { ", the riskiest \($0)" } ?? "") + ", none CRITICAL"))
            case .threatIntel:
                let hits = inWindow.filter(\.threatIntelHit).count
                lines.append((Int64(hits), "\(name): \(Phrase.plural(hits, "scan")) to a threat-intel indicator"))
            case .ephemeralScope:
                let out = inWindow.filter(\.scopeViolation).count
                lines.append((Int64(out), "\(name): \(Phrase.plural(out, "scan")) outside the key's scope"))
            case .readThenWrite:
                lines.append(Self.readWrite(name, inWindow, span: rules.readThenWriteWindow))
            case .trustCollapse, .policy, .manual:
                break
            }
        }
        return lines.sorted { $0.rank > $1.rank }.prefix(3).map(\.text)
    }

    /// The agent's densest run of denies against the repeated-deny threshold.
    static func denyRun(_ name: String, _ denies: [SimTime], count: Int, span: SimDuration, window: TimeWindow?) -> (Int64, String) {
        guard !denies.isEmpty else { return (0, "\(name): no deny" + (window.map { " \($0.phrase)" } ?? "")) }
        // Most denies in any closed interval of length `span` (the trigger's window).
        var best = (n: 0, first: 0, last: 0)
        var lo = 0
        for hi in denies.indices {
            while denies[hi].milliseconds - denies[lo].milliseconds > span.milliseconds { lo += 1 }
            if hi - lo + 1 > best.n { best = (hi - lo + 1, lo, hi) }
        }
        var text = "\(name): at most \(Phrase.plural(best.n, "deny", "denies")) within \(span) (threshold \(count)); "
        if best.n == 1 {
            text += "the only one" + (denies.count > 1 ? "s were apart" : "") + " at " + Phrase.list(denies.map(\.description))
        } else {
            text += "\(best.n) from \(denies[best.first]) to \(denies[best.last])"
            if best.last + 1 < denies.count {
                let next = denies[best.last + 1]
                let late = next - (denies[best.first] + span)
                text += ", the \(Phrase.ordinal(best.n + 1)) came at \(next) (\(late) too late)"
            } else {
                text += ", no later deny" + (window.map { " up to \(SimTime.zero + $0.to)" } ?? "")
            }
        }
        return (Int64(best.n), text)
    }

    /// The closest sensitive read → external write pair.
    static func readWrite(_ name: String, _ log: [DecisionPoint], span: SimDuration) -> (Int64, String) {
        let reads = log.filter(\.sensitiveRead).map(\.time), writes = log.filter(\.externalWrite).map(\.time)
        var text = "\(name): \(Phrase.plural(reads.count, "sensitive read")), \(Phrase.plural(writes.count, "external write"))"
        var best: (SimTime, SimTime)? = nil
        var r = 0
        for w in writes {
            while r + 1 < reads.count, reads[r + 1] <= w { r += 1 }
            guard r < reads.count, reads[r] <= w else { continue }
            if best.map({ w - reads[r] < $0.1 - $0.0 }) ?? true { best = (reads[r], w) }
        }
        if let (rd, wr) = best { text += "; the closest: read at \(rd), write at \(wr) (\(wr - rd) apart, window \(span))" }
        return (Int64(reads.count + writes.count), text)
    }

    /// The largest fall of trust within `span` (from a running peak), within the window.
    static func largestFall(_ track: [TrackPoint], within span: SimDuration, in window: TimeWindow?)
        -> (drop: Score, from: Score, fromTime: SimTime, to: Score, toTime: SimTime)? {
        var best: (drop: Score, from: Score, fromTime: SimTime, to: Score, toTime: SimTime)? = nil
        for (k, p) in track.enumerated() where window?.contains(p.time) ?? true {
            // Earlier points within `span`, newest first (the track is in time order).
            for q in track[..<k].reversed() {
                if p.time - q.time > span { break }
                guard q.trust > p.trust else { continue }
                let drop = q.trust - p.trust
                if best.map({ drop > $0.drop }) ?? true { best = (drop, q.trust, q.time, p.trust, p.time) }
            }
        }
        return best
    }
}
