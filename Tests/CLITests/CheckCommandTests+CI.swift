import Foundation
import IntervenTesting
import Testing
#if canImport(FoundationXML)
import FoundationXML
#endif

// check's CI outputs: annotations, summaries, warn-only baselines, refused timeline actions.

extension CheckCommandTests {
    @Test("--format github (automatic under GitHub Actions) prints an annotation on the line of each failed expectation")
    func githubAnnotations() throws {
        let (dir, paths) = try twoScenarios()
        defer { try? FileManager.default.removeItem(at: dir) }
        let report = dir.appendingPathComponent("check.json").path
        let line = Self.firstExpectationLine + 2
        for (arguments, environment) in [(["--format", "github"], [String: String]()), ([], ["GITHUB_ACTIONS": "true"])] {
            let r = try CLIProcess.run(["check"] + paths + ["--report", report, "--quiet"] + arguments, in: dir, environment: environment)
            #expect(r.status == 1)
            let annotations = r.stdout.split(separator: "\n").filter { $0.hasPrefix("::") }
            #expect(annotations.count == 1, "\(r.stdout)")
            #expect(annotations.first?.hasPrefix("::error file=\(paths[1]),line=\(line),col=5,title=b%3A at least 1 threat_intel incident") == true,
                    "\(annotations)")
        }
        let plain = try CLIProcess.run(["check"] + paths + ["--report", report, "--quiet"], in: dir)
        #expect(!plain.stdout.contains("::error"), "plain output outside GitHub Actions")
    }

    @Test("--summary writes Markdown (appending to an existing file); --codequality writes a GitLab report")
    func summaryAndCodeQuality() throws {
        let (dir, paths) = try twoScenarios()
        defer { try? FileManager.default.removeItem(at: dir) }
        let summary = dir.appendingPathComponent("summary.md")
        try "# earlier step\n".write(to: summary, atomically: true, encoding: .utf8)
        let quality = dir.appendingPathComponent("quality.json").path
        let r = try CLIProcess.run(["check"] + paths + ["--report", dir.appendingPathComponent("c.json").path, "--quiet",
                                    "--format", "gitlab", "--summary", summary.path, "--codequality", quality], in: dir)
        #expect(r.status == 1)
        #expect(!r.stdout.contains("::error"))
        let text = try String(contentsOf: summary, encoding: .utf8)
        #expect(text.hasPrefix("# earlier step\n## interven-sim check: failed\n"), "\(text)")
        #expect(text.contains("| b | ❌ fail |"))
        let issues = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: quality))) as? [[String: Any]])
        #expect(issues.count == 1)
        #expect((issues.first?["location"] as? [String: Any])?["path"] as? String == paths[1])
    }

    @Test("--baseline-mode warn reports a changed baseline and exits 0; an expectation id names its JUnit test case")
    func baselineWarn() throws {
        let (dir, paths) = try setUp([("rd.yaml", Self.scenario("rd", expect: ["{id: five-denies, decisions: {agent: at-1, DENY: 5}}"]))])
        defer { try? FileManager.default.removeItem(at: dir) }
        let base = dir.appendingPathComponent("baseline").path
        let report = dir.appendingPathComponent("check.json").path
        let junit = dir.appendingPathComponent("junit.xml").path
        _ = try CLIProcess.run(["check", paths[0], "--baseline", base, "--update-baseline", "--report", report, "--quiet"])
        let args = ["check", paths[0], "--baseline", base, "--report", report, "--quiet", "--junit", junit,
                    "--set", "triggers.repeated_deny.count=6", "--format", "github"]
        let failing = try CLIProcess.run(args)
        #expect(failing.status == 1)
        #expect(failing.stdout.contains("\n::error title=baseline changed by triggers.repeated_deny.count::"), "\(failing.stdout)")
        let warned = try CLIProcess.run(args + ["--baseline-mode", "warn"])
        #expect(warned.status == 0, "\(warned.stdout)")
        #expect(warned.stdout.contains("\nBASELINE (warning) rd: "), "\(warned.stdout)")
        #expect(warned.stdout.contains("\n::warning title=baseline changed by triggers.repeated_deny.count::"), "\(warned.stdout)")
        #expect(tableRow("rd", in: warned.stdout).map { $0[1] == "PASS" } == true)
        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        #expect(xml.contains("name=\"five-denies\""))
        #expect(!xml.contains("<failure"), "a warning is no failure")
        let bad = try CLIProcess.run(["check", paths[0], "--baseline-mode", "maybe"])
        #expect(bad.status == 2)
    }

    @Test("a refused timeline action fails the scenario at its line unless a refused: expectation states it")
    func refusedAction() throws {
        let text = Self.scenario("rf", expect: Self.holding).replacingOccurrences(
            of: "timeline:\n", with: "timeline:\n  - {at: 20m, by: alice, note: {agent: other-1, text: too early}}\n")
        let stated = text + "  - refused: {agent: other-1, action: note}\n"
        let (dir, paths) = try setUp([("rf.yaml", text), ("ok.yaml", stated.replacingOccurrences(of: "name: rf", with: "name: ok"))])
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLIProcess.run(["check"] + paths + ["--report", dir.appendingPathComponent("c.json").path, "--quiet"], in: dir)
        #expect(r.status == 1)
        #expect(r.stdout.contains("\nFAIL rf (\(paths[0]):13)\n  expected timeline action alice note other-1 at 00:20:00 takes effect: refused: "), "\(r.stdout)")
        #expect(tableRow("ok", in: r.stdout).map { $0[1] == "PASS" } == true, "\(r.stdout)")
    }
}
