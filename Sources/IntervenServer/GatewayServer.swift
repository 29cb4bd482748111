import Foundation
import IntervenCore
public import Logging

/// Options of `interven-sim serve`.
public struct ServerOptions: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// The SQLite database; nil: a temporary database removed at exit.
    public var dbPath: String? = nil
    /// Gateway time runs this many times faster than the wall clock.
    public var speed: Double = 1
    /// Shard actors per tenant.
    public var shards = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// Extra time the writer waits to gather a batch before committing it.
    public var commitInterval: Duration = .zero
    /// Answer scans before their batch is durable (a crash may then lose acknowledged scans).
    public var ackBeforeDurable = false
    /// The largest request body accepted (`413` above it).
    public var maxBodyBytes = 256 * 1024
    /// Trace records per range noted for agent deletion, as a power of two (tests use small ranges).
    var traceBucketBits: Int64 = 14
    public init() {}
}

/// One tenant: its rules and shard actors.
final class Tenant: Sendable {
    let id: String
    let name: String
    let rules: Rules
    let shards: [GatewayShard]
    init(id: String, name: String, rules: Rules, shards: [GatewayShard]) {
        self.id = id; self.name = name; self.rules = rules; self.shards = shards
    }
    static func shardIndex(_ agentKey: String, count: Int) -> Int { Int(stableHash(agentKey, seed: 0x5EED) % UInt64(count)) }
    func shard(for agentKey: String) -> GatewayShard { shards[Tenant.shardIndex(agentKey, count: shards.count)] }
}

/// A resolved API key.
struct KeyEntry: Sendable {
    let tenant: Tenant
    let key: KeyConfig
}

/// The gateway service: tenants, keys, the event log, the clock and metrics. `open` replays the
/// event log through the core before anything is served.
public final class GatewayServer: Sendable {
    let tenants: [String: Tenant]
    let tenantOrder: [String]
    let keys: [String: KeyEntry]
    public let log: EventLog
    public let metrics: ServerMetrics
    let clock: any GatewayClock
    let times: Timestamps
    let limiter = RateLimiter()
    let knownTokens = KnownTokens()
    let traceNumbers = TraceNumbers()
    public let options: ServerOptions
    /// Events replayed at start-up.
    public let replayed: Int
    let temporaryPath: String?
    let logger: Logger

    /// Opens the database, replays its event log and builds the shard actors.
    public static func open(config: ServerConfig, options: ServerOptions, clock fixedClock: (any GatewayClock)? = nil,
                            logger: Logger = Logger(label: "interven-sim.serve")) throws -> GatewayServer {
        var temporary: String? = nil
        let path: String
        if let p = options.dbPath {
            path = p
        } else {
            path = FileManager.default.temporaryDirectory.appendingPathComponent("interven-serve-\(UUID().uuidString).sqlite").path
            temporary = path
        }
        let log = try EventLog(path: path, commitInterval: options.commitInterval, bucketBits: options.traceBucketBits)
        let epoch: Int64
        if let e = try log.meta("epoch_wall_ms").flatMap({ Int64($0) }) {
            epoch = e
        } else {
            epoch = wallMillis()
            try log.setMeta("epoch_wall_ms", String(epoch))
        }
        // Rebuild every shard's state from the log.
        let shardCount = max(1, options.shards)
        var states: [String: [ShardState]] = [:]
        for t in config.tenants {
            states[t.id] = (0..<shardCount).map { _ in ShardState(tenant: t.id, rules: t.rules) }
        }
        let events = try log.events()
        var lastTime = SimTime.zero, lastWall = epoch
        for e in events {
            guard states[e.tenant] != nil else {
                throw ServerError(500, "UNKNOWN_TENANT", "the database holds events of tenant '\(e.tenant)', which the config does not name")
            }
            let i = Tenant.shardIndex(e.event.agentKey, count: shardCount)
            do {
                _ = try states[e.tenant]![i].apply(e.event, at: e.time)
            } catch {
                logger.warning("replay: a logged \(e.event.kind) event was refused on replay", metadata: ["error": "\(error)"])
            }
            lastTime = max(lastTime, e.time)
            lastWall = max(lastWall, e.wallMillis)
        }
        let clock: any GatewayClock
        if let fixedClock {
            clock = fixedClock
        } else {
            // Resume from the last event; time spent stopped counts (at the current speed).
            let down = max(0, wallMillis() - lastWall)
            let start = events.isEmpty ? SimTime(milliseconds: max(0, wallMillis() - epoch))
                : SimTime(milliseconds: lastTime.milliseconds + Int64(Double(down) * options.speed))
            clock = ScaledClock(start: start, speed: options.speed)
        }
        let metrics = ServerMetrics()
        var tenants: [String: Tenant] = [:]
        var keys: [String: KeyEntry] = [:]
        for t in config.tenants {
            let shards = states[t.id]!.map { GatewayShard(state: $0, log: log, clock: clock, metrics: metrics) }
            let tenant = Tenant(id: t.id, name: t.name, rules: t.rules, shards: shards)
            tenants[t.id] = tenant
            for k in t.keys { keys[k.sha256] = KeyEntry(tenant: tenant, key: k) }
        }
        return GatewayServer(tenants: tenants, order: config.tenants.map(\.id), keys: keys, log: log, metrics: metrics,
                             clock: clock, times: Timestamps(epochWall: epoch), options: options, replayed: events.count,
                             temporaryPath: temporary, logger: logger)
    }

