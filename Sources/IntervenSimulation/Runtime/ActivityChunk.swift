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

/// A window's records from one shard: their bytes (in an `ActivityStore`), and per record its
/// time, agent, start and length, in the order the shard wrote them; `sort` lays those out
/// again in (time, agent, order) order, so the writer reads them in sequence.
struct ActivityChunk: Sendable {
    let store: ActivityStore
    let times = ActivityColumn<Int64>(), agents = ActivityColumn<Int32>()
    /// Record starts (addresses in the store) and lengths.
    let starts = ActivityColumn<Int>(), lengths = ActivityColumn<Int32>()
    /// Sorted by `sort`: time, agent, start and length of the records.
    let sortedTimes = ActivityColumn<Int64>(), sortedAgents = ActivityColumn<Int32>()
    let sortedStarts = ActivityColumn<Int>(), sortedLengths = ActivityColumn<Int32>()

    init(bucketWidth: Int64 = 1000) { store = ActivityStore(bucketWidth: bucketWidth) }

    var count: Int { starts.count }

    /// Starts a record at `time` with room for `room` bytes; returns where it goes.
    @inline(__always) func reserve(_ room: Int, time: Int64) -> UnsafeMutablePointer<UInt8> {
        store.reserve(room, time: time)
    }

    /// Ends the bytes of the record being written at `end`.
    @inline(__always) func commit(_ end: UnsafeMutablePointer<UInt8>) { store.commit(end) }

    /// Ends the record being written (its bytes end where the last `commit` left them).
    @inline(__always) func close(time: Int64, agent: Int32, end: UnsafeMutablePointer<UInt8>) {
        times.append(time)
        agents.append(agent)
        let start = store.recordStart!
        starts.append(Int(bitPattern: start))
        lengths.append(Int32(truncatingIfNeeded: end - start))
    }

    /// Adds a whole record.
    func add(_ bytes: UnsafeRawBufferPointer, time: Int64, agent: Int32) {
        var p = reserve(bytes.count, time: time)
        if let from = bytes.baseAddress, bytes.count > 0 {
            UnsafeMutableRawPointer(p).copyMemory(from: from, byteCount: bytes.count)
            p += bytes.count
        }
        commit(p)
        close(time: time, agent: agent, end: p)
    }

    /// Empties the chunk, keeping the room it has.
    func clear() {
        store.clear()
        for c in [times, sortedTimes] { c.resize(0) }
        for c in [agents, sortedAgents] { c.resize(0) }
        for c in [starts, sortedStarts] { c.resize(0) }
        for c in [lengths, sortedLengths] { c.resize(0) }
    }

    /// Makes room in the columns for `n` records.
    func reserve(records n: Int) {
        for c in [times, sortedTimes] { c.reserve(n) }
        for c in [agents, sortedAgents] { c.reserve(n) }
        for c in [starts, sortedStarts] { c.reserve(n) }
        for c in [lengths, sortedLengths] { c.reserve(n) }
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
        let times = self.times.base, agents = self.agents.base, starts = self.starts.base, lengths = self.lengths.base
        let st = sortedTimes.base, sa = sortedAgents.base, ss = sortedStarts.base, sl = sortedLengths.base
        @inline(__always) func place(_ i: Int, at k: Int) {
            st[k] = times[i]; sa[k] = agents[i]; ss[k] = starts[i]; sl[k] = lengths[i]
        }
        var low = Int64.max, high = Int64.min
        for i in 0..<n { low = min(low, times[i]); high = max(high, times[i]) }
        let span = Int(high - low) + 1
        if span <= 4 * n + 4096 {
            var first = [Int32](repeating: 0, count: span + 1)
            first.withUnsafeMutableBufferPointer { first in
                for i in 0..<n { first[Int(times[i] - low) + 1] &+= 1 }
                for i in 0..<span { first[i + 1] &+= first[i] }
                for i in 0..<n {
                    let slot = Int(times[i] - low)
                    place(i, at: Int(first[slot]))
                    first[slot] &+= 1
                }
            }
            if isOrdered() { return }
        }
        let order = (0..<n).sorted { a, b in (times[a], agents[a], a) < (times[b], agents[b], b) }
        for (k, i) in order.enumerated() { place(i, at: k) }
    }

    /// Whether the sorted columns are in (time, agent) order (the counting sort keeps the
    /// order records of equal time and agent were written in).
    private func isOrdered() -> Bool {
        let st = sortedTimes.base, sa = sortedAgents.base
        for k in 1..<max(1, count) where (st[k - 1], sa[k - 1]) > (st[k], sa[k]) { return false }
        return true
    }
}

/// Chunks the writer has merged, kept for the shards' next windows so their buffers are not
/// allocated (and their pages faulted in) again each window.
final class ActivityChunkPool: Sendable {
    private let free = Mutex<[ActivityChunk]>([])
    /// What a new chunk is made for: a shard's expected records in one window, and the
    /// bucket width that puts about `ActivityStore.bucketBytes` of them in a bucket.
    let expectedRecords: Int, bucketWidth: Int64

    init(expectedRecords: Int = 0, bucketWidth: Int64 = 1000) {
        self.expectedRecords = expectedRecords
        self.bucketWidth = bucketWidth
    }

    /// The expectation for a shard of `plan` writing `format` records, from the run's estimated
    /// scans over its windows and shards (capped, so an odd estimate never reserves absurd room).
    convenience init(plan: Plan, format: ActivityOptions.Format) {
        let scenario = plan.scenario
        let duration = Double(max(1, scenario.duration.milliseconds))
        let window = Double(min(Int64(duration), Coordinator(plan: plan, firstEvents: []).windowMilliseconds))
        let records = min(Double(1 << 26), RunEstimate(scenario).scans * window / duration / Double(plan.shardCount))
        let bytesPerMillisecond = records * (format == .csv ? 170.0 : 430.0) / max(1, window)
        var width = Int64(Double(ActivityStore.bucketBytes) / max(bytesPerMillisecond, 1e-9))
        width = max(1, min(width, Int64(window)), Int64(window) / Int64(ActivityStore.slots) + 1)
        self.init(expectedRecords: Int(records * 1.1), bucketWidth: width)
    }

    /// An empty chunk: a recycled one when there is one, otherwise a new one with room in its
    /// columns for the records a window is expected to hold (room is only address space until
    /// written, while growing a column copies it).
    func take() -> ActivityChunk {
        if let chunk = free.withLock({ $0.popLast() }) { return chunk }
        let chunk = ActivityChunk(bucketWidth: bucketWidth)
        chunk.reserve(records: expectedRecords)
        return chunk
    }

    /// Keeps merged chunks for reuse.
    func recycle(_ chunks: [ActivityChunk]) {
        for c in chunks { c.clear() }
        free.withLock { $0.append(contentsOf: chunks) }
    }
}
