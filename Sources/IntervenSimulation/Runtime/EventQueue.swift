import CPlatform
import IntervenCore
import IntervenScenario

/// What a shard event does.
enum EventKind: UInt8, Comparable {
    // At equal (time, agent), operator effects come before the agent's own traffic; a trust
    // sample (tenant-wide) comes before every other event at its time.
    case trustSample, phase, operatorAction, analystDecision, approvalTimeout, timelineScan, retry, arrival
    static func < (a: EventKind, b: EventKind) -> Bool { a.rawValue < b.rawValue }
}

/// One scheduled event of a shard, ordered by (time, agent, kind, sequence).
///
/// The order never depends on which shard holds the agent, so every shard count sees the same
/// per-agent history.
///
/// Plain data (`BitwiseCopyable`): the event arrays' pages are given back to the system while
/// they hold events already run (see `EventQueue.discardUnusedStorage`), which is only safe for
/// values with no references to release.
struct ShardEvent: BitwiseCopyable {
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

/// The least storage worth giving back to the system at once (see `discardUnusedStorage`).
let discardUnit = 1 << 20

/// A binary min-heap of shard events.
struct EventQueue {
    private var heap: [ShardEvent] = []

    var isEmpty: Bool { heap.isEmpty }
    var count: Int { heap.count }
    /// The earliest event, if any.
    var first: ShardEvent? { heap.first }

    mutating func reserve(_ n: Int) { heap.reserveCapacity(n) }

    /// Gives the pages of the storage past the queued events back to the system (they are
    /// written again as the queue grows), when that is at least a mebibyte: at the start of a
    /// window nearly every event leaves the queue for the window's list, and the queue fills
    /// again while that list is run, so the two need not both hold a page per event.
    mutating func discardUnusedStorage() {
        let count = heap.count, stride = MemoryLayout<ShardEvent>.stride
        let unused = (heap.capacity - count) * stride
        guard unused >= discardUnit else { return }
        heap.withUnsafeMutableBufferPointer { events in
            guard let base = events.baseAddress else { return }
            iv_discard_pages(UnsafeMutableRawPointer(base + count), UInt(unused))
        }
    }

    /// Adds an event (sifting a hole up rather than swapping, so each level moves one event).
    mutating func push(_ e: ShardEvent) {
        heap.append(e)
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) >> 1
            guard ShardEvent.before(e, heap[parent]) else { break }
            heap[i] = heap[parent]
            i = parent
        }
        heap[i] = e
    }

    /// Removes and returns the earliest event.
    mutating func pop() -> ShardEvent? {
        guard let top = heap.first else { return nil }
        let last = heap.removeLast()
        let n = heap.count
        guard n > 0 else { return top }
        var i = 0
        while true {
            let l = 2 * i + 1
            guard l < n else { break }
            let r = l + 1
            let child = r < n && ShardEvent.before(heap[r], heap[l]) ? r : l
            guard ShardEvent.before(heap[child], last) else { break }
            heap[i] = heap[child]
            i = child
        }
        heap[i] = last
        return top
    }
}
