import Foundation
import IntervenCore

/// Reading a stored baseline: `JSONDecoder` over the file's shape (`StoredBaseline`), then the
/// checks a run's own numbers pass (times within a run, decision counts a run can make), so a
/// hand-edited file is refused with the field and why, never a crash.
extension Baseline {
    /// Reads a baseline written by `json` (exact: scores are read from their decimal text).
    public static func parse(_ text: String, path: String) throws(BaselineError) -> Baseline {
        func bad(_ why: String) -> BaselineError {
            BaselineError(path: path, reason: "not a baseline file (\(why)); rewrite it with --update-baseline")
        }
        let stored: StoredBaseline
        do {
            stored = try JSONDecoder().decode(StoredBaseline.self, from: Data(text.utf8))
        } catch let e as DecodingError {
            throw bad(Self.reason(e))
        } catch {
            throw bad("invalid JSON")
        }
        guard stored.format == 1 || stored.format == Int64(format) else { throw bad("format \(stored.format) is not 1 or \(format)") }
        func time(_ v: Int64, _ what: String) throws(BaselineError) -> Int64 {
            guard v >= 0, v <= 400 * 86_400_000 else { throw bad("\(what) is not a time within a run") }
            return v
        }
        var b = Baseline(scenario: stored.scenario, seed: stored.seed, fingerprint: stored.fingerprint, scans: stored.scans,
                         initialTrust: stored.initialTrust.score, checkpoints: [], incidents: [], groups: [], agents: [])
        if stored.format >= 2 {
            guard let tool = stored.toolVersion else { throw bad("missing tool_version") }
            guard let digest = stored.rulesDigest else { throw bad("missing rules_digest") }
            b.toolVersion = tool
            b.rulesDigest = digest
            if let m = stored.metrics {
                let d = m.detection
                b.metrics = Metrics(malicious: d.malicious, detected: d.detected, incidents: d.incidents,
                                    falsePositives: d.falsePositives, rate: d.rate.score,
                                    falsePositiveRatio: d.falsePositiveRatio.score, p50: d.p50, p95: d.p95,
                                    incidentsByTrigger: try TriggerKind.allCases.map { t throws(BaselineError) in
                                        guard let n = m.incidentsByTrigger[t.description] else { throw bad("missing incidents_by_trigger.\(t)") }
                                        return n
                                    },
                                    decisions: try Decision.allCases.map { dc throws(BaselineError) in
                                        guard let n = m.decisions[dc.description] else { throw bad("missing decisions.\(dc)") }
                                        return n
                                    })
            }
        }
        for c in stored.checkpoints ?? [] { b.checkpoints.append(try time(c, "checkpoint")) }
        for i in stored.incidents ?? [] {
            b.incidents.append(IncidentLine(agent: i.agent, trigger: i.trigger, key: i.key, severity: i.severity,
                                            openedAt: try time(i.openedAt, "opened_at"), status: i.status, resolution: i.resolution))
        }
        for g in stored.groups ?? [] {
            for d in g.decisions where d > 1_000_000_000_000 { throw bad("decisions is larger than a run can make") }
            b.groups.append(GroupLine(group: g.group, agents: Int(clamping: g.agents), decisions: g.decisions,
                                      trustMean: g.trustMean.map(\.score), trustMin: g.trustMin.map(\.score)))
        }
        for a in stored.agents ?? [] { b.agents.append(AgentLine(agent: a.agent, trust: a.trust.map(\.score))) }
        return b
    }

    /// What a decoding error means to the person who edited the file: the field and what it
    /// should hold.
    static func reason(_ e: DecodingError) -> String {
        func field(_ path: [any CodingKey]) -> String {
            path.last(where: { $0.intValue == nil })?.stringValue ?? "a value"
        }
        func expected(_ name: String) -> String {
            switch name {
            case "seed", "scans", "agents", "decisions": "a whole number from 0 to 18446744073709551615"
            case "checkpoints", "opened_at": "a time within a run"
            case "initial_trust", "rate", "false_positive_ratio", "trust", "trust_mean", "trust_min": "a score"
            case "format", "malicious", "detected", "incidents", "false_positives": "a whole number"
            default: "of the expected type"
            }
        }
        switch e {
        case .keyNotFound(let key, let context):
            let parent = field(context.codingPath)
            return context.codingPath.isEmpty ? "missing \(key.stringValue)" : "missing \(key.stringValue) in \(parent)"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            let name = field(context.codingPath)
            return context.codingPath.isEmpty ? "not an object" : "\(name) is not \(expected(name))"
        case .dataCorrupted(let context):
            guard !context.codingPath.isEmpty else { return "invalid JSON" }
            let name = field(context.codingPath)
            return "\(name) is not \(expected(name))"
        @unknown default:
            return "invalid JSON"
        }
    }
}

/// The baseline file's shape, as `Baseline.json` writes it.
private struct StoredBaseline: Decodable {
    var format: Int64
    var scenario: String
    var seed: UInt64
    var toolVersion: String?
    var rulesDigest: String?
    var fingerprint: String
    var scans: UInt64
    var metrics: StoredMetrics?
    var initialTrust: StoredScore
    var checkpoints: [Int64]?
    var incidents: [StoredIncident]?
    var groups: [StoredGroup]?
    var agents: [StoredAgent]?

    enum CodingKeys: String, CodingKey {
        case format, scenario, seed, fingerprint, scans, metrics, checkpoints, incidents, groups, agents
        case toolVersion = "tool_version", rulesDigest = "rules_digest", initialTrust = "initial_trust"
    }

    struct StoredMetrics: Decodable {
        var detection: StoredDetection
        var incidentsByTrigger: [String: Int]
        var decisions: [String: UInt64]
        enum CodingKeys: String, CodingKey {
            case detection, decisions
            case incidentsByTrigger = "incidents_by_trigger"
        }
    }

    struct StoredDetection: Decodable {
        var malicious: Int, detected: Int, incidents: Int, falsePositives: Int
        var rate: StoredScore, falsePositiveRatio: StoredScore
        var p50: Int64?, p95: Int64?
        enum CodingKeys: String, CodingKey {
            case malicious, detected, incidents, rate
            case falsePositives = "false_positives", falsePositiveRatio = "false_positive_ratio"
            case p50 = "time_to_detect_p50_ms", p95 = "time_to_detect_p95_ms"
        }
    }

    struct StoredIncident: Decodable {
        var agent: String, trigger: String, key: String?, severity: String
        var openedAt: Int64
        var status: String, resolution: String?
        enum CodingKeys: String, CodingKey {
            case agent, trigger, key, severity, status, resolution
            case openedAt = "opened_at"
        }
    }

    struct StoredGroup: Decodable {
        var group: String
        var agents: UInt64
        var decisions: [UInt64]
        var trustMean: [StoredScore], trustMin: [StoredScore]
        enum CodingKeys: String, CodingKey {
            case group, agents, decisions
            case trustMean = "trust_mean", trustMin = "trust_min"
        }
    }

    struct StoredAgent: Decodable {
        var agent: String
        var trust: [StoredScore]
    }
}

/// A score read exactly from its decimal text (`Decimal` keeps the digits a `Double` would round).
private struct StoredScore: Decodable {
    var score: Score
    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let value = try c.decode(Decimal.self)
        guard let s = Score.parse("\(value)") else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a score")
        }
        score = s
    }
}
