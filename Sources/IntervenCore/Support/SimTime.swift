/// A point in virtual time, in integer milliseconds since the start of a run.
///
/// Virtual time is an integer so that runs reproduce bit for bit; one tick is one millisecond.
public struct SimTime: Hashable, Comparable, Sendable, BitwiseCopyable, CustomStringConvertible {
    /// Milliseconds since the start of the run.
    public var milliseconds: Int64

    /// Creates a time from milliseconds since the start of the run.
    @inlinable public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    /// The start of a run.
    public static let zero = SimTime(milliseconds: 0)
    /// A time before every event, used as "never".
    public static let never = SimTime(milliseconds: .min)

    /// Earlier first.
    @inlinable public static func < (a: SimTime, b: SimTime) -> Bool { a.milliseconds < b.milliseconds }
    /// The time a duration later, wrapping rather than trapping on overflow.
    @inlinable public static func + (a: SimTime, d: SimDuration) -> SimTime {
        SimTime(milliseconds: a.milliseconds &+ d.milliseconds)
    }
    /// The time a duration earlier, wrapping rather than trapping on overflow.
    @inlinable public static func - (a: SimTime, d: SimDuration) -> SimTime {
        SimTime(milliseconds: a.milliseconds &- d.milliseconds)
    }
    /// The duration from `b` to `a`, wrapping rather than trapping on overflow.
    @inlinable public static func - (a: SimTime, b: SimTime) -> SimDuration {
        SimDuration(milliseconds: a.milliseconds &- b.milliseconds)
    }

    /// The time as `HH:MM:SS` (or `Nd HH:MM:SS`), with `.mmm` when not on a whole second.
    public var description: String {
        if self == .never { return "never" }
        let ms = milliseconds
        let sign = ms < 0 ? "-" : ""
        let a = ms.magnitude
        let days = a / 86_400_000
        let h = (a / 3_600_000) % 24, m = (a / 60_000) % 60, s = (a / 1000) % 60, f = a % 1000
        var out = sign
        if days > 0 { out += "\(days)d " }
        out += pad2(h) + ":" + pad2(m) + ":" + pad2(s)
        if f != 0 { out += "." + String(String(f + 1000).dropFirst()) }
        return out
    }
}

/// A length of virtual time in integer milliseconds.
public struct SimDuration: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The length in milliseconds.
    public var milliseconds: Int64

    /// Creates a duration from milliseconds.
    @inlinable public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    /// A duration of the given number of seconds.
    @inlinable public static func seconds(_ s: Int64) -> SimDuration { SimDuration(milliseconds: s * 1000) }
    /// A duration of the given number of minutes.
    @inlinable public static func minutes(_ m: Int64) -> SimDuration { SimDuration(milliseconds: m * 60_000) }
    /// A duration of the given number of hours.
    @inlinable public static func hours(_ h: Int64) -> SimDuration { SimDuration(milliseconds: h * 3_600_000) }
    /// No time at all.
    public static let zero = SimDuration(milliseconds: 0)

    /// Shorter first.
    @inlinable public static func < (a: SimDuration, b: SimDuration) -> Bool { a.milliseconds < b.milliseconds }
    /// The two lengths together.
    @inlinable public static func + (a: SimDuration, b: SimDuration) -> SimDuration {
        SimDuration(milliseconds: a.milliseconds + b.milliseconds)
    }
    /// The length `n` times over.
    @inlinable public static func * (a: SimDuration, n: Int64) -> SimDuration {
        SimDuration(milliseconds: a.milliseconds * n)
    }

    /// The duration in the compact form the YAML files use: `1h30m`, `90s`, `250ms`, `2d`.
    public var description: String {
        if milliseconds == 0 { return "0s" }
        var rest = milliseconds.magnitude
        var out = milliseconds < 0 ? "-" : ""
        for (unit, size) in [("d", UInt64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1)]
        where rest >= size {
            out += "\(rest / size)\(unit)"
            rest %= size
        }
        return out
    }

    /// Parses `90s`, `5m`, `1h30m`, `2d`, `250ms` (units may repeat in descending order).
    ///
    /// Returns nil for anything else, including an empty string or a bare number; a leading
    /// `-` gives a negative duration, which callers that need a length must refuse themselves.
    public static func parse(_ text: String) -> SimDuration? {
        var s = Substring(text.trimmingSpaces())
        var negative = false
        if s.first == "-" { negative = true; s = s.dropFirst() }
        guard !s.isEmpty else { return nil }
        var total: Int64 = 0
        var lastRank = Int.max
        while !s.isEmpty {
            let digits = s.prefix(while: { $0.isASCII && $0.isNumber })
            guard !digits.isEmpty, let n = Int64(digits) else { return nil }
            s = s.dropFirst(digits.count)
            let unit: String
            if s.hasPrefix("ms") { unit = "ms" } else if let c = s.first { unit = String(c) } else { return nil }
            s = s.dropFirst(unit.count)
            let table: [String: (Int, Int64)] = ["d": (4, 86_400_000), "h": (3, 3_600_000), "m": (2, 60_000),
                                                 "s": (1, 1000), "ms": (0, 1)]
            guard let (rank, size) = table[unit], rank < lastRank else { return nil }
            lastRank = rank
            let (product, overflow) = n.multipliedReportingOverflow(by: size)
            guard !overflow else { return nil }
            let (sum, overflow2) = total.addingReportingOverflow(product)
            guard !overflow2 else { return nil }
            total = sum
        }
        return SimDuration(milliseconds: negative ? -total : total)
    }
}

@inline(__always) private func pad2(_ v: UInt64) -> String { v < 10 ? "0\(v)" : "\(v)" }

extension String {
    /// The string without leading and trailing spaces and tabs.
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
