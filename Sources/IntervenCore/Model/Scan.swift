/// A dense agent index: the position of an agent in its roster, used to index flat state arrays.
public typealias AgentIndex = Int32

/// A trace id: unique per scan within a run, assigned by whoever produces the scans.
public typealias TraceID = UInt64

/// One outbound tool call an agent sends to the gateway.
///
/// Every field is plain data (symbols, not strings) so that a scan is 64 bytes of POD and the
/// per-scan path allocates nothing.
public struct Scan: Sendable, Equatable {
    /// When the gateway receives it.
    public var time: SimTime
    /// Who sends it.
    public var agent: AgentIndex
    /// The ephemeral key used, or `Scan.liveKey` for the agent's live key.
    public var ephemeralKey: Int32
    /// Detected tool, e.g. `github`.
    public var tool: Symbol
    /// Detected operation, e.g. `create_pr`.
    public var operation: Symbol
    /// Coarse operation category; scrutiny, ephemeral scopes and rules match on it.
    public var verb: Verb
    /// Whether the destination is outside the tenant.
    public var isExternal: Bool
    /// Data classes found in the body.
    public var dataClasses: DataClasses
    /// Destination host or IP.
    public var host: Symbol
    /// Destination URL.
    public var url: Symbol
    /// A principal named by the call (collaborator, recipient, policy ARN), or `.none`.
    public var principal: Symbol
    /// Risk score in [0, 1].
    public var risk: Score
    /// Body size in bytes.
    public var bodySize: Int32
    /// Request signature: identical retries carry the same one.
    public var signature: UInt64
    /// The trace id.
    public var trace: TraceID

    /// The `ephemeralKey` value meaning "the agent's live key".
    public static let liveKey: Int32 = -1

    /// Creates a scan; unspecified fields are a plain READ with no data classes.
    public init(time: SimTime, agent: AgentIndex, tool: Symbol, operation: Symbol, verb: Verb = .read,
                isExternal: Bool = false, dataClasses: DataClasses = [], host: Symbol = .none,
                url: Symbol = .none, principal: Symbol = .none, risk: Score = .zero, bodySize: Int32 = 0,
                signature: UInt64 = 0, trace: TraceID = 0, ephemeralKey: Int32 = Scan.liveKey) {
        self.time = time; self.agent = agent; self.ephemeralKey = ephemeralKey; self.tool = tool
        self.operation = operation; self.verb = verb; self.isExternal = isExternal
        self.dataClasses = dataClasses; self.host = host; self.url = url; self.principal = principal
        self.risk = risk; self.bodySize = bodySize; self.signature = signature; self.trace = trace
    }
}

/// A linked trace on an incident or approval: the trace id and when it happened.
public struct TraceRef: Hashable, Sendable, Comparable {
    /// The scan's trace id.
    public var trace: TraceID
    /// When the scan happened; incidents keep their traces in this order.
    public var time: SimTime
    /// A reference to one scan.
    public init(trace: TraceID, time: SimTime) { self.trace = trace; self.time = time }
    /// Time order, then trace id.
    public static func < (a: TraceRef, b: TraceRef) -> Bool {
        (a.time, a.trace) < (b.time, b.trace)
    }
}
