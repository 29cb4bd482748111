/// Elementary functions built only from IEEE-754 basic operations, so results are bit-identical
/// on every machine (platform `log` implementations may differ in the last bit).
public enum DeterministicMath {
    private static let ln2 = 0.693_147_180_559_945_3

    /// The natural logarithm of a positive finite `x` (nil-free: callers pass x in (0, ∞)).
    ///
    /// x = m · 2^e with m in [√½, √2) (so x near 1 keeps e = 0 and loses no precision to
    /// cancellation); ln m = 2·atanh(s), s = (m − 1)/(m + 1) in (−0.172, 0.172), summed as an
    /// odd series to well below one ulp.
    public static func log(_ x: Double) -> Double {
        precondition(x > 0 && x.isFinite, "log needs a positive finite argument")
        var e = Double(x.exponent)
        var m = x.significand          // in [1, 2) for normal and subnormal x
        if m > 1.414_213_562_373_095_1 { m /= 2; e += 1 }   // exact: halving only changes the exponent
        let s = (m - 1) / (m + 1)
        let s2 = s * s
        var term = s
        var sum = s
        var k = 3.0
        while k < 30 {
            term *= s2
            sum += term / k
            k += 2
        }
        return e * ln2 + 2 * sum
    }
}
