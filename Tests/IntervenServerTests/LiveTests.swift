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
}
