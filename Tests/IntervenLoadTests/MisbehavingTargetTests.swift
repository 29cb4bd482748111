import Foundation
import Hummingbird
import HummingbirdTesting
import IntervenCore
import IntervenLoad
import IntervenScenario
import NIOCore
import Synchronization
import Testing

/// A target that answers scans as `scan` says (given the scan's ordinal), with empty incidents
/// and trust states; runs for the duration of `body` on an ephemeral loopback port.
func withTarget<T: Sendable>(scan: @escaping @Sendable (Int) async -> Response,
                             _ body: @Sendable (String) async throws -> T) async throws -> T {
    let counter = Mutex(0)
    let router = Router()
    router.post("/v1/scan") { _, _ in await scan(counter.withLock { $0 += 1; return $0 }) }
    router.get("/v1/incidents") { _, _ in json("{\"incidents\": [], \"total\": 0, \"next_offset\": null}") }
    router.get("/api/telemetry/agents/trust-states") { _, _ in json("{\"trust_states\": []}") }
    let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    return try await app.test(.live) { client in try await body("http://127.0.0.1:\(client.port!)") }
}

@Sendable func json(_ text: String) -> Response {
    Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
}

func allow() -> Response {
    Response(status: .ok, headers: [.contentType: "application/json"],
             body: .init(byteBuffer: ByteBuffer(string: "{\"decision\": \"ALLOW\", \"trace_id\": \"t\"}")))
}

/// 200 scans, one every 10 ms of wall time, by one agent.
let steady = """
    name: steady
    description: a load test fixture
    seed: 1
    duration: 2s
    agents:
      - {group: steady, name: steady-1, runtime: custom, arrivals: {constant: 100/s}, mix: [{op: github.list_prs}]}
    """

@Suite("Load against a misbehaving target", .serialized)
struct MisbehavingTargetTests {
    @Test func refusedConnectionsAreReportedAndFail() async throws {
        // Port 1 on loopback: nothing listens there.
        var o = options("http://127.0.0.1:1", speed: 1, connections: 4)
        o.maxRequests = 20
        o.requestTimeout = 1
        let report = await LoadTest.run(scenario: try scenario(steady), options: o)
        #expect(report.errorsByCause["connect", default: 0] >= 1)
        #expect(report.readError != nil)
        #expect(report.exitCode == 1)
        #expect(report.text.contains("connect"))
    }

    @Test func serverErrorsAreCountedByStatus() async throws {
        let report = try await withTarget(scan: { _ in Response(status: .internalServerError) }) { url in
            var o = options(url, speed: 1, connections: 4)
            o.maxRequests = 50
            return await LoadTest.run(scenario: try scenario(steady), options: o)
        }
        #expect(report.errorsByCause["5xx"] == 50)
        #expect(report.exitCode == 1)
        #expect(report.text.contains("status 500 50"))
    }

    @Test func slowAnswersTimeOutInsteadOfHanging() async throws {
        let report = try await withTarget(scan: { _ in try? await Task.sleep(for: .seconds(3)); return allow() }) { url in
            var o = options(url, speed: 1, connections: 4)
            o.maxRequests = 8
            o.requestTimeout = 0.3
            return await LoadTest.run(scenario: try scenario(steady), options: o)
        }
        #expect(report.errorsByCause["timeout"] == 8)
        #expect(report.exitCode == 1)
    }

    @Test func correctedLatencyShowsAStallTheNaiveOneHides() async throws {
        // One connection; the 50th scan stalls for 600 ms: the scans queued behind it were due
        // on schedule, so their latency from the intended time includes the wait.
        let report = try await withTarget(scan: { n in
            if n == 50 { try? await Task.sleep(for: .milliseconds(600)) }
            return allow()
        }) { url in
            await LoadTest.run(scenario: try scenario(steady), options: options(url, speed: 1, connections: 1))
        }
        // A loaded machine only adds latency, so the corrected side is stated as lower bounds: the
        // 30 scans due in the stall's first 300 ms waited at least 300 ms after their intended
        // time. The naive latency sees the stalled scan (and any hiccup of the machine), not the
        // queue: it must put far fewer scans there.
        #expect(report.scanCount == 200)
        #expect(report.scanLatency(100) >= 600_000)
        let corrected = report.scans(atLeast: 300_000), naive = report.scans(atLeast: 300_000, corrected: false)
        #expect(corrected >= 25)
        #expect(naive * 5 <= corrected, "naive \(naive), corrected \(corrected)")
        #expect(report.behind >= 25)
    }
}

@Suite("Load target safety")
struct TargetSafetyTests {
    @Test func onlyLoopbackUnlessAllowed() {
        #expect(targetRefusal("http://127.0.0.1:8080", allowedHosts: []) == nil)
        #expect(targetRefusal("http://127.9.9.9", allowedHosts: []) == nil)
        #expect(targetRefusal("http://localhost:80/", allowedHosts: []) == nil)
        #expect(targetRefusal("http://[::1]:8080", allowedHosts: []) == nil)
        #expect(targetRefusal("http://10.0.0.5:8080", allowedHosts: [])?.contains("--allow-host 10.0.0.5") == true)
        #expect(targetRefusal("https://gateway.example.com", allowedHosts: []) != nil)
        #expect(targetRefusal("https://gateway.example.com", allowedHosts: ["gateway.example.com"]) == nil)
        #expect(targetRefusal("ftp://127.0.0.1", allowedHosts: []) != nil)
        #expect(targetRefusal("http://127.0.0.1.evil.com", allowedHosts: []) != nil)
    }
}
