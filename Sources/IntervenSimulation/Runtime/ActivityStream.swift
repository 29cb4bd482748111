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
    /// Used only on `queue`.
    private let output = ActivityBytes(capacity: 1 << 20)

    init(sink: @escaping ActivitySink) { self.sink = sink }

    /// Hands over one window's chunks (in shard order).
    func submit(_ chunks: [ActivityChunk]) {
        let live = chunks.filter { $0.count > 0 }
        guard !live.isEmpty else { return }
        slots.wait()
        queue.async { [self] in
            output.count = 0
            Self.merge(live, into: output)
            sink(output.bytes)
            slots.signal()
        }
    }

    /// Waits until every window handed over has reached the sink.
    func finish() { queue.sync {} }

    /// Appends the chunks' records to `out` in (time, agent, order) order. Agents belong to one
    /// shard each, so records of different chunks never tie.
    static func merge(_ chunks: [ActivityChunk], into out: ActivityBytes) {
        var p = out.reserve(chunks.reduce(0) { $0 + $1.bytes.count })
        if chunks.count == 1 {
            let c = chunks[0]
            c.order.withUnsafeBufferPointer { order in
                c.ends.withUnsafeBufferPointer { ends in
                    let base = UnsafePointer(c.bytes.base)
                    for i in order {
                        let k = Int(i)
                        let from = k == 0 ? 0 : ends[k - 1]
                        p.update(from: base + from, count: ends[k] - from)
                        p += ends[k] - from
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
                                    p.update(from: base + from, count: ends[r] - from)
                                    p += ends[r] - from
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
