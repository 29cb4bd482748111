import Foundation
import IntervenTesting
import Testing

/// `interven-sim bench`, end to end through the built binary: seconds-long smoke runs only, and no
/// timing assertions (the figures are whatever this machine measures).
@Suite("interven-sim bench (smoke runs, no timing assertions)")
struct BenchCommandTests {
    static let automaticTriggers = ["critical_deny", "repeated_deny", "threat_intel", "read_then_write", "trust_collapse",
                                    "ephemeral_scope"]

    static func field(_ name: String, in output: String) -> String? {
        output.split(separator: "\n").first { $0.hasPrefix(name + ":") }
            .map { $0.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces) }
    }

    /// `name N` inside a line like `incidents:   12 (critical_deny 3, repeated_deny 9); ...`.
    static func count(_ name: String, in line: String) -> Int? {
        guard let range = line.range(of: name + " ") else { return nil }
        return Int(line[range.upperBound...].prefix { $0.isNumber })
    }

    @Test("a small run measures the reference and two engine runs, with equal fingerprints and every trigger fired")
    func smokeRun() throws {
        let dir = try CLIProcess.temporaryDirectory()
        let json = dir.appendingPathComponent("bench.json")
        let r = try CLIProcess.run(["bench", "--agents", "1000", "--hours", "1", "--shards", "1,2", "--json", json.path])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let out = r.stdout

        for section in ["interven-sim bench:", "tenant:", "expected:", "triggers:", "machine:", "command:", "runs (",
                        "fingerprint:", "scans:", "incidents:", "anomalies:", "latency:", "allocations:", "memory:", "targets ("] {
            #expect(out.contains("\n" + section) || out.hasPrefix(section), "missing '\(section)' in\n\(out)")
        }
        let rows = out.split(separator: "\n").filter { $0.hasPrefix("  reference ") || $0.hasPrefix("  engine ") }
        #expect(rows.count >= 3, "a row per run, then a latency line per run")
        let fingerprint = try #require(Self.field("fingerprint", in: out))
        #expect(fingerprint.hasSuffix(", equal in all 3 runs"), "\(fingerprint)")
        #expect(fingerprint.prefix(16).allSatisfy { $0.isHexDigit })

        // The scan count is exactly agents x rate x duration plus the scripted burst.
        #expect(Self.field("expected", in: out)?.hasPrefix("60012 scans") == true)
        #expect(Self.field("scans", in: out)?.hasPrefix("60012 (") == true)

        let incidents = try #require(Self.field("incidents", in: out))
        #expect(incidents.hasSuffix("every automatic trigger fired"), "\(incidents)")
        for trigger in Self.automaticTriggers {
            #expect((Self.count(trigger, in: incidents) ?? 0) >= 1, "no \(trigger) incident: \(incidents)")
        }
        let anomalies = try #require(Self.field("anomalies", in: out))
        for kind in ["privilege_escalation", "mass_action_burst"] {
            #expect((Self.count(kind, in: anomalies) ?? 0) >= 1, "no \(kind) anomaly: \(anomalies)")
        }

        let targets = out.split(separator: "\n").drop { !$0.hasPrefix("targets (") }.dropFirst()
        #expect(targets.count == 5, "five targets:\n\(out)")
        for line in targets {
            #expect(["  met ", "  not met ", "  not measured "].contains { line.hasPrefix($0) }, "\(line)")
        }

        // The same figures, machine-readably.
        let data = try Data(contentsOf: json)
        let doc = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(doc["fingerprints_equal"] as? Bool == true)
        #expect((doc["workload"] as? [String: Any])?["agents"] as? Int == 1000)
        let runs = try #require(doc["runs"] as? [[String: Any]])
        #expect(runs.map { $0["configuration"] as? String } == ["reference", "engine:1", "engine:2"])
        #expect(runs.map { $0["shards"] as? Int } == [1, 1, 2])
        for run in runs {
            for key in ["scans", "wall_seconds", "scans_per_second", "virtual_to_wall", "ratio_to_reference", "stage_seconds",
                        "allocations", "allocations_per_scan", "steady", "max_rss_bytes", "fingerprint", "latency_ns"] {
                #expect(run.keys.contains(key), "run without '\(key)': \(run)")
            }
            #expect(run["scans"] as? Int == 60012)
            #expect(run["fingerprint"] as? String == String(fingerprint.prefix(16)))
            #expect((run["max_rss_bytes"] as? Int ?? 0) > 0)
        }
        let byTrigger = try #require(doc["incidents"] as? [String: Int])
        for trigger in Self.automaticTriggers { #expect((byTrigger[trigger] ?? 0) >= 1) }
        let goals = try #require(doc["targets"] as? [[String: Any]])
        #expect(goals.count == 5)
        #expect(goals.allSatisfy { ["met", "not met", "not measured"].contains($0["status"] as? String ?? "") })
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["bench.json"], "no temporary file left")
    }

    @Test("the fingerprint depends on the seed, not on the run: an engine-only run of the same tenant agrees")
    func fingerprintIsDeterministic() throws {
        let args = ["bench", "--agents", "300", "--hours", "30m", "--rate", "2/min", "--seed", "5", "--latency-sample", "0"]
        let both = try CLIProcess.run(args + ["--shards", "2"])
        let engineOnly = try CLIProcess.run(args + ["--shards", "1", "--no-reference"])
        let otherSeed = try CLIProcess.run(["bench", "--agents", "300", "--hours", "30m", "--rate", "2/min", "--seed", "6",
                                            "--shards", "1", "--no-reference"])
        #expect(both.status == 0 && engineOnly.status == 0 && otherSeed.status == 0, "\(both.stderr)\(engineOnly.stderr)")
        let a = try #require(Self.field("fingerprint", in: both.stdout)?.prefix(16))
        #expect(Self.field("fingerprint", in: engineOnly.stdout)?.prefix(16) == a)
        #expect(Self.field("fingerprint", in: otherSeed.stdout)?.prefix(16) != a)
        #expect(Self.field("scans", in: both.stdout) == Self.field("scans", in: engineOnly.stdout))
        #expect(Self.field("incidents", in: both.stdout) == Self.field("incidents", in: engineOnly.stdout))
        #expect(Self.field("latency", in: both.stdout) == "not sampled (--latency-sample 0)")
        // Without a reference the ratio target cannot be judged.
        #expect(engineOnly.stdout.contains("  not measured  the engine reaches >= 50%"))
    }

    @Test("a scenario file can be benchmarked instead of the synthetic tenant")
    func scenarioFile() throws {
        let dir = try CLIProcess.temporaryDirectory()
        let file = try CLIProcess.write(RunCommandTests.scenario, named: "tiny.yaml", in: dir)
        let r = try CLIProcess.run(["bench", "--scenario", file, "--shards", "2"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stdout.hasPrefix("interven-sim bench: scenario tiny, 3 agents, 2h virtual (seed 3)"), "\(r.stdout)")
        #expect(Self.field("fingerprint", in: r.stdout)?.hasSuffix("equal in all 2 runs") == true)
        #expect(Self.field("incidents", in: r.stdout)?.contains("repeated_deny 1") == true)
    }

    @Test("invalid input exits with code 2 and one line on stderr", arguments: [
        ["--agents", "0"], ["--agents", "20000001"], ["--agents", "-5"], ["--hours", "-1"], ["--hours", "0"], ["--hours", "soon"],
        ["--hours", "400d"], ["--rate", "0/min"], ["--rate", "fast"], ["--shards", "0"], ["--shards", "1,x"], ["--shards", "300"],
        ["--latency-sample", "-1"], ["--trust-sample", "0s"], ["--set", "triggers.repeated_deny.count=-1"],
        ["--scenario", "/nonexistent/scenario.yaml"], ["--scenario", "tiny.yaml", "--agents", "10"],
        ["--scenario", "tiny.yaml", "--hours", "1"], ["--scenario", "tiny.yaml", "--rate", "1/min"],
    ])
    func invalidInput(_ extra: [String]) throws {
        let dir = try CLIProcess.temporaryDirectory()
        _ = try CLIProcess.write(RunCommandTests.scenario, named: "tiny.yaml", in: dir)
        let r = try CLIProcess.run(["bench"] + extra, in: dir)
        #expect(r.status == 2, "stdout: \(r.stdout) stderr: \(r.stderr)")
        #expect(r.stderr.hasPrefix("error: "), "stderr: \(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1, "stderr: \(r.stderr)")
        #expect(r.stdout.isEmpty)
    }
}
