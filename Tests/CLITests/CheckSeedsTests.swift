import Foundation
import IntervenTesting
import Testing

/// `check --seed N` and `check --seeds A..B`, end to end through the real binary.
@Suite("interven-sim check --seed and --seeds")
struct CheckSeedsTests {
    /// One agent scanning at random (Poisson, 6 an hour) for an hour: how many scans it sends
    /// depends on the seed. `enough` holds at some seeds and fails at others; `no-deny` holds at
    /// every seed; `impossible` fails at every seed.
    static let scenario = """
        name: seed-dependent
        description: one agent whose scan count depends on the seed
        seed: 1
        duration: 1h
        agents:
          - {group: a, name: a-1, runtime: custom, arrivals: {poisson: 6/h}, mix: [{op: github.list_prs}]}
        expect:
          - {id: enough, decisions: {agent: a-1, scans: {at_least: 6}}}
          - {id: no-deny, decisions: {agent: a-1, DENY: 0}}
          - {id: impossible, decisions: {agent: a-1, scans: {at_least: 1000}}}
        """

    static let seeds: [UInt64] = Array(1...8)

    func check(_ file: String, _ args: [String], in dir: URL) throws -> CLIProcess.Result {
        try CLIProcess.run(["check", file, "--quiet", "--jobs", "2", "--report", dir.appendingPathComponent("check.json").path] + args)
    }

    @Test("an expectation that fails at some seeds is flaky, with its failing seeds, in the table, the JSON report and JUnit")
    func flaky() throws {
        let dir = try CLIProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = try CLIProcess.write(Self.scenario, named: "seed-dependent.yaml", in: dir)
        // Where `enough` fails, judged one seed at a time.
        var failing: [UInt64] = []
        for s in Self.seeds {
            let r = try check(file, ["--seed", "\(s)"], in: dir)
            try #require(r.status == 1, "impossible fails at every seed: \(r.stderr)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("check.json"))) as? [String: Any])
            let scenario = try #require((report["scenarios"] as? [[String: Any]])?.first)
            #expect(scenario["seed"] as? Int == Int(s))
            let enough = try #require((scenario["expectations"] as? [[String: Any]])?.first { $0["id"] as? String == "enough" })
            if enough["passed"] as? Bool == false { failing.append(s) }
        }
        try #require(!failing.isEmpty && failing.count < Self.seeds.count, "the fixture must hold at some seeds and fail at others: fails at \(failing)")

        let junit = dir.appendingPathComponent("junit.xml")
        let r = try check(file, ["--seeds", "1..8", "--junit", junit.path], in: dir)
        #expect(r.status == 1, "\(r.stderr)")
        let text = failing.map(String.init).joined(separator: ", ")
        let seedsWord = failing.count == 1 ? "seed" : "seeds"
        #expect(r.stdout.contains("\nFLAKY seed-dependent ("), "\(r.stdout)")
        #expect(r.stdout.contains("flaky: fails at \(seedsWord) \(text) of 1..8"), "\(r.stdout)")
        #expect(r.stdout.contains("\nFAIL seed-dependent ("), "impossible fails at every seed: \(r.stdout)")
        #expect(r.stdout.contains("; fails at seeds 1, 2, 3, 4, 5, 6, 7, 8 of 1..8"), "\(r.stdout)")

        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("check.json"))) as? [String: Any])
        #expect(report["passed"] as? Bool == false)
        let scenario = try #require((report["scenarios"] as? [[String: Any]])?.first)
        #expect((scenario["seeds"] as? [Int]) == Self.seeds.map { Int($0) })
        let expectations = try #require(scenario["expectations"] as? [[String: Any]])
        func item(_ id: String) throws -> [String: Any] { try #require(expectations.first { $0["id"] as? String == id }) }
        #expect(try item("enough")["flaky"] as? Bool == true)
        #expect(try item("enough")["passed"] as? Bool == false)
        #expect(try item("enough")["failing_seeds"] as? [Int] == failing.map { Int($0) })
        #expect(try item("no-deny")["flaky"] as? Bool == false)
        #expect(try item("no-deny")["passed"] as? Bool == true)
        #expect(try item("no-deny")["failing_seeds"] as? [Int] == [])
        #expect(try item("impossible")["flaky"] as? Bool == false)
        #expect(try item("impossible")["failing_seeds"] as? [Int] == Self.seeds.map { Int($0) })

        let xml = try String(contentsOf: junit, encoding: .utf8)
        #expect(xml.contains("<failure type=\"flaky\" message=\""), "\(xml)")
        #expect(xml.contains("flaky: fails at \(seedsWord) \(text) of 1..8"), "\(xml)")
        #expect(xml.contains("name=\"no-deny\""))
    }

    @Test("--seeds judges each seed as --seed does: all passing is exit 0")
    func allPass() throws {
        let dir = try CLIProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = Self.scenario.components(separatedBy: "\nexpect:")[0] + "\nexpect:\n  - {id: no-deny, decisions: {agent: a-1, DENY: 0}}\n"
        let file = try CLIProcess.write(text, named: "seed-dependent.yaml", in: dir)
        let r = try check(file, ["--seeds", "3,5,9"], in: dir)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("seed-dependent  PASS"), "\(r.stdout)")
    }

    @Test("bad --seed and --seeds are refused with one line, exit 2, before anything runs",
          arguments: [["--seeds", "5..2"], ["--seed", "1", "--seeds", "1..3"], ["--seeds", "1..3", "--baseline", "Results/baseline"],
                      ["--seeds", "1..3", "--update-baseline"], ["--seeds", "x"], ["--seed", "-1"]])
    func badInput(_ args: [String]) throws {
        let dir = try CLIProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = try CLIProcess.write(Self.scenario, named: "seed-dependent.yaml", in: dir)
        let r = try check(file, args, in: dir)
        #expect(r.status == 2, "\(args): \(r.stdout)\(r.stderr)")
        #expect(r.stderr.hasPrefix("error: "), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1, "one line: \(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("check.json").path), "nothing ran")
    }
}
