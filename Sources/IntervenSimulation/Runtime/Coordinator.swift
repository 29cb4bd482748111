import IntervenCore
import IntervenScenario

/// The coordinator's side of a run: which window comes next, what the analyst makes of the
/// shards' work, and where its decisions land. Shared by the actor engine (`Simulation`) and
/// the single-threaded reference (`ReferenceRun`), so both run exactly the same windows.
struct Coordinator {
    let plan: Plan
    /// The effect latency in milliseconds (the epoch length).
    let latency: Int64
    /// The end of the run.
    let end: SimTime
    /// Epochs per window.
    let windowEpochs: Int64
    private var analyst: AnalystDesk?
    private var deliveries: [[(at: SimTime, decision: AnalystDecision)]]
    /// The earliest event any shard holds, or nil.
    private var next: SimTime?
    /// Scans decided so far, over every shard.
    private(set) var scans: UInt64 = 0
    /// Rows of the trust series the shards hold.
    private(set) var trustRows = 0

    /// The shortest window of a run without an analyst, in milliseconds.
    static let minimumQuietWindow: Int64 = 15 * 60_000

    /// A coordinator for `plan`, given each shard's earliest event.
    init(plan: Plan, firstEvents: [SimTime?]) {
        self.plan = plan
        let scenario = plan.scenario
        latency = max(1, scenario.effectLatency.milliseconds)
        end = SimTime.zero + scenario.duration
        // The pending TTL in force over time (timeline rules changes can move it).
        let ttls = AnalystDesk.approvalTTLs(of: scenario)
        analyst = scenario.analyst.map { AnalystDesk(model: $0, seed: scenario.seed, approvalTTLs: ttls) }
        deliveries = Array(repeating: [], count: plan.shardCount)
        next = firstEvents.compactMap { $0 }.min()
        // Conservative lookahead: the analyst is the only effect that crosses shards, and none of
        // its decisions can land sooner than its minimum delay after the work that caused it. So
        // shards may run that many epochs before the analyst must see their work; the results are
        // those of epoch-by-epoch execution. Without an analyst, shards never interact and windows
        // are 1% of the run (for progress reports), but at least 15 virtual minutes: shards run a
        // window agent by agent, so longer windows keep each agent's state in cache for more of
        // its scans. The window depends on the scenario only, never on the shard count.
        windowEpochs = if let analyst {
            max(1, analyst.minimumDelay.milliseconds / latency)
        } else {
            max(1, max(scenario.duration.milliseconds / 100, Self.minimumQuietWindow) / latency)
        }
    }

    /// The length of a window in milliseconds (the last one may be shorter).
    var windowMilliseconds: Int64 { latency * windowEpochs }

    /// The end of the next window to run, or nil when the run is over. Quiet stretches are
    /// skipped: the window starts at the epoch holding the next event.
    func windowEnd() -> SimTime? {
        guard let t = next, t < end else { return nil }
        let epochStart = SimTime(milliseconds: t.milliseconds / latency * latency)
        return min(epochStart + SimDuration(milliseconds: latency * windowEpochs), end)
    }

    /// The analyst decisions each shard must receive before its next window, handed over once.
    mutating func takeDeliveries() -> [[(at: SimTime, decision: AnalystDecision)]] {
        defer { deliveries = Array(repeating: [], count: plan.shardCount) }
        return deliveries
    }

    /// Takes the shards' reports of the window ending at `windowEnd` (in shard order).
    mutating func absorb(_ reports: [EpochReport], windowEnd: SimTime) {
        next = reports.compactMap(\.nextEvent).min()
        scans = reports.reduce(0) { $0 + $1.scans }
        trustRows = reports.reduce(0) { $0 + $1.trustRows }
        guard analyst != nil else { return }
        let work = reports.flatMap(\.work)
        for d in analyst!.assign(work) {
            // Cross-actor effects land at an epoch boundary, never inside the epoch that caused
            // them; the lookahead guarantees that boundary is not before this window's end.
            let rounded = SimTime(milliseconds: (d.time.milliseconds + latency - 1) / latency * latency)
            let at = max(rounded, windowEnd)
            guard at < end else { continue }
            deliveries[plan.shard(of: d.agent)].append((at, d))
            if next.map({ at < $0 }) ?? true { next = at }
        }
    }

    /// How far a window end is through the run, in whole percent (nil for an empty run).
    func percent(at windowEnd: SimTime) -> Int64? {
        let d = plan.scenario.duration.milliseconds
        return d > 0 ? windowEnd.milliseconds * 100 / d : 100
    }
}

/// Wall-clock seconds of each stage of a run.
public struct RunTimings: Sendable, Equatable {
    /// Compiling the plan and building every shard's state (agents, traffic, first events).
    public var setup = 0.0
    /// Running the windows: traffic, decisions, trust, correlation, recording, coordination.
    public var simulate = 0.0
    /// Settling each shard at the end and gathering its part (snapshots, incident records).
    public var finish = 0.0
    /// Putting the parts in canonical order and computing the fingerprint.
    public var merge = 0.0
    /// All four.
    public var total: Double { setup + simulate + finish + merge }
    public init() {}
}

/// Monotonic wall-clock readings for stage timings, latency samples and progress: the only
/// clock the runtime reads, and never for a decision.
public enum Stopwatch {
    private static let origin = ContinuousClock.now

    /// Monotonic nanoseconds since the process's first reading.
    @inline(__always) public static func nanoseconds() -> UInt64 {
        let c = origin.duration(to: .now).components
        return UInt64(c.seconds) &* 1_000_000_000 &+ UInt64(c.attoseconds / 1_000_000_000)
    }
}

/// Seconds between laps, for stage timings.
struct LapTimer {
    private var last = ContinuousClock.now

    /// Seconds since the previous lap (or since creation).
    mutating func lap() -> Double {
        let now = ContinuousClock.now
        defer { last = now }
        let c = last.duration(to: now).components
        return Double(c.seconds) + Double(c.attoseconds) / 1e18
    }
}


/// A lap timer with the stage timings it has filled in so far.
struct StageClock {
    private var laps = LapTimer()
    var timings = RunTimings()
    mutating func lap() -> Double { laps.lap() }
}
