public import IntervenCore
import IntervenScenario
public import IntervenSimulation

/// Writes a run's results as a directory of files with deterministic bytes.
///
/// The directory holds `summary.json`, `incidents.json`, `agents.json`, `trust.csv` and
/// `series.json` (aggregates for pictures); callers may add more files (`report.html`). The same
/// `RunResult` always gives the same bytes on every machine (JSON is written by hand with a fixed
/// key order and exact number formatting); only `wall_seconds` and `scans_per_wall_second` in
/// the summary differ between otherwise identical runs. The directory appears in one rename, so
/// a failed or crashed run never leaves one that looks complete.
public struct ResultsWriter: Sendable {
    /// One file of the results: its name inside the directory and its bytes.
    public struct File: Sendable, Equatable {
        /// The file name, e.g. `summary.json`.
        public var name: String
        /// The file's exact content.
        public var bytes: [UInt8]
        /// A file with a name and content.
        public init(name: String, bytes: [UInt8]) { self.name = name; self.bytes = bytes }
    }

    /// The names of the files `write` creates, in the order it creates them (after the marker,
    /// `ResultsMarker.name`).
    public static let fileNames = [SummaryFile.name, IncidentsFile.name, AgentsFile.name, TrustFile.name, SeriesFile.name]

    /// A writer.
    public init() {}

    /// The files of the results, rendered in memory (what `write` puts on disk).
    public func files(for result: RunResult) -> [File] {
        Self.fileNames.indices.map { File(name: Self.fileNames[$0], bytes: Self.render($0, result)) }
    }

    /// Writes the results to `directory`, creating its parents, and replacing a previous results
    /// directory there (one that carries the `ResultsMarker`); see `AtomicDirectory`.
    ///
    /// Throws when the directory cannot be written, or (`refused`) when it exists and is neither
    /// empty nor a results directory; nothing is left behind then. `agents.json` and `trust.csv`
    /// are written out in pieces, never held whole in memory.
    public func write(_ result: RunResult, to directory: String, flag: String = "--out") throws(ResultsWriteError) {
        try write(result, to: directory, flag: flag, adding: []) { _, _ in [] }
    }

    /// Writes the results as `write(_:to:flag:)` does, then the files `extra` names (e.g. the
    /// report), each made by `render(name, small)` once the results files are written, where
    /// `small` holds the bytes of `summary.json`, `incidents.json` and `series.json` as written.
    /// `agents.json` and `trust.csv` are still written in pieces: `render` gets neither.
    public func write(_ result: RunResult, to directory: String, flag: String = "--out", adding extra: [String],
                      render: (String, [String: [UInt8]]) -> [UInt8]) throws(ResultsWriteError) {
        var small: [String: [UInt8]] = [:]
        let count = Self.fileNames.count
        try AtomicDirectory(path: directory, flag: flag).write(Self.fileNames + extra) {
            (index: Int, emit: ([UInt8]) throws(ResultsWriteError) -> Void) throws(ResultsWriteError) in
            switch index {
            case 2: try AgentsFile.write(result.agents, emit)
            case 3: try TrustFile.write(result.trust, start: result.startUnixMilliseconds, emit)
            case count...: try emit(render(extra[index - count], small))
            default:
                let bytes = Self.render(index, result)
                small[Self.fileNames[index]] = bytes
                try emit(bytes)
            }
        }
    }

    /// `agents.json` of only `agents` (e.g. those a report lists): the same bytes per agent as
    /// the whole file's.
    public static func agentsJSON(_ agents: [AgentSnapshot]) -> [UInt8] { AgentsFile.render(agents) }

    /// Why `directory` may not be written as a results directory (it exists and is neither empty
    /// nor marked as results), or nil; checked before a run so a refusal costs nothing.
    public static func refusal(for directory: String, flag: String = "--out") -> String? {
        AtomicDirectory(path: directory, flag: flag).refusal()
    }

    /// Writes `files` (e.g. `files(for:)` and more) as the whole results directory, with the same
    /// guarantees as `write(_:to:)`.
    public func write(files: [File], to directory: String, flag: String = "--out") throws(ResultsWriteError) {
        try AtomicDirectory(path: directory, flag: flag).write(files)
    }

    /// The bytes of file number `index` of `fileNames`.
    private static func render(_ index: Int, _ result: RunResult) -> [UInt8] {
        switch index {
        case 0: SummaryFile.render(result)
        case 1: IncidentsFile.render(result.incidents, start: result.startUnixMilliseconds)
        case 2: AgentsFile.render(result.agents)
        case 3: TrustFile.render(result.trust, start: result.startUnixMilliseconds)
        default: SeriesFile.render(result)
        }
    }
}

/// The size of the pieces large results files are written in.
let outputChunk = 1 << 20
