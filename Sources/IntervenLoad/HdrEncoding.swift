import CZlib
public import Histogram

/// HdrHistogram's V2 binary encoding, plain and compressed, byte for byte as the Java
/// implementation writes it (`encodeIntoByteBuffer`, `encodeIntoCompressedByteBuffer`), and
/// its decoding. The Swift package keeps the counts but does not encode them.
///
/// Plain: a 40-byte big-endian header (cookie `0x1c849313`, payload length, normalizing index
/// offset 0, significant digits, lowest discernible value, highest trackable value, integer to
/// double ratio 1.0), then the counts array up to the maximum's index, each count a ZigZag
/// LEB128 number and each run of two or more zeros one negative number (minus its length).
/// Compressed: cookie `0x1c849314`, the length of what follows, the plain encoding deflated
/// (zlib format, best compression, as the Java log writer's lines are).
public enum HdrEncoding {
    static let plainCookie: UInt32 = 0x1c84_9303 | 0x10
    static let compressedCookie: UInt32 = 0x1c84_9304 | 0x10

    /// Why bytes could not be decoded.
    public struct DecodingError: Error, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// The plain V2 encoding of `h`.
    public static func encode(_ h: Histogram<UInt64>) -> [UInt8] {
        let layout = Layout(h.lowestDiscernibleValue, Int(h.numberOfSignificantValueDigits.rawValue))
        var payload: [UInt8] = []
        var next = 0   // the counts index after the last one written
        for v in h.recordedValues() {
            let index = layout.index(of: v.value)
            let zeros = index - next
            if zeros == 1 { putZigZag(0, &payload) } else if zeros > 1 { putZigZag(-Int64(zeros), &payload) }
            putZigZag(Int64(v.count), &payload)
            next = index + 1
        }
        var out: [UInt8] = []
        out.reserveCapacity(40 + payload.count)
        put32(plainCookie, &out)
        put32(UInt32(payload.count), &out)
        put32(0, &out)
        put32(UInt32(h.numberOfSignificantValueDigits.rawValue), &out)
        put64(h.lowestDiscernibleValue, &out)
        put64(h.highestTrackableValue, &out)
        put64((1.0 as Double).bitPattern, &out)
        return out + payload
    }

    /// The compressed V2 encoding of `h` (what a log line carries in base64).
    public static func encodeCompressed(_ h: Histogram<UInt64>) -> [UInt8] {
        let plain = encode(h)
        var bound = compressBound(uLong(plain.count))
        var deflated = [UInt8](repeating: 0, count: Int(bound))
        let rc = deflated.withUnsafeMutableBufferPointer { d in
            plain.withUnsafeBufferPointer { s in compress2(d.baseAddress, &bound, s.baseAddress, uLong(s.count), Z_BEST_COMPRESSION) }
        }
        precondition(rc == Z_OK, "zlib compress2 failed: \(rc)")   // only on a too small buffer or no memory
        var out: [UInt8] = []
        put32(compressedCookie, &out)
        put32(UInt32(bound), &out)
        return out + deflated[0..<Int(bound)]
    }

    /// A histogram from its plain or compressed V2 encoding.
    public static func decode(_ bytes: [UInt8]) throws(DecodingError) -> Histogram<UInt64> {
        guard bytes.count >= 8 else { throw DecodingError(description: "expected at least 8 bytes; found \(bytes.count)") }
        let cookie = get32(bytes, 0)
        if cookie & ~0xf0 == compressedCookie & ~0xf0 {
            let length = Int(get32(bytes, 4))
            guard bytes.count >= 8 + length else { throw DecodingError(description: "compressed length \(length) beyond the \(bytes.count) bytes") }
            return try decode(inflate(Array(bytes[8..<(8 + length)])))
        }
        guard cookie & ~0xf0 == plainCookie & ~0xf0 else {
            throw DecodingError(description: "expected a V2 encoding cookie; found 0x\(String(cookie, radix: 16))")
        }
        guard bytes.count >= 40 else { throw DecodingError(description: "expected a 40-byte header; found \(bytes.count) bytes") }
        let length = Int(get32(bytes, 4))
        guard get32(bytes, 8) == 0 else { throw DecodingError(description: "a normalizing index offset is not supported") }
        let digits = Int(get32(bytes, 12))
        let lowest = get64(bytes, 16), highest = get64(bytes, 24)
        guard let sig = SignificantDigits(rawValue: Int8(clamping: digits)), lowest >= 1, highest >= 2 * lowest else {
            throw DecodingError(description: "invalid header: \(digits) digits, lowest \(lowest), highest \(highest)")
        }
        guard bytes.count >= 40 + length else { throw DecodingError(description: "payload length \(length) beyond the \(bytes.count) bytes") }
        var h = Histogram<UInt64>(lowestDiscernibleValue: lowest, highestTrackableValue: highest, numberOfSignificantValueDigits: sig)
        let layout = Layout(lowest, digits)
        var at = 40, index = 0
        while at < 40 + length {
            let n = try getZigZag(bytes, &at, end: 40 + length)
            if n < 0 { index += Int(-n); continue }
            if n > 0 {
                guard h.record(layout.value(at: index), count: UInt64(n)) else {
                    throw DecodingError(description: "counts index \(index) beyond the highest trackable value")
                }
            }
            index += 1
        }
        return h
    }

