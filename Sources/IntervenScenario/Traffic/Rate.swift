import IntervenCore

/// An event rate such as `30/min`, `2/h` or `0.5/s`.
public struct Rate: Hashable, Sendable, CustomStringConvertible {
    /// Events per millisecond.
    public let perMillisecond: Double
    /// The text it was written as, normalised (`30/min`).
    public let description: String

    /// Parses `N/unit`: N a non-negative decimal (digits with at most one point), unit one of
    /// `ms`, `s`, `sec`, `m`, `min`, `h`, `hour`, `d`, `day`. Returns nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let number = String(parts[0].filter { $0 != " " })
        let unit = String(parts[1].filter { $0 != " " })
        let units: [String: (name: String, ms: Double)] = [
            "ms": ("ms", 1), "s": ("s", 1000), "sec": ("s", 1000), "m": ("min", 60_000), "min": ("min", 60_000),
            "h": ("h", 3_600_000), "hour": ("h", 3_600_000), "d": ("d", 86_400_000), "day": ("d", 86_400_000),
        ]
        let digitsAndPoint = number.allSatisfy { $0.isASCII && ($0.isNumber || $0 == ".") }
        guard let u = units[unit], !number.isEmpty, digitsAndPoint, number.filter({ $0 == "." }).count <= 1,
              let value = Double(number), value.isFinite
        else { return nil }
        perMillisecond = value / u.ms
        description = "\(number)/\(u.name)"
    }

    /// The mean time between events in milliseconds, or nil for a zero rate.
    public var meanInterval: Double? { perMillisecond > 0 ? 1 / perMillisecond : nil }
}
