import Foundation
import IntervenTesting
import Testing

/// A scenario file with one problem (or more), and the errors `validate` must print for it.
struct BadFile: Sendable, CustomTestStringConvertible {
    var label: String
    var text: String
    /// Per expected error line: line, column and words of the message.
    var errors: [(line: Int, column: Int, words: [String])]
    var testDescription: String { label }

    init(_ label: String, _ text: String, at line: Int, _ column: Int, _ words: String...) {
        self.label = label; self.text = text; errors = [(line, column, words)]
    }

    init(_ label: String, _ text: String, errors: [(line: Int, column: Int, words: [String])]) {
        self.label = label; self.text = text; self.errors = errors
    }
}

/// Whether output looks like a crash rather than a message: a trap, a backtrace, addresses.
func looksLikeStackTrace(_ text: String) -> Bool {
    let marks = ["Fatal error", "Stack dump", "Backtrace", "backtrace", "Thread 0", "Crash", "0x0000", "Current stack trace", "swift_"]
    return marks.contains { text.contains($0) } || text.split(separator: "\n").contains { $0.hasPrefix("#0 ") || $0.hasPrefix("0 ") }
}

/// `interven-sim validate`, end to end through the real binary.
@Suite("interven-sim validate")
struct ValidateCommandTests {
    /// One agent denied five times in an hour (lines 1-14; the expectation is line 14).
    static let scenario = """
        name: rd
        description: one agent denied five times in an hour
        seed: 1
        duration: 8h
        agents:
          - group: at
            name: at-1
            runtime: custom
            arrivals: {constant: 1/h}
            mix: [{op: github.list_prs}]
        timeline:
          - {at: 10m, scan: {agent: at-1, op: gdrive.share_file_external, risk: 0.5, count: 5, every: 10m}}
        expect:
          - incident: {trigger: repeated_deny, agent: at-1, count: 1}

        """

    /// The scenario with one text replaced (which must be in it).
    static func replacing(_ old: String, with new: String) -> String {
        precondition(scenario.contains(old), "not in the scenario: \(old)")
        return scenario.replacingOccurrences(of: old, with: new)
    }

    /// The scenario with more `expect:` items (lines 15, 16, ...).
    static func expecting(_ items: String...) -> String {
        scenario + items.map { "  - \($0)\n" }.joined()
    }

    static let cases: [BadFile] = [
        BadFile("broken YAML: an unclosed flow mapping", replacing("count: 1}", with: "count: 1"), at: 15, 1,
                "invalid YAML", "flow mapping started at line 14, column 15"),
        BadFile("a word where an expectation's count belongs", replacing("count: 1}", with: "count: many}"), at: 14, 60,
                "expect[0].incident.count", "expected a whole number >= 0", "found 'many'"),
        BadFile("a misspelt key in an expectation", replacing("{trigger: repeated_deny", with: "{triger: repeated_deny"), at: 14, 16,
                "unknown key 'triger' in expect[0].incident", "did you mean 'trigger'?"),
        BadFile("an unknown top-level key", scenario + "expectations: []\n", at: 15, 1,
                "unknown key 'expectations' at the top level", "valid keys:", "expect"),
        BadFile("a misspelt top-level key", replacing("expect:", with: "expct:"), at: 13, 1,
                "unknown key 'expct' at the top level", "did you mean 'expect'?"),
        BadFile("a negative time in a window", expecting("no_incident: {agent: at-1, within: [-5m, 1h]}"), at: 15, 41,
                "expect[1].no_incident.within[0]", "found '-5m'", "negative durations are not allowed"),
        BadFile("a negative run duration", replacing("duration: 8h", with: "duration: -1h"), at: 4, 11,
                "duration: expected a duration", "found '-1h'", "negative durations are not allowed"),
        BadFile("an unknown agent in the timeline", replacing("timeline:\n", with: "timeline:\n  - {at: 1h, suspend: at-l}\n"), at: 12, 23,
                "timeline[0].suspend", "found 'at-l'", "did you mean 'at-1'?"),
        BadFile("an agent glob that matches nobody", replacing("agent: at-1, count: 1", with: "agent: \"fin-*\", count: 1"), at: 14, 47,
                "expect[0].incident.agent", "found 'fin-*', which matches none", "the agents are at-1 (at)"),
        BadFile("a window that ends after the run", expecting("no_incident: {agent: at-1, within: [1h, 9h]}"), at: 15, 45,
                "expect[1].no_incident.within[1]", "expected a window inside the run (duration 8h)", "found [1h, 9h]", "ends 1h after the run"),
        BadFile("a trigger that does not exist", replacing("trigger: repeated_deny", with: "trigger: repeat_deny"), at: 14, 25,
                "expect[0].incident.trigger", "found 'repeat_deny'", "did you mean 'repeated_deny'?"),
        BadFile("two bad expectations: both are reported",
                expecting("incident: {agent: at-1, count: -1}", "sometimes: {agent: at-2, scrutiny: true}"),
                errors: [(15, 36, ["expect[1].incident.count", "found '-1'"]),
                         (16, 24, ["expect[2].sometimes.agent", "found 'at-2'", "did you mean 'at-1'?"])]),
    ]

