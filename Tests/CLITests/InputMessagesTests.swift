import Foundation
import IntervenTesting
import Testing

/// Flags and files at the edges of what is accepted: the same seed range in files and flags,
/// empty paths, negative numbers, empty rules files, deep nesting.
@Suite("inputs at the edges")
struct InputMessagesTests {
    static func scenario(seed: String) -> String {
        """
        name: edges
        description: one quiet agent
        seed: \(seed)
        duration: 1h
        agents:
          - {group: g, name: a-1, runtime: custom, arrivals: {poisson: 1/min}, mix: [{op: github.list_prs}]}

        """
    }

    static func fingerprint(_ stdout: String) -> String? {
        stdout.split(separator: "\n").first { $0.hasPrefix("fingerprint:") }.map { String($0) }
    }

    @Test("seed: takes the whole range --seed takes, and both give the same run")
    func seedRange() throws {
        let dir = try CLIProcess.temporaryDirectory()
        let inFile = try CLIProcess.write(Self.scenario(seed: "18446744073709551615"), named: "max.yaml", in: dir)
        let plain = try CLIProcess.write(Self.scenario(seed: "1"), named: "one.yaml", in: dir)
        let a = try CLIProcess.run(["run", inFile, "--out", dir.path + "/a", "--quiet"])
        let b = try CLIProcess.run(["run", plain, "--seed", "18446744073709551615", "--out", dir.path + "/b", "--quiet"])
        #expect(a.status == 0, "\(a.stderr)")
        #expect(b.status == 0, "\(b.stderr)")
        #expect(a.stdout.contains("seed 18446744073709551615"))
        #expect(Self.fingerprint(a.stdout) != nil && Self.fingerprint(a.stdout) == Self.fingerprint(b.stdout))

        for (seed, note) in [("18446744073709551616", "(too large)"), ("-1", "(it cannot be negative)")] {
            let file = try CLIProcess.write(Self.scenario(seed: seed), named: "bad.yaml", in: dir)
            let r = try CLIProcess.run(["validate", file])
            #expect(r.status == 2)
            #expect(r.stderr.hasPrefix("error: \(file):3:7: seed: expected a whole number from 0 to 18446744073709551615; found '\(seed)' \(note)\n"),
                    "\(r.stderr)")
        }
    }

    @Test("--seed says what it expects, for a negative, a too large or a non-number")
    func seedFlag() throws {
        let dir = try CLIProcess.temporaryDirectory()
        let file = try CLIProcess.write(Self.scenario(seed: "1"), named: "s.yaml", in: dir)
        let cases = [("-1", " (a seed cannot be negative)"), ("18446744073709551616", " (too large)"), ("1e3", "")]
        for (value, note) in cases {
            let r = try CLIProcess.run(["run", file, "--seed", value, "--out", dir.path + "/o"])
            #expect(r.status == 2)
            #expect(r.stderr == "error: The value '\(value)' is invalid for '--seed <seed>': expected a whole number from 0 to 18446744073709551615\(note)\n")
        }
        let shards = try CLIProcess.run(["run", file, "--shards", "-1"])
        #expect(shards.status == 2)
        #expect(shards.stderr == "error: --shards must be from 1 to 256 (got -1)\n")
        let jobs = try CLIProcess.run(["check", file, "--jobs", "-2"])
        #expect(jobs.status == 2)
        #expect(jobs.stderr == "error: --jobs must be from 1 to 256 (got -2)\n")
    }

    @Test("an empty path names the flag or argument it was given to")
    func emptyPaths() throws {
        let dir = try CLIProcess.temporaryDirectory()
        let file = try CLIProcess.write(Self.scenario(seed: "1"), named: "s.yaml", in: dir)
        let cases: [([String], String)] = [
            (["run", file, "--rules", ""], "'--rules <FILE>': expected the path of a rules file"),
            (["check", file, "--rules", ""], "'--rules <FILE>': expected the path of a rules file"),
            (["validate", file, "--rules", ""], "'--rules <FILE>': expected the path of a rules file"),
            (["run", ""], "'<scenario>': expected the path of a scenario file"),
            (["validate", ""], "'<files>': expected the path of a scenario or rules file"),
            (["check", ""], "'<paths>': expected the path of a scenario file or directory"),
            (["rules", ""], "'<file>': expected the path of a rules file"),
        ]
        for (arguments, words) in cases {
            let r = try CLIProcess.run(arguments)
            #expect(r.status == 2, "\(arguments)")
            #expect(r.stderr == "error: The value '' is invalid for \(words), not an empty string\n", "\(arguments): \(r.stderr)")
        }
    }

    @Test("an empty rules file is a valid rules file that changes nothing, everywhere")
    func emptyRulesFile() throws {
        let dir = try CLIProcess.temporaryDirectory()
        let scenario = try CLIProcess.write(Self.scenario(seed: "4"), named: "s.yaml", in: dir)
        let empties = [try CLIProcess.write("", named: "empty.yaml", in: dir),
                       try CLIProcess.write("# every value is a default\n", named: "comments.yaml", in: dir),
                       try CLIProcess.write("---\n", named: "dashes.yaml", in: dir)]
        let v = try CLIProcess.run(["validate"] + empties)
        #expect(v.status == 0, "\(v.stderr)")
        #expect(v.stdout == empties.map { "ok \($0): rules file (empty: changes nothing)\n" }.joined())
        let plain = try CLIProcess.run(["run", scenario, "--out", dir.path + "/plain", "--quiet"])
        let defaults = try CLIProcess.run(["rules"])
        for empty in empties {
            let r = try CLIProcess.run(["run", scenario, "--rules", empty, "--out", dir.path + "/e", "--quiet"])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(Self.fingerprint(r.stdout) == Self.fingerprint(plain.stdout))
            let rules = try CLIProcess.run(["rules", empty])
            #expect(rules.status == 0)
            #expect(rules.stdout == defaults.stdout)
        }
        let c = try CLIProcess.run(["check", scenario, "--rules", empties[0], "--quiet", "--report", dir.path + "/c.json"])
        #expect(c.status == 0, "\(c.stdout)\(c.stderr)")
        // Found in a directory, an empty file is an empty scenario, for validate as for check.
        let sub = dir.appendingPathComponent("scenarios")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        let inDir = try CLIProcess.write("", named: "e.yaml", in: sub)
        let expected = "error: \(inDir): the scenario file is empty; expected a mapping with name, description, duration and agents\n"
        let vd = try CLIProcess.run(["validate", sub.path])
        #expect(vd.status == 2)
        #expect(vd.stderr.hasPrefix(expected), "\(vd.stderr)")
        let cd = try CLIProcess.run(["check", sub.path, "--report", dir.path + "/c2.json"])
        #expect(cd.status == 2)
        #expect(cd.stderr.hasPrefix(expected), "\(cd.stderr)")
    }

    @Test("nesting deeper than YAML allows is said in the tool's words")
    func deepNesting() throws {
        let dir = try CLIProcess.temporaryDirectory()
        let flow = try CLIProcess.write("trust: " + String(repeating: "[", count: 2_000) + String(repeating: "]", count: 2_000) + "\n",
                                        named: "flow.yaml", in: dir)
        var block = "trust:\n"
        for i in 0..<1_200 { block += String(repeating: "  ", count: i + 1) + "k\(i):\n" }
        let nested = try CLIProcess.write(block, named: "block.yaml", in: dir)
        for file in [flow, nested] {
            let r = try CLIProcess.run(["validate", file])
            #expect(r.status == 2)
            #expect(r.stderr.contains("invalid YAML: lists and mappings nested more than 1000 levels deep\n"), "\(r.stderr)")
            #expect(!r.stderr.contains("yaml_"))
        }
        let set = try CLIProcess.run(["rules", "--set", "trust=" + String(repeating: "{a: ", count: 1_500) + "1" + String(repeating: "}", count: 1_500)])
        #expect(set.status == 2)
        #expect(set.stderr.hasSuffix(": lists and mappings nested more than 1000 levels deep\n"), "\(set.stderr)")
    }
}
