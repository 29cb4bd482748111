import Foundation
import Hummingbird
import IntervenCore
import NIOCore

// Agents: the Agents page, trust states and operator actions.

extension GatewayServer {
    // MARK: Agents

    static func counterNames(_ c: Counts<CounterKind>) -> JSON {
        .object(CounterKind.trustCounters.map { ($0.description, .int(Int64(c[$0]))) })
    }

    func trustBand(_ score: Score, _ rules: Rules) -> String {
        if score < rules.trust.scrutinyThreshold { return "low" }
        if score < Score(micros: 800_000) { return "medium" }
        return "high"
    }

    func trustJSON(_ info: AgentInfo, _ snap: AgentSnapshot, _ rules: Rules) -> [(String, JSON)] {
        let t = snap.trust
        return [("agent_id", .string(info.key)), ("trust_score", .double(t.score.doubleValue)),
                ("trust_band", .string(trustBand(t.score, rules))), ("in_scrutiny", .bool(t.inScrutiny)),
                ("scrutiny_pinned_until", times.isoOrNull(t.scrutinyPinnedUntil)), ("suspended", .bool(t.suspended)),
                ("clean_streak", .int(Int64(t.cleanStreak))), ("counters", Self.counterNames(t.counters))]
    }

    func agentJSON(_ info: AgentInfo, _ snap: AgentSnapshot, _ rules: Rules) -> JSON {
        var m: [(String, JSON)] = [("agent_id", .string(info.key)), ("name", .string(info.name)),
                                   ("runtime_type", .string(info.runtime.description)), ("key_prefix", .string(snap.keyPrefix)),
                                   ("first_seen", times.isoOrNull(snap.firstSeen)), ("last_seen", times.isoOrNull(snap.lastSeen)),
                                   ("total_calls", .int(Int64(snap.totalCalls))),
                                   ("decisions_24h", .object(Decision.allCases.map { ($0.description, .int(Int64(snap.recentDecisions[$0]))) })),
                                   ("top_tools", .array(snap.topTools.map { .object([("tool", .string($0.tool)), ("calls", .int(Int64($0.calls)))]) })),
                                   ("reason_codes", .object(snap.reasonCounts.map { ($0.code, .int(Int64($0.count))) }))]
        m += trustJSON(info, snap, rules).dropFirst()
        return .object(m)
    }

    func listAgents(_ req: Request, _ key: KeyEntry) async throws -> Response {
        let q = req.uri.queryParameters
        var runtimeFilter: Runtime? = nil
        if let r = q.get("runtime") {
            guard let v = Runtime(name: r) else {
                throw ServerError.badRequest("runtime: expected one of \(Runtime.allCases.map(\.description).joined(separator: ", ")); found '\(r)'", field: "runtime")
            }
            runtimeFilter = v
        }
        let runtime = runtimeFilter
        let band = q.get("trust_band")
        if let b = band, !["high", "medium", "low"].contains(b) {
            throw ServerError.badRequest("trust_band: expected high, medium or low; found '\(b)'", field: "trust_band")
        }
        let activity = q.get("activity")
        if let a = activity, !["active", "idle", "suspended"].contains(a) {
            throw ServerError.badRequest("activity: expected active, idle or suspended; found '\(a)'", field: "activity")
        }
        let (limit, offset) = try Self.page(req)
        let rules = key.tenant.rules
        let rows = try await readAll(key.tenant) { s, now -> [(String, JSON)] in
            s.snapshots(at: now).compactMap { info, snap -> (String, JSON)? in
                if let runtime, info.runtime != runtime { return nil }
                if let band, self.trustBand(snap.trust.score, rules) != band { return nil }
                if let activity {
                    let active = snap.lastSeen.map { now - $0 <= .hours(24) } ?? false
                    switch activity {
                    case "suspended": if !snap.trust.suspended { return nil }
                    case "active": if !active || snap.trust.suspended { return nil }
                    default: if active || snap.trust.suspended { return nil }
                    }
                }
                return (info.key, self.agentJSON(info, snap, rules))
            }
        }.flatMap { $0 }.sorted { $0.0 < $1.0 }
        let pageRows = rows.dropFirst(offset).prefix(limit)
        return Self.json(.object([("agents", .array(pageRows.map(\.1))), ("total", .int(Int64(rows.count))),
                                  ("limit", .int(Int64(limit))), ("offset", .int(Int64(offset))),
                                  ("next_offset", offset + pageRows.count < rows.count ? .int(Int64(offset + pageRows.count)) : .null)]))
    }

    func trustStates(_ key: KeyEntry) async throws -> Response {
        let rules = key.tenant.rules
        let rows = try await readAll(key.tenant) { s, now -> [(String, JSON)] in
            s.snapshots(at: now).map { info, snap in (info.key, JSON.object(self.trustJSON(info, snap, rules))) }
        }.flatMap { $0 }.sorted { $0.0 < $1.0 }
        return Self.json(.object([("trust_states", .array(rows.map(\.1)))]))
    }

    func agentState(_ tenant: Tenant, _ agent: String) async throws -> JSON {
        let rules = tenant.rules
        guard let row = try tenant.shard(for: agent).read({ s, now in s.snapshot(of: agent, at: now) }) else {
            throw ServerError.notFound("no agent '\(agent)'")
        }
        return .object(trustJSON(row.0, row.1, rules))
    }

    func agentAction(_ req: Request, _ key: KeyEntry, _ agent: String, _ action: String) async throws -> Response {
        let who = actor(req, key)
        let event: GatewayEvent = switch action {
        case "suspend": .suspend(agent: agent, actor: who)
        case "reactivate": .reactivate(agent: agent, actor: who)
        default: .resetTrust(agent: agent, actor: who)
        }
        _ = try await apply(key.tenant, event)
        return Self.json(try await agentState(key.tenant, agent))
    }

    func deleteAgent(_ req: Request, _ key: KeyEntry, _ agent: String) async throws -> Response {
        _ = try await apply(key.tenant, .deleteAgent(agent: agent, actor: actor(req, key)))
        return Response(status: .noContent)
    }
}
