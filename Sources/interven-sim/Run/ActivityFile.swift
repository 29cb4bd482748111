#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import IntervenCore
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
/// The text goes out with write(2) in pieces of at least 1 MiB.
final class ActivityFile: @unchecked Sendable {
    let path: String
    let temporary: String
    private var descriptor: Int32 = -1
    private(set) var failure: String?
    /// Bytes written to the file.
    private(set) var bytes = 0
    /// Text not yet written.
    private var pending: [UInt8] = []
    static let plainPiece = 1 << 20

    /// Creates the temporary file and writes the header; throws when it cannot be created.
    init(path: String, format: ActivityOptions.Format) throws(CLIFailure) {
        self.path = path
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        temporary = (dir.isEmpty ? "" : dir + "/") + ".\(name).tmp-\(getpid())"
        descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw CLIFailure.runtime("cannot write activity log \(path): \(String(cString: strerror(errno)))")
        }
        pending.reserveCapacity(2 * Self.plainPiece)
        ActivityLog.header(format).withUnsafeBytes { write($0) }
    }

    /// Appends text (called with the log's pieces in order, one at a time).
    func write(_ data: UnsafeRawBufferPointer) {
        guard descriptor >= 0, failure == nil, data.count > 0 else { return }
        if pending.count + data.count <= Self.plainPiece {
            pending.append(contentsOf: data)
            return
        }
        flushPending()
        if data.count >= Self.plainPiece { put(data) } else { pending.append(contentsOf: data) }
    }

    private func flushPending() {
        guard !pending.isEmpty else { return }
        pending.withUnsafeBytes { put($0) }
        pending.removeAll(keepingCapacity: true)
    }

    /// write(2) until everything is written or it fails.
    private func put(_ data: UnsafeRawBufferPointer) {
        guard failure == nil, var p = data.baseAddress else { return }
        var left = data.count
        while left > 0 {
            let n = writeBytes(descriptor, p, left)
            if n < 0 {
                if errno == EINTR { continue }
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
        flushPending()
        if failure == nil, fsync(descriptor) != 0 { failure = String(cString: strerror(errno)) }
        close(descriptor)
        descriptor = -1
        if failure == nil, rename(temporary, path) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporary)
            throw CLIFailure.runtime("cannot write activity log \(path): \(failure)")
        }
    }

    /// The options of `--activity FILE` and `--activity-filter` values (`decision=DENY,REQUIRE_APPROVAL`,
    /// `agent=GLOB`, `group=NAME`, `from=DURATION`, `to=DURATION`).
    static func options(path: String, filters: [String]) throws(CLIFailure) -> ActivityOptions {
        let format: ActivityOptions.Format
        if path.hasSuffix(".csv") { format = .csv }
        else if path.hasSuffix(".ndjson") || path.hasSuffix(".jsonl") { format = .ndjson }
        else { throw CLIFailure.invalidInput("--activity \(path): expected a file name ending in .csv or .ndjson; found '\(path)'") }
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
