@testable import IntervenSimulation
import Testing

/// The activity log's chunk order and merge: records of several shards in (time, agent, order)
/// order, whatever the pieces the writer hands over.
@Suite("activity log: chunk order and merge")
struct ActivityMergeTests {
    /// A shard's chunk as a shard writes it: sub-windows run agent by agent (agents of shard `s`
    /// of `k` in global order), each agent's records in time order; the record text names them.
    static func chunk(shard s: Int, of k: Int, seed: UInt64) -> (ActivityChunk, [(time: Int64, agent: Int32, text: String)]) {
        var rng = seed
        func next(_ n: UInt64) -> UInt64 { rng = rng &* 6364136223846793005 &+ 1442695040888963407; return (rng >> 33) % n }
        let chunk = ActivityChunk(capacity: 16)
        var records: [(Int64, Int32, String)] = []
        var start: Int64 = 0
        for window in 0..<3 {
            let end = start + 50 + Int64(next(200))
            for agent in stride(from: Int32(s), to: 40, by: k) {
                var t = start
                for n in 0..<Int(next(4)) {
                    t += Int64(next(UInt64(max(1, (end - t) / 2))))
                    guard t < end else { break }
                    let text = "\(t),a\(agent),w\(window),n\(n)\n"
                    text.utf8CString.dropLast().withUnsafeBytes { chunk.bytes.append($0) }
                    chunk.close(time: t, agent: agent)
                    records.append((t, agent, text))
                }
            }
            start = end
        }
        chunk.sort()
        return (chunk, records)
    }

    @Test("merging 1 to 4 shards' chunks gives every record once in (time, agent, order) order, in pieces of any size",
          arguments: [1, 2, 3, 4])
    func merge(shards k: Int) {
        var chunks: [ActivityChunk] = []
        var expected: [(time: Int64, agent: Int32, order: Int, text: String)] = []
        for s in 0..<k {
            let (c, records) = Self.chunk(shard: s, of: k, seed: UInt64(17 + s))
            chunks.append(c)
            for (i, r) in records.enumerated() { expected.append((r.time, r.agent, i, r.text)) }
        }
        expected.sort { ($0.time, $0.agent, $0.order) < ($1.time, $1.agent, $1.order) }
        let want = expected.map(\.text).joined()
        #expect(!want.isEmpty)
        for capacity in [64, 1 << 20] {
            let out = ActivityBytes(capacity: capacity)
            var pieces: [String] = []
            ActivityStream.merge(chunks.filter { $0.count > 0 }, into: out, piece: capacity) {
                pieces.append(String(decoding: $0, as: UTF8.self))
            }
            pieces.append(String(decoding: out.bytes, as: UTF8.self))
            #expect(pieces.joined() == want, "capacity \(capacity)")
            if capacity == 64 { #expect(pieces.count > 10, "small pieces are handed over as they fill") }
        }
    }

    @Test("a chunk's order is found by counting when times are dense and by comparison when they are sparse")
    func sparse() {
        let chunk = ActivityChunk(capacity: 16)
        // Agent-major with far-apart times: the comparison sort's case.
        for (t, a) in [(Int64(9_000_000), Int32(0)), (5, 0), (1_000_000_000, 1), (5, 1), (7, 2)] {
            chunk.bytes.append(UnsafeRawBufferPointer(start: nil, count: 0))
            chunk.close(time: t, agent: a)
        }
        chunk.sort()
        #expect(chunk.sortedTimes.values == [5, 5, 7, 9_000_000, 1_000_000_000])
        #expect(chunk.sortedAgents.values == [0, 1, 2, 0, 1])
    }
}