    /// HdrHistogram's counts array layout: the index of a value and the value at an index.
    struct Layout {
        let unitMagnitude: Int
        let subBucketHalfCountMagnitude: Int
        let subBucketHalfCount: Int
        let subBucketMask: UInt64
        let leadingZeroCountBase: Int

        init(_ lowest: UInt64, _ digits: Int) {
            unitMagnitude = 63 - lowest.leadingZeroBitCount
            var largest: UInt64 = 2
            for _ in 0..<digits { largest *= 10 }
            var subBucketCountMagnitude = 0   // ⌈log2(largest)⌉
            while UInt64(1) << UInt64(subBucketCountMagnitude) < largest { subBucketCountMagnitude += 1 }
            subBucketHalfCountMagnitude = max(subBucketCountMagnitude, 1) - 1
            subBucketHalfCount = 1 << subBucketHalfCountMagnitude
            subBucketMask = (UInt64(1) << UInt64(subBucketCountMagnitude) - 1) << UInt64(unitMagnitude)
            leadingZeroCountBase = 64 - unitMagnitude - subBucketHalfCountMagnitude - 1
        }

        func index(of value: UInt64) -> Int {
            let bucket = leadingZeroCountBase - (value | subBucketMask).leadingZeroBitCount
            let sub = Int(value >> UInt64(bucket + unitMagnitude))
            return ((bucket + 1) << subBucketHalfCountMagnitude) + (sub - subBucketHalfCount)
        }

        func value(at index: Int) -> UInt64 {
            var bucket = (index >> subBucketHalfCountMagnitude) - 1
            var sub = (index & (subBucketHalfCount - 1)) + subBucketHalfCount
            if bucket < 0 { sub -= subBucketHalfCount; bucket = 0 }
            return UInt64(sub) << UInt64(bucket + unitMagnitude)
        }
    }

    // MARK: Bytes

    static func put32(_ v: UInt32, _ out: inout [UInt8]) { for s in stride(from: 24, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: v >> UInt32(s))) } }
    static func put64(_ v: UInt64, _ out: inout [UInt8]) { for s in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: v >> UInt64(s))) } }
    static func get32(_ b: [UInt8], _ at: Int) -> UInt32 { (0..<4).reduce(0) { $0 << 8 | UInt32(b[at + $1]) } }
    static func get64(_ b: [UInt8], _ at: Int) -> UInt64 { (0..<8).reduce(0) { $0 << 8 | UInt64(b[at + $1]) } }

    /// ZigZag, then LEB128 (HdrHistogram's `ZigZagEncoding`: the ninth byte, if any, holds 8 bits).
    static func putZigZag(_ v: Int64, _ out: inout [UInt8]) {
        var u = UInt64(bitPattern: (v << 1) ^ (v >> 63))
        for _ in 0..<8 {
            if u < 0x80 { out.append(UInt8(u)); return }
            out.append(UInt8(u & 0x7f) | 0x80)
            u >>= 7
        }
        out.append(UInt8(truncatingIfNeeded: u))
    }

    static func getZigZag(_ b: [UInt8], _ at: inout Int, end: Int) throws(DecodingError) -> Int64 {
        var u: UInt64 = 0
        for k in 0..<9 {
            guard at < end else { throw DecodingError(description: "a count runs past the payload's end") }
            let byte = b[at]; at += 1
            if k == 8 { u |= UInt64(byte) << 56; break }
            u |= UInt64(byte & 0x7f) << UInt64(7 * k)
            if byte < 0x80 { break }
        }
        return Int64(bitPattern: u >> 1) ^ -Int64(bitPattern: u & 1)
    }

    static func inflate(_ deflated: [UInt8]) throws(DecodingError) -> [UInt8] {
        var capacity = max(1024, deflated.count * 8)
        while capacity <= 1 << 30 {
            var out = [UInt8](repeating: 0, count: capacity)
            var length = uLong(capacity)
            let rc = out.withUnsafeMutableBufferPointer { d in
                deflated.withUnsafeBufferPointer { s in uncompress(d.baseAddress, &length, s.baseAddress, uLong(s.count)) }
            }
            if rc == Z_OK { return Array(out[0..<Int(length)]) }
            if rc != Z_BUF_ERROR { throw DecodingError(description: "zlib could not inflate the payload (\(rc))") }
            capacity *= 4
        }
        throw DecodingError(description: "the inflated payload is over 1 GB")
    }
}
