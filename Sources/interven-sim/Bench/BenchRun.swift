#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import IntervenCore
import IntervenScenario
import IntervenSimulation
import Synchronization

/// One configuration `bench` measures: the single-threaded reference loop, or the actor engine
/// on some shards.
enum BenchConfiguration: Equatable, Sendable {
    case reference
    case engine(shards: Int)
    /// The engine writing the activity log of every scan (`bench --activity FILE`).
    case logging(shards: Int)

    /// `reference`, `engine:K` or `engine:K:activity`: how the parent names the configuration
    /// to a child process.
    var argument: String {
        switch self {
        case .reference: "reference"
        case .engine(let k): "engine:\(k)"
        case .logging(let k): "engine:\(k):activity"
        }
    }

    /// The configuration an `argument` names.
    init?(argument: String) {
        if argument == "reference" { self = .reference; return }
        guard argument.hasPrefix("engine:") else { return nil }
        var rest = argument.dropFirst(7)
        let logging = rest.hasSuffix(":activity")
        if logging { rest = rest.dropLast(9) }
        guard let k = Int(rest), k >= 1 else { return nil }
        self = logging ? .logging(shards: k) : .engine(shards: k)
    }
}

/// What one configuration measured. A child process measures it and prints it as JSON; the
/// parent replaces `maxResidentBytes` with the child's peak as `wait4` reports it.
struct RunFigures: Codable, Sendable {
    /// `reference` or `engine:K` (as asked; `shards` is what ran).
    var configuration: String
    var shards: Int
    var scans: UInt64
    var virtualSeconds: Double
    /// The run's wall time: setup, simulate, finish and merge.
    var wallSeconds: Double
    var setupSeconds: Double
    var simulateSeconds: Double
    var finishSeconds: Double
    var mergeSeconds: Double
    var fingerprint: String
    /// Decisions by `Decision.rawValue`.
    var decisions: [UInt64]
    /// Incidents by `TriggerKind.rawValue`.
    var incidents: [Int]
    /// Anomaly signals by `AnomalyKind.rawValue`.
    var anomalies: [Int]
    /// jemalloc requests over the whole run, every thread's cache flushed (nil: not counted).
    var allocations: UInt64?
    /// The steady-state window of an engine run (nil for the reference, or when no progress
    /// report fell in the window).
    var steady: SteadyWindow?
    /// Distinct pool threads whose caches were flushed for the whole-run count.
    var flushedThreads: Int
    /// Wall seconds spent inside the run in the steady-state probe (included in the timings).
    var probeSeconds: Double
    /// Sampled `Gateway.process` latencies (nil when sampling is off).
    var latency: LatencySummary?
    var maxResidentBytes: UInt64
    /// With the activity log on: what it wrote (nil otherwise).
    var activity: ActivityFigures? = nil

    /// What the activity log of a `logging` run wrote.
    struct ActivityFigures: Codable, Sendable {
        var records: UInt64
        /// Bytes of the file as written (compressed for `.gz`).
        var bytes: UInt64
        /// Closing the file after the run: the last writes, fsync and rename (not in `wallSeconds`).
        var closeSeconds: Double
    }

    /// Whether this run wrote the activity log.
    var logsActivity: Bool { activity != nil }
    /// The run's wall time with the activity log's closing.
    var wallWithLogSeconds: Double { wallSeconds + (activity?.closeSeconds ?? 0) }
    /// Activity records written per second of wall time, closing included.
    var recordsPerSecond: Double? { activity.map { wallWithLogSeconds > 0 ? Double($0.records) / wallWithLogSeconds : 0 } }

    /// Allocations and scans between two progress reports of an engine run.
    struct SteadyWindow: Codable, Sendable {
        /// Virtual milliseconds at the two reports.
        var from: Int64
        var to: Int64
        var scans: UInt64
        var allocations: UInt64?
        var perScan: Double? { allocations.map { scans > 0 ? Double($0) / Double(scans) : 0 } }
    }

    var scansPerSecond: Double { wallSeconds > 0 ? Double(scans) / wallSeconds : 0 }
    var virtualToWall: Double { wallSeconds > 0 ? virtualSeconds / wallSeconds : 0 }
    var allocationsPerScan: Double? { allocations.map { scans > 0 ? Double($0) / Double(scans) : 0 } }
}

/// Measures one configuration in this process (the child's side of `bench`).
enum BenchRunner {
    /// The steady-state window of engine runs, in percent of virtual time: after every agent's
    /// first scans and after the synthetic tenant's compromised agents turn (at a third).
    static let steadyFrom: Int64 = 50, steadyTo: Int64 = 95

