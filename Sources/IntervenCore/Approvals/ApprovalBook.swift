/// An approval's identity: the agent and its per-agent ordinal (shard-independent).
public struct ApprovalID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The agent that asked.
    public var agent: AgentIndex
    /// Position among the agent's approvals, from 0; counted per agent so ids do not depend on shards.
    public var ordinal: UInt32
    /// The id of an agent's approval with this ordinal.
    public init(agent: AgentIndex, ordinal: UInt32) { self.agent = agent; self.ordinal = ordinal }
    /// Orders by agent, then ordinal.
    public static func < (a: ApprovalID, b: ApprovalID) -> Bool { (a.agent, a.ordinal) < (b.agent, b.ordinal) }
    /// `APR-<agent>-<ordinal>`.
    public var description: String { "APR-\(agent)-\(ordinal)" }
}

/// A request waiting for (or decided by) an analyst.
public struct Approval: Sendable, Equatable {
    /// Assigned when the approval is created; a reused pending approval keeps its id.
    public let id: ApprovalID
    /// The request signature: an identical retry carries the same one, which is how a decision reaches it.
    public let signature: UInt64
    /// The scan that asked for approval.
    public let trace: TraceRef
    /// When the REQUIRE_APPROVAL decision created it.
    public let createdAt: SimTime
    /// Still pending at this instant is fine; one tick later it has expired.
    public let expiresAt: SimTime
    /// Pending until an analyst decides it or it is found expired (as scans pass it, or on `settle`).
    public internal(set) var status: ApprovalStatus = .pending
    /// When an analyst decided it; nil while pending or once expired.
    public internal(set) var decidedAt: SimTime? = nil
    /// The analyst who decided it; nil while pending or once expired.
    public internal(set) var decidedBy: String? = nil
}

/// Approvals and the grant and deny windows they leave behind (docs/behaviour.md §8).
///
/// Grants are keyed by (agent, request signature). A pending approval for the same key is
/// reused by an identical retry rather than duplicated. Each agent's approvals are chained
/// newest first, so finding one by id or the latest pending one walks only that agent's.
struct ApprovalBook: Sendable {
    struct Grant { var allow: Bool; var until: SimTime; var retried: Bool }
    /// A grant or deny window in an agent's list (`next`: the agent's next entry, or the next
    /// free entry once recycled).
    struct GrantEntry { var signature: UInt64; var grant: Grant; var next: Int32 }

    /// Approvals still pending and those resolved since the last `compact`, in creation order.
    private(set) var approvals: [Approval] = []
    /// Approvals dropped by `compact`, by `ApprovalStatus.rawValue` (all resolved).
    private(set) var compactedCounts = [Int](repeating: 0, count: ApprovalStatus.allCases.count)
    /// For each approval, the index of the same agent's previous approval, or -1.
    private var previousOfAgent: [Int32] = []
    /// For each agent, the index of its newest approval, or -1.
    private var newestOfAgent: [Int32] = []
    /// Grant and deny windows, chained per agent. Each agent's list is pruned only at that
    /// agent's own decisions, so no agent's clock ever ends another's window (agents of a
    /// shard run out of step within a window).
    private var grantEntries: [GrantEntry] = []
    private var grantHead: [Int32] = []
    private var freeGrant: Int32 = -1
    private var nextOrdinal: [UInt32] = []
    /// Approvals before this index are no longer pending (the in-order expiry sweep starts here).
    private var sweep = 0

    mutating func grow(to agents: Int) {
        let n = agents - nextOrdinal.count
        guard n > 0 else { return }
        nextOrdinal.append(contentsOf: repeatElement(0, count: n))
        newestOfAgent.append(contentsOf: repeatElement(-1, count: n))
        grantHead.append(contentsOf: repeatElement(-1, count: n))
    }

