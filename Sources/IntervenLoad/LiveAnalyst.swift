import AsyncHTTPClient
import Foundation
import IntervenCore
import IntervenScenario
import IntervenSimulation
import NIOHTTP1

/// The scenario's analyst against a live target: the simulation's own desk (a FIFO queue worked
/// by `headcount` analysts; each approval's or incident's response time and verdict drawn from
/// its identity under the seed), fed with what the target shows, its decisions sent through
/// the API at their (scaled) times with the actor `analyst`.
struct LiveDesk: Sendable {
    var desk: AnalystDesk
    /// Approvals and incidents already handed over.
    var seen: Set<String> = []
    /// Where the incident watcher is: the newest `opened_at` seen.
    var since: String?
}

extension LoadRunner {
    /// Hands an approval or an incident to the analyst and schedules the decisions that follow.
    func analystTakes(_ w: AnalystWork, id: String) {
        guard let decisions = desk.withLock({ d -> [AnalystDecision]? in
            guard d != nil, d!.seen.insert(id).inserted else { return nil }
            return d!.desk.assign([w])
        }), !decisions.isEmpty else { return }
        stats.note { $0.analystWork += 1 }
        let key = options.defaultKey
        let t = Task {
            for d in decisions {
                let at = self.due(d.time)
                let now = self.elapsedMicros()
                if at > now { try? await Task.sleep(for: .microseconds(at - now)) }
                if Task.isCancelled || self.stopped { return }
                let (path, body): (String, String) = switch d.action {
                case .decideApproval(let approve): ("/v1/approvals/\(id)/decision", "{\"approve\": \(approve)}")
                case .investigate: ("/v1/incidents/\(id)/transition", "{\"status\": \"investigating\"}")
                case .close(let r): ("/v1/incidents/\(id)/transition", "{\"status\": \"closed\", \"resolution\": \"\(r)\"}")
                }
                let answer = await self.call(.POST, path, key: key, body: body, endpoint: "analyst", intended: max(at, 0), actor: "analyst")
                // A 409 is the target refusing a late decision (decided, expired or closed meanwhile), as the simulation's is.
                self.stats.note { s in if answer?.status == 409 { s.analystRefused += 1 } else { s.analystActions += 1 } }
            }
        }
        loops.withLock { $0.append(t) }
    }

    /// Reads the target's incidents every half second of wall time and hands each new one to the
    /// analyst, at the scenario time of the scan that opened it (of its agent's recently sent
    /// scans, the one planned nearest to its opening time converted with the learned offset; the
    /// simulation draws the analyst's response from that time).
    func watchIncidents() async {
        let key = options.defaultKey
        while !stopped && !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(500))
            guard !Task.isCancelled, let offset = gatewayOffset.withLock({ $0 }) else { continue }
            let since = desk.withLock { $0?.since }
            var found: [(opened: Int64, agent: Int, trigger: TriggerKind, id: String, text: String)] = []
            var next: Int? = 0
            while let off = next, !Task.isCancelled {
                var q = "/v1/incidents?limit=1000&offset=\(off)"
                if let since { q += "&since=\(escape(since))" }
                guard let a = await call(.GET, q, key: key, body: nil, endpoint: "incidents"), a.status == 200,
                      let rows = a.json?["incidents"] as? [any Sendable] else { break }
                for case let r as [String: any Sendable] in rows {
                    guard let id = (r["incident_id"] ?? r["id"]) as? String, let text = r["opened_at"] as? String,
                          let opened = ISOTime.parse(text), let name = r["agent_id"] as? String, let agent = agentIndex[name],
                          let trigger = TriggerKind.allCases.first(where: { $0.description == r["trigger"] as? String }) else { continue }
                    found.append((opened - offset, agent, trigger, id, text))
                }
                next = (a.json?["next_offset"] as? Double).map { Int($0) }
            }
            if let newest = found.map(\.text).max() { desk.withLock { if ($0?.since ?? "") < newest { $0?.since = newest } } }
            for f in found.sorted(by: { ($0.opened, $0.agent, $0.trigger.rawValue) < ($1.opened, $1.agent, $1.trigger.rawValue) }) {
                let (time, label) = live.withLock { s -> (SimTime, GroundTruth) in
                    let planned = s[f.agent].sent.min { abs($0.milliseconds - f.opened) < abs($1.milliseconds - f.opened) }
                        ?? SimTime(milliseconds: f.opened)
                    return (planned, s[f.agent].label)
                }
                analystTakes(AnalystWork(kind: .incident, time: time, agent: Int32(f.agent), ordinal: 0, label: label,
                                         trigger: f.trigger.rawValue), id: f.id)
            }
        }
    }
}
