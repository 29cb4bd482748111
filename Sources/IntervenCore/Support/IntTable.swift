/// A hash table from a pair of integers to an `Int32`: open addressing, linear probing, a
/// multiplicative hash, tombstones for removal, and no allocation once sized.
///
/// Used on the per-scan path instead of `Dictionary`, whose SipHash costs several times the
/// lookup itself. The first key word must be below `UInt64.max - 1` (two values are reserved).
struct IntTable: Sendable {
    private static let empty = UInt64.max
    private static let removed = UInt64.max - 1
    private var first: [UInt64]
    private var second: [UInt64]
    private var values: [Int32]
    private var mask: Int
    /// Live entries.
    private(set) var count = 0
    /// Live entries plus tombstones.
    private var used = 0

    /// An empty table with room for about `capacity` entries before it grows.
    init(capacity: Int = 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        first = Array(repeating: Self.empty, count: size)
        second = Array(repeating: 0, count: size)
        values = Array(repeating: 0, count: size)
        mask = size - 1
    }

    @inline(__always) private static func slot(_ a: UInt64, _ b: UInt64, _ mask: Int) -> Int {
        let h = (a &* 0x9E37_79B9_7F4A_7C15) ^ (b &* 0xC2B2_AE3D_27D4_EB4F)
        // The high half of the product mixes every input bit (Swift's `>>` binds tighter than `&*`).
        let mixed = (h ^ (h >> 29)) &* 0xBF58_476D_1CE4_E5B9
        return Int(truncatingIfNeeded: mixed >> 32) & mask
    }

    /// The value for a key, if present.
    @inline(__always) func value(_ a: UInt64, _ b: UInt64) -> Int32? {
        var i = Self.slot(a, b, mask)
        while true {
            let k = first[i]
            if k == a && second[i] == b { return values[i] }
            if k == Self.empty { return nil }
            i = (i + 1) & mask
        }
    }

    /// Sets the value for a key, inserting it if new.
    @inline(__always) mutating func set(_ value: Int32, _ a: UInt64, _ b: UInt64) {
        if (used + 1) * 4 > first.count * 3 { rebuild() }
        var i = Self.slot(a, b, mask)
        var reuse = -1
        while true {
            let k = first[i]
            if k == a && second[i] == b { values[i] = value; return }
            if k == Self.removed && reuse < 0 { reuse = i }
            if k == Self.empty { break }
            i = (i + 1) & mask
        }
        if reuse >= 0 { i = reuse } else { used += 1 }
        first[i] = a; second[i] = b; values[i] = value
        count += 1
    }

    /// Removes a key if present.
    @inline(__always) mutating func remove(_ a: UInt64, _ b: UInt64) {
        var i = Self.slot(a, b, mask)
        while true {
            let k = first[i]
            if k == a && second[i] == b { first[i] = Self.removed; count -= 1; return }
            if k == Self.empty { return }
            i = (i + 1) & mask
        }
    }

    /// Re-lays the table without tombstones, doubling it when live entries need the room.
    private mutating func rebuild() {
        var size = first.count
        while (count + 1) * 2 > size { size <<= 1 }
        let oldFirst = first, oldSecond = second, oldValues = values
        first = Array(repeating: Self.empty, count: size)
        second = Array(repeating: 0, count: size)
        values = Array(repeating: 0, count: size)
        mask = size - 1
        count = 0
        used = 0
        for i in oldFirst.indices where oldFirst[i] < Self.removed { set(oldValues[i], oldFirst[i], oldSecond[i]) }
    }
}
