import Foundation
import Hummingbird
import HummingbirdTesting
import IntervenCore
import IntervenLoading
@testable import IntervenServer
import NIOCore
import IntervenTesting
import Testing

/// Keys of the test tenants (their hashes are what the server holds).
enum TestKeys {
    static let acme = "iv_live_acme000000000000000000000001"
    static let acmeLimited = "iv_live_acme000000000000000000000002"
    static let globex = "iv_live_globex00000000000000000000001"
}

/// A server over two tenants with the shipped rules, a temporary database and a manual clock;
/// `cleanup()` removes the database.
struct TestServer {
    let server: GatewayServer
    let clock: ManualClock
    let dbPath: String

    static func config() throws -> ServerConfig {
        let rules = try RulesFile.defaults()
        return ServerConfig(tenants: [
            TenantConfig(id: "acme", rules: rules, keys: [
                KeyConfig(name: "acme-main", key: TestKeys.acme, agentID: "acme-bot", runtime: .langchain),
                KeyConfig(name: "acme-limited", key: TestKeys.acmeLimited, agentID: "acme-slow", ratePerSecond: 0.01),
            ]),
            TenantConfig(id: "globex", rules: rules, keys: [KeyConfig(name: "globex-main", key: TestKeys.globex, agentID: "globex-bot")]),
        ])
    }

    init(dbPath: String? = nil, shards: Int = 2, clock: ManualClock = ManualClock(), ackBeforeDurable: Bool = false,
         traceBucketBits: Int64 = 14, commitInterval: Duration = .zero) throws {
        let path = dbPath ?? FileManager.default.temporaryDirectory.appendingPathComponent("interven-test-\(UUID().uuidString).sqlite").path
        var options = ServerOptions()
        options.dbPath = path
        options.shards = shards
        options.port = 0
        options.ackBeforeDurable = ackBeforeDurable
        options.traceBucketBits = traceBucketBits
        options.commitInterval = commitInterval
        self.clock = clock
        self.dbPath = path
        server = try GatewayServer.open(config: try Self.config(), options: options, clock: clock)
    }

    func cleanup() {
        for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: dbPath + s) }
    }

    /// Runs `body` against the router (no sockets), then removes the database even on failure.
    func withRouter<T: Sendable>(_ body: @Sendable (APIClient) async throws -> T) async throws -> T {
        defer { cleanup() }
        return try await server.application().test(.router) { client in try await body(APIClient(client: client)) }
    }
}

/// A tiny JSON-speaking client over a Hummingbird test client.
struct APIClient: Sendable {
    let client: any TestClientProtocol

    struct Reply: Sendable {
        let status: Int
        let headers: HTTPFields
        let text: String
        var json: JSON {
            guard case .success(let v) = JSON.parse(Array(text.utf8)) else { return .null }
            return v
        }
    }

    func call(_ method: HTTPRequest.Method, _ uri: String, key: String? = TestKeys.acme, body: String? = nil,
              headers extra: HTTPFields = [:]) async throws -> Reply {
        var headers = extra
        if let key { headers[.authorization] = "Bearer \(key)" }
        if body != nil { headers[.contentType] = "application/json" }
        let r = try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        return Reply(status: Int(r.status.code), headers: r.headers, text: String(buffer: r.body))
    }

    func scan(_ body: String, key: String = TestKeys.acme) async throws -> Reply {
        try await call(.post, "/v1/scan", key: key, body: body)
    }
}

func scanBody(method: String = "POST", url: String, body: String? = nil, agent: String? = nil) -> String {
    var s = "{\"method\":\"\(method)\",\"url\":\"\(url)\""
    if let body { s += ",\"body\":\(body)" }
    if let agent { s += ",\"agent_id\":\"\(agent)\"" }
    return s + "}"
}
