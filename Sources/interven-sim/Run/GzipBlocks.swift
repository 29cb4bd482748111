import CZlib
import Dispatch
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Compresses text as gzip members of `blockSize` bytes each (the last one shorter), several
/// at once. Concatenated gzip members are one valid gzip file (RFC 1952), and each member
/// depends only on its block, so the output is the same for the same text.
struct GzipBlocks: Sendable {
    /// Bytes of text per member.
    static let blockSize = 1 << 20
    /// zlib's fastest level: the log is large and written while the simulation runs.
    static let level: Int32 = 1
    /// Blocks compressed together (one per active processor).
    let parallel = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Text gathered before compressing.
    var batchBytes: Int { parallel * Self.blockSize }

    /// The gzip members of `text`, cut every `blockSize` bytes, in order.
    func compress(_ text: UnsafeRawBufferPointer) -> [[UInt8]] {
        let blocks = (text.count + Self.blockSize - 1) / Self.blockSize
        let results = Results(count: blocks)
        let shared = SharedText(bytes: text)
        DispatchQueue.concurrentPerform(iterations: blocks) { k in
            let text = shared.bytes
            let from = k * Self.blockSize
            let block = UnsafeRawBufferPointer(rebasing: text[from..<min(text.count, from + Self.blockSize)])
            results.set(k, Self.member(block))
        }
        return results.values
    }

    /// One gzip member holding `block` (header without name or time: the same bytes every time).
    static func member(_ block: UnsafeRawBufferPointer) -> [UInt8] {
        var stream = z_stream()
        let status = deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                                   Int32(MemoryLayout<z_stream>.size))
        precondition(status == Z_OK, "zlib deflateInit2 failed: \(status)")
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(block.count))) + 64
        var out = [UInt8](repeating: 0, count: bound)
        let produced: Int = out.withUnsafeMutableBytes { o in
            stream.next_in = UnsafeMutablePointer(mutating: block.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(block.count)
            stream.next_out = o.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(o.count)
            let r = deflate(&stream, Z_FINISH)
            precondition(r == Z_STREAM_END, "zlib deflate did not finish: \(r)")
            return o.count - Int(stream.avail_out)
        }
        out.removeLast(out.count - produced)
        return out
    }

    /// The text, read by every iteration (it outlives them: `compress` waits for all).
    private struct SharedText: @unchecked Sendable { let bytes: UnsafeRawBufferPointer }

    /// The members as they are made, each slot written by one iteration (through a pointer: no
    /// exclusivity check spans the slots).
    private final class Results: @unchecked Sendable {
        private let slots: UnsafeMutablePointer<[UInt8]>
        private let count: Int
        init(count: Int) {
            self.count = count
            slots = .allocate(capacity: max(count, 1))
            slots.initialize(repeating: [], count: count)
        }
        deinit { slots.deinitialize(count: count); slots.deallocate() }
        func set(_ k: Int, _ v: [UInt8]) { slots[k] = v }
        var values: [[UInt8]] { Array(UnsafeBufferPointer(start: slots, count: count)) }
    }
}

/// Reads gzip text back (every member), for the report's view of a `.gz` activity log.
enum Gunzip {
    enum Outcome { case text([UInt8]), tooLarge, damaged }

    /// The text of `data`, or why there is none: not gzip (or damaged), or more than `limit` bytes of text.
    static func text(_ data: [UInt8], limit: Int) -> Outcome {
        var out: [UInt8] = []
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return .damaged }
        defer { inflateEnd(&stream) }
        var piece = [UInt8](repeating: 0, count: 1 << 20)
        return data.withUnsafeBytes { input -> Outcome in
            guard let base = input.baseAddress else { return .damaged }
            stream.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(input.count)
            while true {
                let (status, made) = piece.withUnsafeMutableBytes { o -> (Int32, Int) in
                    stream.next_out = o.baseAddress!.assumingMemoryBound(to: Bytef.self)
                    stream.avail_out = uInt(o.count)
                    let r = inflate(&stream, Z_NO_FLUSH)
                    return (r, o.count - Int(stream.avail_out))
                }
                out.append(contentsOf: piece[..<made])
                if out.count > limit { return .tooLarge }
                switch status {
                case Z_STREAM_END:
                    // Another member may follow.
                    if stream.avail_in == 0 { return .text(out) }
                    guard inflateReset(&stream) == Z_OK else { return .damaged }
                case Z_OK:
                    if stream.avail_in == 0 && made == 0 { return .damaged }   // truncated
                default:
                    return .damaged
                }
            }
        }
    }
}
