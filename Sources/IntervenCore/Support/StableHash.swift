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

/// A UUID-formatted string (version 4 layout) built from two 64-bit values: 8-4-4-4-12 lower-case
/// hex digits of `hi` then `lo`, written as bytes straight into the string's storage.
public func uuidString(_ hi: UInt64, _ lo: UInt64) -> String {
    let a = (hi & 0xFFFF_FFFF_FFFF_0FFF) | 0x4000           // version 4
    let b = (lo & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000 // variant 10
    return String(unsafeUninitializedCapacity: 36) { out in
        var i = 0
        func put(_ v: UInt64, digits: Int) {
            var shift = digits * 4
            while shift > 0 {
                shift -= 4
                let d = UInt8(truncatingIfNeeded: (v >> UInt64(shift)) & 0xF)
                out[i] = d < 10 ? d &+ 48 : d &+ 87
                i += 1
            }
        }
        func dash() { out[i] = UInt8(ascii: "-"); i += 1 }
        put(a >> 32, digits: 8); dash(); put(a >> 16, digits: 4); dash(); put(a, digits: 4); dash()
        put(b >> 48, digits: 4); dash(); put(b, digits: 12)
        return i
    }
}
