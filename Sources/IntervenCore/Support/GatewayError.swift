/// A refused operation on the gateway model, with a one-line message naming what and why.
///
/// Errors are a struct with a nested `Code` so that new codes never break callers.
public struct GatewayError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of refusal this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The snake_case name, e.g. `unknown_agent`.
        public let name: String
        private init(_ name: String) { self.name = name }
        /// The name.
        public var description: String { name }
        /// An incident status change the lifecycle does not allow.
        public static let illegalTransition = Code("illegal_transition")
        /// Closing an incident without a resolution code.
        public static let missingResolution = Code("missing_resolution")
        /// A resolution code on a transition other than closing.
        public static let unexpectedResolution = Code("unexpected_resolution")
        /// No incident has the id.
        public static let unknownIncident = Code("unknown_incident")
        /// A response action on a closed incident.
        public static let incidentClosed = Code("incident_closed")
        /// A note with nothing but whitespace.
        public static let emptyNote = Code("empty_note")
        /// No agent has the index.
        public static let unknownAgent = Code("unknown_agent")
        /// The agent is suspended, so it cannot be suspended again or have its trust reset.
        public static let agentSuspended = Code("agent_suspended")
        /// Reactivating an agent that is not suspended.
        public static let agentNotSuspended = Code("agent_not_suspended")
        /// No approval has the id.
        public static let unknownApproval = Code("unknown_approval")
        /// The approval was already approved or denied.
        public static let approvalNotPending = Code("approval_not_pending")
        /// The approval expired before it was decided.
        public static let approvalExpired = Code("approval_expired")
        /// No threat-intel feed has the name.
        public static let unknownFeed = Code("unknown_feed")
        /// A manual incident without a trace.
        public static let noTraces = Code("no_traces")
    }
    /// What kind of refusal, for callers that branch on it.
    public let code: Code
    /// One line naming what was refused and why.
    public let message: String
    /// An error with its code and message.
    public init(_ code: Code, _ message: String) { self.code = code; self.message = message }
    /// The message.
    public var description: String { message }
}