    /// Runs `scenario` in `configuration` and measures it. The reference runs on the main thread
    /// (it has no awaits); the engine runs off it, as `run` does.
    @MainActor
    static func measure(_ scenario: Scenario, _ configuration: BenchConfiguration, latencySampling: Int,
                        activity path: String? = nil) async throws(CLIFailure) -> RunFigures {
        let pool = ProcessInfo.processInfo.activeProcessorCount
        var flushed = Allocator.flushThreadCaches(poolThreads: pool)
        let before = Allocator.allocationRequests()
        let probe = SteadyProbe(duration: scenario.duration, poolThreads: pool - 1)
        let result: RunResult
        var logged: RunFigures.ActivityFigures? = nil
        switch configuration {
        case .reference:
            var reference = ReferenceRun(scenario: scenario)
            reference.latencySampling = latencySampling
            result = reference.run()
        case .engine(let shards):
            var engine = Simulation(scenario: scenario, shards: shards)
            engine.latencySampling = latencySampling
            let simulation = engine, callback = probe.callback
            result = await Task.detached { await simulation.run(progress: callback) }.value
        case .logging(let shards):
            guard let path else { throw CLIFailure.invalidInput("--child-run \(configuration.argument) needs --activity FILE") }
            // The log of the previous configuration goes first, outside the timing: replacing a
            // gigabyte file frees its blocks (with online discard, a tenth of a second or more),
            // which is not writing this one.
            if unlink(path) != 0 && errno != ENOENT {
                throw CLIFailure.runtime("cannot replace activity log \(path): \(String(cString: strerror(errno)))")
            }
            var options = try ActivityFile.options(path: path, filters: [])
            options.startUnixMilliseconds = scenario.startUnixMilliseconds
            let file = try ActivityFile(path: path, format: options.format, compressed: ActivityFile.compressed(path))
            var engine = Simulation(scenario: scenario, shards: shards)
            engine.latencySampling = latencySampling
            engine.activity = options
            let simulation = engine, callback = probe.callback
            result = await Task.detached { await simulation.run(progress: callback, activity: { file.write($0) }) }.value
            let t0 = Stopwatch.nanoseconds()
            try file.commit()
            logged = .init(records: result.scans, bytes: UInt64(file.bytes), closeSeconds: Double(Stopwatch.nanoseconds() &- t0) / 1e9)
        }
        flushed = max(flushed, Allocator.flushThreadCaches(poolThreads: pool))
        let after = Allocator.allocationRequests()

        var incidents = [Int](repeating: 0, count: TriggerKind.allCases.count)
        for i in result.incidents { incidents[Int(i.trigger.rawValue)] += 1 }
        var anomalies = [Int](repeating: 0, count: AnomalyKind.allCases.count)
        for a in result.anomalies { anomalies[Int(a.kind.rawValue)] += 1 }
        let t = result.timings
        return RunFigures(
            configuration: configuration.argument, shards: result.shards, scans: result.scans,
            virtualSeconds: Double(scenario.duration.milliseconds) / 1000, wallSeconds: result.wallSeconds,
            setupSeconds: t.setup, simulateSeconds: t.simulate, finishSeconds: t.finish, mergeSeconds: t.merge,
            fingerprint: result.fingerprint.description,
            decisions: Decision.allCases.map { result.decisions[$0] ?? 0 }, incidents: incidents, anomalies: anomalies,
            allocations: before.flatMap { b in after.map { $0 &- b } },
            steady: configuration == .reference ? nil : probe.window, flushedThreads: flushed,
            probeSeconds: probe.seconds, latency: LatencySummary(result.coreLatencies),
            maxResidentBytes: Machine.maxResidentBytes(), activity: logged)
    }
}

/// Reads the allocation counter at the first progress reports at or after `steadyFrom` and
/// `steadyTo` percent of virtual time (never at the run's end, which comes after the finish).
///
/// Progress reports come from the coordinator between windows, while every shard is idle; the
/// probe flushes the other pool threads' caches there so the counts are complete.
private final class SteadyProbe: Sendable {
    private struct Reading { var time: SimTime; var scans: UInt64; var allocations: UInt64? }
    private struct State { var start: Reading?; var end: Reading?; var nanoseconds: UInt64 = 0 }
    private let from: SimTime, to: SimTime, end: SimTime
    private let poolThreads: Int
    private let state = Mutex(State())

    init(duration: SimDuration, poolThreads: Int) {
        let d = duration.milliseconds
        from = SimTime(milliseconds: d * BenchRunner.steadyFrom / 100)
        to = SimTime(milliseconds: d * BenchRunner.steadyTo / 100)
        end = SimTime(milliseconds: d)
        self.poolThreads = poolThreads
    }

    var callback: @Sendable (RunProgress) -> Void { { [self] in observe($0) } }

    private func observe(_ p: RunProgress) {
        guard p.virtualTime < end else { return }
        let t0 = Stopwatch.nanoseconds()
        state.withLock { s in
            guard s.end == nil else { return }
            if s.start == nil {
                guard p.virtualTime >= from else { return }
                s.start = reading(p)
            } else if p.virtualTime >= to {
                s.end = reading(p)
            }
            s.nanoseconds += Stopwatch.nanoseconds() &- t0
        }
    }

    private func reading(_ p: RunProgress) -> Reading {
        Allocator.flushThreadCaches(poolThreads: poolThreads)
        return Reading(time: p.virtualTime, scans: p.scans, allocations: Allocator.allocationRequests())
    }

    /// The window between the two readings, if both were taken.
    var window: RunFigures.SteadyWindow? {
        state.withLock { s in
            guard let a = s.start, let b = s.end else { return nil }
            let allocations: UInt64? = if let x = a.allocations, let y = b.allocations { y &- x } else { nil }
            return RunFigures.SteadyWindow(from: a.time.milliseconds, to: b.time.milliseconds, scans: b.scans - a.scans,
                                           allocations: allocations)
        }
    }

    /// Wall seconds spent in the probe.
    var seconds: Double { state.withLock { Double($0.nanoseconds) / 1e9 } }
}
