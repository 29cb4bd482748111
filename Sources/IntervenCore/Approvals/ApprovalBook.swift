/// An approval's identity: the agent and its per-agent ordinal (shard-independent).
public struct ApprovalID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var agent: AgentIndex
    public var ordinal: UInt32
    public init(agent: AgentIndex, ordinal: UInt32) { self.agent = agent; self.ordinal = ordinal }
    public static func < (a: ApprovalID, b: ApprovalID) -> Bool { (a.agent, a.ordinal) < (b.agent, b.ordinal) }
    /// `APR-<agent>-<ordinal>`.
    public var description: String { "APR-\(agent)-\(ordinal)" }
}

/// A request waiting for (or decided by) an analyst.
public struct Approval: Sendable, Equatable {
    public let id: ApprovalID
    public let signature: UInt64
    public let trace: TraceRef
    public let createdAt: SimTime
    /// Still pending at this instant is fine; one tick later it has expired.
    public let expiresAt: SimTime
    public internal(set) var status: ApprovalStatus = .pending
    public internal(set) var decidedAt: SimTime? = nil
    public internal(set) var decidedBy: String? = nil
}

/// Approvals and the grant and deny windows they leave behind (SPEC §5).
///
/// Grants are keyed by (agent, request signature). A pending approval for the same key is
/// reused by an identical retry rather than duplicated.
struct ApprovalBook: Sendable {
    struct Key: Hashable { var agent: AgentIndex; var signature: UInt64 }
    struct Grant { var allow: Bool; var until: SimTime; var approval: Int32; var retried: Bool }

    private(set) var approvals: [Approval] = []
    /// (agent, ordinal) → index in `approvals`, for approvals before `indexedUpTo`. Built lazily
    /// when an analyst decides, so creating an approval on the scan path touches no big table.
    private var indexOfID: [ApprovalID: Int32] = [:]
    private var indexedUpTo = 0
    /// (agent, signature) → index of the pending approval.
    private var pendingOf = IntTable()
    private var grants: [Key: Grant] = [:]
    private var nextOrdinal: [UInt32] = []
    /// Approvals before this index are no longer pending (expiry sweeps from here).
    private var sweep = 0

    mutating func grow(to agents: Int) {
        let n = agents - nextOrdinal.count
        guard n > 0 else { return }
        nextOrdinal.append(contentsOf: repeatElement(0, count: n))
    }

    /// A live grant for an identical retry at `time`: (allow?, first use?). Callers skip the
    /// lookup for agents whose grant horizon has passed.
    @inline(__always) mutating func grant(agent: AgentIndex, signature: UInt64, at time: SimTime) -> (allow: Bool, firstUse: Bool)? {
        let key = Key(agent: agent, signature: signature)
        guard var g = grants[key], time <= g.until else { return nil }
        let first = !g.retried
        if g.allow && first { g.retried = true; grants[key] = g }
        return (g.allow, first)
    }

    /// Creates (or reuses) the pending approval for a REQUIRE_APPROVAL decision.
    mutating func request(agent: AgentIndex, signature: UInt64, trace: TraceRef, ttl: SimDuration) -> ApprovalID {
        if let i = pendingOf.value(UInt64(UInt32(agent)), signature), approvals[Int(i)].status == .pending,
           trace.time <= approvals[Int(i)].expiresAt {
            return approvals[Int(i)].id
        }
        let id = ApprovalID(agent: agent, ordinal: nextOrdinal[Int(agent)])
        nextOrdinal[Int(agent)] += 1
        approvals.append(Approval(id: id, signature: signature, trace: trace, createdAt: trace.time, expiresAt: trace.time + ttl))
        pendingOf.set(Int32(approvals.count - 1), UInt64(UInt32(agent)), signature)
        return id
    }

    /// Marks every approval pending past its expiry as expired (expiry does not move trust).
    mutating func expire(before time: SimTime) {
        while sweep < approvals.count {
            let a = approvals[sweep]
            if a.status == .pending {
                guard a.expiresAt < time else { break }
                approvals[sweep].status = .expired
                pendingOf.remove(UInt64(UInt32(a.id.agent)), a.signature)
            }
            sweep += 1
        }
    }

    func approval(_ id: ApprovalID) -> Approval? {
        if let i = indexOfID[id] { return approvals[Int(i)] }
        return approvals[indexedUpTo...].first { $0.id == id }
    }

    private mutating func catchUpIndex() {
        while indexedUpTo < approvals.count {
            indexOfID[approvals[indexedUpTo].id] = Int32(indexedUpTo)
            indexedUpTo += 1
        }
    }

    /// The most recent approval of an agent that is still pending at `time`.
    func latestPending(agent: AgentIndex, at time: SimTime) -> ApprovalID? {
        approvals.last { $0.id.agent == agent && $0.status == .pending && time <= $0.expiresAt }?.id
    }

    /// An analyst's decision; opens the grant or deny window for identical retries.
    mutating func decide(_ id: ApprovalID, approve: Bool, by actor: String, at time: SimTime,
                         grantWindow: SimDuration, denyWindow: SimDuration) throws(GatewayError) -> Approval {
        catchUpIndex()
        guard let i32 = indexOfID[id] else {
            throw GatewayError(.unknownApproval, "no approval \(id)")
        }
        let i = Int(i32)
        var a = approvals[i]
        if a.status == .pending && time > a.expiresAt {
            a.status = .expired
            approvals[i] = a
            pendingOf.remove(UInt64(UInt32(a.id.agent)), a.signature)
        }
        guard a.status == .pending else {
            throw GatewayError(a.status == .expired ? .approvalExpired : .approvalNotPending,
                               "approval \(id) is \(a.status) and can no longer be decided")
        }
        a.status = approve ? .approved : .denied
        a.decidedAt = time
        a.decidedBy = actor
        approvals[i] = a
        let key = Key(agent: a.id.agent, signature: a.signature)
        pendingOf.remove(UInt64(UInt32(a.id.agent)), a.signature)
        let until = time + (approve ? grantWindow : denyWindow)
        grants[key] = Grant(allow: approve, until: until, approval: i32, retried: false)
        return a
    }
}
