import Foundation
import IntervenTesting
import Testing
#if canImport(FoundationXML)
import FoundationXML
#endif

/// `interven-sim check`, end to end through the real binary.
@Suite("interven-sim check")
struct CheckCommandTests {
    /// `at-1` is denied five times in an hour (10m..50m): repeated_deny opens at 50m (and, with
    /// the incident's trust drop, trust_collapse). `other-1` only lists PRs, at random times.
    /// The `expect:` items start at line 16.
    static func scenario(_ name: String, seed: Int = 1, expect: [String]) -> String {
        """
        name: \(name)
        description: one agent denied five times in an hour, one quiet
        seed: \(seed)
        duration: 8h
        agents:
          - group: at
            name: at-1
            runtime: custom
            arrivals: {constant: 1/h}
            mix: [{op: github.list_prs}]
          - {group: other, name: other-1, runtime: mcp, arrivals: {poisson: 12/h}, mix: [{op: github.list_prs}, {op: github.create_pr}]}
        timeline:
          - {at: 10m, scan: {agent: at-1, op: gdrive.share_file_external, risk: 0.5, count: 5, every: 10m}}
          - {at: 3h, scan: {agent: other-1, op: slack.post_message, data: [PII]}}
        expect:

        """ + expect.map { "  - \($0)\n" }.joined()
    }

    static let firstExpectationLine = 16

    /// Expectations that hold for `scenario`.
    static let holding = [
        "incident: {trigger: repeated_deny, agent: at-1, count: 1, within: [50m, 50m]}",
        "no_incident: {agent: \"other-*\"}",
        "decisions: {agent: at-1, DENY: 5}",
        "sometimes: {decision: SANITIZE}",
    ]

    /// A fresh directory with scenario files; returns it and the files' paths.
    func setUp(_ files: [(name: String, text: String)]) throws -> (dir: URL, paths: [String]) {
        let dir = try CLIProcess.temporaryDirectory()
        let scenarios = dir.appendingPathComponent("scenarios")
        try FileManager.default.createDirectory(at: scenarios, withIntermediateDirectories: true)
        return (dir, try files.map { try CLIProcess.write($0.text, named: $0.name, in: scenarios) })
    }

    func json(_ path: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func tableRow(_ name: String, in stdout: String) -> [Substring]? {
        stdout.split(separator: "\n").map { $0.split(separator: " ") }.first { $0.first.map(String.init) == name }
    }

    @Test("a passing scenario: exit 0, the table with PASS, the totals, a progress line on stderr")
    func passing() throws {
        let (dir, paths) = try setUp([("rd.yaml", Self.scenario("rd", expect: Self.holding))])
        let report = dir.appendingPathComponent("check.json").path
        let r = try CLIProcess.run(["check", paths[0], "--report", report], in: dir)
        #expect(r.status == 0, "stdout: \(r.stdout) stderr: \(r.stderr)")
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first.map { $0.split(separator: " ") } == ["scenario", "result", "virtual", "wall", "scans", "incidents", "failed"])
        #expect(lines.first?.hasPrefix("scenario  result  virtual ") == true)
        #expect(lines.count > 1 && lines[1].allSatisfy { $0 == "-" || $0 == " " })
        let row = try #require(tableRow("rd", in: r.stdout))
        #expect(row.count == 7 && row[1] == "PASS" && row[2] == "8h" && row[5] == "2" && row[6] == "0/4", "\(row)")
        #expect(r.stdout.contains("\n1 scenario: 1 passed, 0 failed; 0 of 4 expectations failed; "))
        #expect(!r.stdout.contains("FAIL"))
        #expect(r.stderr.hasPrefix("[1/1] PASS rd ("), "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: report))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("Results").path), "only the named report is written")
    }

