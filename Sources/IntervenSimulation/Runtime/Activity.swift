public import IntervenCore

/// What the activity log holds and how it is written: one record per scan (see `ActivityLog`).
public struct ActivityOptions: Sendable {
    public enum Format: Sendable { case csv, ndjson }
    public var format: Format
    /// Decisions logged (by `Decision.rawValue`); all by default.
    public var decisions: [Bool] = [true, true, true, true]
    /// Agent-name glob and group name; nil logs every agent.
    public var agent: String? = nil
    public var group: String? = nil
    /// Time window [from, to) from the start of the run; nil for no bound.
    public var from: SimDuration? = nil
    public var to: SimDuration? = nil
    /// The instant virtual time 0 stands for, in Unix milliseconds (default 2026-01-01T00:00:00Z).
    public var startUnixMilliseconds: Int64 = ActivityLog.defaultStart

    public init(format: Format) { self.format = format }
}

/// The activity log's columns and formatting.
public enum ActivityLog {
    /// 2026-01-01T00:00:00Z in Unix milliseconds.
    public static let defaultStart: Int64 = 1_767_225_600_000

    /// The columns, in order (CSV header; NDJSON keys).
    public static let columns = ["time_ms", "time", "trace", "agent", "group", "label", "runtime", "tool", "operation", "verb",
                                 "host", "data_classes", "risk", "band", "decision", "reasons", "policy", "trust_before",
                                 "trust_after", "scrutiny", "approval", "incidents"]

    /// The first line of a CSV log (NDJSON has none).
    public static func header(_ format: ActivityOptions.Format) -> [UInt8] {
        format == .csv ? Array((columns.joined(separator: ",") + "\n").utf8) : []
    }

