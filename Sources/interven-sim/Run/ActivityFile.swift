#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import CPlatform
import IntervenCore
import IntervenReport
import IntervenResults
import IntervenSimulation

/// write(2) (the name `write` is taken inside `ActivityFile`).
private func writeBytes(_ fd: Int32, _ p: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(fd, p, count)
    #elseif canImport(Musl)
    Musl.write(fd, p, count)
    #else
    Darwin.write(fd, p, count)
    #endif
}

/// The activity log file of `run --activity FILE`: written to a hidden sibling as the run goes,
/// renamed into place at the end, so a failed run never leaves a log that looks complete.
///
/// Plain logs are gathered in a page-aligned buffer and go out with write(2) in whole 4 KiB
/// blocks of 8 MiB or so, with O_DIRECT where the file system takes it (Linux: ext4, xfs, btrfs):
/// the device reads them from the buffer, instead of the kernel copying a gigabyte of log into
/// the page cache on the writer's core, and the closing fsync has almost nothing left to flush.
/// The last partial block is written without O_DIRECT when the log is committed; a file system
/// that refuses O_DIRECT, or a write it refuses, gets ordinary writes. `.gz` logs are cut into blocks
/// of `GzipBlocks.blockSize` bytes of text at fixed offsets, each compressed as its own gzip
/// member (several at once, on every core); members are written in order, so the file is the
/// same for the same text whatever the pieces it came in.
final class ActivityFile: @unchecked Sendable {
    let path: String
    let temporary: String
    /// The temporary's registration with `TemporaryOutputs` (nil once committed).
    private var token: Int?
    private var descriptor: Int32 = -1
    private(set) var failure: String?
    /// Bytes written to the file (compressed for `.gz`).
    private(set) var bytes = 0
    /// Text not yet compressed (`.gz`).
    private var pending: [UInt8] = []
    private let gzip: GzipBlocks?
    /// Plain logs: text not yet written, at the start of a `plainPiece`-byte page-aligned buffer
    /// (a whole number of blocks, so every write but the last is too).
    private var staging: UnsafeMutableRawPointer?
    private var staged = 0
    /// Whether plain writes bypass the page cache (O_DIRECT is set on the descriptor).
    private(set) var direct = false
    static let plainPiece = 8 << 20
    /// The unit of O_DIRECT writes: their size, file offset and buffer address are multiples of it.
    static let block = 4096

    /// Creates the temporary file and writes the header; throws when it cannot be created.
    init(path: String, format: ActivityOptions.Format, compressed: Bool = false) throws(CLIFailure) {
        self.path = path
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        temporary = (dir.isEmpty ? "" : dir + "/") + ".\(name).tmp-\(getpid())"
        // Registered, so an interrupt (SIGINT, SIGTERM) removes it with the other temporaries.
        var fd: Int32 = -1
        let temp = temporary
        token = TemporaryOutputs.create(temp) {
            fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            return fd >= 0
        }
        descriptor = fd
        guard descriptor >= 0 else {
            throw CLIFailure.runtime("cannot write activity log \(path): \(String(cString: strerror(errno)))")
        }
        gzip = compressed ? GzipBlocks() : nil
        if let gzip {
            pending.reserveCapacity(gzip.batchBytes)
        } else {
            staging = .allocate(byteCount: Self.plainPiece, alignment: Self.block)
            setDirect(true)
        }
        ActivityLog.header(format).withUnsafeBytes { write($0) }
    }

