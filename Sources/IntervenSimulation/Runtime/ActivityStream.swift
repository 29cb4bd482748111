import CPlatform
import Dispatch

/// Receives the activity log's bytes in order, one piece at a time, on one thread at a time
/// (not the caller's). The bytes are valid only during the call.
public typealias ActivitySink = @Sendable (UnsafeRawBufferPointer) -> Void

/// Merges each window's chunks from the shards into one run of records in (time, agent, order)
/// order, on a thread of its own while the shards run the next window, and hands it to the sink.
///
/// At most one window waits to be merged: when the sink is slower than the simulation, the
/// coordinator waits before handing over the next window instead of holding them all.
final class ActivityStream: @unchecked Sendable {
    private let queue = DispatchQueue(label: "interven-sim.activity")
    private let slots = DispatchSemaphore(value: 1)
    private let sink: ActivitySink
    /// Used only on `queue`: merged records, handed to the sink every `piece` bytes or so.
    private let output = ActivityBytes(capacity: ActivityStream.piece + (1 << 16))
    /// Merged chunks go back to the shards through it.
    let pool: ActivityChunkPool
    static let piece = 8 << 20

    init(sink: @escaping ActivitySink, pool: ActivityChunkPool = ActivityChunkPool()) {
        self.sink = sink
        self.pool = pool
    }

    /// Hands over one window's chunks (in shard order); they return to `pool` once merged.
    func submit(_ chunks: [ActivityChunk]) {
        let live = chunks.filter { $0.count > 0 }
        guard !live.isEmpty else { pool.recycle(chunks); return }
        slots.wait()
        queue.async { [self] in
            output.count = 0
            Self.merge(live, into: output, piece: Self.piece, sink)
            if output.count > 0 { sink(output.bytes) }
            pool.recycle(chunks)
            slots.signal()
        }
    }

    /// Waits until every window handed over has reached the sink.
    func finish() { queue.sync {} }

    /// Where the merge is in one chunk: its sorted columns, read with no reference counting.
    private struct Cursor {
        let times: UnsafePointer<Int64>, agents: UnsafePointer<Int32>
        let starts: UnsafePointer<Int>, lengths: UnsafePointer<Int32>
        let count: Int
        var next = 0

        init(_ c: ActivityChunk) {
            times = UnsafePointer(c.sortedTimes.base)
            agents = UnsafePointer(c.sortedAgents.base)
            starts = UnsafePointer(c.sortedStarts.base)
            lengths = UnsafePointer(c.sortedLengths.base)
            count = c.sortedStarts.count
        }

        var done: Bool { next >= count }
        /// The (time, agent) of the next record (not done).
        var head: (Int64, Int32) { (times[next], agents[next]) }
    }

    /// How many records ahead of the one it copies the merge asks the CPU to fetch: a bucket's
    /// records were written agent by agent and are read in time order.
    private static let prefetchDistance = 16

    /// Appends the chunks' records to `out` in (time, agent, order) order, handing `out` to
    /// `sink` and emptying it whenever the next record does not fit (the rest stays in `out`).
    /// Agents belong to one shard each, so records of different chunks never tie.
    static func merge(_ chunks: [ActivityChunk], into out: ActivityBytes, piece: Int = .max,
                      _ sink: (UnsafeRawBufferPointer) -> Void = { _ in }) {
        withExtendedLifetime(chunks) {
            var cursors = chunks.map(Cursor.init)
            var p = out.reserve(min(piece, chunks.reduce(0) { $0 + $1.store.bytes }))
            var room = out.capacity - out.count
            /// Copies the cursor's records while they come before `limit` (all of them when nil).
            @inline(__always) func copy(_ c: inout Cursor, before limit: (Int64, Int32)?) {
                var k = c.next
                while k < c.count {
                    if let limit, !((c.times[k], c.agents[k]) < limit) { break }
                    if k + prefetchDistance < c.count {
                        let ahead = UnsafeRawPointer(bitPattern: c.starts[k + prefetchDistance])!
                        iv_prefetch(ahead)
                        iv_prefetch(ahead + 64)
                        iv_prefetch(ahead + 128)
                    }
                    let n = Int(c.lengths[k])
                    if n > room {
                        out.commit(p)
                        if out.count > 0 { sink(out.bytes) }
                        out.count = 0
                        p = out.reserve(n)
                        room = out.capacity - out.count
                    }
                    p.update(from: UnsafePointer(bitPattern: c.starts[k])!, count: n)
                    p += n
                    room -= n
                    k += 1
                }
                c.next = k
            }
            cursors.withUnsafeMutableBufferPointer { cursors in
                while true {
                    var best = -1
                    for i in cursors.indices where !cursors[i].done {
                        if best < 0 || cursors[i].head < cursors[best].head { best = i }
                    }
                    guard best >= 0 else { break }
                    // Copy the best chunk's records while they stay ahead of every other head.
                    var rival: (Int64, Int32)? = nil
                    for i in cursors.indices where i != best && !cursors[i].done {
                        if let r = rival, !(cursors[i].head < r) { continue }
                        rival = cursors[i].head
                    }
                    copy(&cursors[best], before: rival)
                }
            }
            out.commit(p)
        }
    }
}
