import Foundation
import IntervenTesting
import Testing

/// Runs are sized before they start: the expected scans against --max-scans, the memory against
/// what the machine has, and a series of every trust change is stopped when it outgrows memory.
@Suite("run budget: estimates, --max-scans and memory")
struct RunBudgetTests {
    private func scenario(_ name: String, _ body: String) throws -> (dir: URL, path: String) {
        let dir = try CLIProcess.temporaryDirectory()
        return (dir, try CLIProcess.write("name: \(name)\ndescription: sizing\n" + body, named: name + ".yaml", in: dir))
    }

    private func entries(_ dir: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
    }

    /// A thousand agents at 1000/s for 366 days: about 3.2e13 scans.
    static let enormous = """
        duration: 366d
        agents:
          - {group: g, count: 1000, name: "a-{n}", runtime: mcp, arrivals: {poisson: 1000/s}, mix: [{op: github.list_prs}]}
        """

    static let small = """
        duration: 1h
        agents:
          - {group: g, count: 2, name: "a-{n}", runtime: mcp, arrivals: {constant: 30/h}, mix: [{op: github.list_prs}]}
        """

    @Test("a run beyond --max-scans is refused at once: exit 2, one line with the estimate and the flag to raise")
    func beyondMaxScans() throws {
        let (dir, file) = try scenario("enormous", Self.enormous)
        let r = try CLIProcess.run(["run", file, "--out", dir.appendingPathComponent("out").path], in: dir)
        #expect(r.status == 2)
        #expect(r.stderr == "error: enormous: expected about 3.2e13 scans (1,000 agents over 366d), more than --max-scans 10 billion; raise --max-scans to run it anyway, or lower the rates, the agents or the duration\n")
        #expect(try entries(dir) == ["enormous.yaml"])
    }

    @Test("--max-scans lowers and raises the bound")
    func maxScansFlag() throws {
        let (dir, file) = try scenario("small", Self.small)
        let out = dir.appendingPathComponent("out").path
        let low = try CLIProcess.run(["run", file, "--out", out, "--max-scans", "10"])
        #expect(low.status == 2)
        #expect(low.stderr.hasPrefix("error: small: expected about 60 scans (2 agents over 1h), more than --max-scans 10; raise --max-scans"), "\(low.stderr)")
        let high = try CLIProcess.run(["run", file, "--out", out, "--max-scans", "60", "--quiet"])
        #expect(high.status == 0, "\(high.stderr)")
    }

    @Test("run prints the expected scans and an ETA on stderr first; --quiet prints nothing")
    func estimateLine() throws {
        let (dir, file) = try scenario("small", Self.small)
        let r = try CLIProcess.run(["run", file, "--out", dir.appendingPathComponent("out").path, "--shards", "2"])
        #expect(r.status == 0)
        let first = r.stderr.split(separator: "\n").first.map(String.init) ?? ""
        #expect(first.hasPrefix("expected: about 60 scans, 2 agents, 1h; trust.csv every change; results under 1 MiB, memory about "), "\(first)")
        #expect(first.hasSuffix(" on 2 shards") && first.contains("; ETA about "), "\(first)")
        let quiet = try CLIProcess.run(["run", file, "--out", dir.appendingPathComponent("out").path, "--quiet"])
        #expect(quiet.status == 0 && quiet.stderr.isEmpty)
    }

    @Test("check refuses a scenario beyond --max-scans before anything runs; bench --scenario too")
    func checkAndBench() throws {
        let (dir, file) = try scenario("enormous", Self.enormous)
        let report = dir.appendingPathComponent("c.json").path
        let c = try CLIProcess.run(["check", file, "--report", report])
        #expect(c.status == 2)
        #expect(c.stderr.hasPrefix("error: enormous: expected about 3.2e13 scans"), "\(c.stderr)")
        #expect(c.stdout.isEmpty && !FileManager.default.fileExists(atPath: report))
        let b = try CLIProcess.run(["bench", "--scenario", file, "--no-reference", "--shards", "1"])
        #expect(b.status == 2)
        #expect(b.stderr.hasPrefix("error: enormous: expected about 3.2e13 scans"), "\(b.stderr)")
        #expect(b.stdout.isEmpty)
    }

    @Test("a sampled trust series that cannot fit in memory is refused before running, naming trust_sample")
    func sampledSeriesTooLarge() throws {
        // 7.2 million rows: about 819 MiB, against 200 MB available.
        let (dir, file) = try scenario("sampled", """
            duration: 2h
            trust_sample: 1ms
            agents:
              - {group: g, name: a-1, runtime: mcp, arrivals: {poisson: 1/min}, mix: [{op: github.list_prs}]}
            """)
        let r = try CLIProcess.run(["run", file, "--out", dir.appendingPathComponent("out").path],
                                   environment: ["INTERVEN_SIM_AVAILABLE_MEMORY": "200000000"])
        #expect(r.status == 2)
        #expect(r.stderr.hasPrefix("error: sampled: needs about 819 MiB of memory, more than the 191 MiB this machine has available; set trust_sample to a longer interval (7.2 million trust.csv rows from trust_sample: 1ms over 2h for 1 agent)"), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(try entries(dir) == ["sampled.yaml"])
    }

    @Test("a series of every trust change that outgrows memory stops the run: exit 2, naming trust_sample, nothing written")
    func everyChangeSeriesStopped() throws {
        // Idle recovery of a millionth every millisecond after six denies: 300,000 rows.
        let (dir, file) = try scenario("idle", """
            duration: 2h
            set: {trust.idle_recovery.period: 1ms, trust.idle_recovery.reward: 0.000001}
            agents:
              - {group: ops, name: ops-1, runtime: mcp, arrivals: {poisson: 2/h}, mix: [{op: github.list_prs}]}
            timeline:
              - {at: 30m, scan: {agent: ops-1, op: gdrive.share_file_external, count: 6, every: 10s, data: [PII], risk: 0.6}}
            """)
        let out = dir.appendingPathComponent("out").path
        let r = try CLIProcess.run(["run", file, "--out", out, "--quiet"], environment: ["INTERVEN_SIM_AVAILABLE_MEMORY": "70000000"])
        #expect(r.status == 2)
        #expect(r.stderr.hasPrefix("error: idle: stopped at virtual "), "\(r.stderr)")
        #expect(r.stderr.contains("the trust series (every change, as no trust_sample is set) reached "))
        #expect(r.stderr.hasSuffix("set trust_sample (e.g. trust_sample: 1m) to record samples instead\n"))
        #expect(try entries(dir) == ["idle.yaml"])
        // With room enough, the same run completes.
        let full = try CLIProcess.run(["run", file, "--out", out, "--quiet"])
        #expect(full.status == 0, "\(full.stderr)")
    }
}
