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
