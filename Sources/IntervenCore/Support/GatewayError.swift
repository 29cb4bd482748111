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
    public var message: String { subject.map { head + $0.description + tail } ?? head }
    /// The incident or approval the refusal is about, when there is one; `message` names it by
    /// its id in this gateway (`INC-3-0`), which depends on how agents are spread over gateways.
    public let subject: Subject?
    /// The message before and after the subject's id.
    private let head: String, tail: String

    /// What a refusal is about.
    public enum Subject: Sendable, Equatable, CustomStringConvertible {
        case incident(IncidentID)
        case approval(ApprovalID)
        /// The id, `INC-3-0` or `APR-3-0`.
        public var description: String {
            switch self {
            case .incident(let id): id.description
            case .approval(let id): id.description
            }
        }
    }

    /// An error with its code and message.
    public init(_ code: Code, _ message: String) {
        self.code = code; self.head = message; self.tail = ""; self.subject = nil
    }

    /// An error about an incident or approval: `head`, its id, then `tail`.
    public init(_ code: Code, _ head: String, _ subject: Subject, _ tail: String = "") {
        self.code = code; self.head = head; self.tail = tail; self.subject = subject
    }

    /// The message with the subject called `name` instead of its id in this gateway (a caller
    /// that runs several gateways names it the way its users see it).
    public func message(naming name: String) -> String {
        subject == nil ? head : head + name + tail
    }

    /// The message.
    public var description: String { message }
}
