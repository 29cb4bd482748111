import Foundation
import IntervenTesting
import Testing

/// The activity log as an output the user owns: never inside the directory that is replaced,
/// never left half-written by an interrupt.
@Suite("activity log: output safety")
struct ActivityOutputSafetyTests {
    static let scenario = """
        name: busy
        description: enough agents for a run that lasts a few seconds
        duration: 24h
        agents:
          - {group: ops, count: 2000, name: "ops-{n}", runtime: mcp, arrivals: {poisson: 60/h}, mix: [{op: github.list_prs}]}
        """

    @Test("--activity inside --out is refused before running (exit 2), nothing written, whether --out exists or not")
    func insideOut() throws {
        let dir = try CLIProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = try CLIProcess.write(Self.scenario.replacingOccurrences(of: "24h", with: "1m"), named: "s.yaml", in: dir)
        for existing in [false, true] {
            let out = dir.appendingPathComponent("out")
            if existing { try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true) }
            let r = try CLIProcess.run(["run", file, "--out", out.path, "--activity", out.path + "/../out/activity.csv", "--quiet"])
            #expect(r.status == 2, "stderr: \(r.stderr)")
            #expect(r.stderr.contains("inside the results directory"), "\(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1)
            let left = (try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []
            #expect(left.isEmpty, "\(left)")
        }
    }

    @Test("SIGTERM while the activity log is being written: exit 143 and no temporary log left")
    func interrupted() throws {
        let dir = try CLIProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = try CLIProcess.write(Self.scenario, named: "s.yaml", in: dir)
        let log = dir.appendingPathComponent("activity.csv")
        let p = try CLIProcess.start(["run", file, "--out", dir.appendingPathComponent("out").path, "--activity", log.path,
                                      "--quiet", "--shards", "1"])
        defer { CLIProcess.stop(p) }
        let temporary = dir.appendingPathComponent(".activity.csv.tmp-\(p.processIdentifier)")
        let deadline = Date().addingTimeInterval(60)
        while p.isRunning && !FileManager.default.fileExists(atPath: temporary.path) && Date() < deadline { usleep(1000) }
        try #require(p.isRunning, "the run ended before it could be interrupted")
        try #require(FileManager.default.fileExists(atPath: temporary.path), "no temporary log appeared")
        p.terminate()
        p.waitUntilExit()
        #expect(p.terminationStatus == 143)
        #expect(!FileManager.default.fileExists(atPath: temporary.path))
        #expect(!FileManager.default.fileExists(atPath: log.path))
    }
}
