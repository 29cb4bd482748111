import IntervenSimulation
import Histogram

/// Percentiles of latency samples in nanoseconds, from an HdrHistogram (three significant
/// digits: each figure is within 0.1% of the sample it stands for).
struct LatencySummary: Codable, Sendable, Equatable {
    var samples: Int
    var p50: UInt64
    var p90: UInt64
    var p99: UInt64
    var p999: UInt64
    var max: UInt64
    var mean: Double

    /// The summary of `samples` (nil when there are none).
    init?(_ samples: some Sequence<UInt32>) {
        var h = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: UInt64(UInt32.max), numberOfSignificantValueDigits: .three)
        for s in samples { h.record(UInt64(s)) }
        guard h.totalCount > 0 else { return nil }
        self.samples = Int(h.totalCount)
        p50 = h.valueAtPercentile(50)
        p90 = h.valueAtPercentile(90)
        p99 = h.valueAtPercentile(99)
        p999 = h.valueAtPercentile(99.9)
        max = h.max
        mean = h.mean
    }

    /// `p50 350 ns, p90 610 ns, p99 1.52 us, p99.9 4.10 us, max 1.20 ms (mean 402 ns)`.
    var text: String {
        "p50 \(Self.ns(p50)), p90 \(Self.ns(p90)), p99 \(Self.ns(p99)), p99.9 \(Self.ns(p999)), max \(Self.ns(max)) "
            + "(mean \(Self.ns(UInt64(mean.rounded()))))"
    }

    /// Nanoseconds with a unit that keeps three significant digits.
    static func ns(_ v: UInt64) -> String {
        switch v {
        case ..<1_000: "\(v) ns"
        case ..<1_000_000: "\(fmt(Double(v) / 1e3, v < 10_000 ? 2 : 1)) us"
        case ..<1_000_000_000: "\(fmt(Double(v) / 1e6, v < 10_000_000 ? 2 : 1)) ms"
        default: "\(fmt(Double(v) / 1e9, 2)) s"
        }
    }

    /// The median cost of an empty pair of clock readings (as the latency samples take them), in
    /// nanoseconds, over `pairs` pairs: it is included in every sample.
    static func timerOverhead(pairs: Int = 1_000_000) -> UInt64 {
        var h = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 1_000_000_000, numberOfSignificantValueDigits: .three)
        for _ in 0..<pairs {
            let t0 = Stopwatch.nanoseconds()
            let t1 = Stopwatch.nanoseconds()
            h.record(t1 &- t0)
        }
        return h.valueAtPercentile(50)
    }
}
