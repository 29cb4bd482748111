import IntervenCore
import IntervenScenario

/// Where an agent stands in its closed loop with the gateway.
enum LoopState {
    /// Sending its regular traffic.
    case active
    /// Blocked since `since` on `approval` for the request parked in slot `retry` of the shard's
    /// parked scans: no other traffic until the approval is decided or the agent's timeout.
    case waiting(approval: ApprovalID, since: SimTime, retry: Int32)
    /// Approved: the identical request parked in slot `retry` goes again at the agent's next poll.
    case approved(retry: Int32)
    /// In a backoff pause after too many denies in a row; traffic resumes at `until`.
    case paused(until: SimTime)

    /// Whether the agent is blocked on an approval (no regular traffic).
    var isWaiting: Bool { if case .waiting = self { true } else { false } }

    /// The parked-scan slot this state holds, if any.
    var parkedSlot: Int32? {
        switch self {
        case .waiting(_, _, let slot), .approved(let slot): slot
        case .active, .paused: nil
        }
    }
}

/// The traffic state of one agent.
struct AgentTraffic {
    var global: Int32
    var group: Int32
    var stream: RandomStream
    /// Index of the agent's arrival process in the shard's `arrivalTable` (its group's, or the
    /// last phase's that set one): the specs are shared, not copied per agent.
    var arrivals: Int32
    var mix: Int32
    /// Index of the agent's behaviour in the shard's `behaviorTable`.
    var behavior: Int32
    /// Bumped whenever a queued arrival becomes stale (phase change, waiting, pause).
    var arrivalToken: UInt32 = 0
    /// Scans sent.
    var sent: UInt32 = 0
    /// Hash of (seed, agent name): trace ids derive from it and `sent`, so they do not change
    /// when groups are added or reordered.
    var traceBase: UInt64 = 0
    var key: Int32 = Scan.liveKey
    var needsKey = false
    /// Where the agent stands in the closed loop.
    var loop = LoopState.active
    /// Bumped whenever a queued retry or approval timeout becomes stale.
    var waitToken: UInt32 = 0
    /// Denies in a row, for the backoff.
    var consecutiveDenies: Int32 = 0
    /// Approvals and incidents already reported to the analyst (per-agent ordinals below these).
    var approvalsSeen: UInt32 = 0
}
