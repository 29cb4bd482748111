import Foundation
import IntervenTesting
import Testing

/// `run --slice i/N` and `merge` of run slices, end to end through the real binary.
@Suite("interven-sim run --slice and merge")
struct RunSliceTests {
    static let root = LibraryCheckTests.root
    /// Without the slice variables a surrounding job might set.
    static let clean = SweepCommandTests.clean

    /// Scenarios without an analyst: every timeline action (tenant-wide ones included), a tenant
    /// of 110 agents with phases, and refused operator actions with tenant-wide rules and
    /// indicator changes.
    static let cases: [ShardIndependenceTests.Case] = [
        .init(label: "Scenarios/examples/operator-timeline.yaml") { _ in root.appendingPathComponent("Scenarios/examples/operator-timeline.yaml").path },
        .init(label: "Scenarios/research/tuning-tenant.yaml") { _ in root.appendingPathComponent("Scenarios/research/tuning-tenant.yaml").path },
        .init(label: "refused operator actions") { dir in
            try CLIProcess.write(ShardIndependenceTests.refusals + """

                  - {at: 50m, set: {triggers.repeated_deny.count: 3}}
                  - {at: 55m, indicator: {feed: urlhaus, host: new-bad.example}}
                """, named: "refusals.yaml", in: dir)
        },
    ]

