import Foundation
public import Hummingbird
import IntervenCore
import NIOCore

extension GatewayServer {
    /// The HTTP API (README, "Serving the gateway"; openapi.yaml).
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: ErrorShapeMiddleware())
        router.get("/healthz") { _, _ in Self.json(.object([("status", .string("ok"))])) }
        router.get("/metrics") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: await self.metricsText())))
        }
        router.get("/openapi.yaml") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "application/yaml"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.text)))
        }
        router.post("/v1/scan") { req, _ in await self.handle(req, rateLimited: true) { try await self.scan(req, $0) } }
        router.get("/v1/approvals/:id/status") { req, ctx in
            await self.handle(req, rateLimited: false) { try await self.approvalStatus($0, try ctx.parameters.require("id")) }
        }
        router.post("/v1/approvals/:id/decision") { req, ctx in
            await self.handle(req, rateLimited: true) { try await self.decideApproval(req, $0, try ctx.parameters.require("id")) }
        }
        router.get("/v1/traces/:id") { req, ctx in
            await self.handle(req, rateLimited: true) { try await self.trace($0, try ctx.parameters.require("id")) }
        }
        router.get("/v1/incidents") { req, _ in await self.handle(req, rateLimited: true) { try await self.listIncidents(req, $0) } }
        router.post("/v1/incidents") { req, _ in await self.handle(req, rateLimited: true) { try await self.openIncident(req, $0) } }
        router.get("/v1/incidents/:id") { req, ctx in
            await self.handle(req, rateLimited: true) { try await self.getIncident($0, try ctx.parameters.require("id")) }
        }
        router.post("/v1/incidents/:id/transition") { req, ctx in
            await self.handle(req, rateLimited: true) { try await self.transition(req, $0, try ctx.parameters.require("id")) }
        }
        router.post("/v1/incidents/:id/notes") { req, ctx in
            await self.handle(req, rateLimited: true) { try await self.addNote(req, $0, try ctx.parameters.require("id")) }
        }
        router.get("/api/telemetry/agents") { req, _ in await self.handle(req, rateLimited: true) { try await self.listAgents(req, $0) } }
        router.get("/api/telemetry/agents/trust-states") { req, _ in
            await self.handle(req, rateLimited: true) { try await self.trustStates($0) }
        }
        for action in ["trust/reset", "suspend", "reactivate"] {
            router.post("/api/telemetry/agents/:id/\(action)") { req, ctx in
                await self.handle(req, rateLimited: true) { try await self.agentAction(req, $0, try ctx.parameters.require("id"), action) }
            }
        }
        router.delete("/api/telemetry/agents/:id") { req, ctx in
            await self.handle(req, rateLimited: true) { try await self.deleteAgent(req, $0, try ctx.parameters.require("id")) }
        }
        return router
    }

    // MARK: Plumbing

    static func json(_ value: JSON, status: HTTPResponse.Status = .ok, headers extra: [(String, String)] = []) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        for (k, v) in extra {
            if k == "Retry-After" { headers[.retryAfter] = v }
            if k == "Allow" { headers[.allow] = v }
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: value.text)))
    }

    static func error(_ e: ServerError) -> Response {
        json(e.json, status: HTTPResponse.Status(code: e.status), headers: e.headers)
    }

    /// Authenticates, rate-limits and runs a handler; every error becomes the one JSON error shape.
    func handle(_ req: Request, rateLimited: Bool, _ body: (KeyEntry) async throws -> Response) async -> Response {
        do {
            let key = try authenticate(req)
            if rateLimited, let rate = key.key.ratePerSecond, let wait = limiter.take(key: key.key.sha256, rate: rate) {
                var e = ServerError(429, "RATE_LIMITED", "over the key's rate limit of \(rate)/s; retry after \(wait) s",
                                    details: [("retry_after", .int(Int64(wait)))])
                e.headers = [("Retry-After", String(wait))]
                throw e
            }
            return try await body(key)
        } catch let e as ServerError {
            return Self.error(e)
        } catch {
            logger.error("request failed", metadata: ["error": "\(error)"])
            return Self.error(ServerError(500, "INTERNAL", "internal error: \(error)"))
        }
    }

    func authenticate(_ req: Request) throws(ServerError) -> KeyEntry {
        guard let auth = req.headers[.authorization] else { throw ServerError.unauthorized }
        let parts = auth.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { throw ServerError.unauthorized }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        guard token.hasPrefix("iv_live_"), let entry = keys[KeyHash.sha256(token)] else { throw ServerError.unauthorized }
        return entry
    }

    /// The request body, at most `maxBodyBytes` (413 with the size otherwise).
    func bodyBytes(_ req: Request) async throws -> [UInt8] {
        let limit = options.maxBodyBytes
        func tooLarge(_ size: Int) -> ServerError {
            ServerError(413, "PAYLOAD_TOO_LARGE", "request body of \(size) bytes is over the limit of \(limit) bytes",
                        details: [("size", .int(Int64(size))), ("limit", .int(Int64(limit)))])
        }
        if let cl = req.headers[.contentLength].flatMap({ Int($0) }), cl > limit { throw tooLarge(cl) }
        var out: [UInt8] = []
        var total = 0
        for try await buffer in req.body {
            total += buffer.readableBytes
            if total <= limit { out.append(contentsOf: buffer.readableBytesView) }
        }
        if total > limit { throw tooLarge(total) }
        return out
    }

    /// The body as a JSON object (400 otherwise).
    func bodyObject(_ req: Request, allowEmpty: Bool = false) async throws -> JSON {
        let bytes = try await bodyBytes(req)
        if allowEmpty && bytes.allSatisfy({ $0 == 32 || $0 == 10 || $0 == 13 || $0 == 9 }) { return .object([]) }
        switch JSON.parse(bytes) {
        case .failure(let e): throw ServerError.badRequest("malformed JSON body: \(e)")
        case .success(let v):
            guard v.isObject else { throw ServerError.badRequest("the body must be a JSON object; found \(v.typeName)") }
            return v
        }
    }

    func actor(_ req: Request, _ key: KeyEntry) -> String {
        if let a = req.headers.first(where: { $0.name.canonicalName == "x-interven-actor" })?.value, !a.isEmpty { return a }
        return "key:\(key.key.name)"
    }

    static func optionalString(_ body: JSON, _ field: String, maxLength: Int = 1024) throws(ServerError) -> String? {
        guard let v = body[field], v != .null else { return nil }
        guard let s = v.stringValue else { throw ServerError.badRequest("\(field): expected a string; found \(v.typeName)", field: field) }
        guard s.count <= maxLength else { throw ServerError.badRequest("\(field): longer than \(maxLength) characters", field: field) }
        return s
    }

    static func requiredString(_ body: JSON, _ field: String) throws(ServerError) -> String {
        guard let s = try optionalString(body, field, maxLength: 65536) else {
            throw ServerError.badRequest("\(field): required", field: field)
        }
        guard !s.isEmpty else { throw ServerError.badRequest("\(field): must not be empty", field: field) }
        return s
    }

    // MARK: Scans

    static let methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]

    func scan(_ req: Request, _ key: KeyEntry) async throws -> Response {
        let started = ContinuousClock.now
        let body = try await bodyObject(req)
        let method = try Self.requiredString(body, "method").uppercased()
        guard Self.methods.contains(method) else {
            throw ServerError.badRequest("method: expected one of \(Self.methods.joined(separator: ", ")); found '\(method)'", field: "method")
        }
        let url = try Self.requiredString(body, "url")
        if let h = body["headers"], h != .null {
            guard case .object(let members) = h, members.allSatisfy({ $0.1.stringValue != nil }) else {
                throw ServerError.badRequest("headers: expected an object of strings", field: "headers")
            }
        }
        let agentID = try Self.optionalString(body, "agent_id", maxLength: 128)
        if let a = agentID, a.isEmpty { throw ServerError.badRequest("agent_id: must not be empty", field: "agent_id") }
        let agentName = try Self.optionalString(body, "agent_name", maxLength: 256)
        var runtime: Runtime? = nil
        if let r = try Self.optionalString(body, "runtime_type", maxLength: 64) {
            guard let rt = Runtime(name: r) else {
                throw ServerError.badRequest("runtime_type: expected one of \(Runtime.allCases.map(\.description).joined(separator: ", ")); found '\(r)'",
                                             field: "runtime_type")
            }
            runtime = rt
        }
        let context = try Self.optionalString(body, "context", maxLength: 65536)
        let payload = body["body"]
        let bodyText: String = switch payload {
        case .none, .some(.null): ""
        case .some(.string(let s)): s
        case .some(let v): v.text
        }
        let c = Classifier.classify(method: method, url: url, body: payload, bodyText: bodyText)
        var g = SystemRandomNumberGenerator()
        let trace = TraceIDs.random(using: &g)
        let useDefault = agentID == nil
        let record = ScanRecord(agentKey: agentID ?? key.key.agentID,
                                agentName: agentName ?? (useDefault ? key.key.agentName : nil),
                                runtime: runtime ?? (useDefault ? key.key.runtime : nil), classification: c, trace: trace)
        var request: [(String, JSON)] = [("method", .string(method)), ("url", .string(url))]
        if let h = body["headers"] { request.append(("headers", h)) }
        if let payload { request.append(("body", payload)) }
        if let context { request.append(("context", .string(context))) }
        request.append(("key_prefix", .string(String(key.key.name))))
        let effects = try await apply(key.tenant, .scan(record), request: .object(request))
        guard let o = effects.scan else { throw ServerError(500, "INTERNAL", "scan produced no outcome") }
        var m: [(String, JSON)] = [("trace_id", .string(TraceIDs.uuid(trace)))]
        m += ScanResponse.fields(o, c)
        m += [("agent_id", .string(record.agentKey)), ("trust_score", .double(o.trustAfter.doubleValue)), ("signals", .array([]))]
        metrics.observe(scanDuration: ContinuousClock.now - started)
        return Self.json(.object(m))
    }

    // MARK: Approvals

    /// Finds an approval's shard and agent; 404 when no shard of the tenant knows it.
    func findApproval(_ tenant: Tenant, _ id: String) async throws -> (status: ApprovalStatus, agent: String, approval: Approval) {
        for shard in tenant.shards {
            let found = try await shard.read { s, now -> (ApprovalStatus, String, Approval)? in
                guard let a = s.approval(id) else { return nil }
                let status: ApprovalStatus = a.status == .pending && now > a.expiresAt ? .expired : a.status
                return (status, s.info(a.id.agent).key, a)
            }
            if let found { return found }
        }
        throw ServerError.notFound("no approval \(id)")
    }

    func approvalJSON(_ id: String, _ f: (status: ApprovalStatus, agent: String, approval: Approval)) -> JSON {
        var m: [(String, JSON)] = [("approval_id", .string(id)), ("status", .string(f.status.description)),
                                   ("agent_id", .string(f.agent)), ("trace_id", .string(TraceIDs.uuid(f.approval.trace.trace))),
                                   ("created_at", .string(times.iso(f.approval.createdAt))),
                                   ("expires_at", .string(times.iso(f.approval.expiresAt)))]
        if let d = f.approval.decidedAt { m.append(("decided_at", .string(times.iso(d)))) }
        if let b = f.approval.decidedBy { m.append(("decided_by", .string(b))) }
        return .object(m)
    }

    func approvalStatus(_ key: KeyEntry, _ id: String) async throws -> Response {
        let f = try await findApproval(key.tenant, id)
        return Self.json(approvalJSON(id, f))
    }

    func decideApproval(_ req: Request, _ key: KeyEntry, _ id: String) async throws -> Response {
        let body = try await bodyObject(req)
        guard let v = body["approve"] else { throw ServerError.badRequest("approve: required (true or false)", field: "approve") }
        guard let approve = v.boolValue else { throw ServerError.badRequest("approve: expected true or false; found \(v.typeName)", field: "approve") }
        let f = try await findApproval(key.tenant, id)
        _ = try await apply(key.tenant, .decideApproval(agent: f.agent, approval: id, approve: approve, actor: actor(req, key)))
        return Self.json(approvalJSON(id, try await findApproval(key.tenant, id)))
    }

    // MARK: Traces

    func trace(_ key: KeyEntry, _ id: String) async throws -> Response {
        guard let t = try log.trace(tenant: key.tenant.id, id: id.lowercased()) else { throw ServerError.notFound("no trace \(id)") }
        guard case .success(var record) = JSON.parse(Array(t.record.utf8)), case .object(var members) = record else {
            throw ServerError(500, "INTERNAL", "stored trace \(id) is unreadable")
        }
        let number = TraceIDs.number(id.lowercased()) ?? 0
        let linked = try await key.tenant.shard(for: t.agent).read { s, _ in s.incidents(linking: number) }
        members.removeAll { $0.0 == "time_ms" }
        members.insert(("time", .string(times.iso(t.time))), at: 1)
        members.append(("incident_ids", .array(linked.map { .string($0) })))
        record = .object(members)
        return Self.json(record)
    }

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
            let found = try await shard.read { s, _ -> (JSON, String)? in
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
        guard let row = try await tenant.shard(for: agent).read({ s, now in s.snapshot(of: agent, at: now) }) else {
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

/// Errors Hummingbird raises itself (no such route, a method a route does not take) in the same
/// JSON shape as the API's own errors.
struct ErrorShapeMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let e as HTTPError {
            if e.status.code == 404 {
                let allowed = Self.methods(for: request.uri.path)
                if !allowed.isEmpty {
                    var err = ServerError(405, "METHOD_NOT_ALLOWED", "\(request.method) is not allowed on \(request.uri.path) (allowed: \(allowed.joined(separator: ", ")))")
                    err.headers = [("Allow", allowed.joined(separator: ", "))]
                    return GatewayServer.error(err)
                }
                return GatewayServer.error(ServerError(404, "NOT_FOUND", "no such endpoint: \(request.method) \(request.uri.path)"))
            }
            return GatewayServer.error(ServerError(e.status.code, "INVALID_REQUEST", e.body ?? e.status.reasonPhrase))
        }
    }

    /// Every route of the API with its methods (for 405 and `Allow`).
    static let routes: [(path: [String], methods: [String])] = [
        ("/healthz", ["GET"]), ("/metrics", ["GET"]), ("/openapi.yaml", ["GET"]), ("/v1/scan", ["POST"]),
        ("/v1/approvals/:id/status", ["GET"]), ("/v1/approvals/:id/decision", ["POST"]), ("/v1/traces/:id", ["GET"]),
        ("/v1/incidents", ["GET", "POST"]), ("/v1/incidents/:id", ["GET"]), ("/v1/incidents/:id/transition", ["POST"]),
        ("/v1/incidents/:id/notes", ["POST"]), ("/api/telemetry/agents", ["GET"]), ("/api/telemetry/agents/trust-states", ["GET"]),
        ("/api/telemetry/agents/:id/trust/reset", ["POST"]), ("/api/telemetry/agents/:id/suspend", ["POST"]),
        ("/api/telemetry/agents/:id/reactivate", ["POST"]), ("/api/telemetry/agents/:id", ["DELETE"]),
    ].map { (path: $0.0.split(separator: "/").map(String.init), methods: $0.1) }

    static func methods(for path: String) -> [String] {
        let segments = path.split(separator: "/").map(String.init)
        // The most specific matching routes (fewest parameters) decide, as in the router.
        let matching = routes.filter { r in
            r.path.count == segments.count && zip(r.path, segments).allSatisfy { $0.hasPrefix(":") || $0 == $1 }
        }
        let params = { (r: (path: [String], methods: [String])) in r.path.filter { $0.hasPrefix(":") }.count }
        guard let fewest = matching.map(params).min() else { return [] }
        var out: [String] = []
        for r in matching where params(r) == fewest {
            for m in r.methods where !out.contains(m) { out.append(m) }
        }
        return out
    }
}
