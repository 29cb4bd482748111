/// An error answered to a client: an HTTP status and one JSON shape,
/// `{"error": CODE, "message": ..., "field": ..., ...details}`.
public struct ServerError: Error, Sendable, CustomStringConvertible {
    public var status: Int
    public var code: String
    public var message: String
    public var field: String?
    public var details: [(String, JSON)]
    public var headers: [(String, String)] = []

    public init(_ status: Int, _ code: String, _ message: String, field: String? = nil, details: [(String, JSON)] = []) {
        self.status = status; self.code = code; self.message = message; self.field = field; self.details = details
    }

    public var description: String { "\(status) \(code): \(message)" }

    public var json: JSON {
        var members: [(String, JSON)] = [("error", .string(code)), ("message", .string(message))]
        if let field { members.append(("field", .string(field))) }
        members.append(contentsOf: details)
        return .object(members)
    }

    public static func badRequest(_ message: String, field: String? = nil) -> ServerError {
        ServerError(400, "INVALID_REQUEST", message, field: field)
    }
    public static func notFound(_ message: String) -> ServerError { ServerError(404, "NOT_FOUND", message) }
    public static func conflict(_ code: String, _ message: String) -> ServerError {
        ServerError(409, "CONFLICT", message, details: [("reason", .string(code))])
    }
    public static let unauthorized = ServerError(401, "INVALID_KEY", "missing, malformed or unknown API key (Authorization: Bearer iv_live_...)")
}
