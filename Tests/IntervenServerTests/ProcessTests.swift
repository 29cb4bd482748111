import Foundation
import HTTPTypes
import HummingbirdTesting
import IntervenServer
import NIOCore
import Synchronization
import IntervenTesting
import Testing

/// A real `interven-sim serve` child process on an ephemeral loopback port. Its stderr goes to
/// a file (read for the port, and by tests), so however much it logs it never blocks on a pipe
/// nobody reads.
final class ServeProcess: @unchecked Sendable {
    let process = Process()
    let stderrURL = FileManager.default.temporaryDirectory.appendingPathComponent("interven-serve-stderr-\(UUID().uuidString)")
    private(set) var port = 0

    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["INTERVEN_SIM_BIN"] { return URL(fileURLWithPath: path) }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("interven-sim").path), dir.path != "/" {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("interven-sim")
    }

    /// Starts the server and waits (up to a minute) until it prints the port it listens on.
    init(arguments: [String]) throws {
        process.executableURL = Self.binary
        process.arguments = ["serve", "--port", "0", "--log-level", "warning"] + arguments
        guard FileManager.default.createFile(atPath: stderrURL.path, contents: nil) else { throw ServeError("cannot create \(stderrURL.path)") }
        let handle = try FileHandle(forWritingTo: stderrURL)
        process.standardError = handle
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try? handle.close()                         // the child writes through its own descriptor
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            let text = stderrText
            if let r = text.range(of: "listening on http://127.0.0.1:"),
               let end = text[r.upperBound...].firstIndex(of: "\n"), let p = Int(text[r.upperBound..<end]) {
                port = p
                break
            }
            guard process.isRunning else { throw ServeError("the server exited before listening: \(stderrText)") }
            guard ContinuousClock.now < deadline else {
                kill9()
                throw ServeError("the server did not listen within 60 s: \(text)")
            }
            usleep(10_000)
        }
    }

    /// Everything the server wrote on stderr so far.
    var stderrText: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    func kill9() { if process.isRunning { kill(process.processIdentifier, SIGKILL) }; process.waitUntilExit() }

    /// SIGTERM and the exit status; a server still running 60 s later is killed (the test then
    /// fails on the status instead of waiting for ever).
    func terminate() -> Int32 {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        let deadline = ContinuousClock.now + .seconds(60)
        while process.isRunning, ContinuousClock.now < deadline { usleep(20_000) }
        if process.isRunning {
            Issue.record("serve did not exit within 60 s of SIGTERM")
            kill9()
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: stderrURL)
    }
}

final class Acked: Sendable { let m = Mutex<[String]>([]) }

struct ServeError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

@Suite("Server process", .serialized)
struct ProcessTests {
    static let key = "iv_live_proc00000000000000000000000001"

    static func setUp() throws -> (dir: URL, config: String, db: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("interven-serve-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let config = dir.appendingPathComponent("config.yaml").path
        try """
            tenants:
              - id: proc
                keys:
                  - name: proc-key
                    sha256: \(KeyHash.sha256(key))
                    agent: proc-bot
            """.write(toFile: config, atomically: true, encoding: .utf8)
        return (dir, config, dir.appendingPathComponent("gateway.sqlite").path)
    }

    static func headers() -> HTTPFields {
        var h = HTTPFields()
        h[.authorization] = "Bearer \(key)"
        h[.contentType] = "application/json"
        return h
    }

    @Test func everyAcknowledgedScanSurvivesKill9() async throws {
        let (dir, config, db) = try Self.setUp()
        defer { try? FileManager.default.removeItem(at: dir) }
        let server = try ServeProcess(arguments: ["--config", config, "--db", db, "--shards", "2"])
        defer { server.kill9() }
        let acked = Acked()
        let port = server.port
        // Four clients send scans until the server dies; each records the traces it got answers for.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for c in 0..<4 {
                group.addTask {
                    let client = TestClient(host: "127.0.0.1", port: port, configuration: .init(timeout: .seconds(30)))
                    client.connect()
                    var n = 0
                    while true {
                        let body = scanBody(url: "https://slack.com/api/chat.postMessage", body: #"{"text":"n \#(n)"}"#, agent: "agent-\(c)-\(n % 3)")
                        guard let r = try? await client.execute(.init("/v1/scan", method: .post, headers: Self.headers(), body: ByteBuffer(string: body))),
                              r.status == .ok, let b = r.body,
                              case .success(let j) = JSON.parse(Array(String(buffer: b).utf8)), let id = j["trace_id"]?.stringValue else { break }
                        acked.m.withLock { $0.append(id) }
                        n += 1
                    }
                    try? await client.shutdown()
                }
            }
            group.addTask {
                // At most a minute: clients that stop early (refused, 5xx) must fail the test
                // below, not leave it waiting here with the server alive.
                let deadline = ContinuousClock.now + .seconds(60)
                while acked.m.withLock({ $0.count }) < 200, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
                server.kill9()
            }
            try await group.waitForAll()
        }
        let ids = acked.m.withLock { $0 }
        #expect(ids.count >= 200)

        // Restart on the same database: every acknowledged trace is there.
        let again = try ServeProcess(arguments: ["--config", config, "--db", db])
        defer { again.kill9() }
        let missing = try await TestClient.withClient(host: "127.0.0.1", port: again.port) { client -> [String] in
            var missing: [String] = []
            for id in ids {
                let r = try await client.execute(.init("/v1/traces/\(id)", method: .get, headers: Self.headers()))
                if r.status != .ok { missing.append(id) }
            }
            return missing
        }
        #expect(missing.isEmpty, "acknowledged but lost: \(missing.prefix(5))")
        #expect(again.terminate() == 0)
    }

