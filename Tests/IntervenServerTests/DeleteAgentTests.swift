import Foundation
import IntervenServer
import IntervenTesting
import Testing

@Suite("Deleting agents frees their state")
struct DeleteAgentTests {
    /// `interven_held{kind}` from /metrics.
    static func held(_ api: APIClient) async throws -> [String: Int] {
        let text = try await api.call(.get, "/metrics", key: nil).text
        var out: [String: Int] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("interven_held{") {
            guard let open = line.firstIndex(of: "\""), let close = line[line.index(after: open)...].firstIndex(of: "\""),
                  let value = line.split(separator: " ").last.flatMap({ Double($0) }) else { continue }
            out[String(line[line.index(after: open)..<close])] = Int(value)
        }
        return out
    }

    /// Each agent: an incident (threat intel), an approval (a merge) and a secret denied; returns
    /// the approval id and the agent's incident ids.
    @discardableResult
    static func busy(_ api: APIClient, _ agent: String) async throws -> (approval: String, incidents: [String]) {
        #expect(try await api.scan(scanBody(method: "GET", url: "https://malware-drop.example/x", agent: agent)).status == 200)
        let merge = try await api.scan(scanBody(method: "PUT", url: "https://api.github.com/repos/acme/app/pulls/7/merge", agent: agent)).json
        #expect(merge["approval_id"]?.stringValue != nil)
        #expect(try await api.scan(scanBody(url: "https://slack.com/api/chat.postMessage", body: #"{"text":"key AKIAIOSFODNN7EXAMPLE"}"#, agent: agent)).status == 200)
        let incidents = (try await api.call(.get, "/v1/incidents?agent=\(agent)&limit=1000").json["incidents"]?.arrayValue ?? [])
            .compactMap { $0["incident_id"]?.stringValue }
        return (merge["approval_id"]?.stringValue ?? "", incidents)
    }

