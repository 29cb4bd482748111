/// Where a shard writes a window's record bytes: in segments per bucket of time, so the
/// records the writer reads one after another (in time order) sit together in memory.
///
/// A shard runs a window agent by agent, so written one after another its records would be in
/// agent order, and the writer, reading them in time order, would jump across hundreds of
/// megabytes: a cache and TLB miss per record. Here each record goes to the segment of its
/// time's bucket (`bucketWidth` milliseconds, a bucket of a window holding about `bucketBytes`),
/// and reading a bucket's records in time order stays within a few hundred kilobytes.
///
/// Segments come from slabs the store keeps when cleared, so a recycled chunk allocates
/// nothing. Owned by one thread at a time (a shard, then the writer).
final class ActivityStore: @unchecked Sendable {
    static let segmentSize = 16 << 10
    static let slabSize = 4 << 20
    /// Buckets in use at once (a power of two); buckets further apart share a slot, which only
    /// costs locality.
    static let slots = 4096
    /// The bytes a bucket should hold (the record bytes a writer reads while it stays in cache).
    static let bucketBytes = 128 << 10

    let bucketWidth: Int64
    /// Per slot: the free room of its segment.
    private var next: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>
    private var limit: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>
    private var slabs: [UnsafeMutablePointer<UInt8>] = []
    /// The slab segments are cut from (slabs before it are full), and the bytes cut from it.
    private var slabInUse = 0, slabUsed = 0
    /// Records too big for a segment, each in its own allocation.
    private var oversized: [UnsafeMutablePointer<UInt8>] = []
    /// The slot of the record being written, and where it starts.
    private var slot = 0
    private(set) var recordStart: UnsafeMutablePointer<UInt8>? = nil
    /// Bytes committed.
    private(set) var bytes = 0

    init(bucketWidth: Int64 = 1000) {
        self.bucketWidth = max(1, bucketWidth)
        next = .allocate(capacity: Self.slots)
        next.initialize(repeating: nil, count: Self.slots)
        limit = .allocate(capacity: Self.slots)
        limit.initialize(repeating: nil, count: Self.slots)
    }

    deinit {
        for s in slabs { s.deallocate() }
        for o in oversized { o.deallocate() }
        next.deallocate()
        limit.deallocate()
    }

    /// Starts a record at `time` with room for `room` bytes; returns where it goes.
    @inline(__always) func reserve(_ room: Int, time: Int64) -> UnsafeMutablePointer<UInt8> {
        slot = Int(truncatingIfNeeded: (time / bucketWidth) & Int64(Self.slots - 1))
        if let p = next[slot], limit[slot]! - p >= room {
            recordStart = p
            return p
        }
        recordStart = newSegment(room)
        return recordStart!
    }

    /// Ends what `reserve` started at `end`.
    @inline(__always) func commit(_ end: UnsafeMutablePointer<UInt8>) {
        bytes += end - next[slot]!
        next[slot] = end
    }

    private func newSegment(_ room: Int) -> UnsafeMutablePointer<UInt8> {
        let size = Self.segmentSize
        let p: UnsafeMutablePointer<UInt8>
        if room > size {
            p = .allocate(capacity: room)
            oversized.append(p)
            next[slot] = p
            limit[slot] = p + room
            return p
        }
        if slabInUse < slabs.count && slabUsed + size > Self.slabSize {
            slabInUse += 1
            slabUsed = 0
        }
        if slabInUse == slabs.count { slabs.append(.allocate(capacity: Self.slabSize)) }
        p = slabs[slabInUse] + slabUsed
        slabUsed += size
        next[slot] = p
        limit[slot] = p + size
        return p
    }

    /// Forgets every record, keeping the slabs for the next window.
    func clear() {
        for o in oversized { o.deallocate() }
        oversized = []
        next.update(repeating: nil, count: Self.slots)
        limit.update(repeating: nil, count: Self.slots)
        slabInUse = 0
        slabUsed = 0
        bytes = 0
    }
}
