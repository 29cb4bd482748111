import Foundation
import IntervenCheck
import IntervenCore
import IntervenScenario
import IntervenSimulation
import NIOHTTP1

/// An incident as the target reported it, at scenario time.
public struct LiveIncident: Sendable, Equatable {
    public var id: String
    public var agent: String
    public var trigger: String
    public var severity: String
    public var status: String
    public var resolution: String?
    /// Scenario time (gateway time minus the measured offset), ms.
    public var openedAt: Int64
    public var traces: Int
}

/// An agent's trust state as the target reported it.
public struct LiveTrust: Sendable, Equatable {
    public var agent: String
    public var score: Double
    public var scrutiny: Bool
    public var suspended: Bool
}

/// The verdict on one expectation against a live target.
public struct LiveVerdict: Sendable, Equatable {
    public enum Status: String, Sendable { case passed, failed, notJudged = "not_judged" }
    public var id: String
    public var location: String
    public var title: String
    public var status: Status
    public var observed: String
}

extension LoadRunner {
    /// Reads every incident and trust state back from the target.
    func readBack() async -> (incidents: [LiveIncident], trust: [LiveTrust], error: String?) {
        let key = options.defaultKey
        let offset = gatewayOffset.withLock { $0 } ?? 0
        var incidents: [LiveIncident] = []
        var next: Int? = 0
        while let off = next {
            guard let a = await call(.GET, "/v1/incidents?limit=1000&offset=\(off)", key: key, body: nil, endpoint: "incidents"),
                  a.status == 200, let rows = a.json?["incidents"] as? [any Sendable] else {
                return (incidents, [], "could not read the target's incidents (GET /v1/incidents)")
            }
            for case let r as [String: any Sendable] in rows {
                let opened = (r["opened_at"] as? String).flatMap(ISOTime.parse).map { $0 - offset } ?? 0
                let traces = (r["trace_ids"] as? [any Sendable])?.count ?? Int((r["trace_count"] as? Double) ?? 0)
                incidents.append(LiveIncident(id: (r["incident_id"] ?? r["id"]) as? String ?? "", agent: r["agent_id"] as? String ?? "",
                                              trigger: r["trigger"] as? String ?? "", severity: r["severity"] as? String ?? "",
                                              status: r["status"] as? String ?? "", resolution: r["resolution"] as? String,
                                              openedAt: opened, traces: traces))
            }
            next = (a.json?["next_offset"] as? Double).map { Int($0) }
        }
        incidents.sort { ($0.openedAt, $0.agent, $0.trigger, $0.id) < ($1.openedAt, $1.agent, $1.trigger, $1.id) }
        guard let t = await call(.GET, "/api/telemetry/agents/trust-states", key: key, body: nil, endpoint: "trust_states"),
              t.status == 200, let rows = t.json?["trust_states"] as? [any Sendable] else {
            return (incidents, [], "could not read the target's trust states (GET /api/telemetry/agents/trust-states)")
        }
        var trust: [LiveTrust] = []
        for case let r as [String: any Sendable] in rows {
            trust.append(LiveTrust(agent: r["agent_id"] as? String ?? "", score: r["trust_score"] as? Double ?? 0,
                                   scrutiny: (r["in_scrutiny"] as? Double ?? 0) != 0 || (r["in_scrutiny"] as? Bool ?? false),
                                   suspended: (r["suspended"] as? Double ?? 0) != 0 || (r["suspended"] as? Bool ?? false)))
        }
        return (incidents, trust.sorted { $0.agent < $1.agent }, nil)
    }
}

