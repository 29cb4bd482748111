// Raw bytes for the activity log: records are formatted with a moving pointer into room
// reserved once per record (in an `ActivityStore`), from fragments made once per shard, with no
// `String` and no array bounds or uniqueness checks per field.

/// A growable byte buffer: the writer's piece of merged records.
final class ActivityBytes: @unchecked Sendable {
    private(set) var base: UnsafeMutablePointer<UInt8>
    var count = 0
    private(set) var capacity: Int

    init(capacity: Int = 1 << 16) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// Makes room for `more` bytes after `count`; returns where they go.
    @inline(__always) func reserve(_ more: Int) -> UnsafeMutablePointer<UInt8> {
        if count + more > capacity { grow(count + more) }
        return base + count
    }

    private func grow(_ needed: Int) {
        var c = capacity
        while c < needed { c *= 2 }
        let b = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
        b.update(from: base, count: count)
        base.deallocate()
        base = b
        capacity = c
    }

    /// Sets `count` to the end of what was written from `reserve`'s pointer.
    @inline(__always) func commit(_ end: UnsafeMutablePointer<UInt8>) { count = end - base }

    /// The bytes written so far.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }
}

/// A formatted piece of a record: bytes that never move (see `FragmentArena`).
struct Fragment: @unchecked Sendable {
    var start: UnsafePointer<UInt8>
    var count: Int

    /// Bytes a `put` may read past a fragment's end and write past its copy: every fragment
    /// has them readable after it (`FragmentArena`), every record has them as room after it.
    static let slack = 16

    /// Copies the fragment to `p` and moves `p` past it. Fragments of up to 32 bytes (most of
    /// them) are copied as one or two 16-byte vectors instead of with a call to memmove.
    @inline(__always) func put(_ p: inout UnsafeMutablePointer<UInt8>) {
        let from = UnsafeRawPointer(start), to = UnsafeMutableRawPointer(p)
        if count <= 16 {
            to.storeBytes(of: from.loadUnaligned(as: SIMD16<UInt8>.self), as: SIMD16<UInt8>.self)
        } else if count <= 32 {
            let last = count - 16
            let a = from.loadUnaligned(as: SIMD16<UInt8>.self), b = from.loadUnaligned(fromByteOffset: last, as: SIMD16<UInt8>.self)
            to.storeBytes(of: a, as: SIMD16<UInt8>.self)
            to.storeBytes(of: b, toByteOffset: last, as: SIMD16<UInt8>.self)
        } else {
            p.update(from: start, count: count)
        }
        p += count
    }
}

/// Holds fragments in blocks that are never reallocated, so a `Fragment` stays valid as long as
/// its arena lives.
final class FragmentArena: @unchecked Sendable {
    private var blocks: [UnsafeMutablePointer<UInt8>] = []
    private var used = 0, size = 0
    static let blockSize = 1 << 16

    deinit { for b in blocks { b.deallocate() } }

    /// Stores `bytes` and returns them as a fragment.
    func store(_ bytes: [UInt8]) -> Fragment {
        if blocks.isEmpty || used + bytes.count > size {
            size = max(Self.blockSize, bytes.count)
            // `Fragment.slack` readable bytes after the last fragment of the block.
            let block = UnsafeMutablePointer<UInt8>.allocate(capacity: size + Fragment.slack)
            block.initialize(repeating: 0, count: size + Fragment.slack)
            blocks.append(block)
            used = 0
        }
        let p = blocks[blocks.count - 1] + used
        bytes.withUnsafeBufferPointer { if let b = $0.baseAddress { p.update(from: b, count: $0.count) } }
        used += bytes.count
        return Fragment(start: UnsafePointer(p), count: bytes.count)
    }
}

/// The decimal digits of 00 to 99, two bytes each.
private let digitPairs: [UInt8] = {
    var out: [UInt8] = []
    for v in 0..<100 {
        let tens = UInt8(v / 10), ones = UInt8(v % 10)
        out.append(48 + tens)
        out.append(48 + ones)
    }
    return out
}()

enum Digits {
    /// Writes the decimal digits of `n` at `p` and moves `p` past them (at most 20 bytes).
    @inline(__always) static func put(_ n: UInt64, _ p: inout UnsafeMutablePointer<UInt8>) {
        var count = 1
        var probe = n
        while probe >= 10 { probe /= 10; count += 1 }
        var v = n
        var i = count
        digitPairs.withUnsafeBufferPointer { pairs in
            while v >= 100 {
                let r = Int(v % 100) * 2
                v /= 100
                i -= 2
                p[i] = pairs[r]; p[i + 1] = pairs[r + 1]
            }
            if v >= 10 {
                let r = Int(v) * 2
                p[i - 2] = pairs[r]; p[i - 1] = pairs[r + 1]
            } else {
                p[i - 1] = UInt8(truncatingIfNeeded: v) &+ 48
            }
        }
        p += count
    }

    /// Writes two digits of `v` (0 to 99).
    @inline(__always) static func two(_ v: Int64, _ p: inout UnsafeMutablePointer<UInt8>) {
        p[0] = UInt8(truncatingIfNeeded: v / 10) &+ 48
        p[1] = UInt8(truncatingIfNeeded: v % 10) &+ 48
        p += 2
    }

    /// Writes `Score.description` (`0.6`, `-0.05`, `1`): at most 15 bytes.
    @inline(__always) static func score(_ micros: Int32, _ p: inout UnsafeMutablePointer<UInt8>) {
        if micros < 0 { p.pointee = UInt8(ascii: "-"); p += 1 }
        let a = UInt64(Int64(micros).magnitude)
        put(a / 1_000_000, &p)
        var frac = a % 1_000_000
        guard frac != 0 else { return }
        var places = 6
        while frac % 10 == 0 { frac /= 10; places -= 1 }
        p.pointee = UInt8(ascii: ".")
        var i = places
        while i > 0 { p[i] = UInt8(truncatingIfNeeded: frac % 10) &+ 48; frac /= 10; i -= 1 }
        p += places + 1
    }
}

/// RFC 3339 text of Unix milliseconds (`2026-01-01T06:30:00.125Z`, 24 bytes), the date part
/// made once per day.
struct InstantWriter {
    private var day: Int64 = .min
    private var date: (UInt64, UInt64) = (0, 0)   // `YYYY-MM-DDT`, 11 bytes

    @inline(__always) mutating func put(_ ms: Int64, _ p: inout UnsafeMutablePointer<UInt8>) {
        let d = ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000
        if d != day { setDay(d) }
        withUnsafeBytes(of: &date) { UnsafeMutableRawPointer(p).copyMemory(from: $0.baseAddress!, byteCount: 11) }
        p += 11
        let rest = ms - d * 86_400_000
        Digits.two(rest / 3_600_000, &p); p.pointee = 58; p += 1
        Digits.two(rest / 60_000 % 60, &p); p.pointee = 58; p += 1
        Digits.two(rest / 1_000 % 60, &p); p.pointee = 46; p += 1
        let frac = rest % 1_000
        p[0] = UInt8(truncatingIfNeeded: frac / 100) &+ 48
        p[1] = UInt8(truncatingIfNeeded: frac / 10 % 10) &+ 48
        p[2] = UInt8(truncatingIfNeeded: frac % 10) &+ 48
        p[3] = 90
        p += 4
    }

    private mutating func setDay(_ d: Int64) {
        day = d
        var text: [UInt8] = []
        ActivityLog.appendRFC3339(d * 86_400_000, to: &text)
        withUnsafeMutableBytes(of: &date) { raw in
            for i in 0..<11 { raw[i] = text[i] }
        }
    }
}
