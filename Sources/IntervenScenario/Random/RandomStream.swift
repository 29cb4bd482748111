import IntervenCore

/// A seeded xoshiro256** generator: one stream per agent, derived from (seed, stream id).
///
/// Deriving each agent's stream from its own id (not from a shared generator) is what lets a
/// scenario add an agent group without changing the traffic of the others.
public struct RandomStream: RandomNumberGenerator, Sendable {
    private var s0, s1, s2, s3: UInt64

    /// The stream for `stream` (e.g. a stable hash of the agent id) under a run's `seed`.
    public init(seed: UInt64, stream: UInt64) {
        // SplitMix64 expands the pair into four words, as xoshiro's authors recommend.
        var x = seed ^ splitMix64(stream ^ 0xD1B5_4A32_D192_ED03)
        func step() -> UInt64 { x = x &+ 0x9E37_79B9_7F4A_7C15; return splitMix64(x) }
        s0 = step(); s1 = step(); s2 = step(); s3 = step()
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }   // the all-zero state is the one xoshiro must avoid
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    /// A uniform double in [0, 1) with 53 random bits.
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// A uniform integer in `0..<bound` (Lemire's method, unbiased).
    public mutating func nextBelow(_ bound: UInt64) -> UInt64 {
        precondition(bound > 0)
        var m = next().multipliedFullWidth(by: bound)
        if m.low < bound {
            let threshold = (0 &- bound) % bound
            while m.low < threshold { m = next().multipliedFullWidth(by: bound) }
        }
        return m.high
    }

    /// An exponentially distributed draw with the given mean, using only IEEE basic operations
    /// (so every machine gets the same bits).
    public mutating func exponential(mean: Double) -> Double {
        // 1 - u is in (0, 1], so the logarithm is finite.
        -mean * DeterministicMath.log(1 - nextUnit())
    }
}

@inline(__always) private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
