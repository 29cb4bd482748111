@testable import IntervenSimulation
import Testing

/// The activity log's chunk order and merge: records of several shards in (time, agent, order)
/// order, whatever the pieces the writer hands over.
@Suite("activity log: chunk order and merge")
struct ActivityMergeTests {
    /// A shard's chunk as a shard writes it: sub-windows run agent by agent (agents of shard `s`
    /// of `k` in global order), each agent's records in time order; the record text names them.
    static func chunk(shard s: Int, of k: Int, seed: UInt64, bucketWidth: Int64 = 1000)
        -> (ActivityChunk, [(time: Int64, agent: Int32, text: String)]) {
        var rng = seed
        func next(_ n: UInt64) -> UInt64 { rng = rng &* 6364136223846793005 &+ 1442695040888963407; return (rng >> 33) % n }
        let chunk = ActivityChunk(bucketWidth: bucketWidth)
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
                    text.utf8CString.dropLast().withUnsafeBytes { chunk.add($0, time: t, agent: agent) }
                    records.append((t, agent, text))
                }
            }
            start = end
        }
        chunk.sort()
        return (chunk, records)
    }

    @Test("merging 1 to 4 shards' chunks gives every record once in (time, agent, order) order, in pieces of any size, with buckets of 1 ms to 1 s",
          arguments: [1, 2, 3, 4], [Int64(1), 7, 1000])
    func merge(shards k: Int, bucketWidth: Int64) {
        var chunks: [ActivityChunk] = []
        var expected: [(time: Int64, agent: Int32, order: Int, text: String)] = []
        for s in 0..<k {
            let (c, records) = Self.chunk(shard: s, of: k, seed: UInt64(17 + s), bucketWidth: bucketWidth)
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

    @Test("records whose times are too far apart for counting still sort into (time, agent, order) order")
    func sparse() {
        let chunk = ActivityChunk()
        // Agent-major with far-apart times: the comparison sort's case.
        for (t, a) in [(Int64(9_000_000), Int32(0)), (5, 0), (1_000_000_000, 1), (5, 1), (7, 2)] {
            chunk.add(UnsafeRawBufferPointer(start: nil, count: 0), time: t, agent: a)
        }
        chunk.sort()
        #expect(chunk.sortedTimes.values == [5, 5, 7, 9_000_000, 1_000_000_000])
        #expect(chunk.sortedAgents.values == [0, 1, 2, 0, 1])
    }

    @Test("the store keeps every record's bytes across segments, slabs, shared slots and records bigger than a segment; a cleared chunk is reused")
    func store() {
        let chunk = ActivityChunk(bucketWidth: 1)
        var rng: UInt64 = 99
        func next(_ n: UInt64) -> UInt64 { rng = rng &* 6364136223846793005 &+ 1442695040888963407; return (rng >> 33) % n }
        for round in 0..<2 {
            var expected: [(time: Int64, agent: Int32, order: Int, bytes: [UInt8])] = []
            // Agent-major, each agent's times increasing; times up to 3 slot rings apart.
            for agent in Int32(0)..<200 {
                var t = Int64(0)
                for _ in 0..<Int(next(60)) {
                    t += Int64(next(UInt64(3 * ActivityStore.slots / 30)))
                    // Mostly small records, some over a segment, enough bytes for several slabs.
                    let size = next(50) == 0 ? ActivityStore.segmentSize + Int(next(5000)) : Int(next(3000))
                    let bytes = (0..<size).map { UInt8(truncatingIfNeeded: Int(agent) &* 31 &+ $0 &+ round) }
                    bytes.withUnsafeBytes { chunk.add($0, time: t, agent: agent) }
                    expected.append((t, agent, expected.count, bytes))
                }
            }
            chunk.sort()
            expected.sort { ($0.time, $0.agent, $0.order) < ($1.time, $1.agent, $1.order) }
            let out = ActivityBytes(capacity: 1 << 16)
            var got: [UInt8] = []
            ActivityStream.merge([chunk], into: out, piece: 1 << 16) { got.append(contentsOf: $0) }
            got.append(contentsOf: out.bytes)
            #expect(chunk.count == expected.count)
            #expect(chunk.store.bytes == expected.reduce(0) { $0 + $1.bytes.count })
            #expect(chunk.store.bytes > 2 * ActivityStore.slabSize, "several slabs")
            #expect(got == expected.flatMap(\.bytes), "round \(round)")
            chunk.clear()
            #expect(chunk.count == 0 && chunk.store.bytes == 0)
        }
    }
}