    /// A live grant for an identical retry at `time`: (allow?, first use?). Callers skip the
    /// lookup for agents whose grant horizon has passed.
    @inline(__always) mutating func grant(agent: AgentIndex, signature: UInt64, at time: SimTime) -> (allow: Bool, firstUse: Bool)? {
        var i = grantHead[Int(agent)]
        while i >= 0 {
            let e = grantEntries[Int(i)]
            if e.signature == signature {
                guard time <= e.grant.until else { return nil }
                let first = !e.grant.retried
                if e.grant.allow && first { grantEntries[Int(i)].grant.retried = true }
                return (e.grant.allow, first)
            }
            i = e.next
        }
        return nil
    }

    /// Opens (or replaces) the agent's window for a signature, dropping its windows that ended
    /// before `time`.
    private mutating func setGrant(_ grant: Grant, agent: AgentIndex, signature: UInt64, at time: SimTime) {
        var previous: Int32 = -1
        var i = grantHead[Int(agent)]
        while i >= 0 {
            let e = grantEntries[Int(i)]
            if e.signature == signature || e.grant.until < time {
                if previous < 0 { grantHead[Int(agent)] = e.next } else { grantEntries[Int(previous)].next = e.next }
                grantEntries[Int(i)].next = freeGrant
                freeGrant = i
            } else {
                previous = i
            }
            i = e.next
        }
        let entry = GrantEntry(signature: signature, grant: grant, next: grantHead[Int(agent)])
        if freeGrant >= 0 {
            let slot = freeGrant
            freeGrant = grantEntries[Int(slot)].next
            grantEntries[Int(slot)] = entry
            grantHead[Int(agent)] = slot
        } else {
            grantEntries.append(entry)
            grantHead[Int(agent)] = Int32(grantEntries.count - 1)
        }
    }

    /// Creates (or reuses) the pending approval for a REQUIRE_APPROVAL decision.
    mutating func request(agent: AgentIndex, signature: UInt64, trace: TraceRef, ttl: SimDuration) -> ApprovalID {
        // The agent's newest approval for this request, found on its own chain (short: resolved
        // approvals are compacted away, and the chain is hot while the agent runs).
        var i = newestOfAgent[Int(agent)]
        while i >= 0 {
            if approvals[Int(i)].signature == signature {
                if approvals[Int(i)].status == .pending {
                    if trace.time <= approvals[Int(i)].expiresAt { return approvals[Int(i)].id }
                    markExpired(Int(i))     // the same agent's clock has passed it: a new one replaces it
                }
                break
            }
            i = previousOfAgent[Int(i)]
        }
        let id = ApprovalID(agent: agent, ordinal: nextOrdinal[Int(agent)])
        nextOrdinal[Int(agent)] += 1
        approvals.append(Approval(id: id, signature: signature, trace: trace, createdAt: trace.time, expiresAt: trace.time + ttl))
        let index = Int32(approvals.count - 1)
        previousOfAgent.append(newestOfAgent[Int(agent)])
        newestOfAgent[Int(agent)] = index
        return id
    }

    private mutating func markExpired(_ i: Int) {
        approvals[i].status = .expired
    }

    /// Expires approvals pending past their expiry, in creation order, stopping at the first
    /// one still live (cheap enough for every scan; `expireAll` catches the rest).
    ///
    /// Only bookkeeping: every reader checks the expiry time itself, so results do not depend
    /// on how far the sweep has got (agents of a shard run out of time order within a window).
    mutating func expire(before time: SimTime) {
        while sweep < approvals.count {
            if approvals[sweep].status == .pending {
                guard approvals[sweep].expiresAt < time else { break }
                markExpired(sweep)
            }
            sweep += 1
        }
    }

    /// Expires every approval pending past its expiry, whatever the order (snapshots, and after
    /// a mid-run change of the pending TTL).
    mutating func expireAll(before time: SimTime) {
        expire(before: time)
        for i in sweep..<approvals.count where approvals[i].status == .pending && approvals[i].expiresAt < time {
            markExpired(i)
        }
    }

    /// Expires what is past its expiry at `time` and drops every resolved approval, keeping
    /// only their counts by status, so a long run holds only its pending approvals.
    ///
    /// `time` must be an instant every agent has reached (a window's end): no later decision
    /// or request can then concern an approval that expired before it. Dropped approvals are no
    /// longer found by id (`decide` refuses them as unknown).
    mutating func compact(before time: SimTime) {
        expireAll(before: time)
        var kept: [Approval] = []
        kept.reserveCapacity(approvals.count / 4)
        for a in approvals {
            if a.status == .pending { kept.append(a) } else { compactedCounts[Int(a.status.rawValue)] += 1 }
        }
        relink(kept)
        sweep = 0
    }

