import Foundation
import IntervenTesting
import Testing

/// `run --activity FILE`: one record per scan, the same bytes at any shard count, joinable with incidents.json.
@Suite("activity log")
struct ActivityLogTests {
    static let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Scenarios/examples/fin-exfiltration.yaml").path

    @Test("every scan is logged once; the same bytes at 1 and 3 shards; every incident's linked traces are in the log, on its agent")
    func joinsIncidents() throws {
        let dir = try CLIProcess.temporaryDirectory()
        let one = dir.appendingPathComponent("one.csv").path, three = dir.appendingPathComponent("three.csv").path
        let a = try CLIProcess.run(["run", Self.example, "--out", dir.appendingPathComponent("r1").path, "--quiet", "--shards", "1", "--activity", one])
        let b = try CLIProcess.run(["run", Self.example, "--out", dir.appendingPathComponent("r3").path, "--quiet", "--shards", "3", "--activity", three])
        #expect(a.status == 0 && b.status == 0, "\(a.stderr) \(b.stderr)")
        let log = try Data(contentsOf: URL(fileURLWithPath: one))
        #expect(log == (try Data(contentsOf: URL(fileURLWithPath: three))))
        let lines = String(decoding: log, as: UTF8.self).split(separator: "\n")
        let header = lines[0].split(separator: ",").map(String.init)
        #expect(header.first == "time_ms" && header.contains("trace") && header.contains("incidents"))
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("r1/summary.json"))) as! [String: Any]
        #expect(lines.count - 1 == (summary["scans"] as! Int))
        let traceColumn = header.firstIndex(of: "trace")!, agentColumn = header.firstIndex(of: "agent")!
        var agentOfTrace: [String: String] = [:]
        var previous = -1
        for line in lines.dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            agentOfTrace[String(f[traceColumn])] = String(f[agentColumn])
            let t = Int(f[0])!
            #expect(t >= previous, "records are in time order")
            previous = t
        }
        let incidents = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("r1/incidents.json"))) as! [[String: Any]]
        var joined = 0
        for i in incidents {
            for t in i["traces"] as! [[String: Any]] {
                #expect(agentOfTrace["\(t["trace"]!)"] == (i["agent"] as! String), "trace \(t["trace"]!) of \(i["title"]!)")
                joined += 1
            }
        }
        #expect(joined > 100)
        // The report shows the linked scans.
        let page = try String(contentsOf: dir.appendingPathComponent("r1/report.html"), encoding: .utf8)
        #expect(page.contains("\"scan\":{\"time\":"))
    }

    @Test("filters by decision, agent and time window; NDJSON; bad filters are refused with exit 2")
    func filters() throws {
        let dir = try CLIProcess.temporaryDirectory()
        let path = dir.appendingPathComponent("deny.ndjson").path
        let r = try CLIProcess.run(["run", Self.example, "--out", dir.appendingPathComponent("r").path, "--quiet", "--activity", path,
                                    "--activity-filter", "decision=DENY", "--activity-filter", "agent=fin-*",
                                    "--activity-filter", "from=6h", "--activity-filter", "to=12h"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines {
            let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            #expect(o["decision"] as? String == "DENY")
            #expect((o["agent"] as? String)?.hasPrefix("fin-") == true)
            let t = o["time_ms"] as! Int
            #expect(t >= 6 * 3_600_000 && t < 12 * 3_600_000)
        }
        for bad in [["--activity", dir.appendingPathComponent("x.txt").path],
                    ["--activity", path, "--activity-filter", "decision=MAYBE"],
                    ["--activity", path, "--activity-filter", "from=soon"],
                    ["--activity-filter", "decision=DENY"]] {
            let e = try CLIProcess.run(["run", Self.example, "--out", dir.appendingPathComponent("bad").path, "--quiet"] + bad)
            #expect(e.status == 2, "\(bad)")
            #expect(e.stderr.hasPrefix("error: ") && e.stderr.split(separator: "\n").count == 1, "\(e.stderr)")
        }
    }
}
