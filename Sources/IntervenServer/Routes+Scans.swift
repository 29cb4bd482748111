import Foundation
import Hummingbird
import IntervenCore
import NIOCore

// Scans, approvals and traces.

extension GatewayServer {
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
        let trace = traceNumbers.next()
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
            let found = try shard.read { s, now -> (ApprovalStatus, String, Approval)? in
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
        let linked = try key.tenant.shard(for: t.agent).read { s, _ in s.incidents(linking: number) }
        members.removeAll { $0.0 == "time_ms" }
        members.insert(("time", .string(times.iso(t.time))), at: 1)
        members.append(("incident_ids", .array(linked.map { .string($0) })))
        record = .object(members)
        return Self.json(record)
    }
}
