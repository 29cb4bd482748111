import Foundation
import IntervenTesting
import Testing

/// `interven-sim sweep` and `merge`, end to end through the real binary.
@Suite("interven-sim sweep and merge")
struct SweepCommandTests {
    /// Six bots that now and then share a file externally (denied), four that turn compromised
    /// at 1h and share a lot: the repeated-deny count trades false positives against detection.
    static let scenario = """
        name: tiny-sweep
        description: Bots with occasional denies, and bots that turn compromised at 1h.
        seed: 1
        duration: 3h
        agents:
          - group: bots
            count: 6
            name: bot-{n}
            arrivals: {poisson: 20/h}
            mix:
              - {op: github.list_prs, weight: 6}
              - {op: gdrive.share_file_external, data: [PII], risk: 0.5}
          - group: bad
            count: 4
            name: bad-{n}
            arrivals: {poisson: 20/h}
            mix: [{op: github.list_prs}]
            phases:
              - {at: 1h, label: compromised, mix: [{op: gdrive.share_file_external, data: [PII], risk: 0.6}, {op: github.list_prs, weight: 2}]}
        """

    /// Without the slice variables a surrounding job might set.
    static let clean = ["JOB_COMPLETION_INDEX": "", "JOB_COMPLETION_COUNT": "", "SLURM_ARRAY_TASK_ID": "", "SLURM_ARRAY_TASK_COUNT": ""]

    private func setUp() throws -> (dir: URL, scenario: String) {
        let dir = try CLIProcess.temporaryDirectory()
        return (dir, try CLIProcess.write(Self.scenario, named: "tiny-sweep.yaml", in: dir))
    }

    private func read(_ dir: URL, _ name: String) throws -> Data { try Data(contentsOf: dir.appendingPathComponent(name)) }

    private func sweep(_ file: String, _ extra: [String], environment: [String: String] = clean) throws -> CLIProcess.Result {
        try CLIProcess.run(["sweep", file, "--vary", "triggers.repeated_deny.count=2..5", "--vary", "trust.deny=-0.05,-0.1",
                            "--seeds", "1..2", "--quiet"] + extra, environment: environment)
    }

