import Foundation
import IntervenTesting
import Testing

/// `interven-sim run`, end to end through the real binary.
@Suite("interven-sim run")
struct RunCommandTests {
    /// Three ops bots for two hours; ops-bot-1 is made to share a file externally six times,
    /// which the default policy denies, so a repeated-deny incident opens.
    static let scenario = """
        name: tiny
        description: Three ops bots, one made to trip repeated_deny.
        seed: 3
        duration: 2h
        agents:
          - group: ops
            count: 3
            name: ops-bot-{n}
            runtime: claude_code
            arrivals: {poisson: 30/h}
            mix:
              - {op: github.list_prs, weight: 4}
              - {op: github.create_pr}
        timeline:
          - {at: 30m, scan: {agent: ops-bot-1, op: gdrive.share_file_external, count: 6, every: 10s, data: [PII], risk: 0.6}}
        """

    /// What a results directory holds: the marker, the results files and the report.
    static let files = [".interven-results", "agents.json", "incidents.json", "report.html", "series.json", "summary.json", "trust.csv"]

    private func setUp() throws -> (dir: URL, scenario: String) {
        let dir = try CLIProcess.temporaryDirectory()
        return (dir, try CLIProcess.write(Self.scenario, named: "tiny.yaml", in: dir))
    }

    private func field(_ name: String, in output: String) -> String? {
        output.split(separator: "\n").first { $0.hasPrefix(name + ":") }
            .map { $0.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces) }
    }

    private func entries(_ url: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }

    private func summary(_ dir: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: dir.appendingPathComponent("summary.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test("a run writes the results files and the report to --out and prints a summary")
    func writesResults() throws {
        let (dir, file) = try setUp()
        let out = dir.appendingPathComponent("out")
        let r = try CLIProcess.run(["run", file, "--out", out.path, "--quiet", "--shards", "2"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stderr.isEmpty)
        #expect(try entries(out) == Self.files)
        #expect(try entries(dir) == ["out", "tiny.yaml"], "no temporary directory left beside the results")
        #expect(field("results", in: r.stdout) == out.path)
        let fingerprint = try #require(field("fingerprint", in: r.stdout))
        #expect(fingerprint.count == 16)
        let s = try summary(out)
        #expect(s["scenario"] as? String == "tiny")
        #expect(s["seed"] as? Int == 3)
        #expect(s["shards"] as? Int == 2)
        #expect(s["virtual_duration"] as? String == "2h")
        #expect(s["agents"] as? Int == 3)
        #expect(s["fingerprint"] as? String == fingerprint)
        #expect((s["scans"] as? Int ?? 0) > 0)
        #expect((s["incidents_by_trigger"] as? [String: Int])?["repeated_deny"] == 1)
        #expect(r.stdout.contains("repeated_deny 1"))
    }

    @Test("without --out the results go to Results/<scenario name> in the working directory")
    func defaultDirectory() throws {
        let (dir, file) = try setUp()
        let r = try CLIProcess.run(["run", file, "--quiet"], in: dir)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(try entries(dir.appendingPathComponent("Results")) == ["tiny"])
        #expect(try entries(dir.appendingPathComponent("Results/tiny")) == Self.files)
        #expect(field("results", in: r.stdout) == "Results/tiny")
    }

    @Test("the same seed gives the same files for 1 and 4 shards; only shards and wall time differ")
    func shardCountDoesNotMatter() throws {
        let (dir, file) = try setUp()
        let one = dir.appendingPathComponent("one"), four = dir.appendingPathComponent("four")
        let a = try CLIProcess.run(["run", file, "--out", one.path, "--quiet", "--shards", "1"])
        let b = try CLIProcess.run(["run", file, "--out", four.path, "--quiet", "--shards", "4"])
        #expect(a.status == 0 && b.status == 0, "stderr: \(a.stderr) \(b.stderr)")
        #expect(field("fingerprint", in: a.stdout) == field("fingerprint", in: b.stdout))
        for name in ["agents.json", "incidents.json", "trust.csv", "series.json"] {
            #expect(try Data(contentsOf: one.appendingPathComponent(name)) == Data(contentsOf: four.appendingPathComponent(name)), "\(name)")
        }
        let varying = ["\"shards\":", "\"wall_seconds\":", "\"scans_per_wall_second\":"]
        func stable(_ url: URL) throws -> [Substring] {
            try String(decoding: Data(contentsOf: url.appendingPathComponent("summary.json")), as: UTF8.self)
                .split(separator: "\n").filter { line in !varying.contains { line.contains($0) } }
        }
        #expect(try stable(one) == stable(four))
    }

    @Test("the shipped examples (phases, analyst, every timeline action) give byte-identical files at 1 and 3 shards",
          arguments: ["fin-exfiltration.yaml", "operator-timeline.yaml"])
    func shippedExamplesAcrossShards(_ example: String) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let file = root.appendingPathComponent("Scenarios/examples/\(example)").path
        let dir = try CLIProcess.temporaryDirectory()
        let one = dir.appendingPathComponent("one"), three = dir.appendingPathComponent("three")
        let a = try CLIProcess.run(["run", file, "--out", one.path, "--quiet", "--shards", "1"])
        let b = try CLIProcess.run(["run", file, "--out", three.path, "--quiet", "--shards", "3"])
        #expect(a.status == 0 && b.status == 0, "stderr: \(a.stderr) \(b.stderr)")
        #expect(field("fingerprint", in: a.stdout) == field("fingerprint", in: b.stdout))
        for name in ["agents.json", "incidents.json", "trust.csv", "series.json"] {
            let x = try Data(contentsOf: one.appendingPathComponent(name)), y = try Data(contentsOf: three.appendingPathComponent(name))
            #expect(x == y, "\(example): \(name) differs")
            #expect(x.count > 100, "\(example): \(name) is not vacuous")
        }
        #expect(!(field("incidents", in: a.stdout) ?? "0").hasPrefix("0"), "the example opens incidents")
    }

    @Test("--seed replaces the scenario's seed")
    func seedOption() throws {
        let (dir, file) = try setUp()
        let a = try CLIProcess.run(["run", file, "--out", dir.appendingPathComponent("a").path, "--quiet"])
        let b = try CLIProcess.run(["run", file, "--out", dir.appendingPathComponent("b").path, "--quiet", "--seed", "99"])
        let c = try CLIProcess.run(["run", file, "--out", dir.appendingPathComponent("c").path, "--quiet", "--seed", "3"])
        #expect(a.status == 0 && b.status == 0 && c.status == 0)
        #expect(try summary(dir.appendingPathComponent("b"))["seed"] as? Int == 99)
        #expect(field("fingerprint", in: a.stdout) != field("fingerprint", in: b.stdout))
        #expect(field("fingerprint", in: a.stdout) == field("fingerprint", in: c.stdout))
    }

    @Test("--set changes a rules value for the run")
    func setOption() throws {
        let (dir, file) = try setUp()
        let r = try CLIProcess.run(["run", file, "--out", dir.appendingPathComponent("o").path, "--quiet",
                                    "--set", "triggers.repeated_deny.count=99"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect((try summary(dir.appendingPathComponent("o"))["incidents_by_trigger"] as? [String: Int])?["repeated_deny"] == 0)
    }

    @Test("progress goes to stderr as a line every 10% when stderr is not a terminal; --quiet silences it")
    func progressLines() throws {
        let (dir, file) = try setUp()
        let r = try CLIProcess.run(["run", file, "--out", dir.appendingPathComponent("o").path])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        // The estimate comes first (see RunBudgetTests), then the progress lines.
        #expect(r.stderr.hasPrefix("expected: about "), "\(r.stderr)")
        let lines = r.stderr.split(separator: "\n").dropFirst()
        // One line per 10% step reached (a quiet stretch the simulation skips may jump a step).
        let percents = lines.compactMap { $0.split(separator: " ").dropFirst().first.flatMap { Int($0.dropLast()) } }
        #expect(percents.count == lines.count && (1...10).contains(lines.count), "\(r.stderr)")
        // Each line is the first report in a new tenth of the run (it may be past the exact step).
        let tenths = percents.map { $0 / 10 }
        #expect(tenths == tenths.sorted() && Set(tenths).count == tenths.count && tenths.first ?? 0 >= 1, "\(r.stderr)")
        #expect(lines.allSatisfy { $0.hasPrefix("progress: ") && $0.contains(" of 2h, ") && $0.hasSuffix(" scans/s") })
        #expect(lines.last?.hasPrefix("progress: 100% virtual 02:00:00 of 2h, ") == true)
        #expect(!r.stderr.contains("\r"))
        #expect(!r.stdout.contains("progress:"))
    }

    @Test("an earlier results directory (one carrying the marker) is replaced whole")
    func replacesEarlierResults() throws {
        let (dir, file) = try setUp()
        let out = dir.appendingPathComponent("out")
        #expect(try CLIProcess.run(["run", file, "--out", out.path, "--quiet", "--seed", "9"]).status == 0)
        try Data("stale".utf8).write(to: out.appendingPathComponent("report.html"))
        let r = try CLIProcess.run(["run", file, "--out", out.path, "--quiet"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(try entries(out) == Self.files)
        #expect(try summary(out)["seed"] as? Int == 3)
        #expect(try entries(dir) == ["out", "tiny.yaml"])
    }

    @Test("a directory that merely contains a summary.json is refused before running: exit 2, one line, every file kept")
    func unmarkedDirectoryIsRefused() throws {
        let (dir, file) = try setUp()
        let out = dir.appendingPathComponent("mine")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: out.appendingPathComponent("summary.json"))
        try Data("my thesis".utf8).write(to: out.appendingPathComponent("thesis.tex"))
        let r = try CLIProcess.run(["run", file, "--out", out.path])
        #expect(r.status == 2)
        #expect(r.stderr == "error: refusing to replace \(out.path): it is not empty and has no .interven-results marker, so it is not known to be an interven-sim results directory (older versions wrote none); delete it yourself or pick another --out\n")
        #expect(r.stdout.isEmpty)
        #expect(try entries(out) == ["summary.json", "thesis.tex"])
        #expect(try Data(contentsOf: out.appendingPathComponent("thesis.tex")) == Data("my thesis".utf8))
        #expect(try entries(dir) == ["mine", "tiny.yaml"])
    }

    @Test("an empty --out is invalid input naming the flag (exit 2)")
    func emptyOut() throws {
        let (dir, file) = try setUp()
        let r = try CLIProcess.run(["run", file, "--quiet", "--out", ""], in: dir)
        #expect(r.status == 2)
        #expect(r.stderr == "error: --out needs a directory name (got an empty string)\n")
        #expect(try entries(dir) == ["tiny.yaml"])
    }

    @Test("a summary that cannot be written to standard output is exit 3 with one line; the results are complete")
    func standardOutputFull() throws {
        let (dir, file) = try setUp()
        let out = dir.appendingPathComponent("out")
        let r = try CLIProcess.run(["run", file, "--quiet", "--out", out.path], standardOutput: "/dev/full")
        #expect(r.status == 3)
        #expect(r.stderr == "error: cannot write to standard output: No space left on device\n")
        #expect(try entries(out) == Self.files)
    }

    /// One agent sampled every millisecond: a trust.csv of about 27 MB, so writing takes long
    /// enough to interrupt.
    static let large = """
        name: large
        description: one agent whose trust is sampled every millisecond
        duration: 10m
        trust_sample: 1ms
        agents:
          - {group: ops, name: ops-1, runtime: mcp, arrivals: {poisson: 30/h}, mix: [{op: github.list_prs}]}
        """

    /// Starts a run of `scenario` into `out` and waits until its temporary directory appears
    /// beside `out` (the write phase); returns the process and that directory.
    private func startWriting(_ scenario: String, out: URL) throws -> (Process, URL) {
        let p = try CLIProcess.start(["run", scenario, "--out", out.path, "--quiet", "--shards", "1"])
        let temporary = out.deletingLastPathComponent().appendingPathComponent(".\(out.lastPathComponent).tmp-\(p.processIdentifier)")
        while p.isRunning && !FileManager.default.fileExists(atPath: temporary.path) { usleep(1000) }
        return (p, temporary)
    }

    private func snapshot(_ dir: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try entries(dir) { files[name] = try Data(contentsOf: dir.appendingPathComponent(name)) }
        return files
    }

    @Test("SIGTERM while writing: exit 143, no temporary left, the previous results intact; SIGKILL: previous results intact, the stale temporary swept by the next run")
    func interruptedWhileWriting() throws {
        let (dir, tiny) = try setUp()
        let large = try CLIProcess.write(Self.large, named: "large.yaml", in: dir)
        let out = dir.appendingPathComponent("out")
        let first = try CLIProcess.run(["run", large, "--out", out.path, "--quiet"])
        #expect(first.status == 0, "stderr: \(first.stderr)")
        let before = try snapshot(out)
        #expect(before.keys.sorted() == Self.files)

        let (terminated, temporary) = try startWriting(large, out: out)
        defer { CLIProcess.stop(terminated) }
        try #require(terminated.isRunning, "the run ended before its write phase could be interrupted")
        terminated.terminate()
        terminated.waitUntilExit()
        #expect(terminated.terminationStatus == 143)
        #expect(!FileManager.default.fileExists(atPath: temporary.path))
        #expect(try entries(dir) == ["large.yaml", "out", "tiny.yaml"])
        #expect(try snapshot(out) == before)

        let (killed, stale) = try startWriting(large, out: out)
        defer { CLIProcess.stop(killed) }
        try #require(killed.isRunning, "the run ended before its write phase could be interrupted")
        kill(killed.processIdentifier, SIGKILL)
        killed.waitUntilExit()
        #expect(FileManager.default.fileExists(atPath: stale.path), "a kill -9 cannot clean up")
        #expect(try snapshot(out) == before, "the previous results are intact")

        let next = try CLIProcess.run(["run", tiny, "--out", out.path, "--quiet"])
        #expect(next.status == 0, "stderr: \(next.stderr)")
        #expect(try entries(dir) == ["large.yaml", "out", "tiny.yaml"], "the stale temporary was swept")
        #expect(try summary(out)["scenario"] as? String == "tiny")
    }

    @Test("a missing scenario is invalid input: exit 2, one line, nothing written")
    func missingScenario() throws {
        let dir = try CLIProcess.temporaryDirectory()
        let r = try CLIProcess.run(["run", "nope.yaml", "--quiet"], in: dir)
        #expect(r.status == 2)
        #expect(r.stderr.hasPrefix("error: nope.yaml"))
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(r.stdout.isEmpty)
        #expect(try entries(dir).isEmpty)
    }

    @Test("a malformed scenario names the file and line and exits 2")
    func malformedScenario() throws {
        let dir = try CLIProcess.temporaryDirectory()
        let file = try CLIProcess.write(Self.scenario.replacingOccurrences(of: "duration: 2h", with: "duration: two hours"),
                                        named: "bad.yaml", in: dir)
        let r = try CLIProcess.run(["run", file, "--quiet"], in: dir)
        #expect(r.status == 2)
        #expect(r.stderr.hasPrefix("error: \(file):4:"), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(try entries(dir) == ["bad.yaml"])
    }

    @Test("--shards must be from 1 to 256", arguments: ["0", "257", "-1", "many"])
    func shardRange(_ value: String) throws {
        let (dir, file) = try setUp()
        let r = try CLIProcess.run(["run", file, "--quiet", "--shards", value], in: dir)
        #expect(r.status == 2)
        #expect(r.stderr.hasPrefix("error: "))
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(try entries(dir) == ["tiny.yaml"])
    }

    @Test("results that cannot be written exit 3 with one line naming the path, and leave nothing")
    func unwritableOutput() throws {
        let (dir, file) = try setUp()
        let blocker = try CLIProcess.write("not a directory", named: "blocker", in: dir)
        let r = try CLIProcess.run(["run", file, "--quiet", "--out", blocker + "/out"])
        #expect(r.status == 3)
        #expect(r.stderr.hasPrefix("error: cannot write results to \(blocker)/out: "), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(r.stdout.isEmpty)
        #expect(try entries(dir) == ["blocker", "tiny.yaml"])
    }

    @Test("a directory that is not results is never replaced (exit 2)")
    func foreignDirectory() throws {
        let (dir, file) = try setUp()
        let r = try CLIProcess.run(["run", file, "--quiet", "--out", dir.path])
        #expect(r.status == 2)
        #expect(r.stderr.contains("is not known to be an interven-sim results directory"))
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(try entries(dir) == ["tiny.yaml"])
    }
}
