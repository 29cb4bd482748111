import Foundation
import IntervenTesting
import Testing

/// `bench --activity FILE`: each engine configuration again with the log of every scan (smoke
/// run, no timing assertions).
@Suite("interven-sim bench --activity (smoke run)")
struct BenchActivityTests {
    @Test("an engine+log run per shard count: every scan in the file, records/s and the cost reported, the fingerprint unchanged")
    func logged() throws {
        let dir = try CLIProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = dir.appendingPathComponent("activity.csv").path, json = dir.appendingPathComponent("bench.json").path
        let r = try CLIProcess.run(["bench", "--agents", "500", "--hours", "0.5", "--no-reference", "--shards", "2",
                                    "--activity", log, "--json", json])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let rows = r.stdout.split(separator: "\n").filter { $0.hasPrefix("  engine") }
        #expect(rows.contains { $0.hasPrefix("  engine+log ") }, "\(r.stdout)")
        #expect(r.stdout.contains("fingerprint:") && r.stdout.contains("equal in all 2 runs"), "\(r.stdout)")
        let line = try #require(r.stdout.split(separator: "\n").first { $0.hasPrefix("  engine 2+log: ") })
        #expect(line.contains(" records/s; +") && line.contains("without the log"), "\(line)")
        #expect(r.stdout.contains(">= 2 M activity records/s to a local file"))

        let doc = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        let runs = try #require(doc["runs"] as? [[String: Any]])
        #expect(runs.map { $0["configuration"] as? String } == ["engine:2", "engine:2:activity"])
        #expect(runs[0]["activity"] is NSNull)
        let activity = try #require(runs[1]["activity"] as? [String: Any])
        let scans = try #require(runs[1]["scans"] as? Int)
        #expect(activity["records"] as? Int == scans)
        let text = try Data(contentsOf: URL(fileURLWithPath: log))
        #expect(activity["bytes"] as? Int == text.count)
        #expect(text.split(separator: UInt8(ascii: "\n")).count == scans + 1, "a header and a record per scan")

        let bad = try CLIProcess.run(["bench", "--agents", "10", "--hours", "0.1", "--activity", dir.appendingPathComponent("x.txt").path])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--activity"), "\(bad.stderr)")
    }
}
