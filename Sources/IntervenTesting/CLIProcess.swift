public import Foundation

/// Runs the built `interven-sim` binary as a real process.
///
/// The binary is the one `swift build` put beside the test bundle, or `INTERVEN_SIM_BIN`.
public struct CLIProcess {
    public struct Result {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["INTERVEN_SIM_BIN"] { return URL(fileURLWithPath: path) }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // On Linux the runner is <build>/debug/<pkg>PackageTests.xctest; on macOS it may be inside a bundle.
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("interven-sim").path), dir.path != "/" {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("interven-sim")
    }

    /// Runs the binary; `environment` is laid over this process's, from which `GITHUB_ACTIONS`
    /// is removed so that tests see the same output inside and outside GitHub Actions.
    public static func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws -> Result {
        let p = Process()
        p.executableURL = binary
        p.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["GITHUB_ACTIONS"] = nil
        env.merge(environment) { _, new in new }
        p.environment = env
        if let directory { p.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        // Read before waiting so a large output cannot fill the pipe and block the child.
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// This test process's scratch root, `$TMPDIR/interven-sim-tests/<pid>`. The first use
    /// removes the roots of test processes that have ended, so runs do not pile up directories.
    static let scratchRoot: URL = {
        let fm = FileManager.default
        let base = fm.temporaryDirectory.appendingPathComponent("interven-sim-tests")
        for name in (try? fm.contentsOfDirectory(atPath: base.path)) ?? [] {
            if let pid = Int32(name), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH {
                try? fm.removeItem(at: base.appendingPathComponent(name))
            }
        }
        return base.appendingPathComponent("\(getpid())")
    }()

    /// A fresh temporary directory (under `scratchRoot`).
    public static func temporaryDirectory() throws -> URL {
        let url = scratchRoot.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes a file into a directory and returns its path.
    public static func write(_ text: String, named name: String, in dir: URL) throws -> String {
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }
}
