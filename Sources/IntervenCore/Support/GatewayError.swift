/// A refused operation on the gateway model, with a one-line message naming what and why.
///
/// Errors are a struct with a nested `Code` so that new codes never break callers.
public struct GatewayError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of refusal this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }
        public static let illegalTransition = Code("illegal_transition")
        public static let missingResolution = Code("missing_resolution")
        public static let unexpectedResolution = Code("unexpected_resolution")
        public static let unknownIncident = Code("unknown_incident")
        public static let incidentClosed = Code("incident_closed")
        public static let emptyNote = Code("empty_note")
        public static let unknownAgent = Code("unknown_agent")
        public static let agentSuspended = Code("agent_suspended")
        public static let agentNotSuspended = Code("agent_not_suspended")
        public static let unknownApproval = Code("unknown_approval")
        public static let approvalNotPending = Code("approval_not_pending")
        public static let approvalExpired = Code("approval_expired")
        public static let unknownFeed = Code("unknown_feed")
        public static let noTraces = Code("no_traces")
    }
    public let code: Code
    public let message: String
    public init(_ code: Code, _ message: String) { self.code = code; self.message = message }
    public var description: String { message }
}
