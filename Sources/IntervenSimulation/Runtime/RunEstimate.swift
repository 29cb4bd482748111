import IntervenCore
public import IntervenScenario
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What a run of a scenario will cost, estimated from the scenario alone before it runs: the
/// scans it sends (each group's rates over the time they are in force, bursts and daily windows
/// included, plus timeline scans), the trust.csv rows of a sampled series, the memory the run
/// holds at its peak and the size of its results.
///
/// The scan count is the expectation of the arrival processes; agents blocked on approvals or
/// backing off after denies send fewer. A series of every trust change (no `trust_sample`)
/// depends on what happens in the run and is not estimated in advance: `Simulation` stops a run
/// whose series outgrows `RunEstimate.maxTrustRows(memory:)` instead.
public struct RunEstimate: Sendable, Equatable {
    /// Agents in the run.
    public var agents: Int
    /// Expected scans.
    public var scans: Double
    /// trust.csv rows of a sampled series (exact), or nil when every change is recorded.
    public var sampledTrustRows: Double?
    /// Peak memory of the run in bytes (agents, sampled series, results being written).
    public var memoryBytes: Double
    /// Bytes of the results directory.
    public var outputBytes: Double

    /// Memory per agent (gateway state, traffic, snapshot), measured at a million agents.
    public static let memoryPerAgent = 2_400.0
    /// Memory per trust.csv row while the run ends (the series, sorted, then unpacked).
    public static let memoryPerTrustRow = 110.0
    /// Memory of the process before any agent (runtime, rules, buffers).
    public static let memoryBase = 64.0 * 1_048_576
    /// Bytes per agent in agents.json, and per row in trust.csv.
    static let outputPerAgent = 1_100.0
    static let outputPerTrustRow = 50.0

    /// The estimate of a run of `scenario`.
    public init(_ scenario: Scenario) {
        let duration = Double(scenario.duration.milliseconds)
        agents = scenario.groups.reduce(0) { $0 + $1.count }
        var scans = 0.0
        for group in scenario.groups {
            var perAgent = 0.0
            var arrivals = group.arrivals
            var from = 0.0
            for phase in group.phases {
                let at = min(duration, Double(phase.at.milliseconds))
                perAgent += Self.rate(arrivals) * max(0, at - from)
                from = max(from, at)
                if let next = phase.arrivals { arrivals = next }
            }
            perAgent += Self.rate(arrivals) * max(0, duration - from)
            scans += perAgent * Double(group.count)
        }
        for event in scenario.timeline {
            if case .scan(_, _, let count, _) = event.action { scans += Double(count) }
        }
        self.scans = scans
        if let interval = scenario.trustSampleInterval, interval.milliseconds > 0 {
            sampledTrustRows = Double(agents) * Double(scenario.duration.milliseconds / interval.milliseconds + 1)
        } else {
            sampledTrustRows = nil
        }
        let rows = sampledTrustRows ?? 0
        memoryBytes = Self.memoryBase + Double(agents) * Self.memoryPerAgent + rows * Self.memoryPerTrustRow
        outputBytes = Double(agents) * Self.outputPerAgent + rows * Self.outputPerTrustRow
    }

    /// Mean scans per millisecond of one agent under `arrivals`.
    static func rate(_ arrivals: Arrivals) -> Double {
        var r: Double
        switch arrivals.process {
        case .poisson(let rate):
            r = rate.perMillisecond
        case .constant(let rate):
            guard let period = Arrivals.period(rate) else { return 0 }
            r = 1 / Double(period)
        case .bursts(let rate, let on, let off):
            let cycle = Double(on.milliseconds + off.milliseconds)
            r = cycle > 0 ? rate.perMillisecond * Double(on.milliseconds) / cycle : 0
        }
        if let w = arrivals.window {
            let day = Double(DailyWindow.day)
            let span = (w.end.milliseconds - w.start.milliseconds) % DailyWindow.day
            let open = Double(span < 0 ? span + DailyWindow.day : span)
            r *= open / day
        }
        return r
    }

    /// The most trust.csv rows a run may record when `memory` bytes are available and the run
    /// already needs `memoryBytes` for everything else.
    public func maxTrustRows(memory: Double) -> Int {
        let room = memory - memoryBytes
        return room <= 0 ? 0 : Int(min(room / Self.memoryPerTrustRow, Double(Int.max / 2)))
    }
}

/// The machine's memory as Linux reports it in `/proc/meminfo`.
public enum MachineMemory {
    /// `MemAvailable` (memory a new process can use without swapping) in bytes, else
    /// `MemTotal`, else nil (another system). The environment variable
    /// `INTERVEN_SIM_AVAILABLE_MEMORY` (bytes) replaces it, to try the limits on a small budget.
    public static func available() -> Double? {
        if let text = getenv("INTERVEN_SIM_AVAILABLE_MEMORY").map({ String(cString: $0) }), let bytes = Double(text), bytes >= 0 {
            return bytes
        }
        guard let bytes = readPrefix("/proc/meminfo", limit: 1 << 16) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        func field(_ name: String) -> Double? {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return nil }
            let digits = line.dropFirst(name.count + 1).filter { $0.isNumber }
            return Double(String(digits)).map { $0 * 1024 }
        }
        return field("MemAvailable") ?? field("MemTotal")
    }

    /// The first `limit` bytes of a file, or nil when it cannot be opened (`followLinks: false`:
    /// nor when it is a symbolic link). The results writers read their markers with it too.
    package static func readPrefix(_ path: String, limit: Int, followLinks: Bool = true) -> [UInt8]? {
        let fd = open(path, followLinks ? O_RDONLY : O_RDONLY | O_NOFOLLOW)
        guard fd >= 0 else { return nil }
        defer { _ = close(fd) }
        var buffer = [UInt8](repeating: 0, count: limit)
        var count = 0
        while count < limit {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + count, limit - count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            count += n
        }
        return Array(buffer[..<count])
    }
}