    /// Makes `list` the approvals and rebuilds each agent's chain over it.
    private mutating func relink(_ list: [Approval]) {
        approvals = list
        previousOfAgent = []
        previousOfAgent.reserveCapacity(list.count)
        for i in newestOfAgent.indices { newestOfAgent[i] = -1 }
        for (i, a) in list.enumerated() {
            previousOfAgent.append(newestOfAgent[Int(a.id.agent)])
            newestOfAgent[Int(a.id.agent)] = Int32(i)
        }
    }

    /// Drops every approval and grant window of a removed agent (its ordinals go on, so ids stay
    /// unique should the index take a new agent).
    mutating func remove(agent: AgentIndex) {
        let a = Int(agent)
        var i = grantHead[a]
        while i >= 0 {
            let next = grantEntries[Int(i)].next
            grantEntries[Int(i)].next = freeGrant
            freeGrant = i
            i = next
        }
        grantHead[a] = -1
        guard newestOfAgent[a] >= 0 else { return }
        var kept: [Approval] = []
        kept.reserveCapacity(approvals.count)
        var keptBeforeSweep = 0
        for (j, x) in approvals.enumerated() where x.id.agent != agent {
            if j < sweep { keptBeforeSweep += 1 }
            kept.append(x)
        }
        relink(kept)
        sweep = keptBeforeSweep
    }

    /// How many approvals ended in each status (compacted ones included), by raw value.
    var countsByStatus: [Int] {
        var counts = compactedCounts
        for a in approvals { counts[Int(a.status.rawValue)] += 1 }
        return counts
    }

    /// The index of an approval by id (walks only that agent's approvals).
    private func index(of id: ApprovalID) -> Int? {
        guard id.agent >= 0, Int(id.agent) < newestOfAgent.count else { return nil }
        var i = newestOfAgent[Int(id.agent)]
        while i >= 0 {
            if approvals[Int(i)].id == id { return Int(i) }
            if approvals[Int(i)].id.ordinal < id.ordinal { return nil }
            i = previousOfAgent[Int(i)]
        }
        return nil
    }

    func approval(_ id: ApprovalID) -> Approval? { index(of: id).map { approvals[$0] } }

    /// The most recent approval of an agent that is still pending at `time`.
    func latestPending(agent: AgentIndex, at time: SimTime) -> ApprovalID? {
        guard agent >= 0, Int(agent) < newestOfAgent.count else { return nil }
        var i = newestOfAgent[Int(agent)]
        while i >= 0 {
            let a = approvals[Int(i)]
            if a.status == .pending && time <= a.expiresAt { return a.id }
            i = previousOfAgent[Int(i)]
        }
        return nil
    }

    /// An analyst's decision; opens the grant or deny window for identical retries and returns
    /// the decided approval and the window's end.
    mutating func decide(_ id: ApprovalID, approve: Bool, by actor: String, at time: SimTime,
                         grantWindow: SimDuration, denyWindow: SimDuration) throws(GatewayError) -> (Approval, SimTime) {
        guard let i = index(of: id) else { throw GatewayError(.unknownApproval, "no approval ", .approval(id)) }
        if approvals[i].status == .pending && time > approvals[i].expiresAt { markExpired(i) }
        guard approvals[i].status == .pending else {
            throw GatewayError(approvals[i].status == .expired ? .approvalExpired : .approvalNotPending,
                               "approval ", .approval(id), " is \(approvals[i].status) and can no longer be decided")
        }
        approvals[i].status = approve ? .approved : .denied
        approvals[i].decidedAt = time
        approvals[i].decidedBy = actor
        let a = approvals[i]
        let until = time + (approve ? grantWindow : denyWindow)
        setGrant(Grant(allow: approve, until: until, retried: false), agent: a.id.agent, signature: a.signature, at: time)
        return (a, until)
    }
}
