import IntervenCore
import IntervenScenario

/// Where an agent stands in its closed loop with the gateway.
enum LoopState {
    /// Sending its regular traffic.
    case active
    /// Blocked since `since` on `approval` for the request `retry`: no other traffic until the
    /// approval is decided or the agent's timeout.
    case waiting(approval: ApprovalID, since: SimTime, retry: Scan)
    /// Approved: the identical request `retry` goes again at the agent's next poll.
    case approved(retry: Scan)
    /// In a backoff pause after too many denies in a row; traffic resumes at `until`.
    case paused(until: SimTime)

    /// Whether the agent is blocked on an approval (no regular traffic).
    var isWaiting: Bool { if case .waiting = self { true } else { false } }
}

/// The traffic state of one agent.
struct AgentTraffic {
    var global: Int32
    var group: Int32
    var stream: RandomStream
    var arrivals: Arrivals
    var mix: Int32
    var behavior: Behavior
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
