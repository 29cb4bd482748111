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
    /// Whether the output was refused before anything was written (the path names something
    /// that must not be replaced): invalid input rather than a failed write.
    public var refused: Bool
    /// Whether the output is a single file (`directory` is then that file's path).
    public var file = false

    /// An error about `path` while writing `directory`.
    public init(directory: String, path: String, reason: String, refused: Bool = false) {
        self.directory = directory
        self.path = path
        self.reason = reason
        self.refused = refused
    }

    /// `cannot write results to DIRECTORY: REASON`; a refusal is its reason alone (it says
    /// what was refused and what to do).
    public var description: String {
        refused ? reason : file ? "cannot write \(directory): \(reason)" : "cannot write results to \(directory): \(reason)"
    }
}
