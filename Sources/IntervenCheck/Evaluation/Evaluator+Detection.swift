import IntervenCore
import IntervenScenario
import IntervenSimulation

extension Evaluator {
    mutating func detection(_ x: DetectionExpectation) -> ExpectationOutcome {
        let which = x.trigger.map(\.description) ?? "any trigger"
        var wanted: [String] = []
        if let b = x.rate { wanted.append("detection rate \(b.phrase(Self.score))") }
        if let b = x.falsePositiveRatio { wanted.append("false-positive ratio \(b.phrase(Self.score))") }
        if let b = x.p50 { wanted.append("time to detect p50 \(b.phrase(\.description))") }
        if let b = x.p95 { wanted.append("p95 \(b.phrase(\.description))") }
        let title = "detection by \(which) for \(x.agent): " + wanted.joined(separator: ", ")

        // The same scoring as summary.json's detection section.
        let tally = DetectionScorer(scenario: scenario, result: result).tally(agents: agents(x.agent), trigger: x.trigger)
        let malicious = tally.maliciousAgents, detected = tally.timesToDetect, incidents = tally.incidents
        let falsePositives = tally.falsePositiveIncidents.map { result.incidents[$0] }
        let missed = tally.missed.map { "\(names[$0.agent]) (malicious from \($0.from))" }
        var observed: [String] = []
        var wrong: [String] = []
        var evidence: [String] = []
        if x.rate != nil || x.p50 != nil || x.p95 != nil {
            guard malicious > 0 else {
                return Self.outcome(title, false, "no agent of \(x.agent) is labelled misbehaving or compromised, so detection cannot be measured")
            }
        }
        let rate = tally.detectionRate ?? .zero
        observed.append("detected \(detected.count) of \(malicious) malicious agents (\(Phrase.percent(UInt64(detected.count), UInt64(malicious))))")
        if let b = x.rate, !b.contains(rate) {
            wrong.append("detection rate \(rate)")
            if !missed.isEmpty { evidence.append("missed: " + Phrase.list(missed, limit: 5)) }
        }
        let fpRatio = tally.falsePositiveRatio
        observed.append("\(falsePositives.count) of \(Phrase.plural(incidents, "incident")) on benign agents")
        if let b = x.falsePositiveRatio, !b.contains(fpRatio) {
            wrong.append("false-positive ratio \(fpRatio)")
            evidence.append("on benign agents: " + Phrase.list(falsePositives.map(Self.describe)))
        }
        if !detected.isEmpty {
            let p50 = tally.timeToDetectP50 ?? .zero, p95 = tally.timeToDetectP95 ?? .zero
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
