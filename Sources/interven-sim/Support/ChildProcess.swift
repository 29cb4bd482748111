#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs this executable again as a child process, so that a measurement (peak memory above all)
/// belongs to one configuration rather than to everything the parent did before.
enum ChildProcess {
    /// The process id of the child now running (0: none), so an interrupt can pass the signal on.
    static let running = Atomic<Int32>(0)

    /// How a child ended and what it printed.
    struct Outcome {
        /// The exit code, or nil when a signal ended it.
        var exitCode: Int32?
        /// The signal that ended it, if any.
        var signal: Int32?
        /// Everything it wrote to standard output (standard error is the parent's).
        var output: [UInt8]
        /// The child's peak resident set size in bytes (`ru_maxrss` from `wait4`).
        var maxResidentBytes: UInt64
    }

    /// The path of the running executable.
    static var executablePath: String {
        #if os(Linux)
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if n > 0 { return String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        #endif
        return CommandLine.arguments[0]
    }

    /// Runs this executable with `arguments`, standard input from `/dev/null`, standard output
    /// captured and standard error shared, and waits for it.
    static func runSelf(_ arguments: [String]) throws(CLIFailure) -> Outcome {
        let path = executablePath
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw .runtime("cannot create a pipe: \(String(cString: strerror(errno)))") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        posix_spawn_file_actions_addclose(&actions, fds[1])

        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in argv + envp { free(p) } }
        // The child gets the default SIGINT and SIGTERM dispositions (this process ignores them
        // and receives them through dispatch sources; an ignored signal would be inherited).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGTERM)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        if spawned == 0 { running.store(pid, ordering: .releasing) }
        defer { running.store(0, ordering: .releasing) }
        close(fds[1])
        guard spawned == 0 else {
            close(fds[0])
            throw .runtime("cannot start \(path): \(String(cString: strerror(spawned)))")
        }
        let output = readToEnd(fds[0])
        close(fds[0])
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw .runtime("cannot wait for the child process: \(String(cString: strerror(errno)))") }
        }
        let signal = status & 0x7f
        return Outcome(exitCode: signal == 0 ? (status >> 8) & 0xff : nil, signal: signal == 0 ? nil : signal,
                       output: output, maxResidentBytes: UInt64(usage.ru_maxrss) * 1024)
    }
}

/// Everything left to read from a file descriptor (until end of file or an error).
func readToEnd(_ fd: Int32) -> [UInt8] {
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n > 0 { bytes.append(contentsOf: chunk[..<n]); continue }
        if n < 0 && errno == EINTR { continue }
        return bytes
    }
}
