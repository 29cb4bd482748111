import IntervenCore
import IntervenScenario
import IntervenSimulation

extension Evaluator {
    /// The intervals during which an agent of `group` is malicious (labelled misbehaving or
    /// compromised), from its group's label and phases.
    func maliciousIntervals(group g: Int) -> [(from: SimTime, to: SimTime)] {
        let group = scenario.groups[g]
        var changes: [(SimTime, GroundTruth)] = [(.zero, group.label)]
        for p in group.phases { if let l = p.label { changes.append((SimTime.zero + p.at, l)) } }
        let end = SimTime.zero + result.duration
        var out: [(from: SimTime, to: SimTime)] = []
        for (k, (t, label)) in changes.enumerated() where label != .benign {
            let until = k + 1 < changes.count ? changes[k + 1].0 : end
            if let last = out.last, last.to == t { out[out.count - 1].to = until } else { out.append((t, until)) }
        }
        return out
    }

    /// Nearest-rank percentile of sorted values.
    static func percentile(_ sorted: [SimDuration], _ p: Int) -> SimDuration {
        let rank = max(1, (sorted.count * p + 99) / 100)
        return sorted[min(rank, sorted.count) - 1]
    }

    mutating func detection(_ x: DetectionExpectation) -> ExpectationOutcome {
        let which = x.trigger.map(\.description) ?? "any trigger"
        var wanted: [String] = []
        if let b = x.rate { wanted.append("detection rate \(b.phrase(Self.score))") }
        if let b = x.falsePositiveRatio { wanted.append("false-positive ratio \(b.phrase(Self.score))") }
        if let b = x.p50 { wanted.append("time to detect p50 \(b.phrase(\.description))") }
        if let b = x.p95 { wanted.append("p95 \(b.phrase(\.description))") }
        let title = "detection by \(which) for \(x.agent): " + wanted.joined(separator: ", ")

        let list = agents(x.agent)
        let considered: (IncidentRecord) -> Bool = { i in
            if let t = x.trigger { return i.trigger == t }
            return i.trigger != .manual
        }
        var byAgent: [String: [IncidentRecord]] = [:]
        for i in result.incidents where considered(i) { byAgent[i.agent, default: []].append(i) }
        var malicious = 0, detected: [SimDuration] = [], missed: [String] = []
        var incidents = 0, falsePositives: [IncidentRecord] = []
        for a in list {
            let intervals = maliciousIntervals(group: groupOf[a])
            let mine = byAgent[names[a]] ?? []
            incidents += mine.count
            for i in mine where !intervals.contains(where: { i.openedAt >= $0.from && i.openedAt < $0.to }) { falsePositives.append(i) }
            guard !intervals.isEmpty else { continue }
            malicious += 1
            var first: SimDuration? = nil
            for iv in intervals {
                if let i = mine.first(where: { $0.openedAt >= iv.from && $0.openedAt < iv.to }) { first = i.openedAt - iv.from; break }
            }
            if let first { detected.append(first) } else { missed.append("\(names[a]) (malicious from \(intervals[0].from))") }
        }
        detected.sort()
        var observed: [String] = []
        var wrong: [String] = []
        var evidence: [String] = []
        if x.rate != nil || x.p50 != nil || x.p95 != nil {
            guard malicious > 0 else {
                return Self.outcome(title, false, "no agent of \(x.agent) is labelled misbehaving or compromised, so detection cannot be measured")
            }
        }
        let rate = malicious > 0 ? Score(micros: Int32((detected.count * 1_000_000 + malicious / 2) / malicious)) : .zero
        observed.append("detected \(detected.count) of \(malicious) malicious agents (\(Phrase.percent(UInt64(detected.count), UInt64(malicious))))")
        if let b = x.rate, !b.contains(rate) {
            wrong.append("detection rate \(rate)")
            if !missed.isEmpty { evidence.append("missed: " + Phrase.list(missed, limit: 5)) }
        }
        let fpRatio = incidents > 0 ? Score(micros: Int32((falsePositives.count * 1_000_000 + incidents / 2) / incidents)) : .zero
        observed.append("\(falsePositives.count) of \(Phrase.plural(incidents, "incident")) on benign agents")
        if let b = x.falsePositiveRatio, !b.contains(fpRatio) {
            wrong.append("false-positive ratio \(fpRatio)")
            evidence.append("on benign agents: " + Phrase.list(falsePositives.map(Self.describe)))
        }
        if !detected.isEmpty {
            let p50 = Self.percentile(detected, 50), p95 = Self.percentile(detected, 95)
            observed.append("time to detect p50 \(p50), p95 \(p95)")
            if let b = x.p50, !b.contains(p50) { wrong.append("p50 \(p50)") }
            if let b = x.p95, !b.contains(p95) { wrong.append("p95 \(p95)") }
            if !wrong.isEmpty, x.p50 != nil || x.p95 != nil, let slowest = detected.last {
                evidence.append("slowest detection took \(slowest)")
            }
        } else if x.p50 != nil || x.p95 != nil {
            wrong.append("no agent detected, so no time to detect")
        }
        if wrong.isEmpty { return Self.outcome(title, true, observed.joined(separator: "; ")) }
        return Self.outcome(title, false, wrong.joined(separator: ", "), [observed.joined(separator: "; ")] + evidence)
    }
}