    private init(tenants: [String: Tenant], order: [String], keys: [String: KeyEntry], log: EventLog, metrics: ServerMetrics,
                 clock: any GatewayClock, times: Timestamps, options: ServerOptions, replayed: Int, temporaryPath: String?,
                 logger: Logger) {
        self.tenants = tenants; self.tenantOrder = order; self.keys = keys; self.log = log; self.metrics = metrics
        self.clock = clock; self.times = times; self.options = options; self.replayed = replayed
        self.temporaryPath = temporaryPath; self.logger = logger
    }

    /// Removes a temporary database (and its WAL files).
    public func removeTemporaryDatabase() {
        guard let p = temporaryPath else { return }
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: p + suffix) }
    }

    // MARK: Operations used by the HTTP layer

    /// Applies an event on its agent's shard and waits for it to be durable (unless acknowledging early).
    func apply(_ tenant: Tenant, _ event: GatewayEvent, request: JSON? = nil) async throws -> EventEffects {
        let (effects, seq) = try tenant.shard(for: event.agentKey).apply(event, request: request)
        if seq > 0 && !options.ackBeforeDurable { try await log.waitDurable(seq) }
        return effects
    }

    /// Runs a read on every shard of a tenant, in shard order.
    func readAll<T: Sendable>(_ tenant: Tenant, _ body: @Sendable (inout ShardState, SimTime) throws(ServerError) -> T) async throws -> [T] {
        var out: [T] = []
        for s in tenant.shards { out.append(try s.read(body)) }
        return out
    }

    /// Sets the gauges from every shard and renders `/metrics`.
    func metricsText() async -> String {
        var open = 0, scrutiny = 0, suspended = 0
        var held = HeldCounts()
        for id in tenantOrder {
            guard let t = tenants[id] else { continue }
            for h in (try? await readAll(t) { s, _ in s.held }) ?? [] { held = held + h }
            let counts = (try? await readAll(t) { s, now -> (Int, Int, Int) in
                var o = 0, sc = 0, su = 0
                for inc in s.visibleIncidents where inc.status != .closed { o += 1 }
                for (i, info) in s.agents.enumerated() where !info.deleted {
                    if s.gateway.inScrutiny(AgentIndex(i), at: now) { sc += 1 }
                    if s.gateway.isSuspended(AgentIndex(i)) { su += 1 }
                }
                return (o, sc, su)
            }) ?? []
            for c in counts { open += c.0; scrutiny += c.1; suspended += c.2 }
        }
        metrics.setGauges(open: open, scrutiny: scrutiny, suspended: suspended)
        metrics.setHeld(held)
        return metrics.text()
    }
}

extension GatewayServer {
    /// Wall-clock milliseconds of gateway time 0 (timestamps are this plus gateway time).
    public var epochWallMillis: Int64 { times.epochWall }
    /// Wall-clock milliseconds of an API timestamp (`2026-01-02T03:04:05.678Z`).
    public static func parseTimestamp(_ s: String) -> Int64? { Timestamps.parseWall(s) }
}
