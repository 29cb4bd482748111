import Foundation
import IntervenTesting
import Testing

extension CLIProcess {
    /// The status a run stopped at its time limit reports (as `timeout(1)` does).
    static let timedOutStatus: Int32 = 124

    /// Runs `binary` (default: the built one) with a time limit: past `timeout` seconds the
    /// process is killed, an issue is recorded, and the result has status 124. Output goes
    /// through files, so any amount of it is fine; stdin is empty.
    static func run(_ arguments: [String], binary: URL?, in directory: URL? = nil, timeout: Double = 600) throws -> Result {
        let scratch = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("stdout"), errURL = scratch.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        defer { try? out.close(); try? err.close() }
        let p = Process()
        p.executableURL = binary ?? self.binary
        p.arguments = arguments
        p.environment = environment()
        if let directory { p.currentDirectoryURL = directory }
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { usleep(10_000) }
        var timedOut = false
        if p.isRunning {
            timedOut = true
            kill(p.processIdentifier, SIGKILL)
        }
        p.waitUntilExit()
        let o = String(decoding: try Data(contentsOf: outURL), as: UTF8.self)
        let e = String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
        if timedOut {
            Issue.record("interven-sim \(arguments.joined(separator: " ")) still ran after \(timeout) s; killed")
            return Result(status: timedOutStatus, stdout: o, stderr: e)
        }
        return Result(status: p.terminationStatus, stdout: o, stderr: e)
    }
}
