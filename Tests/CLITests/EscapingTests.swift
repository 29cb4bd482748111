import Foundation
import IntervenTesting
import Testing

/// Bad values reach the terminal escaped and bounded: an escape sequence in a value cannot
/// recolour or clear the screen, and a megabyte value is not a megabyte error line. (Output goes
/// through files: a megabyte on stderr would fill a pipe read after stdout.)
@Suite("bad values are escaped and cut in messages")
struct EscapingTests {
    /// Bytes that must never reach stderr raw: NUL, BEL, BS, ESC, DEL and the C1 CSI.
    static func hasRawControl(_ text: String) -> Bool {
        text.unicodeScalars.contains { s in
            (s.value < 0x20 && s.value != 0x0A) || (0x7F...0x9F).contains(s.value)
        }
    }

    static func check(_ r: CLIProcess.Result, lines: Int = 2, contains expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.status == 2, sourceLocation: sourceLocation)
        #expect(!hasRawControl(r.stderr), "raw control characters on stderr: \(r.stderr.debugDescription)", sourceLocation: sourceLocation)
        #expect(r.stderr.split(separator: "\n").count == lines, "\(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.contains(expected), "\(r.stderr)", sourceLocation: sourceLocation)
    }

    @Test("ESC, BEL and NUL in a value, a key, a --set, a file name and a flag value are written escaped")
    func controlCharacters() throws {
        let dir = try CLIProcess.temporaryDirectory()
        // YAML escapes in double quotes give the raw characters to the loader.
        let value = try CLIProcess.write("trust:\n  initial: \"\\e[31mred\\a\\0\\u009b\"\n", named: "value.yaml", in: dir)
        Self.check(try CLIProcess.run(["validate", value], binary: nil, timeout: 120), contains: #"found the quoted string "\e[31mred\a\0\u{9b}""#)
        let key = try CLIProcess.write("trust:\n  \"k\\e[2J\": 1\n", named: "key.yaml", in: dir)
        Self.check(try CLIProcess.run(["validate", key], binary: nil, timeout: 120), contains: #"unknown key 'k\e[2J' in trust"#)
        Self.check(try CLIProcess.run(["rules", "--set", "trust.initial=\"\\e]0;title\\a\""], binary: nil, timeout: 120),
                   lines: 1, contains: #"found the quoted string "\e]0;title\a""#)
        Self.check(try CLIProcess.run(["rules", "--set", "trust.in\u{1B}[31mitial=1"], binary: nil, timeout: 120),
                   lines: 1, contains: #"unknown key 'in\e[31mitial' in trust"#)
        let name = dir.appendingPathComponent("x\u{1B}[31m.yaml").path
        Self.check(try CLIProcess.run(["validate", name], binary: nil, timeout: 120), contains: #"x\e[31m.yaml: no such file"#)
        Self.check(try CLIProcess.run(["run", value, "--shards", "\u{1B}[31m\u{07}"], binary: nil, timeout: 120), lines: 1, contains: #"\e[31m\a"#)
    }

    @Test("a megabyte value is quoted cut, with its length")
    func longValue() throws {
        let dir = try CLIProcess.temporaryDirectory()
        let long = String(repeating: "a", count: 1 << 20)
        let file = try CLIProcess.write("trust:\n  initial: \(long)\n", named: "long.yaml", in: dir)
        let r = try CLIProcess.run(["validate", file], binary: nil, timeout: 120)
        Self.check(r, contains: "trust.initial: expected a trust score in [0, 1]; found '\(String(repeating: "a", count: 60))…' (1,048,576 characters)")
        #expect(r.stderr.count < 500)

        // A key over 1,024 characters must be written as an explicit key (`? KEY`).
        let key = try CLIProcess.write("trust:\n  ? \(long)\n  : 1\n", named: "key.yaml", in: dir)
        let k = try CLIProcess.run(["validate", key], binary: nil, timeout: 120)
        Self.check(k, contains: "unknown key '\(String(repeating: "a", count: 60))…' (1,048,576 characters) in trust")
        #expect(k.stderr.count < 1_000)

        // An argument can hold at most 128 KiB.
        let s = try CLIProcess.run(["rules", "--set", "trust.initial=" + String(repeating: "b", count: 100_000)], binary: nil, timeout: 120)
        Self.check(s, lines: 1, contains: "(100,014 characters)")
        #expect(s.stderr.count < 1_000)

        let feeds = try CLIProcess.write("threat_intel:\n  feeds:\n    ? \(long)\n    : {enabled: true}\n", named: "feed.yaml", in: dir)
        let f = try CLIProcess.run(["validate", feeds], binary: nil, timeout: 120)
        #expect(f.status == 2)
        #expect(f.stderr.count < 1_000, "\(f.stderr.prefix(300))")
    }
}
