public import Foundation

/// Runs the built `interven-sim` binary as a real process.
///
/// The binary is the one `swift build` put beside the test bundle, or `INTERVEN_SIM_BIN`.
public struct CLIProcess {
    public struct Result {
        public let status: Int32
        public let stdout: String
        public let stderr: String

        public init(status: Int32, stdout: String, stderr: String) {
            self.status = status; self.stdout = stdout; self.stderr = stderr
        }
    }

    public static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["INTERVEN_SIM_BIN"] { return URL(fileURLWithPath: path) }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // On Linux the runner is <build>/debug/<pkg>PackageTests.xctest; on macOS it may be inside a bundle.
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("interven-sim").path), dir.path != "/" {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("interven-sim")
    }

    /// Runs the binary and waits for it. `environment` is laid over this process's (an empty
    /// value removes a variable), from which `GITHUB_ACTIONS` and the cluster task variables are
    /// removed so that tests see the same output inside and outside CI and cluster jobs; with `standardOutput`, its standard output
    /// goes to that file (e.g. `/dev/full`) and `stdout` is empty.
    public static func run(_ arguments: [String], in directory: URL? = nil, standardOutput: String? = nil,
                           environment: [String: String] = [:]) throws -> Result {
        let p = Process()
        p.executableURL = binary
        p.arguments = arguments
        p.environment = Self.environment(adding: environment)
        if let directory { p.currentDirectoryURL = directory }
        let out = Pipe()
        let file = try standardOutput.map { path in
            try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        }
        defer { try? file?.close() }
        // Standard error goes to a file: a child that writes a lot to both streams must not
        // block on a full stderr pipe while stdout is being read to its end.
        let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("interven-sim-stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errURL) }
        let err = try FileHandle(forWritingTo: errURL)
        defer { try? err.close() }
        p.standardOutput = file ?? out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        // Read before waiting so a large output cannot fill the pipe and block the child.
        let o = file == nil ? out.fileHandleForReading.readDataToEndOfFile() : Data()
        p.waitUntilExit()
        let e = (try? Data(contentsOf: errURL)) ?? Data()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// This process's environment for a child, without `GITHUB_ACTIONS` (tests see the same
    /// output inside and outside GitHub Actions) or a cluster's task variables (a test's `run`
    /// or `sweep` is never a slice), with `extra` laid over it (an empty value removes a variable).
    public static func environment(adding extra: [String: String] = [:]) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["GITHUB_ACTIONS"] = nil
        // Nor do a Kubernetes Indexed Job's or a Slurm array's task variables make a test's
        // `run` or `sweep` a slice.
        for k in ["JOB_COMPLETION_INDEX", "JOB_COMPLETION_COUNT", "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT"] { env[k] = nil }
        for (k, v) in extra { env[k] = v.isEmpty ? nil : v }
        return env
    }

    /// Starts the binary without waiting (output discarded), in the same test environment as
    /// `run`. The caller must end it: see `stop`.
    public static func start(_ arguments: [String]) throws -> Process {
        let p = Process()
        p.executableURL = binary
        p.arguments = arguments
        p.environment = environment()
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        try p.run()
        return p
    }

    /// Ends a started process if it is still running (SIGKILL) and waits for it.
    public static func stop(_ p: Process) {
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
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
