import IntervenLoading

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import IntervenLoading

/// The documented exit codes of `interven-sim`.
enum ExitStatus {
    /// Everything ran and (later) every expectation held.
    static let success: Int32 = 0
    /// A check found a failed expectation.
    static let checkFailed: Int32 = 1
    /// Invalid input: malformed file, unknown key, bad value or flag, missing file.
    static let invalidInput: Int32 = 2
    /// A failure while running or writing output.
    static let runtimeFailure: Int32 = 3
}

/// An error the CLI reports as one line with a chosen exit code.
struct CLIFailure: Error {
    let message: String
    let exitCode: Int32

    /// Invalid input (exit code 2).
    static func invalidInput(_ message: String) -> CLIFailure { CLIFailure(message: message, exitCode: ExitStatus.invalidInput) }
    /// Every error of a load (exit code 2), one `error:` line each.
    static func invalidInput(_ error: LoadError) -> CLIFailure {
        invalidInput(error.all.map(\.description).joined(separator: "\nerror: "))
    }
    /// A failure while running or writing output (exit code 3).
    static func runtime(_ message: String) -> CLIFailure { CLIFailure(message: message, exitCode: ExitStatus.runtimeFailure) }
}

/// Writes `error: message` to stderr as one line: control characters escaped (a bad value
/// never reaches the terminal raw), at most `Escaping.lineLimit` characters.
func printError(_ message: String) {
    let text = message.hasPrefix("Error: ") ? String(message.dropFirst(7)) : message
    // Several errors of one file come joined by newlines, one per line (values inside them are
    // already escaped where they were quoted); each becomes its own `error:` line.
    for part in text.trimmingCharacters(in: " \n").split(separator: "\n") {
        let line = part.hasPrefix("error: ") ? String(part.dropFirst(7)) : String(part)
        writeStandardError("error: " + Escaping.line(line) + "\n")
    }
}

/// Writes text to file descriptor 2 (the C `stderr` global is not concurrency-safe in Swift 6).
func writeStandardError(_ text: String) {
    var bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
        let n = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress! + offset, $0.count - offset) }
        if n <= 0 { break }
        offset += n
    }
}

/// Ends the process with a code (flushing stdout first).
func exitProcess(_ code: Int32) -> Never {
    fflush(nil)
    exit(code)
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
