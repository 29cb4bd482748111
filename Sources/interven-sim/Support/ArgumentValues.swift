import ArgumentParser
import IntervenLoading

/// Option values read with messages that say what is expected (ArgumentParser's own say only
/// that a value is invalid, or that `--seed -1` lacks a value, since `-1` looks like a flag).
enum ArgumentValues {
    /// What a seed is, in messages: the same range as `seed:` in a scenario file.
    static let seedRange = "a whole number from 0 to 18446744073709551615"

    /// A seed: a whole number from 0 to 2^64 − 1, written in decimal.
    static func seed(_ text: String) throws -> UInt64 {
        guard text.first?.isNumber == true, let value = UInt64(text) else {
            let note = text.hasPrefix("-") && UInt64(text.dropFirst()) != nil ? " (a seed cannot be negative)"
                : text.first?.isNumber == true && text.allSatisfy(\.isNumber) ? " (too large)" : ""
            throw ValidationError("expected \(seedRange)\(note)")
        }
        return value
    }

    /// A file path: refuses an empty one, which would otherwise be reported as a file named ''.
    static func path(_ what: String) -> @Sendable (String) throws -> String {
        { text in
            guard !text.isEmpty else { throw ValidationError("expected the path of \(what), not an empty string") }
            return text
        }
    }
}