    @Test("runs.csv and cells.csv are byte-identical at --jobs 1 and 2; the table and answer are printed")
    func deterministicAcrossJobs() throws {
        let (dir, file) = try setUp()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("a"), b = dir.appendingPathComponent("b")
        let ra = try sweep(file, ["--jobs", "1", "--out", a.path, "--min-detection", "0.5"])
        #expect(ra.status == 0, "\(ra.stderr)")
        #expect(ra.stderr.isEmpty)
        let rb = try sweep(file, ["--jobs", "2", "--out", b.path, "--min-detection", "0.5"])
        #expect(rb.status == 0, "\(rb.stderr)")
        for name in ["runs.csv", "cells.csv"] { #expect(try read(a, name) == read(b, name), "\(name) differs") }
        let runs = String(decoding: try read(a, "runs.csv"), as: UTF8.self).split(separator: "\n")
        // 8 cells x 2 seeds x (any + 7 triggers), plus the header.
        #expect(runs.count == 1 + 8 * 2 * 8)
        #expect(runs[0].hasPrefix("cell,seed,triggers.repeated_deny.count,trust.deny,trigger,scans,"))
        #expect(runs[1].hasPrefix("0,1,2,-0.05,any,"))
        let cells = String(decoding: try read(a, "cells.csv"), as: UTF8.self).split(separator: "\n")
        #expect(cells.count == 1 + 8 * 8)
        let json = try #require(try JSONSerialization.jsonObject(with: read(a, "sweep.json")) as? [String: Any])
        #expect((json["cells"] as? [Any])?.count == 8)
        #expect((json["command"] as? [String])?.first == "sweep")
        #expect(ra.stdout.contains("sweep tiny-sweep: 8 cells x 2 seeds on any trigger, sorted by lowest false-positive ratio"))
        #expect(ra.stdout.contains("Pareto front (detection rate vs false-positive ratio): "))
        #expect(ra.stdout.contains("Recommended: cell ") || ra.stdout.contains("No cell meets"))
    }

    @Test("four slices merged equal the whole sweep byte for byte; a missing slice or another sweep is refused")
    func slicesMerge() throws {
        let (dir, file) = try setUp()
        defer { try? FileManager.default.removeItem(at: dir) }
        let whole = dir.appendingPathComponent("whole")
        #expect(try sweep(file, ["--out", whole.path]).status == 0)
        var slices: [String] = []
        for i in 0..<4 {
            let out = dir.appendingPathComponent("slice-\(i)").path
            // Slices 0-2 from --slice, slice 3 from a Kubernetes Indexed Job's variables.
            let r = i < 3 ? try sweep(file, ["--out", out, "--slice", "\(i)/4"])
                : try sweep(file, ["--out", out], environment: ["JOB_COMPLETION_INDEX": "3", "JOB_COMPLETION_COUNT": "4"])
            #expect(r.status == 0, "\(r.stderr)")
            slices.append(out)
        }
        let merged = dir.appendingPathComponent("merged")
        let m = try CLIProcess.run(["merge"] + slices.reversed() + ["--out", merged.path])
        #expect(m.status == 0, "\(m.stderr)")
        for name in ["runs.csv", "cells.csv"] { #expect(try read(whole, name) == read(merged, name), "\(name) differs") }

        let missing = try CLIProcess.run(["merge", slices[0], slices[1], slices[3], "--out", dir.appendingPathComponent("m2").path])
        #expect(missing.status == 2)
        #expect(missing.stderr.hasPrefix("error: merge: missing slice 2/4 of sweep "))
        #expect(missing.stderr.split(separator: "\n").count == 1)

        let other = dir.appendingPathComponent("other").path
        #expect(try CLIProcess.run(["sweep", file, "--vary", "triggers.repeated_deny.count=2..5", "--seeds", "1..2", "--slice", "2/4",
                                    "--quiet", "--out", other], environment: Self.clean).status == 0)
        let mixed = try CLIProcess.run(["merge", slices[0], slices[1], other, slices[3], "--out", dir.appendingPathComponent("m3").path])
        #expect(mixed.status == 2)
        #expect(mixed.stderr.contains("is a slice of another sweep"), "\(mixed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("m3").path))
    }

    @Test("run writes the detection section of summary.json: every agent, then each group, per trigger, numbers only")
    func detectionSection() throws {
        let (dir, file) = try setUp()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("run")
        let r = try CLIProcess.run(["run", file, "--out", out.path, "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: read(out, "summary.json")) as? [String: Any])
        let detection = try #require(summary["detection"] as? [[String: Any]])
        #expect(detection.map { $0["group"] as? String } == [nil, "bots", "bad"])
        let any = try #require((detection[0]["triggers"] as? [[String: Any]])?.first)
        #expect(any["trigger"] as? String == "any")
        #expect(any["agents"] as? Int == 10 && any["malicious_agents"] as? Int == 4)
        let incidents = try #require(any["incidents"] as? Int), tp = try #require(any["true_positives"] as? Int)
        #expect(tp + (any["false_positives"] as? Int ?? -1) == incidents)
        #expect(any["time_to_detect_p95_ms"] is Int || any["time_to_detect_p95_ms"] is NSNull)
        #expect((detection[1]["triggers"] as? [[String: Any]])?.first?["detection_rate"] is NSNull, "no malicious bot: no rate")
        // The sections before it are unchanged: detection comes after the fingerprint.
        let text = String(decoding: try read(out, "summary.json"), as: UTF8.self)
        let fingerprint = try #require(text.range(of: "\"fingerprint\""))
        #expect(text.range(of: "\"detection\"")!.lowerBound > fingerprint.lowerBound)
    }

    @Test("bad sweep inputs: one line on stderr, exit 2, nothing written",
          arguments: [
            (["--vary", "triggers.repeated_deny.cont=2..5"], "error: --vary triggers.repeated_deny.cont=2..5: unknown rules path 'triggers.repeated_deny.cont'; nearest valid paths: triggers.repeated_deny.count"),
            (["--vary", "repeated_deny.count=2..5"], "nearest valid paths: triggers.repeated_deny.count"),
            (["--vary", "triggers.repeated_deny.count=0..3"], "error: --vary triggers.repeated_deny.count=0..3: value '0': expected a whole number from 1 to 10000"),
            (["--vary", "trust.deny=0.02..0.10/0.02"], "error: --vary trust.deny=0.02..0.10/0.02: value '0.02': expected a trust movement in [-1, 0]"),
            (["--vary", "triggers.repeated_deny.count=2..10/0"], "expected a positive step"),
            (["--vary", "triggers.repeated_deny.count=1..10000", "--vary", "trust.deny=-0.1..-0.01/0.01"], "error: --vary: the grid has 100000 cells x 5 seeds = 500000 runs; at most 100000 are allowed"),
            (["--seeds", "1..3"], "error: --vary: expected at least one --vary PATH=VALUES; the grid is empty (0 cells)"),
            (["--vary", "triggers.repeated_deny.count=3", "--seeds", "5..1"], "error: --seeds 5..1: expected a range from low to high"),
            (["--vary", "triggers.repeated_deny.count=3", "--objective", "speed"], "error: --objective: expected one of fp-ratio"),
            (["--vary", "triggers.repeated_deny.count=3", "--slice", "4/4"], "error: --slice: expected a slice i/N"),
            (["--vary", "triggers.repeated_deny.count=3", "--max-ttd-p95", "soon"], "error: --max-ttd-p95: expected a duration"),
          ])
    func badInputs(_ args: [String], _ expected: String) throws {
        let (dir, file) = try setUp()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out")
        let r = try CLIProcess.run(["sweep", file, "--quiet", "--out", out.path] + args, environment: Self.clean)
        #expect(r.status == 2)
        #expect(r.stderr.contains(expected), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(r.stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }
}
