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

    @Test("creates missing parents and writes exactly the results files, leaving nothing else beside them")
    func writesFresh() throws {
        let root = try scratch()
        let out = root + "/Results/demo"
        try ResultsWriter().write(ResultsFixture.result, to: out)
        #expect(try entries(out) == ResultsWriter.fileNames.sorted())
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
        #expect(try entries(root + "/out") == ResultsWriter.fileNames.sorted())
    }

    @Test("an earlier results directory is replaced whole: stale files go, no hidden siblings stay")
    func replacesPrevious() throws {
        let root = try scratch()
        let out = root + "/demo"
        try fm.createDirectory(atPath: out, withIntermediateDirectories: true)
        try Data("old".utf8).write(to: URL(fileURLWithPath: out + "/summary.json"))
        try Data("stale".utf8).write(to: URL(fileURLWithPath: out + "/report.html"))
        try ResultsWriter().write(ResultsFixture.result, to: out)
        #expect(try entries(out) == ResultsWriter.fileNames.sorted())
        #expect(try read(out + "/summary.json") == SummaryFile.render(ResultsFixture.result))
        #expect(try entries(root) == ["demo"])
    }

    @Test("an empty directory is filled")
    func fillsEmpty() throws {
        let root = try scratch()
        try fm.createDirectory(atPath: root + "/demo", withIntermediateDirectories: true)
        try ResultsWriter().write(ResultsFixture.result, to: root + "/demo")
        #expect(try entries(root + "/demo") == ResultsWriter.fileNames.sorted())
    }

    @Test("a directory that is not results is left alone")
    func refusesForeignDirectory() throws {
        let root = try scratch()
        let out = root + "/home"
        try fm.createDirectory(atPath: out, withIntermediateDirectories: true)
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: out + "/notes.txt"))
        let error = try #require(throws: ResultsWriteError.self) { try ResultsWriter().write(ResultsFixture.result, to: out) }
        #expect(error.description.contains(out))
        #expect(error.description.contains("does not look like a results directory"))
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
            try AtomicDirectory(path: root + "/out", marker: "summary.json", pid: 4242).write(files)
        }
        #expect(error.path == root + "/.out.tmp-4242/missing-dir/agents.json")
        #expect(error.description.contains("No such file or directory"))
        #expect(try entries(root).isEmpty)
    }

    @Test("a failure half-way through a replacement keeps the previous results")
    func failureKeepsPrevious() throws {
        let root = try scratch()
        try ResultsWriter().write(ResultsFixture.result, to: root + "/out")
        let files = [ResultsWriter.File(name: "summary.json", bytes: Array("{}\n".utf8)),
                     ResultsWriter.File(name: "missing-dir/agents.json", bytes: [])]
        #expect(throws: ResultsWriteError.self) {
            try AtomicDirectory(path: root + "/out", marker: "summary.json", pid: 4242).write(files)
        }
        #expect(try entries(root) == ["out"])
        #expect(try read(root + "/out/summary.json") == SummaryFile.render(ResultsFixture.result))
    }

    @Test("a stale temporary directory from a crashed run with the same process id is cleared")
    func staleTemporary() throws {
        let root = try scratch()
        try fm.createDirectory(atPath: root + "/.out.tmp-4242/junk", withIntermediateDirectories: true)
        let files = ResultsWriter().files(for: ResultsFixture.result)
        try AtomicDirectory(path: root + "/out", marker: "summary.json", pid: 4242).write(files)
        #expect(try entries(root) == ["out"])
        #expect(try entries(root + "/out") == ResultsWriter.fileNames.sorted())
    }

    @Test("paths are split into parent and name", arguments: [
        ("Results/demo", "Results", "demo", "Results/.demo.tmp-7"),
        ("demo", ".", "demo", "./.demo.tmp-7"),
        ("/tmp/x/", "/tmp", "x", "/tmp/.x.tmp-7"),
        ("/x", "/", "x", "/.x.tmp-7"),
    ])
    func splitting(_ c: (String, String, String, String)) {
        let d = AtomicDirectory(path: c.0, marker: "summary.json", pid: 7)
        #expect(d.parent == c.1)
        #expect(d.name == c.2)
        #expect(d.temporary == c.3)
    }

    @Test("names that cannot be replaced are refused", arguments: [".", "..", "a/..", "/", ""])
    func badNames(_ path: String) {
        #expect(throws: ResultsWriteError.self) {
            try AtomicDirectory(path: path, marker: "summary.json", pid: 7).write([])
        }
    }
}
