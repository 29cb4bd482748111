import IntervenCore

/// What a shard event does.
enum EventKind: UInt8, Comparable {
    // At equal (time, agent), operator effects come before the agent's own traffic.
    case phase, operatorAction, analystDecision, approvalTimeout, timelineScan, retry, arrival
    static func < (a: EventKind, b: EventKind) -> Bool { a.rawValue < b.rawValue }
}

/// One scheduled event of a shard, ordered by (time, agent, kind, sequence).
///
/// The order never depends on which shard holds the agent, so every shard count sees the same
/// per-agent history.
struct ShardEvent {
    var time: SimTime
    /// Global agent index (-1 for tenant-wide events, which therefore come first).
    var agent: Int32
    var kind: EventKind
    var sequence: UInt64
    /// Index into the shard's payload table (actions, decisions), or the local agent for traffic.
    var payload: Int32
    /// Validity token (a stale arrival or timeout is dropped), or the phase index.
    var token: UInt32 = 0

    @inline(__always) static func before(_ a: ShardEvent, _ b: ShardEvent) -> Bool {
        if a.time != b.time { return a.time < b.time }
        if a.agent != b.agent { return a.agent < b.agent }
        if a.kind != b.kind { return a.kind < b.kind }
        return a.sequence < b.sequence
    }
}

/// A binary min-heap of shard events.
struct EventQueue {
    private var heap: [ShardEvent] = []

    var isEmpty: Bool { heap.isEmpty }
    var count: Int { heap.count }
    /// The earliest event, if any.
    var first: ShardEvent? { heap.first }

    mutating func reserve(_ n: Int) { heap.reserveCapacity(n) }

    mutating func push(_ e: ShardEvent) {
        heap.append(e)
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) >> 1
            guard ShardEvent.before(heap[i], heap[parent]) else { break }
            heap.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> ShardEvent? {
        guard let top = heap.first else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var i = 0
            let n = heap.count
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < n && ShardEvent.before(heap[l], heap[m]) { m = l }
                if r < n && ShardEvent.before(heap[r], heap[m]) { m = r }
                if m == i { break }
                heap.swapAt(i, m)
                i = m
            }
        }
        return top
    }
}
