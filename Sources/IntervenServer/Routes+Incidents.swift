import Foundation
import Hummingbird
import IntervenCore
import NIOCore

// Incidents: list, detail, manual opening, transitions and notes.

extension GatewayServer {
    // MARK: Incidents

    func incidentJSON(_ inc: Incident, _ s: ShardState, detail: Bool) -> JSON {
        let info = s.info(inc.agent)
        var m: [(String, JSON)] = [
            ("incident_id", .string(s.uuid(of: inc.id))), ("title", .string(inc.title)),
            ("severity", .string(inc.severity.description)), ("status", .string(inc.status.description)),
            ("trigger", .string(inc.trigger.kind.description)),
        ]
        if inc.trigger.key != .none { m.append(("trigger_key", .string(s.gateway.symbols[inc.trigger.key]))) }
        m += [("agent_id", .string(info.key)), ("agent_name", .string(info.name)), ("opened_by", .string(inc.openedBy ?? "auto")),
              ("opened_at", .string(times.iso(inc.openedAt))), ("closed_at", times.isoOrNull(inc.closedAt)),
              ("resolution", inc.resolution.map { .string($0.description) } ?? .null), ("trace_count", .int(Int64(inc.traces.count)))]
        guard detail else { return .object(m) }
        m.append(("trace_ids", .array(inc.traces.map { .string(TraceIDs.uuid($0.trace)) })))
        m.append(("actions", .array(inc.actions.map {
            .object([("type", .string($0.kind.description)), ("time", .string(times.iso($0.time))), ("actor", .string($0.actor)),
                     ("detail", .string($0.detail))])
        })))
        m.append(("notes", .array(inc.notes.map {
            .object([("author", .string($0.author)), ("time", .string(times.iso($0.time))), ("text", .string($0.text))])
        })))
        // The timeline: status changes, linked traces, actions and notes in time order.
        var timeline: [(SimTime, Int, JSON)] = []
        var n = 0
        func add(_ t: SimTime, _ members: [(String, JSON)]) {
            timeline.append((t, n, .object([("time", .string(times.iso(t)))] + members)))
            n += 1
        }
        for c in inc.statusChanges { add(c.time, [("type", .string("status")), ("status", .string(c.status.description)), ("actor", .string(c.actor))]) }
        for t in inc.traces { add(t.time, [("type", .string("trace")), ("trace_id", .string(TraceIDs.uuid(t.trace)))]) }
        for a in inc.actions { add(a.time, [("type", .string("action")), ("action", .string(a.kind.description)), ("actor", .string(a.actor)), ("detail", .string(a.detail))]) }
        for note in inc.notes { add(note.time, [("type", .string("note")), ("author", .string(note.author)), ("text", .string(note.text))]) }
        timeline.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        m.append(("timeline", .array(timeline.map(\.2))))
        return .object(m)
    }

    func findIncident(_ tenant: Tenant, _ id: String) async throws -> (JSON, String) {
        for shard in tenant.shards {
            let found = try shard.read { s, _ -> (JSON, String)? in
                guard let inc = s.incident(id) else { return nil }
                return (self.incidentJSON(inc, s, detail: true), s.info(inc.agent).key)
            }
            if let found { return found }
        }
        throw ServerError.notFound("no incident \(id)")
    }

    static func page(_ req: Request) throws(ServerError) -> (limit: Int, offset: Int) {
        let q = req.uri.queryParameters
        var limit = 50, offset = 0
        if let l = q.get("limit") {
            guard let v = Int(l), (1...1000).contains(v) else { throw ServerError.badRequest("limit: expected 1 to 1000; found '\(l)'", field: "limit") }
            limit = v
        }
        if let o = q.get("offset") {
            guard let v = Int(o), (0...1_000_000_000).contains(v) else {
                throw ServerError.badRequest("offset: expected 0 to 1000000000; found '\(o)'", field: "offset")
            }
            offset = v
        }
        return (limit, offset)
    }