    @Test("a malformed file: exit 2, one FILE:LINE:COL line per problem and a summary, no stack trace", arguments: cases)
    func malformed(_ bad: BadFile) throws {
        let dir = try CLIProcess.temporaryDirectory()
        let file = try CLIProcess.write(bad.text, named: "bad.yaml", in: dir)
        let r = try CLIProcess.run(["validate", file])
        #expect(r.status == 2, "stderr: \(r.stderr)")
        #expect(r.stdout.isEmpty, "stdout: \(r.stdout)")
        #expect(!looksLikeStackTrace(r.stderr), "\(r.stderr)")
        let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        try #require(lines.count == bad.errors.count + 2 && lines.last == "", "one line per problem, then the summary: \(r.stderr)")
        for (line, want) in zip(lines, bad.errors) {
            #expect(line.hasPrefix("error: \(file):\(want.line):\(want.column): "), "\(line)")
            for word in want.words { #expect(line.contains(word), "'\(word)' not in: \(line)") }
        }
        #expect(lines[bad.errors.count] == "error: 1 of 1 file invalid")
    }

    @Test("a missing file: exit 2, one line naming it")
    func missingFile() throws {
        let dir = try CLIProcess.temporaryDirectory()
        let r = try CLIProcess.run(["validate", "nope.yaml"], in: dir)
        #expect(r.status == 2)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr == "error: nope.yaml: no such file\nerror: 1 of 1 file invalid\n")
    }

    @Test("a valid scenario prints ok with its figures and exits 0")
    func validScenario() throws {
        let dir = try CLIProcess.temporaryDirectory()
        let file = try CLIProcess.write(Self.expecting("no_incident: {trigger: critical_deny}"), named: "rd.yaml", in: dir)
        let r = try CLIProcess.run(["validate", file])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stderr.isEmpty)
        #expect(r.stdout == "ok \(file): scenario 'rd', 1 agent, 8h, 2 expectations\n")
    }

