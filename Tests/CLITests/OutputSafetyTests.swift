import Foundation
import IntervenTesting
import Testing

/// What `check` and `bench` do with the paths of their outputs: they never replace what the user
/// did not ask them to, and a failed write is reported (exit 3), never ignored.
@Suite("outputs: refusals, links, devices and failed writes")
struct OutputSafetyTests {
    /// A scenario that passes in a fraction of a second.
    static let scenario = """
        name: quick
        description: one agent listing pull requests
        duration: 1h
        agents:
          - {group: ops, name: ops-1, runtime: mcp, arrivals: {poisson: 12/h}, mix: [{op: github.list_prs}]}
        expect:
          - no_incident: {agent: "*"}
        """

    private func setUp() throws -> (dir: URL, scenario: String) {
        let dir = try CLIProcess.temporaryDirectory()
        return (dir, try CLIProcess.write(Self.scenario, named: "quick.yaml", in: dir))
    }

    private func entries(_ path: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path).sorted()
    }

    /// The type bits of what is at `path` (`lstat`: a link is a link), or 0 when nothing is.
    private func fileType(_ path: String) -> mode_t {
        var st = stat()
        return lstat(path, &st) == 0 ? st.st_mode & S_IFMT : 0
    }

    @Test("--report through a symbolic link: the link stays a link and its target gets the report")
    func reportThroughLink() throws {
        let (dir, file) = try setUp()
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("reports"), withIntermediateDirectories: true)
        let link = dir.appendingPathComponent("check.json").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "reports/latest.json")
        for round in 1...2 {     // a missing target first, then an existing one
            let r = try CLIProcess.run(["check", file, "--quiet", "--report", link])
            #expect(r.status == 0, "round \(round): \(r.stderr)")
            #expect(fileType(link) == S_IFLNK, "round \(round)")
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "reports/latest.json")
            let report = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("reports/latest.json")))
            #expect((report as? [String: Any])?["scenarios"] != nil, "round \(round)")
            #expect(try entries(dir.appendingPathComponent("reports").path) == ["latest.json"], "no temporary left beside the target")
        }
    }

    @Test("--report to a character device (a private null device made with mknod) writes through: it stays a character device")
    func reportToDevice() throws {
        let (dir, file) = try setUp()
        // A device node of our own with /dev/null's numbers (1, 3): safe to use even if the tool
        // wrongly replaced it, unlike the machine's /dev/null. Making one needs root.
        let null = dir.appendingPathComponent("null").path
        let major: dev_t = 1, minor: dev_t = 3
        #expect(mknod(null, S_IFCHR | 0o666, major << 8 | minor) == 0, "mknod needs root: \(String(cString: strerror(errno)))")
        try #require(fileType(null) == S_IFCHR)
        let r = try CLIProcess.run(["check", file, "--quiet", "--report", null, "--junit", null])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(fileType(null) == S_IFCHR)
        #expect(try entries(dir.path) == ["null", "quick.yaml"])
    }

    @Test("--junit to a FIFO writes through to its reader; the FIFO stays a FIFO")
    func junitToFIFO() throws {
        let (dir, file) = try setUp()
        let fifo = dir.appendingPathComponent("junit.fifo").path
        try #require(mkfifo(fifo, 0o644) == 0)
        // The reader opens the FIFO read-write, so it never blocks and never sees end of file
        // before the writer's bytes arrive.
        let fd = open(fifo, O_RDWR | O_NONBLOCK)
        try #require(fd >= 0)
        defer { close(fd) }
        let r = try CLIProcess.run(["check", file, "--quiet", "--report", dir.appendingPathComponent("c.json").path, "--junit", fifo])
        #expect(r.status == 0, "\(r.stderr)")
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        let n = read(fd, &buffer, buffer.count)
        #expect(n > 0 && String(decoding: buffer[..<max(0, n)], as: UTF8.self).hasPrefix("<?xml"))
        #expect(fileType(fifo) == S_IFIFO)
    }

    @Test("a directory as --report is refused before running: exit 2, one line")
    func reportIsDirectory() throws {
        let (dir, file) = try setUp()
        let r = try CLIProcess.run(["check", file, "--report", dir.path])
        #expect(r.status == 2)
        #expect(r.stderr == "error: --report \(dir.path) is a directory; name a file\n")
        #expect(r.stdout.isEmpty, "nothing ran")
    }

    @Test("an empty output flag is invalid input naming the flag (exit 2)",
          arguments: [["--report", ""], ["--junit", ""], ["--results", ""], ["--baseline", ""]])
    func emptyFlags(_ flag: [String]) throws {
        let (dir, file) = try setUp()
        let r = try CLIProcess.run(["check", file, "--quiet"] + flag, in: dir)
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.hasPrefix("error: \(flag[0]) needs a "), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(try entries(dir.path) == ["quick.yaml"])
    }

    @Test("bench --json \"\" is invalid input naming the flag (exit 2)")
    func emptyBenchJSON() throws {
        let r = try CLIProcess.run(["bench", "--agents", "10", "--hours", "0.1", "--json", ""])
        #expect(r.status == 2)
        #expect(r.stderr == "error: --json needs a file name (got an empty string)\n")
    }

    @Test("a missing --baseline directory is invalid input (exit 2) and nothing runs; --update-baseline creates it, marked")
    func missingBaselineDirectory() throws {
        let (dir, file) = try setUp()
        let base = dir.appendingPathComponent("base").path
        let r = try CLIProcess.run(["check", file, "--quiet", "--baseline", base], in: dir)
        #expect(r.status == 2)
        #expect(r.stderr == "error: --baseline \(base): no such directory (write one with --update-baseline)\n")
        #expect(r.stdout.isEmpty)
        let u = try CLIProcess.run(["check", file, "--quiet", "--baseline", base, "--update-baseline"], in: dir)
        #expect(u.status == 0, "\(u.stderr)")
        #expect(try entries(base) == [".interven-results", "quick.json"])
        #expect(try String(contentsOfFile: base + "/.interven-results", encoding: .utf8)
                    == "{\"tool\": \"interven-sim\", \"format\": 1, \"kind\": \"baseline\"}\n")
        let again = try CLIProcess.run(["check", file, "--quiet", "--baseline", base], in: dir)
        #expect(again.status == 0, "\(again.stdout)")
    }

    @Test("--update-baseline into a directory that is not a baseline directory is refused (exit 2), its files kept")
    func baselineIntoForeignDirectory() throws {
        let (dir, file) = try setUp()
        let mine = dir.appendingPathComponent("mine").path
        try FileManager.default.createDirectory(atPath: mine, withIntermediateDirectories: true)
        try Data("my data".utf8).write(to: URL(fileURLWithPath: mine + "/quick.json"))
        let r = try CLIProcess.run(["check", file, "--quiet", "--baseline", mine, "--update-baseline"], in: dir)
        #expect(r.status == 2)
        #expect(r.stderr.hasPrefix("error: refusing to write baselines into \(mine): it is not empty and has no .interven-results marker"), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(try Data(contentsOf: URL(fileURLWithPath: mine + "/quick.json")) == Data("my data".utf8))
        #expect(try entries(mine) == ["quick.json"])
    }

    @Test("--results DIR whose scenario directory is not a results directory is refused before running (exit 2)")
    func resultsIntoForeignDirectory() throws {
        let (dir, file) = try setUp()
        let results = dir.appendingPathComponent("results").path
        try FileManager.default.createDirectory(atPath: results + "/quick", withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: URL(fileURLWithPath: results + "/quick/summary.json"))
        try Data("keep".utf8).write(to: URL(fileURLWithPath: results + "/quick/notes.txt"))
        let report = dir.appendingPathComponent("c.json").path
        let r = try CLIProcess.run(["check", file, "--quiet", "--results", results, "--report", report])
        #expect(r.status == 2)
        #expect(r.stderr.hasPrefix("error: refusing to replace \(results)/quick: "), "\(r.stderr)")
        #expect(r.stdout.isEmpty && !FileManager.default.fileExists(atPath: report), "nothing ran")
        #expect(try entries(results + "/quick") == ["notes.txt", "summary.json"])
        // A results directory written by check is replaced by the next check.
        try FileManager.default.removeItem(atPath: results + "/quick")
        #expect(try CLIProcess.run(["check", file, "--quiet", "--results", results, "--report", report]).status == 0)
        #expect(try CLIProcess.run(["check", file, "--quiet", "--results", results, "--report", report]).status == 0)
        #expect(try entries(results + "/quick").first == ".interven-results")
    }

    @Test("the table cannot be written to standard output: exit 3 with one line, the report is still written")
    func tableToFullDevice() throws {
        let (dir, file) = try setUp()
        let report = dir.appendingPathComponent("c.json").path
        let r = try CLIProcess.run(["check", file, "--quiet", "--report", report], standardOutput: "/dev/full")
        #expect(r.status == 3)
        #expect(r.stderr == "error: cannot write to standard output: No space left on device\n")
        #expect(FileManager.default.fileExists(atPath: report))
    }

    @Test("a report that cannot be written (exit 3) leaves none of the directories made for it")
    func failedReportLeavesNoDirectories() throws {
        let (dir, file) = try setUp()
        // The name fits, its temporary sibling's does not (ENAMETOOLONG), after a/b were made.
        let name = String(repeating: "r", count: 250) + ".json"
        let r = try CLIProcess.run(["check", file, "--quiet", "--report", dir.path + "/a/b/" + name])
        #expect(r.status == 3, "\(r.stderr)")
        #expect(r.stderr.contains("File name too long"), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(try entries(dir.path) == ["quick.yaml"])
    }

    @Test("results that cannot be written (exit 3) leave none of the directories made for them")
    func failedResultsLeaveNoDirectories() throws {
        let (dir, file) = try setUp()
        let name = String(repeating: "o", count: 250)
        let r = try CLIProcess.run(["run", file, "--quiet", "--out", dir.path + "/a/b/" + name])
        #expect(r.status == 3, "\(r.stderr)")
        #expect(r.stderr.contains("File name too long"), "\(r.stderr)")
        #expect(try entries(dir.path) == ["quick.yaml"])
    }

    @Test("every command's standard output failure is exit 3 with one line", arguments: [
        ["schema"], ["rules"], ["validate", "QUICK"], ["check", "QUICK", "--quiet", "--report", "REPORT"],
    ])
    func standardOutputFailures(_ arguments: [String]) throws {
        let (dir, file) = try setUp()
        let args = arguments.map { $0 == "QUICK" ? file : $0 == "REPORT" ? dir.appendingPathComponent("c.json").path : $0 }
        let r = try CLIProcess.run(args, standardOutput: "/dev/full")
        #expect(r.status == 3, "\(arguments): \(r.stderr)")
        #expect(r.stderr == "error: cannot write to standard output: No space left on device\n", "\(arguments)")
    }
}
