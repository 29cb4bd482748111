import IntervenCore
@testable import IntervenResults
import IntervenSimulation
import IntervenScenario
import IntervenTesting
import Testing

/// The byte formatters the writers use must print exactly what `description` prints.
@Suite("Byte text")
struct ByteTextTests {
    private func text(_ body: (inout [UInt8]) -> Void) -> String {
        var bytes: [UInt8] = []
        body(&bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test("integers", arguments: [0, 7, 10, 99, 100, 12_345, Int64.max, -1, -10, Int64.min] as [Int64])
    func integers(_ n: Int64) {
        #expect(text { $0.appendDecimal(n) } == String(n))
    }

    @Test("the largest unsigned integer")
    func largestUnsigned() {
        #expect(text { $0.appendDecimal(UInt64.max) } == "18446744073709551615")
        #expect(text { $0.appendDecimal(UInt64(10_000_000_000_000_000_000)) } == "10000000000000000000")
    }

    @Test("times", arguments: [0, 1, 999, 1000, 59_999, 3_600_000, 86_399_999, 86_400_000, 90_123_004,
                               -1500, 400 * 86_400_000 + 5, Int64.min, Int64.max] as [Int64])
    func times(_ ms: Int64) {
        let t = SimTime(milliseconds: ms)
        #expect(text { $0.appendTime(t) } == t.description)
    }

    @Test("scores", arguments: [0, 1, 10, 100_000, 600_000, 650_000, 999_999, 1_000_000, 1_000_001, -50_000,
                                -1, Int32.max, Int32.min] as [Int32])
    func scores(_ micros: Int32) {
        let s = Score(micros: micros)
        #expect(text { $0.appendScore(s) } == s.description)
    }

    @Test("a sweep of times and scores agrees with description")
    func sweep() {
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<5000 {
            x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let t = SimTime(milliseconds: Int64(x >> 20) % 10_000_000_000)
            #expect(text { $0.appendTime(t) } == t.description)
            let s = Score(micros: Int32(truncatingIfNeeded: x >> 33) % 2_000_001)
            #expect(text { $0.appendScore(s) } == s.description)
        }
    }
}
