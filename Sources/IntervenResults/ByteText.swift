import IntervenCore
import IntervenScenario
import IntervenSimulation

/// Appends the text of integers, times and scores straight into a byte buffer.
///
/// The results files hold millions of numbers for a large run, and going through `String` for
/// each costs more than the simulation itself. The text is exactly what `description` gives
/// (tests hold the two together).
extension Array where Element == UInt8 {
    /// Appends the decimal digits of `n`.
    mutating func appendDecimal(_ n: UInt64) {
        if n < 10 { append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: n)); return }
        // Digits are produced last first into a stack buffer (division by a constant is a multiply).
        var buffer: (UInt64, UInt64, UInt64) = (0, 0, 0)      // 24 bytes; UInt64.max has 20 digits
        Swift.withUnsafeMutableBytes(of: &buffer) { raw in
            var i = raw.count, v = n
            while v > 0 {
                i -= 1
                raw[i] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: v % 10)
                v /= 10
            }
            append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[i...]))
        }
    }

    /// Appends the decimal digits of `n`, with `-` when negative.
    mutating func appendDecimal(_ n: Int64) {
        if n < 0 { append(UInt8(ascii: "-")) }
        appendDecimal(n.magnitude)
    }

    /// Appends `v` with at least two digits.
    mutating func appendTwoDigits(_ v: UInt64) {
        if v < 10 { append(UInt8(ascii: "0")) }
        appendDecimal(v)
    }

    /// Appends `SimTime.description`: `HH:MM:SS`, `Nd HH:MM:SS`, `.mmm` when not on a whole second.
    mutating func appendTime(_ t: SimTime) {
        if t == .never { append(contentsOf: "never".utf8); return }
        if t.milliseconds < 0 { append(UInt8(ascii: "-")) }
        let a = t.milliseconds.magnitude
        let days = a / 86_400_000
        if days > 0 { appendDecimal(days); append(UInt8(ascii: "d")); append(UInt8(ascii: " ")) }
        appendTwoDigits(a / 3_600_000 % 24); append(UInt8(ascii: ":"))
        appendTwoDigits(a / 60_000 % 60); append(UInt8(ascii: ":"))
        appendTwoDigits(a / 1000 % 60)
        let f = a % 1000
        if f != 0 {
            append(UInt8(ascii: "."))
            append(UInt8(ascii: "0") &+ UInt8(f / 100)); append(UInt8(ascii: "0") &+ UInt8(f / 10 % 10))
            append(UInt8(ascii: "0") &+ UInt8(f % 10))
        }
    }

    /// Appends `Score.description`: the shortest exact decimal, `0.6`, `-0.05`, `1` (the
    /// activity log's formatter, shared).
    mutating func appendScore(_ s: Score) { appendScoreDigits(s) }
}