    @Test("three slices merged equal the unsliced run, file by file, byte for byte", arguments: cases)
    func mergedEqualsWhole(_ c: ShardIndependenceTests.Case) throws {
        let dir = try CLIProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = try c.make(dir)
        let whole = dir.appendingPathComponent("whole")
        let w = try CLIProcess.run(["run", file, "--shards", "2", "--out", whole.path, "--quiet"], environment: Self.clean)
        try #require(w.status == 0, "\(w.stderr)")
        var slices: [String] = []
        for i in 0..<3 {
            let out = dir.appendingPathComponent("slice-\(i)").path
            slices.append(out)
            // Slice 1 on two workers, slice 2 told by a Kubernetes Indexed Job's variables.
            let r: CLIProcess.Result
            switch i {
            case 1: r = try CLIProcess.run(["run", file, "--slice", "1/3", "--shards", "2", "--out", out, "--quiet"], environment: Self.clean)
            case 2: r = try CLIProcess.run(["run", file, "--shards", "1", "--out", out, "--quiet"],
                                           environment: Self.clean.merging(["JOB_COMPLETION_INDEX": "2", "JOB_COMPLETION_COUNT": "3"]) { $1 })
            default: r = try CLIProcess.run(["run", file, "--slice", "0/3", "--shards", "1", "--out", out, "--quiet"], environment: Self.clean)
            }
            try #require(r.status == 0, "slice \(i): \(r.stderr)")
            #expect(r.stdout.contains("slice \(i)/3"), "\(r.stdout)")
        }
        let merged = dir.appendingPathComponent("merged")
        let m = try CLIProcess.run(["merge", slices[2], slices[0], slices[1], "--out", merged.path], environment: Self.clean)
        try #require(m.status == 0, "\(m.stderr)")
        let a = try ShardIndependenceTests.contents(of: whole), b = try ShardIndependenceTests.contents(of: merged)
        #expect(a.keys.sorted() == b.keys.sorted())
        #expect(a.keys.contains("summary.json") && a.keys.contains("report.html") && a.keys.contains("trust.csv"))
        for (name, bytes) in a.sorted(by: { $0.key < $1.key }) where b[name] != bytes {
            Issue.record("\(name) differs between the whole run and the merged slices: \(ShardIndependenceTests.firstDifference(bytes, b[name] ?? []))")
        }
        // The merged summary says how the slices ran: the workers of every slice together (a
        // slice of one agent runs on one, whatever --shards says).
        var workers = 0
        for d in slices {
            let identity = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: d + "/slice.json"))) as? [String: Any])
            workers += try #require(identity["shards"] as? Int)
        }
        #expect((3...4).contains(workers))
        let summary = try String(contentsOf: merged.appendingPathComponent("summary.json"), encoding: .utf8)
        #expect(summary.contains("\n  \"shards\": \(workers),"), "\(summary.prefix(400))")
    }

    /// A tiny scenario to slice, and its slices 0 and 2 of 3 at seed 1 and slice 1 at seed 2.
    static let tiny = """
        name: tiny-slices
        description: Three bots.
        seed: 1
        duration: 1h
        agents:
          - group: bots
            count: 3
            name: bot-{n}
            arrivals: {poisson: 20/h}
            mix: [{op: github.list_prs}]
        """

    @Test("merge refuses a missing slice, a slice given twice, slices of different runs, and sweep and run slices together")
    func refusals() throws {
        let dir = try CLIProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = try CLIProcess.write(Self.tiny, named: "tiny.yaml", in: dir)
        func slice(_ i: Int, seed: Int = 1) throws -> String {
            let out = dir.appendingPathComponent("s\(i)-seed\(seed)").path
            let r = try CLIProcess.run(["run", file, "--slice", "\(i)/3", "--seed", "\(seed)", "--out", out, "--quiet"], environment: Self.clean)
            try #require(r.status == 0, "\(r.stderr)")
            return out
        }
        let s0 = try slice(0), s1 = try slice(1), s2 = try slice(2), other = try slice(1, seed: 2)
        let out = dir.appendingPathComponent("merged")
        func merge(_ dirs: [String]) throws -> CLIProcess.Result {
            try CLIProcess.run(["merge"] + dirs + ["--out", out.path], environment: Self.clean)
        }
        let missing = try merge([s0, s2])
        #expect(missing.status == 2)
        #expect(missing.stderr.hasPrefix("error: merge: missing slice 1/3 of run "), "\(missing.stderr)")
        #expect(missing.stderr.contains("--slice 1/3"), "\(missing.stderr)")
        let twice = try merge([s0, s1, s1, s2])
        #expect(twice.status == 2)
        #expect(twice.stderr.contains("slice 1/3 is given twice"), "\(twice.stderr)")
        let mixed = try merge([s0, other, s2])
        #expect(mixed.status == 2)
        #expect(mixed.stderr.contains("is a slice of another run"), "\(mixed.stderr)")
        #expect(mixed.stderr.contains("seed 2"), "\(mixed.stderr)")
        // A sweep's slice among a run's.
        let sweep = dir.appendingPathComponent("sweep-slice").path
        let s = try CLIProcess.run(["sweep", file, "--vary", "triggers.repeated_deny.count=3,5", "--seeds", "1", "--slice", "0/2",
                                    "--quiet", "--out", sweep], environment: Self.clean)
        try #require(s.status == 0, "\(s.stderr)")
        let kinds = try merge([s0, s1, sweep])
        #expect(kinds.status == 2)
        #expect(kinds.stderr.contains("is a sweep's slice, but"), "\(kinds.stderr)")
        for r in [missing, twice, mixed, kinds] {
            #expect(r.stderr.split(separator: "\n").count == 1, "one line: \(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: out.path), "nothing written")
        // The three slices of one run do merge.
        #expect(try merge([s2, s1, s0]).status == 0)
        // Not once the scenario has changed (merge loads it again), nor with a damaged part.
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try (text + "# changed\n").write(toFile: file, atomically: true, encoding: .utf8)
        let changed = try merge([s0, s1, s2])
        #expect(changed.status == 2)
        #expect(changed.stderr.contains("tiny.yaml has changed since the slices ran"), "\(changed.stderr)")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let part = URL(fileURLWithPath: s1).appendingPathComponent("part.bin")
        try Data(try Data(contentsOf: part).dropLast(3)).write(to: part)
        let damaged = try merge([s0, s1, s2])
        #expect(damaged.status == 2)
        #expect(damaged.stderr.contains("part.bin: unreadable part"), "\(damaged.stderr)")
        for r in [changed, damaged] { #expect(r.stderr.split(separator: "\n").count == 1, "one line: \(r.stderr)") }
    }

    @Test("a scenario with an analyst, more slices than agents, and --activity are refused with one line, exit 2")
    func sliceRefusals() throws {
        let dir = try CLIProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fin = Self.root.appendingPathComponent("Scenarios/examples/fin-exfiltration.yaml").path
        let out = dir.appendingPathComponent("out").path
        let analyst = try CLIProcess.run(["run", fin, "--slice", "0/3", "--out", out, "--quiet"], environment: Self.clean)
        #expect(analyst.status == 2)
        #expect(analyst.stderr.hasPrefix("error: --slice 0/3: fin-exfiltration has an analyst"), "\(analyst.stderr)")
        let file = try CLIProcess.write(Self.tiny, named: "tiny.yaml", in: dir)
        let many = try CLIProcess.run(["run", file, "--slice", "0/4", "--out", out, "--quiet"], environment: Self.clean)
        #expect(many.status == 2)
        #expect(many.stderr.contains("fewer than the 4 slices"), "\(many.stderr)")
        let log = try CLIProcess.run(["run", file, "--slice", "0/3", "--activity", dir.appendingPathComponent("a.csv").path, "--out", out, "--quiet"],
                                     environment: Self.clean)
        #expect(log.status == 2)
        #expect(log.stderr.contains("--activity is not available with --slice"), "\(log.stderr)")
        let bad = try CLIProcess.run(["run", file, "--slice", "3/3", "--out", out, "--quiet"], environment: Self.clean)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("expected a slice i/N with 0 <= i < N"), "\(bad.stderr)")
        for r in [analyst, many, log, bad] { #expect(r.stderr.split(separator: "\n").count == 1, "one line: \(r.stderr)") }
        #expect(!FileManager.default.fileExists(atPath: out), "nothing written")
    }
}
