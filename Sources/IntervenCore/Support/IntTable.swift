/// A hash table from non-zero `UInt64` keys to `Int32` values: open addressing, linear probing,
/// a multiplicative hash, and no allocation once sized.
///
/// Used on the per-scan path instead of `Dictionary`, whose SipHash costs several times the
/// lookup itself. Entries are never removed one by one (callers store "empty" values instead).
struct IntTable: Sendable {
    private var keys: [UInt64]
    private var values: [Int32]
    private var mask: Int
    private(set) var count = 0

    /// An empty table with room for about `capacity` entries before it grows.
    init(capacity: Int = 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = Array(repeating: 0, count: size)
        values = Array(repeating: 0, count: size)
        mask = size - 1
    }

    @inline(__always) private static func slot(_ key: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    /// The value for a key, if present. Key 0 is reserved.
    @inline(__always) func value(for key: UInt64) -> Int32? {
        var i = Self.slot(key, mask)
        while true {
            let k = keys[i]
            if k == key { return values[i] }
            if k == 0 { return nil }
            i = (i + 1) & mask
        }
    }

    /// Sets the value for a key (inserting it if new). Key 0 is reserved.
    @inline(__always) mutating func set(_ value: Int32, for key: UInt64) {
        precondition(key != 0, "IntTable key 0 is reserved")
        if (count + 1) * 4 > keys.count * 3 { grow() }
        var i = Self.slot(key, mask)
        while true {
            let k = keys[i]
            if k == key { values[i] = value; return }
            if k == 0 { keys[i] = key; values[i] = value; count += 1; return }
            i = (i + 1) & mask
        }
    }

    private mutating func grow() {
        let oldKeys = keys, oldValues = values
        keys = Array(repeating: 0, count: oldKeys.count * 2)
        values = Array(repeating: 0, count: oldKeys.count * 2)
        mask = keys.count - 1
        count = 0
        for (k, v) in zip(oldKeys, oldValues) where k != 0 { set(v, for: k) }
    }
}
