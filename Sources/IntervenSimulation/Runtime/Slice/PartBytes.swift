import IntervenCore

/// A compact binary writer for the parts of a sliced run: unsigned LEB128 integers (signed ones
/// zigzagged), strings interned (each distinct string written once, then by number).
struct PartWriter {
    private(set) var bytes: [UInt8] = []
    private var strings: [String: UInt64] = [:]

    mutating func u(_ x: UInt64) {
        var x = x
        while x >= 0x80 { bytes.append(UInt8(x & 0x7F) | 0x80); x >>= 7 }
        bytes.append(UInt8(x))
    }
    mutating func i(_ x: Int64) { u(UInt64(bitPattern: (x << 1) ^ (x >> 63))) }
    mutating func int(_ x: Int) { i(Int64(x)) }
    mutating func bool(_ b: Bool) { bytes.append(b ? 1 : 0) }
    mutating func time(_ t: SimTime) { i(t.milliseconds) }
    mutating func score(_ s: Score) { i(Int64(s.micros)) }

    mutating func string(_ s: String) {
        if let k = strings[s] { u(k + 1); return }
        u(0)
        let utf8 = Array(s.utf8)
        u(UInt64(utf8.count))
        bytes += utf8
        strings[s] = UInt64(strings.count)
    }

    mutating func optional<T>(_ x: T?, _ body: (inout PartWriter, T) -> Void) {
        if let x { bool(true); body(&self, x) } else { bool(false) }
    }

    mutating func array<T>(_ xs: [T], _ body: (inout PartWriter, T) -> Void) {
        u(UInt64(xs.count))
        for x in xs { body(&self, x) }
    }
}

/// Why the bytes of a part could not be read back.
struct PartFormatError: Error { var reason: String }

/// Reads what `PartWriter` wrote; every read checks its bounds.
struct PartReader {
    let bytes: [UInt8]
    var offset = 0
    private var strings: [String] = []

    init(_ bytes: [UInt8], from offset: Int = 0) { self.bytes = bytes; self.offset = offset }

    var atEnd: Bool { offset == bytes.count }

    mutating func u() throws(PartFormatError) -> UInt64 {
        var x: UInt64 = 0, shift: UInt64 = 0
        while true {
            guard offset < bytes.count else { throw PartFormatError(reason: "truncated at byte \(offset)") }
            guard shift < 64 else { throw PartFormatError(reason: "an integer too long at byte \(offset)") }
            let b = bytes[offset]; offset += 1
            x |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return x }
            shift += 7
        }
    }
    mutating func i() throws(PartFormatError) -> Int64 {
        let z = try u()
        return Int64(bitPattern: (z >> 1) ^ (0 &- (z & 1)))
    }
    mutating func int() throws(PartFormatError) -> Int { Int(try i()) }
    mutating func int32() throws(PartFormatError) -> Int32 {
        let x = try i()
        guard let v = Int32(exactly: x) else { throw PartFormatError(reason: "value \(x) out of range at byte \(offset)") }
        return v
    }
    mutating func count() throws(PartFormatError) -> Int {
        let n = try u()
        guard n <= UInt64(bytes.count - offset) else { throw PartFormatError(reason: "a count of \(n) beyond the data at byte \(offset)") }
        return Int(n)
    }
    mutating func bool() throws(PartFormatError) -> Bool {
        guard offset < bytes.count else { throw PartFormatError(reason: "truncated at byte \(offset)") }
        let b = bytes[offset]; offset += 1
        guard b <= 1 else { throw PartFormatError(reason: "a flag of \(b) at byte \(offset - 1)") }
        return b == 1
    }
    mutating func time() throws(PartFormatError) -> SimTime { SimTime(milliseconds: try i()) }
    mutating func score() throws(PartFormatError) -> Score { Score(micros: try int32()) }

    mutating func string() throws(PartFormatError) -> String {
        let k = try u()
        if k > 0 {
            guard k <= UInt64(strings.count) else { throw PartFormatError(reason: "string \(k) before its definition at byte \(offset)") }
            return strings[Int(k - 1)]
        }
        let n = try count()
        let s = String(decoding: bytes[offset..<(offset + n)], as: UTF8.self)
        offset += n
        strings.append(s)
        return s
    }

    /// A case of a raw-valued enumeration.
    mutating func named<E: RawRepresentable>(_: E.Type) throws(PartFormatError) -> E where E.RawValue: FixedWidthInteger {
        let raw = try u()
        guard let r = E.RawValue(exactly: raw), let e = E(rawValue: r) else {
            throw PartFormatError(reason: "no \(E.self) numbered \(raw) at byte \(offset)")
        }
        return e
    }

    mutating func optional<T>(_ body: (inout PartReader) throws(PartFormatError) -> T) throws(PartFormatError) -> T? {
        try bool() ? try body(&self) : nil
    }

    mutating func array<T>(_ body: (inout PartReader) throws(PartFormatError) -> T) throws(PartFormatError) -> [T] {
        let n = try count()
        var out: [T] = []
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(try body(&self)) }
        return out
    }
}

extension PartWriter {
    mutating func named<E: RawRepresentable>(_ e: E) where E.RawValue: FixedWidthInteger { u(UInt64(e.rawValue)) }
}
