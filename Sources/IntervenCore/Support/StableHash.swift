/// SplitMix64: a fixed, portable mixing function for deriving ids and seeds.
///
/// Used instead of `Hasher`, whose output changes from process to process.
@inlinable public func splitMix64(_ x: UInt64) -> UInt64 {
    var z = x &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

/// A stable 64-bit hash of a string (FNV-1a over UTF-8, then mixed), the same in every process.
public func stableHash(_ s: String, seed: UInt64 = 0) -> UInt64 {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325 ^ splitMix64(seed)
    for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
    return splitMix64(h)
}

/// A UUID-formatted string (version 4 layout) built from two 64-bit values.
public func uuidString(_ hi: UInt64, _ lo: UInt64) -> String {
    let a = (hi & 0xFFFF_FFFF_FFFF_0FFF) | 0x4000           // version 4
    let b = (lo & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000 // variant 10
    func hex(_ v: UInt64, _ digits: Int) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: max(0, digits - s.count)) + s
    }
    let h = hex(a, 16), l = hex(b, 16)
    return "\(h.prefix(8))-\(h.dropFirst(8).prefix(4))-\(h.suffix(4))-\(l.prefix(4))-\(l.suffix(12))"
}