    @Test("a valid rules file prints ok as a rules file and exits 0")
    func validRulesFile() throws {
        let dir = try CLIProcess.temporaryDirectory()
        let file = try CLIProcess.write("triggers: {repeated_deny: {count: 3}}\n", named: "strict.yaml", in: dir)
        let r = try CLIProcess.run(["validate", file])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stderr.isEmpty)
        #expect(r.stdout == "ok \(file): rules file\n")
    }

    @Test("a bad rules file is reported like a scenario")
    func badRulesFile() throws {
        let dir = try CLIProcess.temporaryDirectory()
        let file = try CLIProcess.write("triggers: {repeated_deny: {cout: 3}}\n", named: "strict.yaml", in: dir)
        let r = try CLIProcess.run(["validate", file])
        #expect(r.status == 2)
        #expect(r.stdout.isEmpty)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 2, "\(r.stderr)")
        #expect(lines.first?.hasPrefix("error: \(file):1:28: unknown key 'cout' in triggers.repeated_deny; did you mean 'count'?") == true,
                "\(r.stderr)")
        #expect(!looksLikeStackTrace(r.stderr))
    }

    @Test("valid and invalid files together: exit 2, ok for each valid file, every error of the others")
    func mixed() throws {
        let dir = try CLIProcess.temporaryDirectory()
        let good = try CLIProcess.write(Self.scenario, named: "good.yaml", in: dir)
        let rules = try CLIProcess.write("triggers: {repeated_deny: {count: 3}}\n", named: "rules.yaml", in: dir)
        let bad = try CLIProcess.write(Self.expecting("incident: {agent: at-1, count: -1}", "sometimes: {agent: at-2, scrutiny: true}"),
                                       named: "bad.yaml", in: dir)
        let r = try CLIProcess.run(["validate", good, bad, rules, dir.appendingPathComponent("nope.yaml").path])
        #expect(r.status == 2)
        #expect(r.stdout == "ok \(good): scenario 'rd', 1 agent, 8h, 1 expectation\nok \(rules): rules file\n")
        let lines = r.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 4, "\(r.stderr)")
        #expect(lines.count == 4 && lines[0].hasPrefix("error: \(bad):15:36: "))
        #expect(lines.count == 4 && lines[1].hasPrefix("error: \(bad):16:24: "))
        #expect(lines.count == 4 && lines[2] == "error: \(dir.appendingPathComponent("nope.yaml").path): no such file")
        #expect(lines.last == "error: 2 of 4 files invalid")
        #expect(!looksLikeStackTrace(r.stderr))
    }

    @Test("--set applies to the scenarios being validated")
    func setOption() throws {
        let dir = try CLIProcess.temporaryDirectory()
        let file = try CLIProcess.write(Self.scenario, named: "rd.yaml", in: dir)
        let ok = try CLIProcess.run(["validate", file, "--set", "triggers.repeated_deny.count=6"])
        #expect(ok.status == 0, "stderr: \(ok.stderr)")
        let bad = try CLIProcess.run(["validate", file, "--set", "triggers.repeted_deny.count=6"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("did you mean 'repeated_deny'?"), "\(bad.stderr)")
        #expect(bad.stderr.split(separator: "\n").count == 2)
    }
}

/// Errors are reported all at once, each once.
@Suite("every error once")
struct EveryErrorOnceTests {
    @Test("rules and validate print all three mistakes of a rules file in one run")
    func threeMistakes() throws {
        let dir = try CLIProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = try CLIProcess.write("trust:\n  initial: 1.5\ntriggers:\n  repeated_deny:\n    windw: 1h\napprovals:\n  grant_window: -5m\n",
                                        named: "strict.yaml", in: dir)
        for command in [["rules", file], ["validate", file]] {
            let r = try CLIProcess.run(command, in: dir)
            #expect(r.status == 2)
            let errors = r.stderr.split(separator: "\n").filter { $0.hasPrefix("error: \(file):") }
            #expect(errors.count == 3, "\(r.stderr)")
            #expect(errors.map { $0.split(separator: ":")[2] } == ["2", "5", "7"], "\(r.stderr)")
        }
    }

    @Test("check and validate report a bad --set once, not once per scenario")
    func badSetOnce() throws {
        let dir = try CLIProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let scenarios = dir.appendingPathComponent("s")
        try FileManager.default.createDirectory(at: scenarios, withIntermediateDirectories: true)
        for n in 1...3 {
            _ = try CLIProcess.write(ValidateCommandTests.scenario.replacingOccurrences(of: "name: rd", with: "name: rd\(n)"),
                                     named: "rd\(n).yaml", in: scenarios)
        }
        for command in ["check", "validate"] {
            let r = try CLIProcess.run([command, scenarios.path, "--set", "triggers.repeated_deny.count=lots"], in: dir)
            #expect(r.status == 2)
            let mentions = r.stderr.split(separator: "\n").filter { $0.contains("--set triggers.repeated_deny.count=lots") }
            #expect(mentions.count == 1, "\(command): \(r.stderr)")
        }
    }
}
