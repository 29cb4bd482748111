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
    static let piece = 8 << 20

    init(sink: @escaping ActivitySink) { self.sink = sink }

    /// Hands over one window's chunks (in shard order).
    func submit(_ chunks: [ActivityChunk]) {
        let live = chunks.filter { $0.count > 0 }
        guard !live.isEmpty else { return }
        slots.wait()
        queue.async { [self] in
            output.count = 0
            Self.merge(live, into: output, piece: Self.piece, sink)
            if output.count > 0 { sink(output.bytes) }
            slots.signal()
        }
    }

    /// Waits until every window handed over has reached the sink.
    func finish() { queue.sync {} }

    /// Appends the chunks' records to `out` in (time, agent, order) order, handing `out` to
    /// `sink` and emptying it whenever the next record does not fit (the rest stays in `out`).
    /// Agents belong to one shard each, so records of different chunks never tie.
    static func merge(_ chunks: [ActivityChunk], into out: ActivityBytes, piece: Int = .max,
                      _ sink: (UnsafeRawBufferPointer) -> Void = { _ in }) {
        var p = out.reserve(min(piece, chunks.reduce(0) { $0 + $1.bytes.count }))
        var room = out.capacity - out.count
        /// Makes room for a record of `n` bytes at `p`, handing over what is there first when full.
        @inline(__always) func fit(_ n: Int) {
            if n <= room { return }
            out.commit(p)
            if out.count > 0 { sink(out.bytes) }
            out.count = 0
            p = out.reserve(n)
            room = out.capacity - out.count
        }
        if chunks.count == 1 {
            let c = chunks[0]
            c.order.withUnsafeBufferPointer { order in
                c.ends.withUnsafeBufferPointer { ends in
                    let base = UnsafePointer(c.bytes.base)
                    for i in order {
                        let k = Int(i)
                        let from = k == 0 ? 0 : ends[k - 1]
                        let n = ends[k] - from
                        fit(n)
                        p.update(from: base + from, count: n)
                        p += n
                        room -= n
                    }
                }
            }
        } else {
            var next = [Int](repeating: 0, count: chunks.count)
            var heads: [(time: Int64, agent: Int32)] = chunks.map { c in
                let k = Int(c.order[0])
                return (c.times[k], c.agents[k])
            }
            var remaining = chunks.count
            while remaining > 0 {
                var best = -1
                for c in heads.indices where next[c] < chunks[c].count {
                    if best < 0 || (heads[c].time, heads[c].agent) < (heads[best].time, heads[best].agent) { best = c }
                }
                // Copy the best chunk's records while they stay ahead of every other head.
                let c = chunks[best]
                var rivalTime = Int64.max, rivalAgent = Int32.max
                for o in heads.indices where o != best && next[o] < chunks[o].count {
                    if (heads[o].time, heads[o].agent) < (rivalTime, rivalAgent) { rivalTime = heads[o].time; rivalAgent = heads[o].agent }
                }
                var k = next[best]
                c.order.withUnsafeBufferPointer { order in
                    c.ends.withUnsafeBufferPointer { ends in
                        c.times.withUnsafeBufferPointer { times in
                            c.agents.withUnsafeBufferPointer { agents in
                                let base = UnsafePointer(c.bytes.base)
                                while k < order.count {
                                    let r = Int(order[k])
                                    guard (times[r], agents[r]) < (rivalTime, rivalAgent) else { break }
                                    let from = r == 0 ? 0 : ends[r - 1]
                                    let n = ends[r] - from
                                    fit(n)
                                    p.update(from: base + from, count: n)
                                    p += n
                                    room -= n
                                    k += 1
                                }
                            }
                        }
                    }
                }
                next[best] = k
                if k < c.count {
                    let r = Int(c.order[k])
                    heads[best] = (c.times[r], c.agents[r])
                } else {
                    remaining -= 1
                }
            }
        }
        out.commit(p)
    }
}
