import Foundation
import IntervenTesting
import Testing

/// The worst inputs found by review and fuzzing (`make fuzz`), kept as regression tests: each
/// must end quickly with exit 2 and one located error line, not hang, crash or eat memory.
/// The time limit only stops a runaway process; nothing here asserts a duration.
@Suite("hostile inputs")
struct HostileInputTests {
    static let agents = """
        name: hostile
        description: one quiet agent
        duration: 1h
        agents:
          - {group: g, name: a-1, runtime: custom, arrivals: {constant: 1/h}, mix: [{op: github.list_prs}]}

        """

    /// Ten aliases of ten aliases of ... ten values: a few hundred bytes standing for 10^depth values.
    static func aliasBomb(depth: Int, indent: String = "", firstKey: String = "a0") -> String {
        var text = "\(indent)\(firstKey): &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for i in 1...depth { text += "\(indent)a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }
        return text
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        var command: String
        var text: String
        /// The whole stderr line, after `error: FILE:`.
        var error: String
        var testDescription: String { label }
    }

    static let cases: [Case] = [
        // Rendering a `set:` value once walked every value the aliases stand for (minutes, a gigabyte).
        Case(label: "alias bomb in a scenario's set", command: "validate",
             text: agents + "set:\n  threat_intel.allowlist: &a0 [a, b, c, d, e, f, g, h, i, j]\n"
                + (1...8).map { "  x\($0): &a\($0) [" + Array(repeating: "*a\($0 - 1)", count: 10).joined(separator: ", ") + "]\n" }.joined(),
             error: "11:47: aliases expand to more than 100,000 values; an alias (*NAME) stands for a whole block, so aliases of aliases multiply"),
        // Yams hashes a key whole to find duplicates: a key that is an alias bomb hashed forever.
        Case(label: "alias bomb as a key", command: "validate", text: aliasBomb(depth: 3) + "? *a3\n: 1\n",
             error: "5:3: expected a key name; found an alias (*a3) of a list or mapping"),
        Case(label: "alias bomb in a rules file", command: "rules", text: aliasBomb(depth: 6, indent: "  ", firstKey: "a0").replacingOccurrences(of: "  a0:", with: "threat_intel:\n  allowlist:"),
             error: "6:47: aliases expand to more than 100,000 values; an alias (*NAME) stands for a whole block, so aliases of aliases multiply"),
        Case(label: "a list as a key", command: "validate", text: "trust:\n  [a, b]: 1\n", error: "2:3: expected a key name; found a list"),
        Case(label: "a mapping as an explicit key", command: "validate", text: "? {a: 1}\n: 2\n", error: "1:3: expected a key name; found a mapping"),
    ]

    @Test("each ends at once with its one located error", arguments: cases)
    func corpus(_ c: Case) throws {
        let dir = try CLIProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = try CLIProcess.write(c.text, named: "hostile.yaml", in: dir)
        let r = try CLIProcess.run([c.command, file], binary: nil, timeout: 60)
        #expect(r.status == 2)
        let lines = r.stderr.split(separator: "\n").map(String.init)
        #expect(lines.first == "error: \(file):\(c.error)", "\(r.stderr.prefix(500))")
        #expect(lines.count == (c.command == "validate" ? 2 : 1))
    }

    @Test("40,000 unknown keys through the binary: the first one is named, on one line")
    func unknownKeys() throws {
        let dir = try CLIProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var text = Self.agents
        for i in 0..<40_000 { text += "unknown_\(i): 1\n" }
        let file = try CLIProcess.write(text, named: "keys.yaml", in: dir)
        // The release binary when make test has built one: a debug build on a busy machine can
        // take most of the time limit on 40,000 keys, which says nothing about how they are read.
        let release = ProcessInfo.processInfo.environment["INTERVEN_SIM_RELEASE_BIN"].map { URL(fileURLWithPath: $0) }
        for command in ["validate", "run"] {
            let r = try CLIProcess.run([command, file, "--out", dir.path + "/out"].filter { command == "run" || !$0.contains("out") },
                                       binary: release, timeout: 120)
            #expect(r.status == 2)
            #expect(r.stderr.hasPrefix("error: \(file):6:1: unknown key 'unknown_0' at the top level; valid keys: name, "), "\(r.stderr.prefix(300))")
        }
    }
}
