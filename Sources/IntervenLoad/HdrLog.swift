import Foundation
public import Histogram

/// Interval histograms as HdrHistogram's log format (`.hlog`, what `HistogramLogWriter` writes
/// and `HistogramLogReader`, `HistogramLogProcessor` and HistogramLogAnalyzer read): comment
/// lines with the format version, start and base time, the CSV legend, then one line per
/// interval: start (seconds after the base time), length (seconds), the interval's maximum
/// (in milliseconds: values are recorded in microseconds, written with a unit ratio of 1000)
/// and the interval's histogram, compressed V2 encoding in base64.
struct IntervalLogs: Sendable {
    /// The histogram of the current interval, per log name.
    var current: [String: Latency] = [:]
    /// The current interval's start, whole seconds after the run's start.
    var second = 0
    /// Finished interval lines per log name, in time order.
    var lines: [String: [String]] = [:]

    /// Records `micros` into log `name`'s interval that holds `second` (a request finishing
    /// while an older interval is written goes into the newer one).
    mutating func record(_ name: String, _ micros: UInt64, second s: Int) {
        if s > second { close(length: Double(s - second)); second = s }
        if current[name] == nil { current[name] = newLatency() }
        _ = current[name]!.record(micros)
    }

    /// Writes the current interval (`length` seconds long) to the lines and starts a new one.
    mutating func close(length: Double) {
        for (name, h) in current where h.totalCount > 0 {
            lines[name, default: []].append(Self.line(start: Double(second), length: length, h))
            current[name]!.reset()
        }
    }

    /// One interval line: `start,length,max,histogram`.
    static func line(start: Double, length: Double, _ h: Latency) -> String {
        String(format: "%.3f,%.3f,%.3f,", start, length, Double(h.max) / 1000)
            + Data(HdrEncoding.encodeCompressed(h)).base64EncodedString()
    }

    /// A whole log: header and the lines of `name`.
    static func text(_ lines: [String], startedAt: Date, title: String) -> String {
        let start = startedAt.timeIntervalSince1970
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE MMM dd HH:mm:ss zzz yyyy"
        var out = "#[\(title)]\n"
        out += "#[Histogram log format version 1.3]\n"
        out += String(format: "#[StartTime: %.3f (seconds since epoch), ", start) + formatter.string(from: startedAt) + "]\n"
        out += String(format: "#[BaseTime: %.3f (seconds since epoch)]\n", start)
        out += "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"\n"
        for l in lines { out += l + "\n" }
        return out
    }
}

/// One interval read back from a `.hlog` text (for tests and tools that check what was written).
public struct HdrLogInterval: Sendable {
    public var start: Double
    public var length: Double
    public var max: Double
    public var histogram: Histogram<UInt64>
}

public enum HdrLogReader {
    /// The intervals of a log's text, and its start time (seconds since the epoch); comment
    /// lines and the legend are skipped.
    public static func read(_ text: String) throws(HdrEncoding.DecodingError) -> (startTime: Double?, intervals: [HdrLogInterval]) {
        var startTime: Double? = nil
        var out: [HdrLogInterval] = []
        for raw in text.split(separator: "\n") {
            let line = String(raw)
            if line.hasPrefix("#[StartTime: ") {
                startTime = Double(line.dropFirst(13).prefix { $0 != " " })
                continue
            }
            if line.hasPrefix("#") || line.hasPrefix("\"StartTimestamp\"") { continue }
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            guard cells.count == 4, let s = Double(cells[0]), let l = Double(cells[1]), let m = Double(cells[2]),
                  let bytes = Data(base64Encoded: String(cells[3])) else {
                throw HdrEncoding.DecodingError(description: "expected start,length,max,base64; found '\(line.prefix(60))'")
            }
            out.append(HdrLogInterval(start: s, length: l, max: m, histogram: try HdrEncoding.decode(Array(bytes))))
        }
        return (startTime, out)
    }
}
