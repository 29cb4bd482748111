import Foundation
import IntervenCore
@testable import IntervenResults
import IntervenSimulation
import IntervenScenario
import IntervenTesting
import Testing

/// Writing the results directory: all or nothing, and never over something that is not results.
@Suite("Results directory")
final class ResultsDirectoryTests {
    private let fm = FileManager.default
    /// Scratch directories this test made; removed when the test instance goes away.
    private var made: [String] = []

    deinit { for path in made { try? fm.removeItem(atPath: path) } }

    private func scratch() throws -> String {
        let path = fm.temporaryDirectory.appendingPathComponent("interven-results-\(UUID().uuidString)").path
        try fm.createDirectory(atPath: path, withIntermediateDirectories: true)
        made.append(path)
        return path
    }

    private func entries(_ dir: String) throws -> [String] { try fm.contentsOfDirectory(atPath: dir).sorted() }

    private func read(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }

    /// What a results directory holds: the marker and the results files.
    private let written = ([ResultsMarker.name] + ResultsWriter.fileNames).sorted()

    @Test("creates missing parents and writes exactly the results files, leaving nothing else beside them")
    func writesFresh() throws {
        let root = try scratch()
        let out = root + "/Results/demo"
        try ResultsWriter().write(ResultsFixture.result, to: out)
        #expect(try entries(out) == written)
        #expect(try entries(root + "/Results") == ["demo"])
        for file in ResultsWriter().files(for: ResultsFixture.result) {
            #expect(try read(out + "/" + file.name) == file.bytes, "\(file.name)")
        }
    }

    @Test("a trailing slash names the same directory")
    func trailingSlash() throws {
        let root = try scratch()
        try ResultsWriter().write(ResultsFixture.result, to: root + "/out/")
        #expect(try entries(root) == ["out"])
        #expect(try entries(root + "/out") == written)
    }

    @Test("an earlier results directory is replaced whole: stale files go, no hidden siblings stay")
    func replacesPrevious() throws {
        let root = try scratch()
        let out = root + "/demo"
        try ResultsWriter().write(ResultsFixture.result, to: out)
        try Data("stale".utf8).write(to: URL(fileURLWithPath: out + "/report.html"))
        try ResultsWriter().write(ResultsFixture.result, to: out)
        #expect(try entries(out) == written)
        #expect(try read(out + "/summary.json") == SummaryFile.render(ResultsFixture.result))
        #expect(try read(out + "/" + ResultsMarker.name) == Array("{\"tool\": \"interven-sim\", \"format\": 1, \"kind\": \"results\"}\n".utf8))
        #expect(try entries(root) == ["demo"])
    }

