public import IntervenCore
import IntervenScenario
public import IntervenSimulation

extension Evaluator {
    /// Detection quality of `trigger` (any but `manual` when nil) over the agents `glob` matches:
    /// the one scoring behind `detection:` expectations, the baseline's detection metrics and
    /// summary.json's detection section (`DetectionScorer`).
    mutating func detectionScore(trigger: TriggerKind?, agents glob: String) -> DetectionScore {
        let tally = DetectionScorer(scenario: scenario, result: result).tally(agents: agents(glob), trigger: trigger)
        var s = DetectionScore()
        s.malicious = tally.maliciousAgents
        s.detected = tally.timesToDetect.sorted()
        s.missed = tally.missed.map { "\(names[$0.agent]) (malicious from \($0.from))" }
        s.incidents = tally.incidents
        s.falsePositives = tally.falsePositiveIncidents.map { result.incidents[$0] }
        return s
    }

    mutating func detection(_ x: DetectionExpectation) -> ExpectationOutcome {
        let which = x.trigger.map(\.description) ?? "any trigger"
        var wanted: [String] = []
        if let b = x.rate { wanted.append("detection rate \(b.phrase(Self.score))") }
        if let b = x.falsePositiveRatio { wanted.append("false-positive ratio \(b.phrase(Self.score))") }
        if let b = x.p50 { wanted.append("time to detect p50 \(b.phrase(\.description))") }
        if let b = x.p95 { wanted.append("p95 \(b.phrase(\.description))") }
        let title = "detection by \(which) for \(x.agent): " + wanted.joined(separator: ", ")

        let score = detectionScore(trigger: x.trigger, agents: x.agent)
        let malicious = score.malicious, detected = score.detected, missed = score.missed
        let incidents = score.incidents, falsePositives = score.falsePositives
        var observed: [String] = []
        var wrong: [String] = []
        var evidence: [String] = []
        if x.rate != nil || x.p50 != nil || x.p95 != nil {
            guard malicious > 0 else {
                return Self.outcome(title, false, "no agent of \(x.agent) is labelled misbehaving or compromised, so detection cannot be measured")
            }
        }
        let rate = score.rate
        observed.append("detected \(detected.count) of \(malicious) malicious agents (\(Phrase.percent(UInt64(detected.count), UInt64(malicious))))")
        if let b = x.rate, !b.contains(rate) {
            wrong.append("detection rate \(rate)")
            if !missed.isEmpty { evidence.append("missed: " + Phrase.list(missed, limit: 5)) }
        }
        let fpRatio = score.falsePositiveRatio
        observed.append("\(falsePositives.count) of \(Phrase.plural(incidents, "incident")) on benign agents")
        if let b = x.falsePositiveRatio, !b.contains(fpRatio) {
            wrong.append("false-positive ratio \(fpRatio)")
            evidence.append("on benign agents: " + Phrase.list(falsePositives.map(Self.describe)))
        }
        if !detected.isEmpty {
            let p50 = score.p50 ?? .zero, p95 = score.p95 ?? .zero
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

/// Detection quality over a set of agents (see `Evaluator.detectionScore`).
public struct DetectionScore: Sendable {
    /// Agents labelled malicious at some time.
    public var malicious = 0
    /// Time to detect of each detected agent, shortest first.
    public var detected: [SimDuration] = []
    /// Malicious agents never detected (`name (malicious from T)`).
    public var missed: [String] = []
    /// Incidents of the trigger on these agents.
    public var incidents = 0
    /// Those that opened while their agent was benign.
    public var falsePositives: [IncidentRecord] = []

    /// Detected over malicious agents (0 when none is malicious).
    public var rate: Score {
        malicious > 0 ? Score(micros: Int32((detected.count * 1_000_000 + malicious / 2) / malicious)) : .zero
    }
    /// False positives over incidents (0 when there is none).
    public var falsePositiveRatio: Score {
        incidents > 0 ? Score(micros: Int32((falsePositives.count * 1_000_000 + incidents / 2) / incidents)) : .zero
    }
    /// Nearest-rank percentiles of the time to detect; nil when nothing was detected.
    public var p50: SimDuration? { DetectionTally.percentile(detected, 50) }
    public var p95: SimDuration? { DetectionTally.percentile(detected, 95) }
}
