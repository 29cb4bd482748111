import CJemalloc

/// The process allocator (jemalloc, linked into the executable) and its statistics.
enum Allocator {
    /// jemalloc's version string, e.g. `5.3.0-0-g54eaed1d8b56b1aa528be3bdd1877e59c56fa90c`.
    static var version: String {
        var ptr: UnsafePointer<CChar>? = nil
        var size = MemoryLayout<UnsafePointer<CChar>?>.size
        guard mallctl("version", &ptr, &size, nil, 0) == 0, let ptr else { return "unknown" }
        return String(cString: ptr)
    }

    /// Cumulative allocation requests (small and large) of the whole process.
    ///
    /// Flushes this thread's cache and refreshes jemalloc's statistics first, so requests served
    /// from the thread cache are counted too.
    static func allocationRequests() -> UInt64? {
        _ = mallctl("thread.tcache.flush", nil, nil, nil, 0)
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

    /// Asks jemalloc to refresh its statistics (writing to `epoch`).
    private static func refreshStatistics() -> Bool {
        var newEpoch: UInt64 = 1
        var oldEpoch: UInt64 = 0
        var size = MemoryLayout<UInt64>.size
        return mallctl("epoch", &oldEpoch, &size, &newEpoch, MemoryLayout<UInt64>.size) == 0
    }
}
