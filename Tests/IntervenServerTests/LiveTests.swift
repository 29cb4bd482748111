import Foundation
import HummingbirdTesting
import IntervenServer
import IntervenTesting
import Testing

/// The application on a live loopback socket (an ephemeral port), stopped after the test.
@Suite("Live server")
struct LiveTests {
    @Test func scansAndMetricsOverASocket() async throws {
        let t = try TestServer()
        defer { t.cleanup() }
        try await t.server.application().test(.live) { client in
            let api = APIClient(client: client)
            #expect(client.port != nil)
            let r = try await api.scan(scanBody(method: "GET", url: "https://api.github.com/repos/a/b/pulls"))
            #expect(r.status == 200)
            #expect(r.json["decision"]?.stringValue == "ALLOW")
            #expect(try await api.call(.get, "/healthz", key: nil).status == 200)
            #expect(try await api.call(.get, "/metrics", key: nil).text.contains(#"interven_scans_total{decision="ALLOW"} 1"#))
        }
    }

    @Test func concurrentScansKeepPerAgentOrder() async throws {
        let t = try TestServer(shards: 2)
        defer { t.cleanup() }
        try await t.server.application().test(.router) { client in
            let api = APIClient(client: client)
            // 8 agents × 10 denies each, all at once: each agent sees exactly its own 10 denies in order.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for a in 0..<8 {
                    group.addTask {
                        for _ in 0..<10 {
                            let r = try await api.scan(scanBody(url: "https://slack.com/api/chat.postMessage", body: #"{"text":"xoxb-123"}"#, agent: "c-\(a)"))
                            #expect(r.status == 200)
                        }
                    }
                }
                try await group.waitForAll()
            }
            let agents = try await api.call(.get, "/api/telemetry/agents?limit=100").json["agents"]?.arrayValue ?? []
            #expect(agents.count == 8)
            for a in agents {
                #expect(a["total_calls"]?.intValue == 10)
                #expect(a["decisions_24h"]?["DENY"]?.intValue == 10)
            }
            let metrics = try await api.call(.get, "/metrics", key: nil).text
            #expect(metrics.contains(#"interven_scans_total{decision="DENY"} 80"#))
        }
    }

    /// The trust after each of `count` denies of one agent, in the order the answers arrive.
    static func denies(_ api: APIClient, count: Int, concurrently: Bool) async throws -> [Double] {
        let body = scanBody(url: "https://slack.com/api/chat.postMessage", body: #"{"text":"xoxb-123"}"#, agent: "same")
        func one() async throws -> Double {
            let r = try await api.scan(body)
            #expect(r.status == 200 && r.json["decision"]?.stringValue == "DENY")
            return r.json["trust_score"]?.doubleValue ?? -1
        }
        guard concurrently else {
            var out: [Double] = []
            for _ in 0..<count { out.append(try await one()) }
            return out
        }
        return try await withThrowingTaskGroup(of: Double.self) { group in
            for _ in 0..<count { group.addTask { try await one() } }
            var out: [Double] = []
            for try await t in group { out.append(t) }
            return out
        }
    }

    @Test("scans of one agent sent at once are decided one at a time: each answer is one step of the sequential run")
    func oneAgentsConcurrentScansAreDecidedOneAtATime() async throws {
        let sequential = try await TestServer(shards: 2).withRouter { api in try await Self.denies(api, count: 16, concurrently: false) }
        // The sequence moves (a lost update would repeat a step): the comparison can tell.
        #expect(Set(sequential).count > 4)
        let concurrent = try TestServer(shards: 2)
        let (answers, final) = try await concurrent.withRouter { api -> ([Double], Double?) in
            let answers = try await Self.denies(api, count: 16, concurrently: true)
            let states = try await api.call(.get, "/api/telemetry/agents/trust-states").json["trust_states"]?.arrayValue ?? []
            return (answers, states.first { $0["agent_id"]?.stringValue == "same" }?["trust_score"]?.doubleValue)
        }
        #expect(answers.sorted() == sequential.sorted())
        #expect(final == sequential.last)
    }
}
