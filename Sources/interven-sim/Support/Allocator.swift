#if canImport(CJemalloc)
import CJemalloc
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import IntervenSimulation
import Synchronization

/// The process allocator (jemalloc, linked into the executable unless the package was built with
/// `INTERVEN_ALLOCATOR=system`) and its statistics.
enum Allocator {
    #if canImport(CJemalloc)
    /// Whether jemalloc is linked in (the allocation counts need it).
    static let isJemalloc = true

    /// `jemalloc 5.3.0` (the version without its git suffix).
    static var name: String {
        var ptr: UnsafePointer<CChar>? = nil
        var size = MemoryLayout<UnsafePointer<CChar>?>.size
        guard mallctl("version", &ptr, &size, nil, 0) == 0, let ptr else { return "jemalloc (version unknown)" }
        return "jemalloc " + String(cString: ptr).prefix(while: { $0 != "-" })
    }

    /// Cumulative allocation requests (small and large) of the whole process, as far as jemalloc
    /// has merged them.
    ///
    /// Requests served from a thread's cache reach these totals only when that thread flushes its
    /// cache (refreshing `epoch` does not merge them; verified on 5.3.0), so this flushes the
    /// calling thread's cache first. For other threads call `flushThreadCaches` before.
    static func allocationRequests() -> UInt64? {
        flushThisThreadsCache()
        guard refreshStatistics() else { return nil }
        var total: UInt64 = 0
        for name in ["stats.arenas.4096.small.nrequests", "stats.arenas.4096.large.nrequests"] {
            var v: UInt64 = 0
            var size = MemoryLayout<UInt64>.size
            guard mallctl(name, &v, &size, nil, 0) == 0 else { return nil }
            total += v
        }
        return total
    }

    /// Merges the calling thread's cached request counts into jemalloc's totals.
    static func flushThisThreadsCache() {
        _ = mallctl("thread.tcache.flush", nil, nil, nil, 0)
    }

    /// Asks jemalloc to refresh its statistics (writing to `epoch`).
    private static func refreshStatistics() -> Bool {
        var newEpoch: UInt64 = 1
        var oldEpoch: UInt64 = 0
        var size = MemoryLayout<UInt64>.size
        return mallctl("epoch", &oldEpoch, &size, &newEpoch, MemoryLayout<UInt64>.size) == 0
    }
    #else
    /// Whether jemalloc is linked in (the allocation counts need it).
    static let isJemalloc = false

    /// The allocator's name for reports.
    static var name: String { "system (glibc malloc)" }

    /// Allocation request counts: glibc keeps none (`mallinfo2` reports bytes, not requests).
    static func allocationRequests() -> UInt64? { nil }

    /// Nothing to flush without jemalloc.
    static func flushThisThreadsCache() {}
    #endif

    /// Flushes the thread caches of the calling thread and of `poolThreads` other threads of the
    /// concurrency runtime's pool, so that `allocationRequests` sees every request made so far.
    ///
    /// Each helper task flushes its thread's cache and then holds the thread until all helpers
    /// have arrived, which puts them on distinct threads; with `poolThreads` equal to the pool's
    /// width (the active processors, or one fewer when the caller is itself a pool thread) every
    /// pool thread is reached. Gives up waiting after `timeout` seconds. Returns how many distinct
    /// helper threads flushed.
    @discardableResult
    static func flushThreadCaches(poolThreads: Int, timeout: Double = 0.5) -> Int {
        flushThisThreadsCache()
        guard isJemalloc, poolThreads > 0 else { return 0 }
        let barrier = FlushBarrier(expected: poolThreads, deadline: Stopwatch.nanoseconds() + UInt64(timeout * 1e9))
        for _ in 0..<poolThreads {
            Task.detached { barrier.arrive() }
        }
        return barrier.waitForAll()
    }
}

/// The helpers of `Allocator.flushThreadCaches`: each flushes its thread's cache and holds its
/// thread until every helper has arrived or the deadline passes.
private final class FlushBarrier: Sendable {
    let expected: Int
    let deadline: UInt64
    private let arrived = Atomic<Int>(0)
    private let finished = Atomic<Int>(0)
    private let threads = Mutex<[pthread_t]>([])

    init(expected: Int, deadline: UInt64) { self.expected = expected; self.deadline = deadline }

    func arrive() {
        Allocator.flushThisThreadsCache()
        let me = pthread_self()
        threads.withLock { if !$0.contains(me) { $0.append(me) } }
        arrived.add(1, ordering: .acquiringAndReleasing)
        while arrived.load(ordering: .acquiring) < expected && Stopwatch.nanoseconds() < deadline {}
        finished.add(1, ordering: .acquiringAndReleasing)
    }

    /// Waits (spinning: the wait is short) until every helper has finished or the deadline
    /// passes, and returns the number of distinct threads that flushed.
    func waitForAll() -> Int {
        while finished.load(ordering: .acquiring) < expected && Stopwatch.nanoseconds() < deadline {}
        return threads.withLock { $0.count }
    }
}