    /// Scans of `agent` on a new connection each, sent all at once; each task's trace id (nil
    /// when it got no 200), and `answered` counts the answers as they arrive.
    static func scanAll(port: Int, count: Int, answered: Acked) async -> [String?] {
        await withTaskGroup(of: String?.self) { group in
            for i in 0..<count {
                group.addTask {
                    try? await TestClient.withClient(host: "127.0.0.1", port: port) { client -> String? in
                        let r = try await client.execute(.init("/v1/scan", method: .post, headers: Self.headers(),
                                                               body: ByteBuffer(string: scanBody(method: "GET", url: "https://api.github.com/repos/a/b/pulls", agent: "term-\(i)"))))
                        guard r.status == .ok, let b = r.body, case .success(let j) = JSON.parse(Array(String(buffer: b).utf8)),
                              let id = j["trace_id"]?.stringValue else { return nil }
                        answered.m.withLock { $0.append(id) }
                        return id
                    }
                }
            }
            var out: [String?] = []
            for await id in group { out.append(id) }
            return out
        }
    }

    /// `interven_scans_total` summed over decisions.
    static func scansDecided(port: Int) async throws -> Int {
        try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
            let r = try await client.execute(.init("/metrics", method: .get))
            return String(buffer: r.body ?? ByteBuffer()).split(separator: "\n").filter { $0.hasPrefix("interven_scans_total{") }
                .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }.reduce(0) { $0 + Int($1) }
        }
    }

    @Test func sigtermFinishesInFlightScansAndExitsZero() async throws {
        let (dir, config, db) = try Self.setUp()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Each batch waits 3 s before its commit, so the scans below are decided but not yet
        // answered (not durable) when SIGTERM arrives: they are in flight.
        let server = try ServeProcess(arguments: ["--config", config, "--db", db, "--commit-interval", "3s"])
        defer { server.kill9() }
        let port = server.port, count = 6
        let answered = Acked()
        async let ids = Self.scanAll(port: port, count: count, answered: answered)
        let deadline = ContinuousClock.now + .seconds(60)
        while try await Self.scansDecided(port: port) < count, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        let answeredBeforeTerm = answered.m.withLock { $0.count }
        let status = server.terminate()
        let got = await ids
        #expect(status == 0)
        #expect(answeredBeforeTerm < count, "every scan was answered before SIGTERM: nothing was in flight")
        #expect(got.count == count && got.allSatisfy { $0 != nil }, "scans in flight at SIGTERM were not all answered 200: \(got)")

        let again = try ServeProcess(arguments: ["--config", config, "--db", db])
        defer { again.kill9() }
        let statuses = try await TestClient.withClient(host: "127.0.0.1", port: again.port) { client -> [HTTPResponse.Status] in
            var out: [HTTPResponse.Status] = []
            for id in got.compactMap({ $0 }) { out.append(try await client.execute(.init("/v1/traces/\(id)", method: .get, headers: Self.headers())).status) }
            return out
        }
        #expect(statuses.count == count && statuses.allSatisfy { $0 == .ok })
        #expect(again.terminate() == 0)
    }

    @Test func speedRunsGatewayTimeFaster() async throws {
        let (dir, config, db) = try Self.setUp()
        defer { try? FileManager.default.removeItem(at: dir) }
        // At 3600x a wall second is a gateway hour: a pending approval (10 min TTL) expires.
        let server = try ServeProcess(arguments: ["--config", config, "--db", db, "--speed", "3600"])
        defer { server.kill9() }
        let status = try await TestClient.withClient(host: "127.0.0.1", port: server.port) { client -> String? in
            let r = try await client.execute(.init("/v1/scan", method: .post, headers: Self.headers(),
                                                   body: ByteBuffer(string: scanBody(method: "PUT", url: "https://api.github.com/repos/a/b/pulls/1/merge"))))
            guard let b = r.body, case .success(let j) = JSON.parse(Array(String(buffer: b).utf8)),
                  let id = j["approval_id"]?.stringValue else { return nil }
            try await Task.sleep(for: .seconds(1))
            let s = try await client.execute(.init("/v1/approvals/\(id)/status", method: .get, headers: Self.headers()))
            guard let sb = s.body, case .success(let sj) = JSON.parse(Array(String(buffer: sb).utf8)) else { return nil }
            return sj["status"]?.stringValue
        }
        #expect(status == "expired")
        #expect(server.terminate() == 0)
    }
}