/// Judges a scenario's expectations against what a live target reported.
enum LiveJudge {
    static func judge(_ scenario: Scenario, incidents: [LiveIncident], trust: [LiveTrust], scans: Int) -> [LiveVerdict] {
        // Incident expectations go through the same evaluator as `check`, on a result built from the target's incidents.
        let records: [IncidentRecord] = incidents.compactMap { i in
            guard let trigger = TriggerKind.allCases.first(where: { $0.description == i.trigger }),
                  let severity = Severity.allCases.first(where: { $0.description == i.severity }),
                  let status = IncidentStatus.allCases.first(where: { $0.description == i.status }) else { return nil }
            let resolution = i.resolution.flatMap { r in Resolution.allCases.first { $0.description == r } }
            return IncidentRecord.observed(id: i.id, title: "", severity: severity, agent: i.agent, trigger: trigger,
                                           openedAt: SimTime(milliseconds: i.openedAt), status: status, resolution: resolution,
                                           traces: i.traces)
        }
        let result = RunResult.observed(scenario: scenario.name, seed: scenario.seed, duration: scenario.duration,
                                        scans: UInt64(scans), incidents: records)
        var evaluated = scenario
        evaluated.expectations = scenario.expectations.filter {
            if case .incident = $0.kind { return true }
            if case .noIncident = $0.kind { return true }
            return false
        }
        var evaluator = Evaluator(scenario: evaluated, result: result)
        var outcomes = evaluator.evaluate()[...]
        let trustByAgent = Dictionary(trust.map { ($0.agent, $0) }, uniquingKeysWith: { a, _ in a })
        let names = scenario.groups.flatMap(\.agentNames)
        var verdicts: [LiveVerdict] = []
        for e in scenario.expectations {
            let title = Self.title(e.kind)
            switch e.kind {
            case .incident, .noIncident:
                let o = outcomes.removeFirst()
                verdicts.append(LiveVerdict(id: o.id, location: o.location, title: o.title, status: o.passed ? .passed : .failed,
                                            observed: ([o.observed] + o.evidence).joined(separator: "; ")))
            case .trust(let x):
                if case .value(let at, let bound) = x.check, at >= scenario.duration {
                    let agents = Glob(x.agent).indexes(in: names).map { names[Int($0)] }
                    let bad = agents.filter { a in !bound.contains(Score(micros: Int32(((trustByAgent[a]?.score ?? 1) * 1e6).rounded()))) }
                    let t = "trust of \(x.agent) at the end \(bound.phrase { String(format: "%.2f", $0.doubleValue) })"
                    verdicts.append(LiveVerdict(id: e.id ?? t, location: e.location, title: t, status: bad.isEmpty ? .passed : .failed,
                                                observed: bad.isEmpty ? "\(agents.count) agents within bounds"
                                                    : "outside: " + bad.prefix(3).map { "\($0) \(String(format: "%.3f", trustByAgent[$0]?.score ?? 1))" }.joined(separator: ", ")))
                } else {
                    verdicts.append(notJudged(e, title, "needs the trust trajectory, which the API does not expose (only the current state)"))
                }
            case .state(let x):
                if x.at >= scenario.duration {
                    let agents = Glob(x.agent).indexes(in: names).map { names[Int($0)] }
                    let bad = agents.filter { a in
                        let s = trustByAgent[a]
                        if let want = x.suspended, (s?.suspended ?? false) != want { return true }
                        if let want = x.scrutiny, (s?.scrutiny ?? false) != want { return true }
                        return false
                    }
                    let t = "state of \(x.agent) at the end"
                    verdicts.append(LiveVerdict(id: e.id ?? t, location: e.location, title: t, status: bad.isEmpty ? .passed : .failed,
                                                observed: bad.isEmpty ? "\(agents.count) agents as expected" : "differs: " + bad.prefix(3).joined(separator: ", ")))
                } else {
                    verdicts.append(notJudged(e, title, "a state before the end needs history the API does not expose"))
                }
            default:
                verdicts.append(notJudged(e, title, "needs per-scan observations the API does not expose"))
            }
        }
        return verdicts
    }

    /// A short name of an expectation the evaluator does not judge here.
    static func title(_ k: Expectation.Kind) -> String {
        switch k {
        case .incident(let x): "incident for \(x.agent)"
        case .noIncident(let x): "no incident for \(x.agent)"
        case .trust(let x): "trust of \(x.agent)"
        case .state(let x): "state of \(x.agent)"
        case .decisions(let x): "decisions of \(x.agent)"
        case .detection: "detection"
        case .sometimes: "sometimes"
        case .refused: "refused actions"
        case .reasons(let x): "reasons of \(x.agent)"
        case .notes: "notes"
        case .counters(let x): "counters of \(x.agent)"
        }
    }

    static func notJudged(_ e: Expectation, _ title: String, _ why: String) -> LiveVerdict {
        LiveVerdict(id: e.id ?? title, location: e.location, title: title, status: .notJudged, observed: "not judged against a live target: \(why)")
    }
}
