import Foundation
import IntervenTesting
import Testing

/// `run --activity FILE.gz`: gzip of exactly the text the plain log holds.
@Suite("activity log, gzip")
struct ActivityGzipTests {
    static let example = ActivityLogTests.example

    /// The text of a gzip file, through the system's gzip (every member).
    static func gunzip(_ path: String) throws -> Data {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["gzip", "-dc", path]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "gzip -dc \(path) failed")
        return data
    }

    @Test("gunzip of a .csv.gz / .ndjson.gz log equals the plain log byte for byte, at 1 and 3 shards; several members")
    func sameText() throws {
        let dir = try CLIProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for (ext, shards) in [("csv", "1"), ("ndjson", "3")] {
            let plain = dir.appendingPathComponent("plain.\(ext)").path
            let packed = dir.appendingPathComponent("packed.\(ext).gz").path
            let a = try CLIProcess.run(["run", Self.example, "--out", dir.appendingPathComponent("p-\(ext)").path, "--quiet",
                                        "--shards", "2", "--activity", plain])
            let b = try CLIProcess.run(["run", Self.example, "--out", dir.appendingPathComponent("g-\(ext)").path, "--quiet",
                                        "--shards", shards, "--activity", packed])
            #expect(a.status == 0 && b.status == 0, "\(a.stderr) \(b.stderr)")
            let text = try Data(contentsOf: URL(fileURLWithPath: plain))
            let gz = try Data(contentsOf: URL(fileURLWithPath: packed))
            #expect(gz.prefix(2) == Data([0x1f, 0x8b]), "a gzip header")
            #expect(gz.count < text.count / 3, "compressed: \(gz.count) of \(text.count) bytes")
            // The text is over a megabyte: the log is several gzip members, read back as one.
            #expect(text.count > 2 << 20)
            #expect(try Self.gunzip(packed) == text)
            // Nothing is left beside the log.
            let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".") }
            #expect(left.isEmpty, "\(left)")
        }
        // The same gzip bytes for the same run at another shard count.
        let again = dir.appendingPathComponent("again.ndjson.gz").path
        let c = try CLIProcess.run(["run", Self.example, "--out", dir.appendingPathComponent("g2").path, "--quiet",
                                    "--shards", "1", "--activity", again])
        #expect(c.status == 0, "\(c.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: again))
                == (try Data(contentsOf: URL(fileURLWithPath: dir.appendingPathComponent("packed.ndjson.gz").path))))
    }

    @Test("report reads a .gz log as it reads the plain one; a damaged one is refused with exit 2")
    func report() throws {
        let dir = try CLIProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let results = dir.appendingPathComponent("r").path
        let packed = dir.appendingPathComponent("log.csv.gz").path, plain = dir.appendingPathComponent("log.csv").path
        let r = try CLIProcess.run(["run", Self.example, "--out", results, "--quiet", "--activity", packed])
        #expect(r.status == 0, "\(r.stderr)")
        try Self.gunzip(packed).write(to: URL(fileURLWithPath: plain))
        let x = dir.appendingPathComponent("x.html").path, y = dir.appendingPathComponent("y.html").path
        let a = try CLIProcess.run(["report", results, "--activity", packed, "--out", x])
        let b = try CLIProcess.run(["report", results, "--activity", plain, "--out", y])
        #expect(a.status == 0 && b.status == 0, "\(a.stderr) \(b.stderr)")
        let page = try Data(contentsOf: URL(fileURLWithPath: x))
        #expect(page == (try Data(contentsOf: URL(fileURLWithPath: y))))
        #expect(String(decoding: page, as: UTF8.self).contains("\"scan\":{\"time\":"))
        // run's own report read the .gz log too.
        #expect(try String(contentsOfFile: results + "/report.html", encoding: .utf8).contains("\"scan\":{\"time\":"))

        let damaged = dir.appendingPathComponent("bad.csv.gz").path
        try Data("time_ms,not gzip\n".utf8).write(to: URL(fileURLWithPath: damaged))
        let e = try CLIProcess.run(["report", results, "--activity", damaged, "--out", x])
        #expect(e.status == 2)
        #expect(e.stderr.hasPrefix("error: ") && e.stderr.contains("gzip") && e.stderr.split(separator: "\n").count == 1, "\(e.stderr)")
    }

    /// Plain logs are written in 8 MiB pieces of whole 4 KiB blocks (O_DIRECT where the file
    /// system takes it), the rest of each piece carried to the next and the last partial block
    /// written at the end: a log of several pieces checks that nothing is lost or doubled at
    /// the seams, against the .gz log's text, which is written another way.
    @Test("a plain log of several 8 MiB pieces holds exactly the text of the .gz log, one line per scan")
    func largeLog() throws {
        let dir = try CLIProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = try CLIProcess.write(ActivityOutputSafetyTests.scenario.replacingOccurrences(of: "24h", with: "2h"),
                                        named: "s.yaml", in: dir)
        let plain = dir.appendingPathComponent("log.csv").path, packed = dir.appendingPathComponent("log.csv.gz").path
        let a = try CLIProcess.run(["run", file, "--out", dir.appendingPathComponent("a").path, "--quiet", "--shards", "2",
                                    "--activity", plain])
        let b = try CLIProcess.run(["run", file, "--out", dir.appendingPathComponent("b").path, "--quiet", "--shards", "1",
                                    "--activity", packed])
        #expect(a.status == 0 && b.status == 0, "\(a.stderr) \(b.stderr)")
        let text = try Data(contentsOf: URL(fileURLWithPath: plain))
        #expect(text.count > 3 * (8 << 20), "\(text.count) bytes: more than three pieces")
        #expect(try Self.gunzip(packed) == text)
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("a/summary.json")))
        let total = (summary as? [String: Any])?["scans"] as? Int
        #expect(total != nil && text.reduce(0) { $1 == 10 ? $0 + 1 : $0 } == total! + 1, "one line per scan and the header")
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".") }
        #expect(left.isEmpty, "\(left)")
    }
}
