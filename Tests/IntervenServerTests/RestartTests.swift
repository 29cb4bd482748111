import Foundation
import HummingbirdTesting
import IntervenCore
import IntervenServer
import IntervenTesting
import Testing

/// A restart replays the event log and resumes the exact state.
@Suite("Restart")
struct RestartTests {
    /// Everything an operator can see, as status and text (every one a 200).
    static func observe(_ api: APIClient) async throws -> [String] {
        var out: [String] = []
        func add(_ r: APIClient.Reply) {
            #expect(r.status == 200, "\(r.text)")
            out.append("\(r.status) \(r.text)")
        }
        add(try await api.call(.get, "/api/telemetry/agents?limit=1000"))
        add(try await api.call(.get, "/api/telemetry/agents/trust-states"))
        add(try await api.call(.get, "/v1/incidents?limit=1000"))
        let ids = (try await api.call(.get, "/v1/incidents?limit=1000").json["incidents"]?.arrayValue ?? []).compactMap { $0["incident_id"]?.stringValue }
        #expect(!ids.isEmpty)
        for id in ids { add(try await api.call(.get, "/v1/incidents/\(id)")) }
        add(try await api.call(.get, "/api/telemetry/agents", key: TestKeys.globex))
        return out
    }

    @Test func replayRestoresTheSameState() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("interven-restart-\(UUID().uuidString).sqlite").path
        defer { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) } }
        let clock = ManualClock()
        let first = try TestServer(dbPath: path, shards: 2, clock: clock)
        let before = try await first.server.application().test(.router) { client -> [String] in
            let api = APIClient(client: client)
            for i in 0..<12 {
                clock.set(SimTime(milliseconds: Int64(i) * 10_000))
                #expect(try await api.scan(scanBody(url: "https://slack.com/api/chat.postMessage", body: #"{"text":"AKIAIOSFODNN7EXAMPLE"}"#, agent: "r-\(i % 2)")).status == 200)
            }
            let approval = try await api.scan(scanBody(method: "PUT", url: "https://api.github.com/repos/x/y/pulls/1/merge", agent: "r-2")).json["approval_id"]?.stringValue ?? ""
            clock.set(SimTime(milliseconds: 200_000))
            #expect(try await api.call(.post, "/v1/approvals/\(approval)/decision", body: #"{"approve":false}"#).status == 200)
            #expect(try await api.call(.post, "/api/telemetry/agents/r-0/suspend").status == 200)
            let inc = try await api.call(.get, "/v1/incidents?agent=r-1").json["incidents"]?.arrayValue?.first?["incident_id"]?.stringValue ?? ""
            #expect(try await api.call(.post, "/v1/incidents/\(inc)/transition", body: #"{"status":"investigating"}"#).status == 200)
            #expect(try await api.call(.post, "/v1/incidents/\(inc)/notes", body: #"{"text":"on it"}"#).status == 201)
            #expect(try await api.scan(scanBody(method: "GET", url: "https://api.github.com/repos/x/y/pulls"), key: TestKeys.globex).status == 200)
            #expect(try await api.call(.delete, "/api/telemetry/agents/r-2").status == 204)
            // New agents take deleted agents' emptied slots; replay must reuse them the same way.
            clock.set(SimTime(milliseconds: 300_000))
            #expect(try await api.scan(scanBody(method: "PUT", url: "https://api.github.com/repos/x/y/pulls/1/merge", agent: "r-2")).status == 200)
            #expect(try await api.scan(scanBody(url: "https://slack.com/api/chat.postMessage", body: #"{"text":"AKIAIOSFODNN7EXAMPLE"}"#, agent: "r-3")).status == 200)
            clock.set(SimTime(milliseconds: 3 * 3_600_000))
            return try await Self.observe(api)
        }
        // Reopen with another shard count: agents are routed by id, so the state is the same.
        let second = try TestServer(dbPath: path, shards: 3, clock: clock)
        #expect(second.server.replayed == 21)
        let after = try await second.server.application().test(.router) { client in try await Self.observe(APIClient(client: client)) }
        #expect(after == before)
    }

    @Test func immediateAcknowledgementStillWritesOnShutdown() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("interven-ack-\(UUID().uuidString).sqlite").path
        defer { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) } }
        // Each batch waits 2 s before its commit: the 20 scans are answered while still pending,
        // so only the flush at shutdown can make them durable.
        let first = try TestServer(dbPath: path, ackBeforeDurable: true, commitInterval: .seconds(2))
        let (traces, durableAtEnd) = try await first.server.application().test(.router) { client -> ([String], Int64) in
            let api = APIClient(client: client)
            var ids: [String] = []
            for _ in 0..<20 {
                ids.append(try await api.scan(scanBody(method: "GET", url: "https://api.github.com/repos/a/b/pulls")).json["trace_id"]?.stringValue ?? "")
            }
            return (ids, first.server.log.durableSeq)
        }
        #expect(durableAtEnd < 20, "everything was durable before the shutdown: the flush was not exercised")
        #expect(first.server.log.durableSeq == 20)
        // The graceful shutdown at the end of the test wrote every pending entry.
        let second = try TestServer(dbPath: path)
        #expect(second.server.replayed == 20)
        let found = try await second.server.application().test(.router) { client -> Int in
            var n = 0
            for id in traces where try await APIClient(client: client).call(.get, "/v1/traces/\(id)").status == 200 { n += 1 }
            return n
        }
        #expect(found == 20)
    }
}