    @Test func deletedAgentsHoldNothingAndTheirSlotsAreReused() async throws {
        let t = try TestServer()
        try await t.withRouter { api in
            try await Self.busy(api, "keeper")
            let baseline = try await Self.held(api)
            let agents = (0..<12).map { "temp-\($0)" }
            var first: (approval: String, incidents: [String]) = ("", [])
            for a in agents {
                let ids = try await Self.busy(api, a)
                if a == "temp-0" { first = ids }
            }
            #expect(!first.approval.isEmpty && !first.incidents.isEmpty)
            let busy = try await Self.held(api)
            #expect(busy["live_agents"] == 13)
            #expect(busy["agent_slots"] == 13)
            #expect((busy["incidents"] ?? 0) >= 13)
            #expect((busy["approvals"] ?? 0) == 13)
            for a in agents { #expect(try await api.call(.delete, "/api/telemetry/agents/\(a)").status == 204) }
            let after = try await Self.held(api)
            #expect(after["live_agents"] == 1)
            for kind in ["incidents", "approvals", "anomalies"] {
                #expect(after[kind] != nil && baseline[kind] != nil, "/metrics has no interven_held{kind=\"\(kind)\"}")
            }
            #expect(after["incidents"] == baseline["incidents"])
            #expect(after["approvals"] == baseline["approvals"])
            #expect(after["anomalies"] == baseline["anomalies"])
            #expect(after["agent_slots"] == 13)     // emptied, waiting for new agents
            // New agents (the same ids among them) take the emptied slots instead of new ones.
            for a in agents { _ = try await api.scan(scanBody(method: "GET", url: "https://api.github.com/repos/a/b/pulls", agent: a + "-new")) }
            let reused = try await Self.held(api)
            #expect(reused["agent_slots"] == 13)
            #expect(reused["live_agents"] == 13)
            // The agent kept is untouched, and a re-created id starts fresh.
            _ = try await api.scan(scanBody(method: "GET", url: "https://api.github.com/repos/a/b/pulls", agent: "temp-0"))
            let states = try await api.call(.get, "/api/telemetry/agents/trust-states").json["trust_states"]?.arrayValue ?? []
            #expect(states.first { $0["agent_id"]?.stringValue == "temp-0" }?["trust_score"]?.doubleValue == 1.0)
            #expect((states.first { $0["agent_id"]?.stringValue == "keeper" }?["trust_score"]?.doubleValue ?? 1) < 1.0)
            // The re-created id's approvals and incidents get new ids; the deleted agent's are gone.
            let again = try await Self.busy(api, "temp-0")
            #expect(!again.approval.isEmpty && again.approval != first.approval)
            #expect(!again.incidents.isEmpty && Set(again.incidents).isDisjoint(with: first.incidents))
            #expect(try await api.call(.get, "/v1/approvals/\(first.approval)/status").status == 404)
            for id in first.incidents { #expect(try await api.call(.get, "/v1/incidents/\(id)").status == 404) }
            #expect(try await api.call(.get, "/v1/approvals/\(again.approval)/status").status == 200)
            #expect(try await api.call(.get, "/v1/incidents?agent=keeper").json["total"]?.intValue == baseline["incidents"].map(Int64.init))
        }
    }

    static func traceID(_ api: APIClient, _ agent: String) async throws -> String {
        try await api.scan(scanBody(method: "GET", url: "https://api.github.com/repos/a/b/pulls", agent: agent)).json["trace_id"]?.stringValue ?? ""
    }

    static func statuses(_ api: APIClient, _ ids: [String]) async throws -> Set<Int> {
        var out = Set<Int>()
        for id in ids { out.insert(try await api.call(.get, "/v1/traces/\(id)").status) }
        return out
    }

    @Test("deleting an agent removes its traces from every range of the log; other agents' stay; a re-created id's traces are its own")
    func deletedAgentsTracesAreGone() async throws {
        let t = try TestServer(traceBucketBits: 2)      // ranges of 4 log entries: the scans below span 5
        try await t.withRouter { api in
            var leaving: [String] = [], staying: [String] = []
            for _ in 0..<10 {
                leaving.append(try await Self.traceID(api, "leaving"))
                staying.append(try await Self.traceID(api, "staying"))
            }
            #expect(try await Self.statuses(api, leaving + staying) == [200])
            #expect(try await api.call(.delete, "/api/telemetry/agents/leaving").status == 204)
            #expect(try await Self.statuses(api, leaving) == [404])
            #expect(try await Self.statuses(api, staying) == [200])
            // The same id again is a new agent (a new slot): its traces are found, the old ones
            // stay gone, and deleting it removes the new ones too.
            let again = [try await Self.traceID(api, "leaving"), try await Self.traceID(api, "leaving")]
            #expect(try await Self.statuses(api, again) == [200])
            #expect(try await Self.statuses(api, leaving) == [404])
            #expect(try await api.call(.delete, "/api/telemetry/agents/leaving").status == 204)
            #expect(try await Self.statuses(api, again) == [404])
            #expect(try await Self.statuses(api, staying) == [200])
        }
    }

    @Test("after a restart, deleting an agent removes the traces written before it too, listed or not yet")
    func deletingAfterARestart() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("interven-delete-\(UUID().uuidString).sqlite").path
        defer { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) } }
        let first = try TestServer(dbPath: path, traceBucketBits: 2)
        // 11 records: ranges of 4 listed as later ones arrive, the last range still in memory.
        let (leaving, staying) = try await first.server.application().test(.router) { client -> ([String], [String]) in
            let api = APIClient(client: client)
            var l: [String] = [], s: [String] = []
            for i in 0..<11 { if i % 3 == 0 { s.append(try await Self.traceID(api, "staying")) } else { l.append(try await Self.traceID(api, "leaving")) } }
            return (l, s)
        }
        let second = try TestServer(dbPath: path, traceBucketBits: 2)
        try await second.withRouter { (api: APIClient) async throws in
            #expect(try await Self.statuses(api, leaving + staying) == [200])
            #expect(try await api.call(.delete, "/api/telemetry/agents/leaving").status == 204)
            #expect(try await Self.statuses(api, leaving) == [404])
            #expect(try await Self.statuses(api, staying) == [200])
        }
    }
}