    func listIncidents(_ req: Request, _ key: KeyEntry) async throws -> Response {
        let q = req.uri.queryParameters
        var severityFilter: [Severity]? = nil
        if let s = q.get("severity") {
            guard !s.isEmpty else { throw ServerError.badRequest("severity: expected LOW, MEDIUM, HIGH or CRITICAL; found nothing", field: "severity") }
            severityFilter = try s.split(separator: ",").map { (x: Substring) throws(ServerError) -> Severity in
                guard let v = Severity(name: String(x).uppercased()) else {
                    throw ServerError.badRequest("severity: expected LOW, MEDIUM, HIGH or CRITICAL; found '\(x)'", field: "severity")
                }
                return v
            }
        }
        var statusFilter: [IncidentStatus]? = nil
        if let s = q.get("status") {
            guard !s.isEmpty else { throw ServerError.badRequest("status: expected open, investigating or closed; found nothing", field: "status") }
            statusFilter = try s.split(separator: ",").map { (x: Substring) throws(ServerError) -> IncidentStatus in
                guard let v = IncidentStatus(name: String(x).lowercased()) else {
                    throw ServerError.badRequest("status: expected open, investigating or closed; found '\(x)'", field: "status")
                }
                return v
            }
        }
        let severities = severityFilter, statuses = statusFilter
        let agent = q.get("agent")
        func time(_ name: String) throws(ServerError) -> SimTime? {
            guard let s = q.get(name) else { return nil }
            guard let t = times.parse(s) else {
                throw ServerError.badRequest("\(name): expected an RFC 3339 time like 2026-01-02T03:04:05Z; found '\(s)'", field: name)
            }
            return t
        }
        let since = try time("since"), until = try time("until")
        let (limit, offset) = try Self.page(req)
        let rows = try await readAll(key.tenant) { s, _ -> [(SimTime, String, JSON)] in
            s.visibleIncidents.compactMap { inc -> (SimTime, String, JSON)? in
                if let sv = severities, !sv.contains(inc.severity) { return nil }
                if let st = statuses, !st.contains(inc.status) { return nil }
                if let agent, s.info(inc.agent).key != agent { return nil }
                if let since, inc.openedAt < since { return nil }
                if let until, inc.openedAt > until { return nil }
                return (inc.openedAt, s.uuid(of: inc.id), self.incidentJSON(inc, s, detail: false))
            }
        }.flatMap { $0 }.sorted { ($0.0, $0.1) > ($1.0, $1.1) }
        let pageRows = rows.dropFirst(offset).prefix(limit)
        var m: [(String, JSON)] = [("incidents", .array(pageRows.map(\.2))), ("total", .int(Int64(rows.count))),
                                   ("limit", .int(Int64(limit))), ("offset", .int(Int64(offset)))]
        m.append(("next_offset", offset + pageRows.count < rows.count ? .int(Int64(offset + pageRows.count)) : .null))
        return Self.json(.object(m))
    }

    func getIncident(_ key: KeyEntry, _ id: String) async throws -> Response {
        Self.json(try await findIncident(key.tenant, id).0)
    }

    func openIncident(_ req: Request, _ key: KeyEntry) async throws -> Response {
        let body = try await bodyObject(req)
        guard let ids = body["trace_ids"]?.arrayValue, !ids.isEmpty else {
            throw ServerError.badRequest("trace_ids: required, a non-empty array of trace ids", field: "trace_ids")
        }
        guard ids.count <= 100 else { throw ServerError.badRequest("trace_ids: at most 100", field: "trace_ids") }
        let sevText = try Self.optionalString(body, "severity") ?? "MEDIUM"
        guard let severity = Severity(name: sevText.uppercased()) else {
            throw ServerError.badRequest("severity: expected LOW, MEDIUM, HIGH or CRITICAL; found '\(sevText)'", field: "severity")
        }
        let title = try Self.optionalString(body, "title", maxLength: 500)
        var agent: String? = nil, slot: String? = nil
        var traces: [TraceRef] = []
        for v in ids {
            guard let id = v.stringValue else {
                throw ServerError.badRequest("trace_ids: expected trace id strings; found \(v.text)", field: "trace_ids")
            }
            guard let number = TraceIDs.number(id.lowercased()), let t = try log.trace(tenant: key.tenant.id, id: id.lowercased()) else {
                throw ServerError.notFound("no trace \(id)")
            }
            if let a = agent, a != t.agent || slot != t.slot {
                throw ServerError.badRequest("trace_ids: every trace must belong to one agent (\(a) and \(t.agent))", field: "trace_ids")
            }
            agent = t.agent; slot = t.slot
            traces.append(TraceRef(trace: number, time: t.time))
        }
        let effects = try await apply(key.tenant, .manualIncident(agent: agent!, traces: traces, severity: severity, title: title,
                                                                  actor: actor(req, key)))
        guard let id = effects.incidentID else { throw ServerError(500, "INTERNAL", "no incident opened") }
        return Self.json(try await findIncident(key.tenant, id).0, status: .created)
    }

    func transition(_ req: Request, _ key: KeyEntry, _ id: String) async throws -> Response {
        let body = try await bodyObject(req)
        let statusText = try Self.requiredString(body, "status")
        guard let status = IncidentStatus(name: statusText.lowercased()) else {
            throw ServerError.badRequest("status: expected open, investigating or closed; found '\(statusText)'", field: "status")
        }
        var resolution: Resolution? = nil
        if let r = try Self.optionalString(body, "resolution") {
            guard let v = Resolution(name: r) else {
                throw ServerError.badRequest("resolution: expected one of \(Resolution.allCases.map(\.description).joined(separator: ", ")); found '\(r)'",
                                             field: "resolution")
            }
            resolution = v
        }
        let (_, agent) = try await findIncident(key.tenant, id)
        _ = try await apply(key.tenant, .transition(agent: agent, incident: id, to: status, resolution: resolution, actor: actor(req, key)))
        return Self.json(try await findIncident(key.tenant, id).0)
    }

    func addNote(_ req: Request, _ key: KeyEntry, _ id: String) async throws -> Response {
        let body = try await bodyObject(req)
        let text = try Self.requiredString(body, "text")
        guard text.count <= 10_000 else { throw ServerError.badRequest("text: longer than 10000 characters", field: "text") }
        let author = try Self.optionalString(body, "author", maxLength: 256) ?? actor(req, key)
        let (_, agent) = try await findIncident(key.tenant, id)
        _ = try await apply(key.tenant, .note(agent: agent, incident: id, text: text, actor: author))
        return Self.json(try await findIncident(key.tenant, id).0, status: .created)
    }
}
