import IntervenSimulation
import IntervenResults
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes `text` (and `terminator`) to standard output at once, unbuffered, so a failed write
/// (a full disk, `> /dev/full`, a closed descriptor) is an error the command reports (exit 3)
/// rather than data silently lost when a buffer is flushed at exit.
func output(_ text: String, terminator: String = "\n") throws(CLIFailure) {
    var bytes = Array(text.utf8)
    bytes.append(contentsOf: terminator.utf8)
    var offset = 0
    while offset < bytes.count {
        let n = bytes.withUnsafeBytes { write(1, $0.baseAddress! + offset, $0.count - offset) }
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else {
            throw .runtime("cannot write to standard output: \(n < 0 ? String(cString: strerror(errno)) : "nothing was written")")
        }
        offset += n
    }
}

extension CLIFailure {
    /// An output that could not be written (exit 3), or one refused before anything was
    /// written because its path names something that must not be replaced (exit 2).
    static func output(_ error: ResultsWriteError) -> CLIFailure {
        error.refused ? .invalidInput(error.description) : .runtime(error.description)
    }
}
