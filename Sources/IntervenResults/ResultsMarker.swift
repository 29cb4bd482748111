/// The file that marks a directory as written by interven-sim, so that a later run may replace
/// it (a results directory) or write into it (a baseline directory), and nothing else ever is.
///
/// `.interven-results` holds one line of JSON: the tool, the marker's format version and what
/// the directory is, e.g. `{"tool": "interven-sim", "format": 1, "kind": "results"}`.
public enum ResultsMarker {
    /// What a marked directory holds.
    public enum Kind: String, Sendable {
        /// A run's results directory (`run`, `check --results`): replaced whole by the next run.
        case results
        /// A baseline directory (`check --baseline`): its files are rewritten one by one.
        case baseline
        /// A sweep's output directory (`sweep`, `merge`): replaced whole by the next sweep.
        case sweep
        /// A load test's output directory (`load --out`): replaced whole by the next load test.
        case load
        /// One slice of a run (`run --slice i/N`): replaced whole by the next slice run there.
        case runSlice = "run-slice"
    }

    /// The marker's file name.
    public static let name = ".interven-results"
    /// The marker's format version.
    public static let format = 1

    /// The marker's bytes for a directory of `kind`.
    public static func contents(_ kind: Kind) -> [UInt8] {
        Array("{\"tool\": \"interven-sim\", \"format\": \(format), \"kind\": \"\(kind.rawValue)\"}\n".utf8)
    }

    /// What the marker in `directory` says the directory is, or nil when it has no marker (or
    /// one that interven-sim did not write).
    public static func kind(of directory: String) -> Kind? {
        guard FileSystem.kind(FileSystem.join(directory, name)) == .regular,
              let bytes = FileSystem.readPrefix(FileSystem.join(directory, name), limit: 4096) else { return nil }
        let text = String(decoding: bytes.filter { $0 != 0x20 && $0 != 0x0A && $0 != 0x09 && $0 != 0x0D }, as: UTF8.self)
        guard text.hasPrefix("{"), text.contains("\"tool\":\"interven-sim\"") else { return nil }
        return [Kind.results, .baseline, .sweep, .load, .runSlice].first { text.contains("\"kind\":\"\($0.rawValue)\"") }
    }

    /// Why `directory` may not be written as a directory of `kind`, or nil when it may: it is
    /// missing, empty, or carries the marker of that kind. The reason is one sentence that says
    /// what to do.
    public static func refusal(_ directory: String, as kind: Kind, flag: String) -> String? {
        switch FileSystem.kind(directory) {
        case .missing?: return nil
        case .directory?: break
        case nil: return "cannot inspect \(directory): \(FileSystem.reason())"
        case .symlink?:
            return "\(flag) \(directory) is a symbolic link; name the directory itself or another \(flag)"
        default:
            return "\(flag) \(directory) exists and is not a directory; pick another \(flag)"
        }
        if let found = self.kind(of: directory) {
            if found == kind { return nil }
            return "\(flag) \(directory) is a \(found.rawValue) directory of interven-sim, not a \(kind.rawValue) directory; pick another \(flag)"
        }
        guard let entries = FileSystem.entries(directory) else { return "cannot list \(directory): \(FileSystem.reason())" }
        if entries.isEmpty { return nil }
        switch kind {
        case .results, .sweep, .load, .runSlice:
            return "refusing to replace \(directory): it is not empty and has no \(name) marker, so it is not known to be "
                + "an interven-sim \(kind.rawValue) directory (older versions wrote none); delete it yourself or pick another \(flag)"
        case .baseline:
            return "refusing to write baselines into \(directory): it is not empty and has no \(name) marker; if it holds "
                + "only interven-sim baselines, mark it with: echo '\(String(decoding: contents(.baseline).dropLast(), as: UTF8.self))' "
                + "> \(FileSystem.join(directory, name)); otherwise pick another \(flag)"
        }
    }
}
