import Foundation
import IntervenTesting
import Testing

/// Paths that are not plain files: symbolic link loops, files reachable by two paths, FIFOs,
/// devices and broken links, for `validate`, `check` and `run`.
@Suite("links, loops and special files")
struct FileKindTests {
    /// A small valid scenario.
    static let scenario = """
        name: linked
        description: one quiet agent
        duration: 1h
        agents:
          - {group: g, name: a-1, runtime: custom, arrivals: {constant: 1/h}, mix: [{op: github.list_prs}]}

        """

    /// `dir/sub/a.yaml`, with `dir/sub/up1` and `dir/sub/up2` linking back to `dir`: a walk
    /// that follows links blindly visits 2^depth copies of the tree.
    static func loopFixture() throws -> URL {
        let dir = try CLIProcess.temporaryDirectory().appendingPathComponent("tree")
        let sub = dir.appendingPathComponent("sub")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        _ = try CLIProcess.write(scenario, named: "a.yaml", in: sub)
        try FileManager.default.createSymbolicLink(atPath: sub.appendingPathComponent("up1").path, withDestinationPath: "..")
        try FileManager.default.createSymbolicLink(atPath: sub.appendingPathComponent("up2").path, withDestinationPath: "..")
        return dir
    }

    @Test("validate on a directory with two links to its parent finds its one scenario once")
    func validateLoop() throws {
        let dir = try Self.loopFixture()
        let r = try CLIProcess.run(["validate", dir.path], binary: nil, timeout: 60)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "ok \(dir.path)/sub/a.yaml: scenario 'linked', 1 agent, 1h, 0 expectations\n")
        #expect(r.stderr.isEmpty)
    }

    @Test("check on the same directory runs the scenario once")
    func checkLoop() throws {
        let dir = try Self.loopFixture()
        let report = dir.deletingLastPathComponent().appendingPathComponent("check.json").path
        let r = try CLIProcess.run(["check", dir.path, "--quiet", "--report", report], binary: nil, timeout: 60)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.components(separatedBy: "linked ").count == 2, "one row: \(r.stdout)")
    }

    @Test("a file reachable by two paths is one scenario, at the first path in sorted order")
    func twoPaths() throws {
        let dir = try CLIProcess.temporaryDirectory()
        let b = dir.appendingPathComponent("b")
        try FileManager.default.createDirectory(at: b, withIntermediateDirectories: true)
        let file = try CLIProcess.write(Self.scenario, named: "real.yaml", in: b)
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("a.yaml").path, withDestinationPath: file)
        try FileManager.default.linkItem(atPath: file, toPath: b.appendingPathComponent("z-hard.yaml").path)
        let v = try CLIProcess.run(["validate", dir.path, file], binary: nil, timeout: 60)
        #expect(v.status == 0, "\(v.stderr)")
        #expect(v.stdout == "ok \(dir.path)/a.yaml: scenario 'linked', 1 agent, 1h, 0 expectations\n")
        // Without the deduplication, check would refuse two scenarios with one name.
        let c = try CLIProcess.run(["check", dir.path, "--quiet", "--report", dir.path + "/check.json"], binary: nil, timeout: 60)
        #expect(c.status == 0, "\(c.stdout)\(c.stderr)")
    }

    @Test("a symbolic link loop is named as one, given or found")
    func linkLoop() throws {
        let dir = try CLIProcess.temporaryDirectory()
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("self.yaml").path, withDestinationPath: "self.yaml")
        let loop = dir.appendingPathComponent("self.yaml").path
        for arguments in [["validate", loop], ["run", loop], ["validate", dir.path], ["check", dir.path]] {
            let r = try CLIProcess.run(arguments, binary: nil, timeout: 60)
            #expect(r.status == 2, "\(arguments)")
            #expect(r.stderr.hasPrefix("error: \(loop): is a symbolic link loop; expected a "), "\(arguments): \(r.stderr)")
        }
        let rules = try CLIProcess.write(Self.scenario, named: "s.yml", in: try CLIProcess.temporaryDirectory())
        let r = try CLIProcess.run(["run", rules, "--rules", loop], binary: nil, timeout: 60)
        #expect(r.status == 2)
        #expect(r.stderr == "error: \(loop): is a symbolic link loop; expected a rules file\n")
    }

    @Test("a FIFO or a device is not a regular file (and nothing blocks reading it)")
    func specialFiles() throws {
        let dir = try CLIProcess.temporaryDirectory()
        let fifo = dir.appendingPathComponent("pipe.yaml").path
        try #require(mkfifo(fifo, 0o600) == 0)
        let scenario = try CLIProcess.write(Self.scenario, named: "s.yml", in: try CLIProcess.temporaryDirectory())
        let cases: [([String], String)] = [
            (["validate", fifo], "error: \(fifo): is not a regular file (a FIFO); expected a scenario or rules file"),
            (["run", fifo], "error: \(fifo): is not a regular file (a FIFO); expected a scenario file"),
            (["check", dir.path], "error: \(fifo): is not a regular file (a FIFO); expected a scenario file"),
            (["run", scenario, "--rules", fifo], "error: \(fifo): is not a regular file (a FIFO); expected a rules file"),
            (["run", scenario, "--rules", "/dev/null"], "error: /dev/null: is not a regular file (a character device); expected a rules file"),
            (["rules", "/dev/zero"], "error: /dev/zero: is not a regular file (a character device); expected a rules file"),
        ]
        for (arguments, first) in cases {
            let r = try CLIProcess.run(arguments, binary: nil, timeout: 60)
            #expect(r.status == 2, "\(arguments)")
            #expect(r.stderr.split(separator: "\n").first.map(String.init) == first, "\(arguments): \(r.stderr)")
        }
    }

    @Test("a broken link says where it points")
    func brokenLink() throws {
        let dir = try CLIProcess.temporaryDirectory()
        let link = dir.appendingPathComponent("gone.yaml").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "nowhere.yaml")
        for arguments in [["validate", link], ["validate", dir.path], ["check", dir.path]] {
            let r = try CLIProcess.run(arguments, binary: nil, timeout: 60)
            #expect(r.status == 2)
            #expect(r.stderr.hasPrefix("error: \(link): is a symbolic link to 'nowhere.yaml', which does not exist\n"), "\(arguments): \(r.stderr)")
        }
    }
}
