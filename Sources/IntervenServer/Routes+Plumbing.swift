import Foundation
import Hummingbird
import IntervenCore
import NIOCore

// Responses, authentication and request bodies shared by every endpoint.

extension GatewayServer {
    // MARK: Plumbing

    static func json(_ value: JSON, status: HTTPResponse.Status = .ok, headers extra: [(String, String)] = []) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        for (k, v) in extra {
            if k == "Retry-After" { headers[.retryAfter] = v }
            if k == "Allow" { headers[.allow] = v }
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: value.bytes)))
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
        let token = try Self.bearerToken(auth)
        guard token.hasPrefix("iv_live_") else { throw ServerError.unauthorized }
        if let entry = knownTokens.entry(token) { return entry }
        guard let entry = keys[KeyHash.sha256(token)] else { throw ServerError.unauthorized }
        knownTokens.remember(token, entry)
        return entry
    }

    /// The token of `Bearer <token>` (scheme case-insensitive, blanks around the token ignored).
    static func bearerToken(_ auth: String) throws(ServerError) -> String {
        let u = auth.utf8
        guard let space = u.firstIndex(of: UInt8(ascii: " ")),
              String(auth[..<space]).lowercased() == "bearer" else { throw ServerError.unauthorized }
        var rest = auth[auth.index(after: space)...]
        while let f = rest.first, f == " " || f == "\t" { rest.removeFirst() }
        while let l = rest.last, l == " " || l == "\t" { rest.removeLast() }
        return String(rest)
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
        // A string has at most as many characters as UTF-8 bytes: count characters only when needed.
        guard s.utf8.count <= maxLength || s.count <= maxLength else { throw ServerError.badRequest("\(field): longer than \(maxLength) characters", field: field) }
        return s
    }

    static func requiredString(_ body: JSON, _ field: String) throws(ServerError) -> String {
        guard let s = try optionalString(body, field, maxLength: 65536) else {
            throw ServerError.badRequest("\(field): required", field: field)
        }
        guard !s.isEmpty else { throw ServerError.badRequest("\(field): must not be empty", field: field) }
        return s
    }
}
