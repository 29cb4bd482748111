import AsyncHTTPClient
import Foundation
import IntervenCore
import IntervenScenario
import NIOHTTP1

extension LoadRunner {
    /// A timeline operator action through the operator endpoints. Actions the API has no
    /// endpoint for are listed as not sent.
    func perform(_ e: TimelineEvent, intended: Int64) async {
        let key = options.defaultKey
        func agentPath(_ agent: String, _ action: String) -> String { "/api/telemetry/agents/\(escape(agent))/\(action)" }
        func send(_ method: HTTPMethod, _ path: String, _ body: String?, _ what: String) async {
            let answer = await call(method, path, key: options.key(for: what), body: body, endpoint: "operator", intended: intended,
                                    actor: e.actor)
            note("\(SimTime.zero + e.at) \(describe(e.action)): HTTP \(answer.map { String($0.status) } ?? "failed")")
        }
        switch e.action {
        case .scan: break
        case .suspend(let agent): await send(.POST, agentPath(agent, "suspend"), nil, agent)
        case .reactivate(let agent): await send(.POST, agentPath(agent, "reactivate"), nil, agent)
        case .resetTrust(let agent): await send(.POST, agentPath(agent, "trust/reset"), nil, agent)
        case .decideApproval(let agent, let approve):
            let index = TrafficModel.indexOf(agent, in: scenario)
            guard let a = index, let id = live.withLock({ $0[a].lastApproval }) else {
                note("\(SimTime.zero + e.at) \(describe(e.action)): not sent (no approval of \(agent) seen)"); return
            }
            await send(.POST, "/v1/approvals/\(id)/decision", "{\"approve\": \(approve)}", agent)
        case .transition(let sel, let status, let resolution):
            guard let id = await newestIncident(sel, key: key) else {
                note("\(SimTime.zero + e.at) \(describe(e.action)): not sent (no matching incident)"); return
            }
            var body = "{\"status\": \"\(status)\""
            if let resolution { body += ", \"resolution\": \"\(resolution)\"" }
            await send(.POST, "/v1/incidents/\(id)/transition", body + "}", sel.agent)
        case .addNote(let sel, let text):
            guard let id = await newestIncident(sel, key: key) else {
                note("\(SimTime.zero + e.at) \(describe(e.action)): not sent (no matching incident)"); return
            }
            await send(.POST, "/v1/incidents/\(id)/notes", "{\"text\": \(ScanRequest.quote(text)), \"author\": \(ScanRequest.quote(e.actor))}", sel.agent)
        case .respond(let sel, let action) where "\(action)".lowercased().contains("suspend"):
            await send(.POST, agentPath(sel.agent, "suspend"), nil, sel.agent)
        case .openManualIncident(let agent, let severity, let traces, let title):
            let ids = TrafficModel.indexOf(agent, in: scenario).map { a in live.withLock { Array($0[a].traces.suffix(max(1, traces))) } } ?? []
            guard !ids.isEmpty else { note("\(SimTime.zero + e.at) \(describe(e.action)): not sent (no traces of \(agent))"); return }
            var body = "{\"trace_ids\": [" + ids.map(ScanRequest.quote).joined(separator: ", ") + "], \"severity\": \"\(severity)\""
            if let title { body += ", \"title\": \(ScanRequest.quote(title))" }
            await send(.POST, "/v1/incidents", body + "}", agent)
        default:
            note("\(SimTime.zero + e.at) \(describe(e.action)): not sent (the API has no endpoint for it)")
        }
    }

    func note(_ line: String) { actionLog.withLock { $0.append(line) } }

    func describe(_ a: TimelineAction) -> String {
        switch a {
        case .scan(let agent, _, _, _): "scan \(agent)"
        case .suspend(let agent): "suspend \(agent)"
        case .reactivate(let agent): "reactivate \(agent)"
        case .resetTrust(let agent): "reset_trust \(agent)"
        case .rotateKey(let agent): "rotate_key \(agent)"
        case .decideApproval(let agent, let approve): "\(approve ? "approve" : "deny") \(agent)"
        case .transition(let s, let to, _): "transition \(s.agent) → \(to)"
        case .addNote(let s, _): "note \(s.agent)"
        case .respond(let s, let action): "respond \(s.agent) \(action)"
        case .openManualIncident(let agent, _, _, _): "open_incident \(agent)"
        case .addOverride: "override"
        case .addIndicator(let feed, let host): "add_indicator \(feed) \(host)"
        case .setRules(_, let change): "set \(change)"
        }
    }

    func escape(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(.init(charactersIn: "/"))) ?? s
    }

    /// The id of the agent's newest incident (of the trigger when given).
    func newestIncident(_ sel: IncidentSelector, key: String) async -> String? {
        let q = "/v1/incidents?agent=\(escape(sel.agent))&limit=1000"
        guard let answer = await call(.GET, q, key: key, body: nil, endpoint: "incidents"),
              let rows = answer.json?["incidents"] as? [any Sendable] else { return nil }
        for case let row as [String: any Sendable] in rows {
            if let t = sel.trigger, row["trigger"] as? String != t.description { continue }
            if let id = (row["incident_id"] ?? row["id"]) as? String { return id }
        }
        return nil
    }
}

extension TrafficModel {
    static func indexOf(_ agent: String, in scenario: Scenario) -> Int? {
        var k = 0
        for g in scenario.groups {
            let names = g.agentNames
            if let i = names.firstIndex(of: agent) { return k + i }
            k += names.count
        }
        return nil
    }
}