    @Test("a failing expectation: exit 1, FAIL with the file and line, the expected message and its evidence")
    func failing() throws {
        let expect = Self.holding + ["incident: {trigger: repeated_deny, agent: at-1, count: 2}"]
        let (dir, paths) = try setUp([("rd.yaml", Self.scenario("rd", expect: expect))])
        let r = try CLIProcess.run(["check", paths[0], "--report", dir.appendingPathComponent("check.json").path, "--quiet"])
        #expect(r.status == 1, "stdout: \(r.stdout) stderr: \(r.stderr)")
        #expect(r.stderr.isEmpty, "--quiet: \(r.stderr)")
        #expect(tableRow("rd", in: r.stdout).map { $0[1] == "FAIL" && $0[6] == "1/5" } == true, "\(r.stdout)")
        #expect(r.stdout.contains("1 scenario: 0 passed, 1 failed; 1 of 5 expectations failed; "))
        let line = Self.firstExpectationLine + 4
        #expect(r.stdout.contains("\nFAIL rd (\(paths[0]):\(line))\n  expected exactly 2 repeated_deny incidents for at-1: found 1\n"),
                "\(r.stdout)")
        #expect(r.stdout.components(separatedBy: "\nFAIL ").count == 2, "one failure block")
    }

    @Test("a failure caused by a threshold change names the threshold")
    func failingEvidence() throws {
        let (dir, paths) = try setUp([("rd.yaml", Self.scenario("rd", expect: Self.holding))])
        let r = try CLIProcess.run(["check", paths[0], "--report", dir.appendingPathComponent("check.json").path, "--quiet",
                                    "--set", "triggers.repeated_deny.count=6"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("\nFAIL rd (\(paths[0]):\(Self.firstExpectationLine))\n  expected exactly 1 repeated_deny incident for at-1"),
                "\(r.stdout)")
        #expect(r.stdout.contains("at-1: at most 5 denies within 1h (threshold 6)"), "\(r.stdout)")
    }

    @Test("an invalid scenario among valid ones: exit 2, every error listed, nothing run, no report")
    func invalidAmongValid() throws {
        let (dir, paths) = try setUp([
            ("a.yaml", Self.scenario("a", expect: Self.holding)),
            ("b.yaml", Self.scenario("b", expect: ["incident: {triger: repeated_deny}", "trust: {agent: at-2, at: 1h, approx: 0.5}"])),
            ("c.yaml", Self.scenario("c", expect: Self.holding)),
        ])
        let report = dir.appendingPathComponent("check.json").path
        let junit = dir.appendingPathComponent("junit.xml").path
        let r = try CLIProcess.run(["check", dir.appendingPathComponent("scenarios").path, "--report", report, "--junit", junit], in: dir)
        #expect(r.status == 2, "stdout: \(r.stdout) stderr: \(r.stderr)")
        #expect(r.stdout.isEmpty, "nothing ran: \(r.stdout)")
        let lines = r.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(r.stderr)")
        #expect(lines.first?.hasPrefix("error: \(paths[1]):\(Self.firstExpectationLine):16: unknown key 'triger'") == true, "\(r.stderr)")
        #expect(lines.dropFirst().first?.hasPrefix("error: \(paths[1]):\(Self.firstExpectationLine + 1):") == true, "\(r.stderr)")
        #expect(lines.last == "error: 2 errors in the scenarios; nothing was run")
        #expect(!looksLikeStackTrace(r.stderr))
        #expect(!FileManager.default.fileExists(atPath: report))
        #expect(!FileManager.default.fileExists(atPath: junit))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["scenarios"])
    }

    @Test("a missing path is invalid input (exit 2)")
    func missingPath() throws {
        let dir = try CLIProcess.temporaryDirectory()
        let r = try CLIProcess.run(["check", "nope", "--quiet"], in: dir)
        #expect(r.status == 2)
        #expect(r.stderr.hasPrefix("error: nope: no such file or directory\n"), "\(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    /// Two scenarios: `a` holds, `b` has one failing expectation (the third of three).
    func twoScenarios() throws -> (dir: URL, paths: [String]) {
        try setUp([
            ("a.yaml", Self.scenario("a", expect: Self.holding)),
            ("b.yaml", Self.scenario("b", seed: 2, expect: [Self.holding[0], Self.holding[2], "incident: {trigger: threat_intel, agent: at-1}"])),
        ])
    }

    @Test("--junit writes well-formed XML: a testcase per expectation, a failure per failed one")
    func junit() throws {
        let (dir, paths) = try twoScenarios()
        let file = dir.appendingPathComponent("junit.xml").path
        let r = try CLIProcess.run(["check", dir.appendingPathComponent("scenarios").path, "--junit", file,
                                    "--report", dir.appendingPathComponent("check.json").path, "--quiet"])
        #expect(r.status == 1, "stderr: \(r.stderr)")
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "))
        #if canImport(FoundationXML) || os(macOS)
        let doc = try XMLDocument(data: Data(text.utf8), options: [])
        let root = try #require(doc.rootElement())
        #expect(root.name == "testsuites")
        #expect(root.attribute(forName: "tests")?.stringValue == "7")
        #expect(root.attribute(forName: "failures")?.stringValue == "1")
        let suites = root.elements(forName: "testsuite")
        #expect(suites.map { $0.attribute(forName: "name")?.stringValue } == ["a", "b"])
        #expect(suites.map { $0.attribute(forName: "tests")?.stringValue } == ["4", "3"])
        #expect(suites.map { $0.attribute(forName: "failures")?.stringValue } == ["0", "1"])
        let cases = suites.flatMap { $0.elements(forName: "testcase") }
        #expect(cases.count == 7)
        #expect(cases.map { $0.attribute(forName: "classname")?.stringValue ?? "" } == ["a", "a", "a", "a", "b", "b", "b"])
        // Test names are stable: what the expectation expects (or its id:), never its position.
        #expect(cases.allSatisfy { $0.attribute(forName: "name")?.stringValue?.hasPrefix("#") == false })
        for suite in suites {
            let names = suite.elements(forName: "testcase").map { $0.attribute(forName: "name")?.stringValue ?? "" }
            #expect(Set(names).count == names.count, "\(names)")
        }
        // Real times: six decimals, not a bare 0.
        #expect(cases.allSatisfy { ($0.attribute(forName: "time")?.stringValue ?? "").split(separator: ".").last?.count == 6 })
        let failed = cases.filter { !$0.elements(forName: "failure").isEmpty }
        #expect(failed.count == 1)
        let f = try #require(failed.first)
        // The title's plural ("at least 1 threat_intel incidents") is left unchecked.
        #expect(f.attribute(forName: "name")?.stringValue?.hasPrefix("at least 1 threat_intel incident") == true)
        #expect(f.attribute(forName: "file")?.stringValue == paths[1])
        #expect(f.attribute(forName: "line")?.stringValue == "\(Self.firstExpectationLine + 2)")
        let failure = try #require(f.elements(forName: "failure").first)
        #expect(failure.attribute(forName: "type")?.stringValue == "expectation")
        #expect(failure.attribute(forName: "message")?.stringValue?.hasPrefix("expected at least 1 threat_intel incident") == true)
        #expect(failure.attribute(forName: "message")?.stringValue?.contains(" for at-1: found none") == true)
        #expect(failure.stringValue?.contains("observed: found none") == true)
        #else
        // No XML parser: check the structure by text.
        #expect(text.components(separatedBy: "<testcase ").count - 1 == 7)
        #expect(text.components(separatedBy: "<failure ").count - 1 == 1)
        #expect(text.components(separatedBy: "</testsuite>").count - 1 == 2)
        #expect(text.hasSuffix("</testsuites>\n"))
        #endif
    }

    @Test("--report writes JSON with every scenario's expectations")
    func jsonReport() throws {
        let (dir, paths) = try twoScenarios()
        let file = dir.appendingPathComponent("out/check.json").path
        let r = try CLIProcess.run(["check", dir.appendingPathComponent("scenarios").path, "--report", file, "--quiet"])
        #expect(r.status == 1, "stderr: \(r.stderr)")
        let report = try json(file)
        #expect(report["passed"] as? Bool == false)
        #expect(report["scenarios_total"] as? Int == 2)
        #expect(report["scenarios_failed"] as? Int == 1)
        #expect(report["expectations_total"] as? Int == 7)
        #expect(report["expectations_failed"] as? Int == 1)
        let scenarios = try #require(report["scenarios"] as? [[String: Any]])
        #expect(scenarios.map { $0["name"] as? String } == ["a", "b"])
        #expect(scenarios.map { $0["file"] as? String } == paths)
        #expect(scenarios.map { $0["passed"] as? Bool } == [true, false])
        #expect(scenarios.map { $0["seed"] as? Int } == [1, 2])
        #expect(scenarios.allSatisfy { $0["virtual_duration"] as? String == "8h" && $0["agents"] as? Int == 2 })
        let expectations = scenarios.map { $0["expectations"] as? [[String: Any]] ?? [] }
        #expect(expectations.map(\.count) == [4, 3])
        for (s, list) in zip(paths, expectations) {
            #expect(list.map { $0["index"] as? Int } == Array(1...list.count))
            #expect(list.map { $0["location"] as? String } == (0..<list.count).map { "\(s):\(Self.firstExpectationLine + $0)" })
            #expect(list.allSatisfy { $0["title"] is String && $0["observed"] is String && $0["message"] is String && $0["evidence"] is [Any] })
        }
        let last = try #require(expectations[1].last)
        #expect(last["passed"] as? Bool == false)
        #expect((last["title"] as? String)?.hasPrefix("at least 1 threat_intel incident") == true)
        #expect(last["observed"] as? String == "found none")
        #expect((last["message"] as? String).map { $0.hasPrefix("expected at least 1 threat_intel incident") && $0.contains(" for at-1: found none") } == true)
        #expect(expectations[0].allSatisfy { $0["passed"] as? Bool == true && ($0["evidence"] as? [Any])?.isEmpty == true })
        #expect(scenarios.allSatisfy { $0["baseline"] is NSNull })
    }

    @Test("--update-baseline writes DIR/<name>.json; a plain run then passes; a changed threshold fails with the incidents removed")
    func baseline() throws {
        // Expectations that hold whatever the threshold, so only the baseline can fail.
        let (dir, paths) = try setUp([("rd.yaml", Self.scenario("rd", expect: ["decisions: {agent: at-1, DENY: 5}"]))])
        let base = dir.appendingPathComponent("baseline").path
        let report = dir.appendingPathComponent("check.json").path
        let write = try CLIProcess.run(["check", paths[0], "--baseline", base, "--update-baseline", "--report", report, "--quiet"])
        #expect(write.status == 0, "stdout: \(write.stdout) stderr: \(write.stderr)")
        #expect(write.stdout.hasSuffix("baselines written to \(base)/\n"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: base).sorted() == [".interven-results", "rd.json"])
        let stored = try json(base + "/rd.json")
        #expect(stored["scenario"] as? String == "rd")
        #expect((stored["incidents"] as? [[String: Any]])?.compactMap { $0["trigger"] as? String } == ["repeated_deny", "trust_collapse"])
        #expect(try (json(report)["scenarios"] as? [[String: Any]])?.first?["baseline"] as? [String: String]
                    == ["status": "updated", "path": base + "/rd.json"])

        let same = try CLIProcess.run(["check", paths[0], "--baseline", base, "--report", report, "--quiet"])
        #expect(same.status == 0, "stdout: \(same.stdout)")
        #expect(!same.stdout.contains("BASELINE"))
        #expect(try (json(report)["scenarios"] as? [[String: Any]])?.first?["baseline"] as? [String: String] == ["status": "unchanged"])

        let changed = try CLIProcess.run(["check", paths[0], "--baseline", base, "--report", report, "--quiet",
                                          "--set", "triggers.repeated_deny.count=6"])
        #expect(changed.status == 1, "stdout: \(changed.stdout)")
        #expect(tableRow("rd", in: changed.stdout).map { $0[1] == "FAIL" && $0[6] == "0/1" && $0.last == "+baseline" } == true,
                "\(changed.stdout)")
        // The metrics lead: what moved in incidents per trigger and trust by group, before → after.
        #expect(changed.stdout.contains("\nBASELINE rd: 4 metrics moved, 2 incidents removed"), "\(changed.stdout)")
        #expect(changed.stdout.contains("""
              likely cause: triggers.repeated_deny.count: 5 → 6 (--set)
              note: the rules differ from the baseline's (digest
            """), "\(changed.stdout)")
        #expect(changed.stdout.contains("""
              metric incidents per trigger repeated_deny: 1 → 0 (threshold 0)
              metric incidents per trigger trust_collapse: 1 → 0 (threshold 0)
              metric trust of group at, mean at end: 0.61 → 0.81 (threshold 0.05)
              metric trust of group at, lowest at end: 0.61 → 0.81 (threshold 0.05)
              incident removed: repeated_deny for at-1 at 00:50:00 (HIGH)
            """), "\(changed.stdout)")
        #expect(changed.stdout.contains("\n  incident removed: repeated_deny for at-1 at 00:50:00 (HIGH)\n"), "\(changed.stdout)")
        #expect(changed.stdout.contains("\n  incident removed: trust_collapse for at-1 at 00:50:00 (MEDIUM)\n"), "\(changed.stdout)")
        #expect(!changed.stdout.contains("\nFAIL rd"), "no expectation failed")
        let status = try #require((json(report)["scenarios"] as? [[String: Any]])?.first?["baseline"] as? [String: Any])
        #expect(status["status"] as? String == "changed")
        #expect((status["incidents_removed"] as? [String])?.count == 2)
        // Comparing does not rewrite the baseline.
        #expect((try json(base + "/rd.json")["incidents"] as? [Any])?.count == 2)
    }

    @Test("a missing baseline file fails the scenario and says how to write one")
    func missingBaseline() throws {
        let (dir, paths) = try setUp([("rd.yaml", Self.scenario("rd", expect: Self.holding))])
        let base = dir.appendingPathComponent("baseline").path
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        let r = try CLIProcess.run(["check", paths[0], "--baseline", base, "--report", dir.appendingPathComponent("c.json").path, "--quiet"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("BASELINE rd: no baseline at \(base)/rd.json (write one with --update-baseline)"), "\(r.stdout)")
    }

    /// The report without its wall-clock fields, as canonical JSON.
    func stableReport(_ path: String) throws -> Data {
        func strip(_ v: Any) -> Any {
            if let d = v as? [String: Any] {
                var out: [String: Any] = [:]
                for (k, x) in d where k != "wall_seconds" { out[k] = strip(x) }
                return out
            }
            if let a = v as? [Any] { return a.map(strip) }
            return v
        }
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
        return try JSONSerialization.data(withJSONObject: strip(object), options: [.sortedKeys])
    }

    @Test("results do not depend on --jobs")
    func jobs() throws {
        let failing = "trust: {agent: at-1, at: 8h, approx: 0.9}"
        let (dir, _) = try setUp((1...4).map { k in
            ("s\(k).yaml", Self.scenario("s\(k)", seed: k, expect: Self.holding + (k % 2 == 0 ? [failing] : [])))
        })
        let scenarios = dir.appendingPathComponent("scenarios").path
        let one = dir.appendingPathComponent("one.json").path, three = dir.appendingPathComponent("three.json").path
        let a = try CLIProcess.run(["check", scenarios, "--jobs", "1", "--report", one, "--quiet"])
        let b = try CLIProcess.run(["check", scenarios, "--jobs", "3", "--report", three, "--quiet"])
        #expect(a.status == 1 && b.status == 1, "stderr: \(a.stderr) \(b.stderr)")
        #expect(try stableReport(one) == stableReport(three))
        let names = (try json(one)["scenarios"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
        #expect(names == ["s1", "s2", "s3", "s4"], "the report is in file order")
        let fingerprints = (try json(one)["scenarios"] as? [[String: Any]])?.compactMap { $0["fingerprint"] as? String } ?? []
        #expect(Set(fingerprints).count == 4, "the seeds give different runs")
        // The failure blocks too (the table's wall column aside).
        func failures(_ s: String) -> [Substring] { s.split(separator: "\n").filter { $0.hasPrefix("FAIL ") || $0.hasPrefix("  expected ") } }
        #expect(failures(a.stdout) == failures(b.stdout))
        #expect(failures(a.stdout).count == 4)
    }

    @Test("--rules with a file that changes the threshold behaves like --set")
    func rulesOption() throws {
        let (dir, paths) = try setUp([("rd.yaml", Self.scenario("rd", expect: Self.holding))])
        let rules = try CLIProcess.write("triggers: {repeated_deny: {count: 6}}\n", named: "strict.yaml", in: dir)
        let byFile = dir.appendingPathComponent("file.json").path, bySet = dir.appendingPathComponent("set.json").path
        let a = try CLIProcess.run(["check", paths[0], "--rules", rules, "--report", byFile, "--quiet"])
        let b = try CLIProcess.run(["check", paths[0], "--set", "triggers.repeated_deny.count=6", "--report", bySet, "--quiet"])
        #expect(a.status == 1 && b.status == 1, "stdout: \(a.stdout) \(b.stdout)")
        #expect(a.stdout.contains("at-1: at most 5 denies within 1h (threshold 6)"), "\(a.stdout)")
        #expect(try stableReport(byFile) == stableReport(bySet))
        // And a rules file that keeps the default threshold changes nothing.
        let same = try CLIProcess.write("triggers: {repeated_deny: {count: 5}}\n", named: "same.yaml", in: dir)
        let c = try CLIProcess.run(["check", paths[0], "--rules", same, "--report", byFile, "--quiet"])
        #expect(c.status == 0, "stdout: \(c.stdout)")
    }

    @Test("a bad --rules file is invalid input (exit 2), reported with its line")
    func badRulesOption() throws {
        let (dir, paths) = try setUp([("rd.yaml", Self.scenario("rd", expect: Self.holding))])
        let rules = try CLIProcess.write("triggers: {repeated_deny: {count: six}}\n", named: "strict.yaml", in: dir)
        let r = try CLIProcess.run(["check", paths[0], "--rules", rules, "--report", dir.appendingPathComponent("c.json").path, "--quiet"])
        #expect(r.status == 2)
        #expect(r.stderr.hasPrefix("error: \(rules):1:35: "), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("c.json").path))
    }
}
