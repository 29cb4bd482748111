import IntervenCore
import Synchronization

/// Fresh trace numbers without a system call each: a 60-bit counter from a random start,
/// scrambled by a bijection of 60-bit numbers (SplitMix64's finaliser steps, modulo 2^60), with
/// the UUID version bits (12–15) set like `TraceIDs.random` and the 60 bits around them. So the
/// numbers look random and differ until the counter wraps (they are not secrets: the mixing is
/// public), and each one's counter value (its ordinal) can be computed back from it: the event
/// log indexes trace records by ordinal, which grows with time, so an insert touches the
/// index's last page instead of a random one (a random 64-bit key dirtied one index page per
/// scan in every batch).
final class TraceNumbers: Sendable {
    private let counter: Atomic<UInt64>
    init() {
        var g = SystemRandomNumberGenerator()
        counter = Atomic(g.next())
    }
    func next() -> UInt64 {
        TraceIDs.number(ordinal: counter.wrappingAdd(1, ordering: .relaxed).newValue & TraceIDs.mask60)
    }
}

extension TraceIDs {
    static let mask60: UInt64 = (1 << 60) - 1
    private static let m1: UInt64 = 0xBF58_476D_1CE4_E5B9
    private static let m2: UInt64 = 0x94D0_49BB_1331_11EB
    /// The inverses of the odd multipliers modulo 2^64 (so also modulo 2^60).
    private static let inv1 = inverse(m1), inv2 = inverse(m2)

    private static func inverse(_ a: UInt64) -> UInt64 {
        var x = a                                   // Newton's iteration: 3, 6, 12, 24, 48, 96 correct bits
        for _ in 0..<5 { x = x &* (2 &- a &* x) }
        return x
    }

    /// Undoes `z ^ (z >> s)` on 60-bit numbers.
    private static func unshift(_ y: UInt64, _ s: UInt64) -> UInt64 {
        var z = y
        for _ in 0..<(60 / s + 1) { z = y ^ (z >> s) }
        return z & mask60
    }

    private static func mix60(_ x: UInt64) -> UInt64 {
        var z = x & mask60
        z = ((z ^ (z >> 30)) &* m1) & mask60
        z = ((z ^ (z >> 27)) &* m2) & mask60
        return z ^ (z >> 31)
    }

    private static func unmix60(_ z: UInt64) -> UInt64 {
        var x = unshift(z & mask60, 31)
        x = unshift((x &* inv2) & mask60, 27)
        x = unshift((x &* inv1) & mask60, 30)
        return x
    }

    /// The trace number of a 60-bit ordinal: the scrambled bits around the version nibble.
    static func number(ordinal: UInt64) -> UInt64 {
        let v = mix60(ordinal)
        return ((v >> 12) << 16) | 0x4000 | (v & 0xFFF)
    }

    /// The ordinal of a trace number (`number(ordinal:)` backwards; any number has one, and the
    /// event log still compares the number itself).
    static func ordinal(_ trace: UInt64) -> Int64 {
        Int64(unmix60(((trace >> 16) << 12) | (trace & 0xFFF)))
    }
}
