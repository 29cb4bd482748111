import IntervenCore
import IntervenScenario
import IntervenSimulation

/// `trust.csv`: the trust series, one row per change (or sample), in the result's order.
///
/// `scrutiny` and `suspended` are `true`/`false`; `cause` is empty for periodic samples.
enum TrustFile {
    static let name = "trust.csv"
    static let header = ["time_ms", "time", "agent", "trust", "scrutiny", "suspended", "cause"]

    static func render(_ series: [TrustSample]) -> [UInt8] {
        var w = CSVWriter()
        w.reserve(64 + series.count * 56)
        w.row(header)
        for s in series {
            w.field(s.time.milliseconds)
            w.field(s.time)
            w.field(s.agent)
            w.field(s.trust)
            w.field(s.scrutiny)
            w.field(s.suspended)
            w.field(s.cause?.description ?? "")
            w.endRow()
        }
        return w.bytes
    }
}
