/// A fixed-point number in [0, 1] (or a signed movement), held as integer millionths.
///
/// Trust scores and risk scores are fixed-point so that boundaries such as "trust exactly 0.6"
/// or "a fall of exactly 0.30" are exact: eight DENYs of 0.05 take 1.0 to exactly 0.6.
public struct Score: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The value in millionths (1.0 is 1,000,000).
    public var micros: Int32

    /// Creates a score from millionths.
    @inlinable public init(micros: Int32) { self.micros = micros }

    /// 0.0
    public static let zero = Score(micros: 0)
    /// 1.0
    public static let one = Score(micros: 1_000_000)
    /// Millionths in one whole.
    public static let scale: Int32 = 1_000_000

    /// Compares the fixed-point values exactly.
    @inlinable public static func < (a: Score, b: Score) -> Bool { a.micros < b.micros }
    /// The exact sum, wrapping on overflow; callers clamp with `clampedToUnit`.
    @inlinable public static func + (a: Score, b: Score) -> Score { Score(micros: a.micros &+ b.micros) }
    /// The exact difference, wrapping on overflow.
    @inlinable public static func - (a: Score, b: Score) -> Score { Score(micros: a.micros &- b.micros) }
    /// The same movement in the other direction.
    @inlinable public static prefix func - (a: Score) -> Score { Score(micros: -a.micros) }

    /// The score clamped to [0, 1].
    @inlinable public var clampedToUnit: Score { Score(micros: min(max(micros, 0), Score.scale)) }

    /// The value as a Double, for display and JSON only (never for decisions).
    public var doubleValue: Double { Double(micros) / 1_000_000 }

    /// The shortest exact decimal form: `0.6`, `-0.05`, `1`, `0.000001`.
    public var description: String {
        let neg = micros < 0
        let a = Int64(micros).magnitude
        let whole = a / 1_000_000
        var frac = String(a % 1_000_000 + 1_000_000).dropFirst()
        while frac.last == "0" { frac = frac.dropLast() }
        return (neg ? "-" : "") + "\(whole)" + (frac.isEmpty ? "" : "." + frac)
    }

    /// Parses a decimal with at most six places (`0.6`, `-0.05`, `1`, `.25`), exactly.
    ///
    /// Returns nil for anything else, including more than six decimal places, so that a value
    /// the model cannot represent exactly is refused rather than rounded.
    public static func parse(_ text: String) -> Score? {
        var s = Substring(text.trimmingSpaces())
        var negative = false
        if s.first == "-" { negative = true; s = s.dropFirst() } else if s.first == "+" { s = s.dropFirst() }
        let parts = s.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let intPart = parts.first else { return nil }
        let fracPart = parts.count > 1 ? parts[1] : ""
        guard !(intPart.isEmpty && fracPart.isEmpty), intPart.count <= 4, fracPart.count <= 6,
              intPart.allSatisfy({ $0.isASCII && $0.isNumber }), fracPart.allSatisfy({ $0.isASCII && $0.isNumber })
        else { return nil }
        let whole = Int32(intPart.isEmpty ? "0" : String(intPart)) ?? 0
        let frac = Int32(String(fracPart) + String(repeating: "0", count: 6 - fracPart.count)) ?? 0
        let (w, o) = whole.multipliedReportingOverflow(by: 1_000_000)
        guard !o else { return nil }
        let value = w + frac
        return Score(micros: negative ? -value : value)
    }
}
