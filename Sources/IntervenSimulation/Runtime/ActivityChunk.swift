import IntervenCore
import Synchronization

/// A growable column of plain values owned by one thread at a time (a shard, then the writer
/// its chunk is handed to), read through raw pointers with no reference counting per value.
final class ActivityColumn<Element: BitwiseCopyable>: @unchecked Sendable {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private(set) var capacity: Int

    init(capacity: Int = 1024) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    @inline(__always) func append(_ value: Element) {
        if count == capacity { reserve(2 * capacity) }
        (base + count).initialize(to: value)
        count += 1
    }

    /// Sets the count to `n` (at most the capacity, which `reserve` grows); the values past the
    /// old count are the caller's to write.
    @inline(__always) func resize(_ n: Int) {
        reserve(n)
        count = n
    }

    func reserve(_ n: Int) {
        guard n > capacity else { return }
        let b = UnsafeMutablePointer<Element>.allocate(capacity: n)
        b.update(from: base, count: count)
        base.deallocate()
        base = b
        capacity = n
    }

    @inline(__always) subscript(i: Int) -> Element {
        get { base[i] }
        set { base[i] = newValue }
    }

    var values: [Element] { Array(UnsafeBufferPointer(start: base, count: count)) }
}

/// A window's records from one shard: their bytes, and per record its time, agent and end, in
/// the order the shard wrote them; `sort` lays out beside them, in (time, agent, order) order,
/// each record's time, agent, start and length, so the writer reads those in sequence.
struct ActivityChunk: Sendable {
    var bytes: ActivityBytes
    let times = ActivityColumn<Int64>(), agents = ActivityColumn<Int32>(), ends = ActivityColumn<Int>()
    /// Sorted by `sort`: time, agent, start in `bytes` and length of the records.
    let sortedTimes = ActivityColumn<Int64>(), sortedAgents = ActivityColumn<Int32>()
    let sortedStarts = ActivityColumn<Int>(), sortedLengths = ActivityColumn<Int32>()

    init(capacity: Int = 1 << 16) { bytes = ActivityBytes(capacity: capacity) }

    var count: Int { ends.count }

    /// Ends the record being written.
    @inline(__always) func close(time: Int64, agent: Int32) {
        times.append(time)
        agents.append(agent)
        ends.append(bytes.count)
    }

    /// Empties the chunk, keeping the room it has.
    func clear() {
        bytes.count = 0
        times.resize(0)
        agents.resize(0)
        ends.resize(0)
        sortedTimes.resize(0)
        sortedAgents.resize(0)
        sortedStarts.resize(0)
        sortedLengths.resize(0)
    }

    /// Lays out the records' (time, agent, order) order in the sorted columns.
    ///
    /// A shard runs a window agent by agent (agents in global order), each agent's events in time
    /// order, so a stable counting sort by time gives that order directly, reading the records in
    /// the order they were written and scattering them to their places; a comparison sort is
    /// used when the times are spread too thin for counting, or (never expected) when the result
    /// is not in order.
    func sort() {
        let n = count
        sortedTimes.resize(n)
        sortedAgents.resize(n)
        sortedStarts.resize(n)
        sortedLengths.resize(n)
        guard n > 0 else { return }
        let times = self.times.base, agents = self.agents.base, ends = self.ends.base
        let st = sortedTimes.base, sa = sortedAgents.base, ss = sortedStarts.base, sl = sortedLengths.base
        @inline(__always) func place(_ i: Int, at k: Int) {
            let from = i == 0 ? 0 : ends[i - 1]
            st[k] = times[i]; sa[k] = agents[i]; ss[k] = from; sl[k] = Int32(truncatingIfNeeded: ends[i] - from)
        }
        var low = Int64.max, high = Int64.min
        for i in 0..<n { low = min(low, times[i]); high = max(high, times[i]) }
        let span = Int(high - low) + 1
        if span <= 4 * n + 4096 {
            var starts = [Int32](repeating: 0, count: span + 1)
            starts.withUnsafeMutableBufferPointer { starts in
                for i in 0..<n { starts[Int(times[i] - low) + 1] &+= 1 }
                for i in 0..<span { starts[i + 1] &+= starts[i] }
                for i in 0..<n {
                    let slot = Int(times[i] - low)
                    place(i, at: Int(starts[slot]))
                    starts[slot] &+= 1
                }
            }
            if isOrdered() { return }
        }
        let order = (0..<n).sorted { a, b in (times[a], agents[a], a) < (times[b], agents[b], b) }
        for (k, i) in order.enumerated() { place(i, at: k) }
    }

    private func isOrdered() -> Bool {
        let st = sortedTimes.base, sa = sortedAgents.base, ss = sortedStarts.base
        for k in 1..<max(1, count) where (st[k - 1], sa[k - 1], ss[k - 1]) >= (st[k], sa[k], ss[k]) { return false }
        return true
    }
}

/// Chunks the writer has merged, kept for the shards' next windows so their buffers are not
/// allocated (and their pages faulted in) again each window.
final class ActivityChunkPool: Sendable {
    private let free = Mutex<[ActivityChunk]>([])
    /// The room a new chunk starts with: a shard's expected records and bytes in one window.
    /// Room is only address space until written, so a generous guess costs no memory, while
    /// growing a chunk copies it.
    let expectedRecords: Int, expectedBytes: Int

    init(expectedRecords: Int = 0, expectedBytes: Int = 0) {
        self.expectedRecords = expectedRecords
        self.expectedBytes = expectedBytes
    }

    /// The expectation for a shard of `plan` writing `format` records, from the run's estimated
    /// scans over its windows (capped, so an odd estimate never reserves absurd room).
    convenience init(plan: Plan, format: ActivityOptions.Format) {
        let scenario = plan.scenario
        let duration = Double(max(1, scenario.duration.milliseconds))
        let window = Double(Coordinator(plan: plan, firstEvents: []).windowMilliseconds)
        let records = RunEstimate(scenario).scans * min(1, window / duration) / Double(plan.shardCount) * 1.1
        let perRecord = format == .csv ? 192.0 : 448.0
        let cap = 1 << 30
        let bytes = min(Double(cap), records * perRecord)
        self.init(expectedRecords: Int(bytes / perRecord), expectedBytes: Int(bytes))
    }

    /// An empty chunk: a recycled one when there is one, otherwise a new one with room for
    /// `records` records of `bytes` bytes in all (the last window's), or what a window is
    /// expected to hold when that is more.
    func take(bytes: Int = 0, records: Int = 0) -> ActivityChunk {
        if let chunk = free.withLock({ $0.popLast() }) { return chunk }
        let bytes = max(bytes, expectedBytes), records = max(records, expectedRecords)
        let chunk = ActivityChunk(capacity: bytes)
        for c in [chunk.times.reserve, chunk.sortedTimes.reserve, chunk.agents.reserve, chunk.sortedAgents.reserve,
                  chunk.ends.reserve, chunk.sortedStarts.reserve, chunk.sortedLengths.reserve] { c(records) }
        return chunk
    }

    /// Keeps merged chunks for reuse.
    func recycle(_ chunks: [ActivityChunk]) {
        for c in chunks { c.clear() }
        free.withLock { $0.append(contentsOf: chunks) }
    }
}