    /// `2026-01-01T06:30:00.125Z` for Unix milliseconds.
    public static func rfc3339(_ unixMilliseconds: Int64) -> String {
        var out: [UInt8] = []
        appendRFC3339(unixMilliseconds, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `rfc3339(ms)` (the results files' formatter too).
    package static func appendRFC3339(_ ms: Int64, to out: inout [UInt8]) {
        let days = ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000
        let rest = ms - days * 86_400_000
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func two(_ v: Int64) { out.append(UInt8(48 + v / 10)); out.append(UInt8(48 + v % 10)) }
        two(y / 100); two(y % 100); out.append(45); two(m); out.append(45); two(d); out.append(84)
        two(rest / 3_600_000); out.append(58); two(rest / 60_000 % 60); out.append(58); two(rest / 1_000 % 60)
        out.append(46)
        let frac = rest % 1_000
        out.append(UInt8(48 + frac / 100)); out.append(UInt8(48 + frac / 10 % 10)); out.append(UInt8(48 + frac % 10))
        out.append(90)
    }
}

/// Formats one record's fields into a line of CSV or NDJSON.
struct ActivityLine {
    let format: ActivityOptions.Format
    var first = true

    init(format: ActivityOptions.Format, into out: inout [UInt8]) {
        self.format = format
        if format == .ndjson { out.append(UInt8(ascii: "{")) }
    }

    mutating func key(_ index: Int, _ out: inout [UInt8]) {
        if !first { out.append(UInt8(ascii: ",")) }
        first = false
        if format == .ndjson {
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: ActivityLog.columns[index].utf8)
            out.append(contentsOf: "\":".utf8)
        }
    }

    /// A text field as `text` writes its value, for caching (without key or separator).
    static func formatted(_ s: String?, _ format: ActivityOptions.Format) -> [UInt8] {
        let line = ActivityLine(format: format)
        var out: [UInt8] = []
        line.value(s, &out)
        return out
    }

    /// A list as `list` writes it, for caching.
    static func formatted(list items: [String], _ format: ActivityOptions.Format) -> [UInt8] {
        let line = ActivityLine(format: format)
        var out: [UInt8] = []
        line.listValue(items, &out)
        return out
    }

    private init(format: ActivityOptions.Format) { self.format = format }

    /// A line whose first fields were written already (by `ActivityFormatter`).
    init(continuing format: ActivityOptions.Format) {
        self.format = format
        first = false
    }

    /// What `key(index)` writes before a field: `,` in CSV (nothing before the first), the
    /// separator, name and colon in NDJSON (`{` before the first).
    static func glue(_ index: Int, _ format: ActivityOptions.Format) -> [UInt8] {
        var out: [UInt8] = []
        var line = index == 0 ? ActivityLine(format: format, into: &out) : ActivityLine(continuing: format)
        line.key(index, &out)
        return out
    }


    /// A text field (quoted when needed in CSV, always in NDJSON; nil is empty / null).
    mutating func text(_ index: Int, _ s: String?, _ out: inout [UInt8]) {
        key(index, &out)
        value(s, &out)
    }

    private func value(_ s: String?, _ out: inout [UInt8]) {
        guard let s else { if format == .ndjson { out.append(contentsOf: "null".utf8) }; return }
        var copy = s
        copy.withUTF8 { u in
            if format == .csv {
                let quote = u.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }
                if quote { out.append(UInt8(ascii: "\"")) }
                for b in u { if b == UInt8(ascii: "\"") { out.append(b) }; out.append(b) }
                if quote { out.append(UInt8(ascii: "\"")) }
            } else {
                out.append(UInt8(ascii: "\""))
                for b in u {
                    switch b {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(b)
                    case 10: out.append(contentsOf: "\\n".utf8)
                    case 13: out.append(contentsOf: "\\r".utf8)
                    case 0..<0x20:
                        let hex = Array("0123456789abcdef".utf8)
                        out.append(contentsOf: "\\u00".utf8); out.append(hex[Int(b >> 4)]); out.append(hex[Int(b & 15)])
                    default: out.append(b)
                    }
                }
                out.append(UInt8(ascii: "\""))
            }
        }
    }


    /// A list: space-separated in CSV, an array of strings in NDJSON.
    mutating func list(_ index: Int, _ items: [String], _ out: inout [UInt8]) {
        key(index, &out)
        listValue(items, &out)
    }

    private func listValue(_ items: [String], _ out: inout [UInt8]) {
        if format == .csv { value(items.joined(separator: " "), &out); return }
        out.append(UInt8(ascii: "["))
        for (k, item) in items.enumerated() {
            if k > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\"")); out.append(contentsOf: item.utf8); out.append(UInt8(ascii: "\""))
        }
        out.append(UInt8(ascii: "]"))
    }

    func end(_ out: inout [UInt8]) {
        if format == .ndjson { out.append(UInt8(ascii: "}")) }
        out.append(10)
    }
}

extension [UInt8] {
    /// Appends `Score.description` (`0.6`, `-0.05`, `1`) without making a String.
    package mutating func appendScoreDigits(_ s: Score) {
        if s.micros < 0 { append(UInt8(ascii: "-")) }
        let a = UInt64(Int64(s.micros).magnitude)
        appendDecimalDigits(a / 1_000_000)
        var frac = a % 1_000_000
        guard frac != 0 else { return }
        var places = 6
        while frac % 10 == 0 { frac /= 10; places -= 1 }
        append(UInt8(ascii: "."))
        var scale: UInt64 = 1
        for _ in 1..<places { scale *= 10 }
        while scale > 0 { append(UInt8(ascii: "0") &+ UInt8(frac / scale % 10)); scale /= 10 }
    }
}


extension [UInt8] {
    /// Appends the decimal digits of a non-negative integer.
    package mutating func appendDecimalDigits<T: BinaryInteger>(_ n: T) {
        var v = UInt64(n)
        var divisor: UInt64 = 1
        while v / divisor >= 10 { divisor *= 10 }
        repeat { append(UInt8(48 + v / divisor)); v %= divisor; divisor /= 10 } while divisor > 0
    }
}
