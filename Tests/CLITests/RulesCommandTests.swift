import Foundation
import IntervenTesting
import Testing

@Suite("interven-sim rules")
struct RulesCommandTests {
    @Test("without a file it prints every shipped default")
    func printsDefaults() throws {
        let r = try CLIProcess.run(["rules"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stdout.contains("scrutiny_threshold: 0.6"))
        #expect(r.stdout.contains("count: 5"))
        #expect(r.stdout.contains("urlhaus"))
        #expect(!r.stdout.contains("# default:"), "nothing differs from the defaults")
        #expect(r.stderr.isEmpty)
    }

    @Test("a partial file shows its changes against the defaults, and the output loads again")
    func partialFileMarksChanges() throws {
        let dir = try CLIProcess.temporaryDirectory()
        let file = try CLIProcess.write("""
            triggers:
              repeated_deny:
                count: 6
            """, named: "strict.yaml", in: dir)
        let r = try CLIProcess.run(["rules", file])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let line = try #require(r.stdout.split(separator: "\n").first { $0.contains("count: 6") })
        #expect(line.contains("# default: 5"))
        // The printed file is itself a valid rules file with the same effective values.
        let again = try CLIProcess.write(r.stdout, named: "effective.yaml", in: dir)
        let r2 = try CLIProcess.run(["rules", again])
        #expect(r2.status == 0, "stderr: \(r2.stderr)")
        #expect(r2.stdout == r.stdout)
    }

    @Test("--set overrides one value")
    func setOverride() throws {
        let r = try CLIProcess.run(["rules", "--set", "trust.scrutiny_threshold=0.5"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stdout.contains("scrutiny_threshold: 0.5"))
    }

    struct BadInput: Sendable, CustomTestStringConvertible {
        let name: String
        let yaml: String?
        let arguments: [String]
        let mustMention: [String]
        var testDescription: String { name }
    }

    static let badInputs: [BadInput] = [
        BadInput(name: "broken YAML", yaml: "trust:\n  deny: [-0.05\n", arguments: [], mustMention: ["bad.yaml:"]),
        BadInput(name: "unknown key", yaml: "triggers:\n  repeated_deny:\n    windw: 1h\n", arguments: [],
                 mustMention: ["bad.yaml:3:", "windw", "window"]),
        BadInput(name: "negative duration", yaml: "approvals:\n  grant_window: -5m\n", arguments: [],
                 mustMention: ["bad.yaml:2:", "grant_window"]),
        BadInput(name: "trust outside [0,1]", yaml: "trust:\n  scrutiny_threshold: 1.5\n", arguments: [],
                 mustMention: ["bad.yaml:2:", "scrutiny_threshold"]),
        BadInput(name: "wrong type", yaml: "triggers:\n  repeated_deny:\n    count: many\n", arguments: [],
                 mustMention: ["bad.yaml:3:", "count"]),
        BadInput(name: "unknown --set path", yaml: nil, arguments: ["--set", "triggers.repeated_deny.cuont=6"],
                 mustMention: ["cuont", "count"]),
        BadInput(name: "missing file", yaml: nil, arguments: ["/nonexistent/rules.yaml"], mustMention: ["/nonexistent/rules.yaml"]),
        BadInput(name: "unknown flag", yaml: nil, arguments: ["--frobnicate"], mustMention: ["frobnicate"]),
    ]

    @Test("bad input gives one error line on stderr, nothing on stdout, and exit code 2", arguments: badInputs)
    func badInput(_ c: BadInput) throws {
        let dir = try CLIProcess.temporaryDirectory()
        var args = ["rules"]
        if let yaml = c.yaml { args.append(try CLIProcess.write(yaml, named: "bad.yaml", in: dir)) }
        args += c.arguments
        let r = try CLIProcess.run(args, in: dir)
        #expect(r.status == 2)
        #expect(r.stdout.isEmpty)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.first?.hasPrefix("error: ") == true, "stderr: \(r.stderr)")
        for word in c.mustMention { #expect(r.stderr.contains(word), "expected '\(word)' in: \(r.stderr)") }
        #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("Stack dump"))
    }
}
