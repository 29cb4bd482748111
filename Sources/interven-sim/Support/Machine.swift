#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The machine and build a benchmark ran on, for its report.
struct Machine: Sendable {
    /// The CPU model (`model name` in /proc/cpuinfo), or `unknown`.
    var cpu: String
    /// Processors online, and those this process may use.
    var processors: Int
    var activeProcessors: Int
    /// Physical memory in bytes (0 when unknown).
    var memoryBytes: UInt64
    /// The compiler the binary was built with.
    var swift: String
    /// `release` or `debug`.
    var build: String
    /// The allocator linked in.
    var allocator: String

    /// The process's peak resident set size in bytes.
    static func maxResidentBytes() -> UInt64 {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return UInt64(usage.ru_maxrss) * 1024
    }

    /// This machine and this binary.
    static func current() -> Machine {
        let info = ProcessInfo.processInfo
        let cpuinfo = readText("/proc/cpuinfo") ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .flatMap { $0.split(separator: ":", maxSplits: 1).last }
            .map { String($0.drop(while: { $0 == " " || $0 == "\t" })) }
        return Machine(cpu: model ?? "unknown", processors: info.processorCount, activeProcessors: info.activeProcessorCount,
                       memoryBytes: info.physicalMemory, swift: swiftVersion, build: buildConfiguration,
                       allocator: Allocator.name)
    }

    /// `AMD EPYC, 2 cores (2 active), 23.4 GiB memory; Swift 6.3.1, release build; allocator jemalloc 5.3.0`.
    var description: String {
        "\(cpu), \(processors) cores (\(activeProcessors) active), \(fmt(Double(memoryBytes) / 1_073_741_824, 1)) GiB memory; "
            + "Swift \(swift), \(build) build; allocator \(allocator)"
    }

    /// The compiler version, as far as conditional compilation can tell.
    static var swiftVersion: String {
        #if compiler(>=6.4)
        return "6.4 or later"
        #elseif compiler(>=6.3.2)
        return "6.3.2 or later"
        #elseif compiler(>=6.3.1)
        return "6.3.1"
        #elseif compiler(>=6.3)
        return "6.3"
        #elseif compiler(>=6.2)
        return "6.2"
        #elseif compiler(>=6.1)
        return "6.1"
        #else
        return "before 6.1"
        #endif
    }

    /// `debug` when built without optimization (SwiftPM defines DEBUG), else `release`.
    static var buildConfiguration: String {
        #if DEBUG
        return "debug"
        #else
        return "release"
        #endif
    }

    /// A small text file's contents (files under /proc report size 0, so read to the end).
    static func readText(_ path: String) -> String? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return String(decoding: readToEnd(fd), as: UTF8.self)
    }
}