    @Test("a directory that merely holds a summary.json is not results: refused, every file kept")
    func refusesUnmarkedSummary() throws {
        let root = try scratch()
        let out = root + "/mine"
        try fm.createDirectory(atPath: out, withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: URL(fileURLWithPath: out + "/summary.json"))
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: out + "/thesis.tex"))
        let error = try #require(throws: ResultsWriteError.self) { try ResultsWriter().write(ResultsFixture.result, to: out) }
        #expect(error.refused)
        #expect(error.description.contains("has no .interven-results marker"))
        #expect(error.description.contains("delete it yourself or pick another --out"))
        #expect(try entries(out) == ["summary.json", "thesis.tex"])
        #expect(try read(out + "/thesis.tex") == Array("keep me".utf8))
        #expect(try entries(root) == ["mine"])
    }

    @Test("a marker of another kind, or a marker that interven-sim did not write, does not make results")
    func refusesOtherMarkers() throws {
        let root = try scratch()
        for (name, marker) in [("baseline", "{\"tool\": \"interven-sim\", \"format\": 1, \"kind\": \"baseline\"}\n"),
                               ("other", "{\"tool\": \"something-else\", \"kind\": \"results\"}\n"),
                               ("garbage", "x")] {
            let out = root + "/" + name
            try fm.createDirectory(atPath: out, withIntermediateDirectories: true)
            try Data(marker.utf8).write(to: URL(fileURLWithPath: out + "/" + ResultsMarker.name))
            let error = try #require(throws: ResultsWriteError.self) { try ResultsWriter().write(ResultsFixture.result, to: out) }
            #expect(error.refused, "\(name)")
            #expect(try entries(out) == [ResultsMarker.name], "\(name)")
        }
    }

    @Test("a symbolic link to a results directory: the directory it names is replaced and the link stays")
    func followsLink() throws {
        let root = try scratch()
        try ResultsWriter().write(ResultsFixture.result, to: root + "/real")
        try Data("stale".utf8).write(to: URL(fileURLWithPath: root + "/real/old.txt"))
        try fm.createSymbolicLink(atPath: root + "/link", withDestinationPath: "real")
        try ResultsWriter().write(ResultsFixture.result, to: root + "/link")
        #expect(try fm.destinationOfSymbolicLink(atPath: root + "/link") == "real")
        #expect(try entries(root + "/real") == written)
        #expect(try entries(root) == ["link", "real"])
    }

    @Test("temporaries of dead processes beside the target are swept; a live process's are left alone")
    func sweepsStale() throws {
        let root = try scratch()
        try ResultsWriter().write(ResultsFixture.result, to: root + "/out")
        // A process id that is not running (beyond the kernel's limit), and this test's parent's.
        let dead: Int32 = 4_194_999, live = getppid()
        for name in [".out.tmp-\(dead)", ".out.old-\(dead)", ".out.tmp-\(live)", ".other.tmp-\(dead)"] {
            try fm.createDirectory(atPath: root + "/" + name + "/x", withIntermediateDirectories: true)
        }
        try ResultsWriter().write(ResultsFixture.result, to: root + "/out")
        #expect(try entries(root) == [".other.tmp-\(dead)", ".out.tmp-\(live)", "out"])
        #expect(try entries(root + "/out") == written)
    }

    @Test("a kill between the two renames of the fallback leaves .old- beside a missing target: the next write puts it back first")
    func restoresPrevious() throws {
        let root = try scratch()
        try ResultsWriter().write(ResultsFixture.result, to: root + "/out")
        try fm.moveItem(atPath: root + "/out", toPath: root + "/.out.old-4194999")
        FileSystem.sweepStale(in: root, name: "out")
        #expect(try entries(root) == ["out"])
        #expect(try entries(root + "/out") == written)
    }

    @Test("every file and the marker are complete after a write, and no temporary stays registered")
    func nothingRegistered() throws {
        let root = try scratch()
        try ResultsWriter().write(ResultsFixture.result, to: root + "/out")
        #expect(!TemporaryOutputs.paths.contains { $0.hasPrefix(root) })
    }

    @Test("an empty directory is filled")
    func fillsEmpty() throws {
        let root = try scratch()
        try fm.createDirectory(atPath: root + "/demo", withIntermediateDirectories: true)
        try ResultsWriter().write(ResultsFixture.result, to: root + "/demo")
        #expect(try entries(root + "/demo") == written)
    }

    @Test("a directory that is not results is left alone")
    func refusesForeignDirectory() throws {
        let root = try scratch()
        let out = root + "/home"
        try fm.createDirectory(atPath: out, withIntermediateDirectories: true)
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: out + "/notes.txt"))
        let error = try #require(throws: ResultsWriteError.self) { try ResultsWriter().write(ResultsFixture.result, to: out) }
        #expect(error.description.contains(out))
        #expect(error.refused)
        #expect(error.description.contains("is not known to be an interven-sim results directory"))
        #expect(try entries(out) == ["notes.txt"])
        #expect(try entries(root) == ["home"])
    }

    @Test("a parent that is a file fails with the path and the reason, and creates nothing")
    func parentIsAFile() throws {
        let root = try scratch()
        try Data("x".utf8).write(to: URL(fileURLWithPath: root + "/file"))
        let error = try #require(throws: ResultsWriteError.self) {
            try ResultsWriter().write(ResultsFixture.result, to: root + "/file/out")
        }
        #expect(error.description.hasPrefix("cannot write results to \(root)/file/out: "))
        #expect(error.description.contains("Not a directory") || error.description.contains("not a directory"))
        #expect(try entries(root) == ["file"])
    }

    @Test("a missing ancestor below a file fails the same way")
    func ancestorIsAFile() throws {
        let root = try scratch()
        try Data("x".utf8).write(to: URL(fileURLWithPath: root + "/file"))
        let error = try #require(throws: ResultsWriteError.self) {
            try ResultsWriter().write(ResultsFixture.result, to: root + "/file/a/b/out")
        }
        #expect(error.path.hasPrefix(root + "/file"))
        #expect(try entries(root) == ["file"])
    }

    @Test("a target that is a file is not replaced")
    func targetIsAFile() throws {
        let root = try scratch()
        try Data("x".utf8).write(to: URL(fileURLWithPath: root + "/out"))
        let error = try #require(throws: ResultsWriteError.self) { try ResultsWriter().write(ResultsFixture.result, to: root + "/out") }
        #expect(error.description.contains("exists and is not a directory"))
        #expect(try read(root + "/out") == Array("x".utf8))
        #expect(try entries(root) == ["out"])
    }

    @Test("a failure half-way through removes the temporary directory and leaves no target")
    func failureMidWay() throws {
        let root = try scratch()
        let files = [ResultsWriter.File(name: "summary.json", bytes: Array("{}\n".utf8)),
                     ResultsWriter.File(name: "missing-dir/agents.json", bytes: [])]
        let error = try #require(throws: ResultsWriteError.self) {
            try AtomicDirectory(path: root + "/out", pid: 4242).write(files)
        }
        #expect(error.path == root + "/.out.tmp-4242/missing-dir/agents.json")
        #expect(error.description.contains("No such file or directory"))
        #expect(try entries(root).isEmpty)
    }

    @Test("a failed write removes the parent directories it created, and only those")
    func failureRemovesCreatedParents() throws {
        let root = try scratch()
        try fm.createDirectory(atPath: root + "/kept", withIntermediateDirectories: true)
        let files = [ResultsWriter.File(name: "missing-dir/agents.json", bytes: [])]
        #expect(throws: ResultsWriteError.self) {
            try AtomicDirectory(path: root + "/kept/a/b/out", pid: 4242).write(files)
        }
        #expect(try entries(root) == ["kept"])
        #expect(try entries(root + "/kept").isEmpty)
    }

    @Test("a failure half-way through a replacement keeps the previous results")
    func failureKeepsPrevious() throws {
        let root = try scratch()
        try ResultsWriter().write(ResultsFixture.result, to: root + "/out")
        let files = [ResultsWriter.File(name: "summary.json", bytes: Array("{}\n".utf8)),
                     ResultsWriter.File(name: "missing-dir/agents.json", bytes: [])]
        #expect(throws: ResultsWriteError.self) {
            try AtomicDirectory(path: root + "/out", pid: 4242).write(files)
        }
        #expect(try entries(root) == ["out"])
        #expect(try read(root + "/out/summary.json") == SummaryFile.render(ResultsFixture.result))
    }

    @Test("a stale temporary directory from a crashed run with the same process id is cleared")
    func staleTemporary() throws {
        let root = try scratch()
        try fm.createDirectory(atPath: root + "/.out.tmp-\(getpid())/junk", withIntermediateDirectories: true)
        let files = ResultsWriter().files(for: ResultsFixture.result)
        try AtomicDirectory(path: root + "/out").write(files)
        #expect(try entries(root) == ["out"])
        #expect(try entries(root + "/out") == written)
    }

    @Test("agents.json and trust.csv written in pieces are the same bytes as rendered whole", arguments: [1, 7, 1 << 20])
    func pieces(_ size: Int) {
        let result = ResultsFixture.result
        var agents: [[UInt8]] = [], trust: [[UInt8]] = []
        AgentsFile.write(result.agents, chunkSize: size) { agents.append($0) }
        TrustFile.write(result.trust, start: result.startUnixMilliseconds, chunkSize: size) { trust.append($0) }
        #expect(agents.flatMap { $0 } == AgentsFile.render(result.agents))
        #expect(trust.flatMap { $0 } == TrustFile.render(result.trust, start: result.startUnixMilliseconds))
        if size == 1 { #expect(agents.count > 1 && trust.count > 1, "written in more than one piece") }
    }

    @Test("paths are split into parent and name", arguments: [
        ("Results/demo", "Results", "demo", "Results/.demo.tmp-7"),
        ("demo", ".", "demo", "./.demo.tmp-7"),
        ("/tmp/x/", "/tmp", "x", "/tmp/.x.tmp-7"),
        ("/x", "/", "x", "/.x.tmp-7"),
    ])
    func splitting(_ c: (String, String, String, String)) {
        let d = AtomicDirectory(path: c.0, pid: 7)
        #expect(d.parent == c.1)
        #expect(d.name == c.2)
        #expect(d.temporary == c.3)
    }

    @Test("names that cannot be replaced are refused", arguments: [".", "..", "a/..", "/", ""])
    func badNames(_ path: String) {
        #expect(throws: ResultsWriteError.self) {
            try AtomicDirectory(path: path, pid: 7).write([])
        }
    }
}
