/// Why results could not be written: the path involved and the operating system's reason.
///
/// The description is one line: `cannot write results to Results/x: cannot create directory
/// Results/.x.tmp-123: Permission denied`.
public struct ResultsWriteError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The results directory that was being written.
    public var directory: String
    /// The file or directory the failing operation touched (may be a temporary sibling).
    public var path: String
    /// What was being done and why it failed, e.g. `cannot create directory ...: Permission denied`.
    public var reason: String

    /// An error about `path` while writing `directory`.
    public init(directory: String, path: String, reason: String) {
        self.directory = directory
        self.path = path
        self.reason = reason
    }

    /// `cannot write results to DIRECTORY: REASON`.
    public var description: String { "cannot write results to \(directory): \(reason)" }
}