    /// Appends text (called with the log's pieces in order, one at a time).
    func write(_ data: UnsafeRawBufferPointer) {
        guard descriptor >= 0, failure == nil, data.count > 0 else { return }
        if let gzip {
            var rest = data
            while rest.count > 0 {
                let n = min(rest.count, gzip.batchBytes - pending.count)
                pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: rest[..<n]))
                rest = UnsafeRawBufferPointer(rebasing: rest[n...])
                if pending.count == gzip.batchBytes { compressPending() }
            }
            return
        }
        guard let staging, var from = data.baseAddress else { return }
        var left = data.count
        while left > 0 {
            let n = min(left, Self.plainPiece - staged)
            (staging + staged).copyMemory(from: from, byteCount: n)
            staged += n
            from += n
            left -= n
            if staged == Self.plainPiece { flushStaged(last: false) }
        }
    }

    /// Writes the staged text: a full buffer (whole blocks, as O_DIRECT writes need), or at the
    /// end whatever is left, without O_DIRECT.
    private func flushStaged(last: Bool) {
        guard let staging, staged > 0 else { return }
        if last { setDirect(false) }
        put(UnsafeRawBufferPointer(start: staging, count: staged))
        staged = 0
    }

    /// Sets or clears O_DIRECT on the descriptor; `direct` says whether it is set.
    private func setDirect(_ on: Bool) {
        let flag = iv_direct_io_flag()
        guard flag != 0, on != direct, descriptor >= 0 else { return }
        let flags = fcntl(descriptor, F_GETFL)
        guard flags >= 0, fcntl(descriptor, F_SETFL, on ? flags | flag : flags & ~flag) == 0 else { return }
        direct = on
    }

    /// Compresses the pending text, whole blocks only unless `all`, and writes the members.
    private func compressPending(all: Bool = false) {
        guard let gzip else { return }
        let usable = all ? pending.count : pending.count / GzipBlocks.blockSize * GzipBlocks.blockSize
        guard usable > 0 else { return }
        let members = pending.withUnsafeBytes { gzip.compress(UnsafeRawBufferPointer(rebasing: $0[..<usable])) }
        pending.removeFirst(usable)
        for m in members { m.withUnsafeBytes { put($0) } }
    }

    /// write(2) until everything is written or it fails.
    private func put(_ data: UnsafeRawBufferPointer) {
        guard failure == nil, var p = data.baseAddress else { return }
        var left = data.count
        while left > 0 {
            let n = writeBytes(descriptor, p, left)
            if n < 0 {
                if errno == EINTR { continue }
                // O_DIRECT refused (alignment the device wants, or a short write before): write
                // the same bytes through the page cache.
                if errno == EINVAL && direct {
                    setDirect(false)
                    if !direct { continue }
                }
                failure = String(cString: strerror(errno))
                return
            }
            bytes += n
            left -= n
            p += n
        }
    }

    /// Writes what is pending, syncs, closes and renames the file into place.
    func commit() throws(CLIFailure) {
        guard descriptor >= 0 else { return }
        if gzip != nil { compressPending(all: true) } else { flushStaged(last: true) }
        if failure == nil, fsync(descriptor) != 0 { failure = String(cString: strerror(errno)) }
        close(descriptor)
        descriptor = -1
        if failure == nil, rename(temporary, path) != 0 { failure = String(cString: strerror(errno)) }
        if failure != nil { unlink(temporary) }
        if let token { TemporaryOutputs.unregister(token) }
        token = nil
        if let failure { throw CLIFailure.runtime("cannot write activity log \(path): \(failure)") }
    }

    /// A log never committed (the run failed or stopped early) leaves nothing behind.
    deinit {
        staging?.deallocate()
        guard descriptor >= 0 else { return }
        close(descriptor)
        unlink(temporary)
        if let token { TemporaryOutputs.unregister(token) }
    }

    /// A `.gz` log's text for the report, or nil when its text is over `ReportInput.activityLimit`.
    static func readForReport(_ path: String) throws(ReportError) -> (text: [UInt8], format: String)? {
        guard let data = FileManager.default.contents(atPath: path) else { throw ReportError("\(path): cannot be read") }
        switch Gunzip.text(Array(data), limit: ReportInput.activityLimit) {
        case .text(let text): return (text, path.dropLast(3).hasSuffix(".csv") ? "csv" : "ndjson")
        case .tooLarge: return nil
        case .damaged: throw ReportError("\(path): expected a gzip activity log; found bytes that are not gzip, or a damaged or truncated one")
        }
    }

    /// Whether `path` names a gzip log (`.gz`).
    static func compressed(_ path: String) -> Bool { path.hasSuffix(".gz") }

    /// The options of `--activity FILE` and `--activity-filter` values (`decision=DENY,REQUIRE_APPROVAL`,
    /// `agent=GLOB`, `group=NAME`, `from=DURATION`, `to=DURATION`).
    static func options(path: String, filters: [String]) throws(CLIFailure) -> ActivityOptions {
        let format: ActivityOptions.Format
        let plain = compressed(path) ? String(path.dropLast(3)) : path
        if plain.hasSuffix(".csv") { format = .csv }
        else if plain.hasSuffix(".ndjson") || plain.hasSuffix(".jsonl") { format = .ndjson }
        else {
            throw CLIFailure.invalidInput("--activity \(path): expected a file name ending in .csv, .ndjson, .csv.gz or .ndjson.gz; found '\(path)'")
        }
        var o = ActivityOptions(format: format)
        for f in filters {
            guard let eq = f.firstIndex(of: "=") else {
                throw CLIFailure.invalidInput("--activity-filter \(f): expected KEY=VALUE with KEY one of decision, agent, group, from, to")
            }
            let key = String(f[..<eq]), value = String(f[f.index(after: eq)...])
            switch key {
            case "decision":
                var mask = [false, false, false, false]
                for name in value.split(separator: ",") {
                    guard let d = Decision.allCases.first(where: { $0.description == name.uppercased() }) else {
                        throw CLIFailure.invalidInput("--activity-filter \(f): expected decisions among ALLOW, SANITIZE, REQUIRE_APPROVAL, DENY; found '\(name)'")
                    }
                    mask[Int(d.rawValue)] = true
                }
                o.decisions = mask
            case "agent": o.agent = value
            case "group": o.group = value
            case "from", "to":
                guard let d = SimDuration.parse(value) else {
                    throw CLIFailure.invalidInput("--activity-filter \(f): expected a duration like 90s, 5m, 1h30m; found '\(value)'")
                }
                if key == "from" { o.from = d } else { o.to = d }
            default:
                throw CLIFailure.invalidInput("--activity-filter \(f): unknown key '\(key)'; expected decision, agent, group, from or to")
            }
        }
        return o
    }
}
