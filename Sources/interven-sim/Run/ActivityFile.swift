#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import IntervenCore
import IntervenSimulation

/// The activity log file of `run --activity FILE`: written to a hidden sibling as the run goes,
/// renamed into place at the end, so a failed run never leaves a log that looks complete.
final class ActivityFile: @unchecked Sendable {
    let path: String
    let temporary: String
    private var file: UnsafeMutablePointer<FILE>?
    private(set) var failure: String?
    private(set) var bytes = 0

    /// Opens the temporary file; nil and a reason when it cannot be created.
    init(path: String, format: ActivityOptions.Format) throws(CLIFailure) {
        self.path = path
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        temporary = (dir.isEmpty ? "" : dir + "/") + ".\(name).tmp-\(getpid())"
        guard let f = fopen(temporary, "wb") else {
            throw CLIFailure.runtime("cannot write activity log \(path): \(String(cString: strerror(errno)))")
        }
        file = f
        setvbuf(f, nil, _IOFBF, 1 << 20)
        write(ActivityLog.header(format))
    }

    /// Appends bytes (called by the coordinator, one piece at a time).
    func write(_ data: [UInt8]) {
        guard let file, failure == nil, !data.isEmpty else { return }
        let n = data.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        bytes += n
        if n != data.count { failure = String(cString: strerror(errno)) }
    }

    /// Flushes, closes and renames the file into place.
    func commit() throws(CLIFailure) {
        guard let f = file else { return }
        file = nil
        if fflush(f) != 0 || fsync(fileno(f)) != 0, failure == nil { failure = String(cString: strerror(errno)) }
        fclose(f)
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
