/// Mean and 95% confidence interval of a small sample.
public enum SweepStats {
    /// Two-sided 97.5% quantiles of Student's t for 1 to 29 degrees of freedom.
    static let t975: [Double] = [
        12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004, 2.262157, 2.228139,
        2.200985, 2.178813, 2.160369, 2.144787, 2.131450, 2.119905, 2.109816, 2.100922, 2.093024, 2.085963,
        2.079614, 2.073873, 2.068658, 2.063899, 2.059539, 2.055529, 2.051831, 2.048407, 2.045230,
    ]
    /// The normal quantile used from 30 values on.
    static let z975 = 1.959964

    /// The quantile for a sample of `n` values (n ≥ 2): Student's t below 30, the normal from 30.
    public static func quantile(_ n: Int) -> Double { n < 30 ? t975[n - 2] : z975 }

    /// The mean (nil for no values) and the half-width of its 95% confidence interval (nil for
    /// fewer than two values): t × s / √n with the sample standard deviation s.
    public static func meanAndInterval(_ xs: [Double]) -> (mean: Double?, halfWidth: Double?) {
        guard !xs.isEmpty else { return (nil, nil) }
        var sum = 0.0
        for x in xs { sum += x }
        let mean = sum / Double(xs.count)
        guard xs.count >= 2 else { return (mean, nil) }
        var squares = 0.0
        for x in xs { squares += (x - mean) * (x - mean) }
        let sd = (squares / Double(xs.count - 1)).squareRoot()
        return (mean, quantile(xs.count) * sd / Double(xs.count).squareRoot())
    }

    /// `x` with exactly `places` decimals, rounded half away from zero (`-0` written `0`).
    public static func fixed(_ x: Double, places: Int) -> String {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        guard x.isFinite, abs(x * scale) < 9e17 else { return "0" }
        let n = Int64((abs(x) * scale).rounded())
        let s = Int64(scale)
        let body = places == 0 ? "\(n)" : "\(n / s)." + String(String(n % s + s).dropFirst())
        return x < 0 && n != 0 ? "-" + body : body
    }
}
