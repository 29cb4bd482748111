import Foundation
import Histogram
import IntervenLoad
import Testing

/// HdrHistogram's V2 encoding and log format, as the load generator writes them.
@Suite("HdrHistogram encoding and interval logs")
struct HdrEncodingTests {
    static func latency() -> Histogram<UInt64> {
        Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
    }

    /// Interval lines of a log written by HdrHistogram's Java `HistogramLogWriter` (jHiccup
    /// 2.0.7, HdrHistogram's own test log `jHiccup-2.0.7S.logV2.hlog`; values in nanoseconds,
    /// lowest 20,000, highest 3.6e12, 2 significant digits): start, length, max (ms), histogram.
    static let javaLines = [
        "2.133,1.001,0.328,HISTFAAAADl42pNpmSzMwMAgxgABTBDKT4GBgdnNYMcCBvsPEBEdKw09MQUFEQkbCTEhMZGAY6wbmFQ4AOqWCKo=",
        "8.649,0.483,1.196,HISTFAAAAEB42pNpmSzMwMAgywABTBDKT4GBgdnNYMcCBvsPEBEuFTkhER4BLg4JJh4+Hh6fC0xJ3BLiTKxM5kxMTAAQ9QfA",
    ]
    /// A line of the same log with a lone empty bucket, which that older writer wrote as a run of
    /// one zero (-1) and today's Java writes as a count of 0: it decodes to the same histogram.
    static let javaLoneZeroLine = "0.126,1.007,1.933,HISTFAAAAEB42pNpmSzMwMAgywABTBDKT4GBgdnNYMcCBvsPEBEjDT0FMTUxMT05LgEhPqmIeWxtTAKMTNxM6xmZmAAjcgjc"

    /// Values (µs) and counts of a histogram encoded by another implementation (the Python
    /// `hdrhistogram` package 0.10.8, `HdrHistogram(1, 600000000, 3).encode()`).
    static let pythonValues: [(UInt64, UInt64)] = [(1, 1), (7, 2), (1000, 1), (2047, 1), (2048, 4), (12345, 3), (999_999, 1), (6_930_430, 1)]
    static let pythonCompressed = "HISTFAAAADN4nJNpmSzMwMAgwgABzFCaEUQoH3ZjsP8AFWDiZNnPz7RagImjW4NtYxrTR20mALt8CE8="

    @Test func javaLogLinesDecodeAndReencodeByteForByte() throws {
        for line in Self.javaLines {
            let cells = line.split(separator: ",")
            let h = try HdrEncoding.decode(Array(try #require(Data(base64Encoded: String(cells[3])))))
            #expect(h.lowestDiscernibleValue == 20_000 && h.highestTrackableValue == 3_600_000_000_000)
            #expect(String(format: "%.3f", Double(h.max) / 1e6) == String(cells[2]))
            #expect(Data(HdrEncoding.encodeCompressed(h)).base64EncodedString() == String(cells[3]))
        }
        let lone = try HdrEncoding.decode(Array(try #require(Data(base64Encoded: String(Self.javaLoneZeroLine.split(separator: ",")[3])))))
        #expect(lone.totalCount == 802)
        #expect(lone.valueAtPercentile(50) == 278_527)
        #expect(String(format: "%.3f", Double(lone.max) / 1e6) == "1.933")
        let again = try HdrEncoding.decode(HdrEncoding.encodeCompressed(lone))
        #expect(Array(again.recordedValues().map { [$0.value, $0.count] }) == Array(lone.recordedValues().map { [$0.value, $0.count] }))
    }

    @Test func anotherImplementationsSampleDecodes() throws {
        let h = try HdrEncoding.decode(Array(try #require(Data(base64Encoded: Self.pythonCompressed))))
        #expect(h.totalCount == 14)
        #expect(h.max == 6_930_431)
        #expect(h.valueAtPercentile(50) == 2049)
        #expect(h.highestTrackableValue == 600_000_000)
        for (v, c) in Self.pythonValues { #expect(h.countForValue(v) == c, "count at \(v)") }
        var mine = Self.latency()
        for (v, c) in Self.pythonValues { _ = mine.record(v, count: c) }
        let back = try HdrEncoding.decode(HdrEncoding.encodeCompressed(mine))
        #expect(Array(back.recordedValues().map { [$0.value, $0.count] }) == Array(h.recordedValues().map { [$0.value, $0.count] }))
    }

    @Test func compressedRoundTripKeepsEveryCount() throws {
        var h = Self.latency()
        var x: UInt64 = 12345
        for _ in 0..<20_000 {
            x = x &* 6364136223846793005 &+ 1442695040888963407
            _ = h.record(1 + (x >> 33) % 50_000_000)
        }
        _ = h.record(599_000_000)
        let back = try HdrEncoding.decode(HdrEncoding.encodeCompressed(h))
        #expect(back.totalCount == h.totalCount)
        #expect(back.max == h.max && back.min == h.min)
        #expect(Array(back.recordedValues().map { [$0.value, $0.count] }) == Array(h.recordedValues().map { [$0.value, $0.count] }))
        for p in [50.0, 90, 99, 99.9, 99.99] { #expect(back.valueAtPercentile(p) == h.valueAtPercentile(p)) }
        // Also through the reference's plain form (no compression).
        #expect(try HdrEncoding.decode(HdrEncoding.encode(h)).totalCount == h.totalCount)
    }

    @Test func anEmptyHistogramRoundTrips() throws {
        let back = try HdrEncoding.decode(HdrEncoding.encodeCompressed(Self.latency()))
        #expect(back.totalCount == 0)
    }

    @Test func damagedBytesAreRefusedNotTrapped() {
        #expect(throws: HdrEncoding.DecodingError.self) { try HdrEncoding.decode([1, 2, 3]) }
        #expect(throws: HdrEncoding.DecodingError.self) { try HdrEncoding.decode([0x1c, 0x84, 0x93, 0x14, 0, 0, 0, 4, 1, 2, 3, 4]) }
        var plain = Array(Data(base64Encoded: Self.pythonCompressed)!)
        plain[0] = 0
        #expect(throws: HdrEncoding.DecodingError.self) { try HdrEncoding.decode(plain) }
    }

    @Test func logLinesReadBack() throws {
        let text = """
            #[a comment]
            #[Histogram log format version 1.3]
            #[StartTime: 1764609191.474 (seconds since epoch), Tue Dec 01 17:13:11 UTC 2026]
            "StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"
            0.000,1.000,6930.431,\(Self.pythonCompressed)
            """
        let log = try HdrLogReader.read(text)
        #expect(log.startTime == 1764609191.474)
        #expect(log.intervals.count == 1)
        #expect(log.intervals.first?.histogram.totalCount == 14)
        #expect(log.intervals.first?.max == 6930.431)
        #expect(throws: HdrEncoding.DecodingError.self) { try HdrLogReader.read("0.0,1.0,HIST") }
    }
}
