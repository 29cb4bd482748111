import IntervenCore
import IntervenScenario
import IntervenSimulation

/// `trust.csv`: the trust series, one row per change (or sample), in the result's order.
///
/// `time` counts from the start of the run, `utc` is the same instant in RFC 3339 from the
/// scenario's `start:`; `scrutiny` and `suspended` are `true`/`false`; `cause` is empty for
/// periodic samples.
enum TrustFile {
    static let name = "trust.csv"
    static let header = ["time_ms", "time", "utc", "agent", "trust", "scrutiny", "suspended", "cause"]

    static func render(_ series: [TrustSample], start: Int64) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 + series.count * 56)
        write(series, start: start, chunkSize: .max) { (chunk: [UInt8]) in out += chunk }
        return out
    }

    /// The same bytes as `render`, passed to `emit` in pieces of about `chunkSize` bytes.
    static func write<E: Error>(_ series: [TrustSample], start: Int64, chunkSize: Int = outputChunk,
                                _ emit: ([UInt8]) throws(E) -> Void) throws(E) {
        var w = CSVWriter()
        w.reserve(min(chunkSize, 64 + series.count * 56) + 256)
        w.row(header)
        for s in series {
            w.field(s.time.milliseconds)
            w.field(s.time)
            w.utc(start + s.time.milliseconds)
            w.field(s.agent)
            w.field(s.trust)
            w.field(s.scrutiny)
            w.field(s.suspended)
            w.field(s.cause?.description ?? "")
            w.endRow()
            if w.bytes.count >= chunkSize { try emit(w.take()) }
        }
        try emit(w.take())
    }
}
