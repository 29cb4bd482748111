public import IntervenCore
public import IntervenScenario

/// Progress of a running simulation, reported about once per virtual-time percent.
public struct RunProgress: Sendable {
    /// How far virtual time has got.
    public var virtualTime: SimTime
    /// The run's virtual length.
    public var duration: SimDuration
    /// Scans decided so far.
    public var scans: UInt64
}

/// Runs a scenario on `shards` workers and returns its result.
///
/// Virtual time advances in epochs of the scenario's effect latency. In each epoch every shard
/// handles its own agents' events in (time, agent, kind, sequence) order, in parallel; between
/// epochs the coordinator hands new approvals and incidents to the analyst, whose decisions land
/// at the next epoch boundary or later. Quiet stretches are skipped. The result is the same for
/// every shard count and every run with the same scenario and seed, except `wallSeconds`,
/// `timings`, `coreLatencies` and `shards`.
public struct Simulation: Sendable {
    public let scenario: Scenario
    public let shards: Int
    /// Time one in this many scans' trip through the gateway (0: none); see `RunResult.coreLatencies`.
    public var latencySampling: Int = 0
    /// Stop the run (`RunResult.stopped`) when its trust series holds more rows than this: a
    /// series of every change cannot be sized in advance (see `RunEstimate`).
    public var trustRowLimit: Int?
    /// The activity log's options; nil (the default) costs nothing per scan.
    public var activity: ActivityOptions? = nil

    /// A simulation of `scenario` on `shards` workers (at least 1, and no more than agents: an
    /// empty shard would only add coordination).
    public init(scenario: Scenario, shards: Int) {
        self.scenario = scenario
        let agents = scenario.groups.reduce(0) { $0 + max(1, $1.count) }
        self.shards = max(1, min(shards, agents))
        slice = nil
    }

    /// The slice of the agents this simulation runs (`runSlice`), or nil for all of them.
    public let slice: RunSlice?

    /// A simulation of one slice of `scenario`'s agents (see `RunSlice`) on `shards` workers
    /// (at least 1, and no more than the slice's agents). Only `runSlice` runs it.
    public init(scenario: Scenario, shards: Int, slice: RunSlice) {
        self.scenario = scenario
        let agents = slice.agents(of: scenario.groups.reduce(0) { $0 + max(1, $1.count) })
        self.shards = max(1, min(shards, agents))
        self.slice = slice
    }

    /// Runs the scenario. `progress` is called from the coordinator, about 100 times a run;
    /// `activity` (with `self.activity` set) receives the activity log's records in order, in
    /// pieces, as the run goes (without a header), on a thread of its own: each window's records
    /// are merged there while the shards run the next window. Every piece has reached it when
    /// `run` returns.
    public func run(progress: (@Sendable (RunProgress) -> Void)? = nil,
                    activity sink: ActivitySink? = nil) async -> RunResult {
        precondition(slice == nil, "a slice runs with runSlice")
        var clock = StageClock()
        let plan = Plan(scenario: scenario, shards: shards)
        let (parts, stopped, stream) = await runParts(plan: plan, owned: Array(0..<shards), clock: &clock, progress: progress,
                                                      activity: sink)
        guard let parts else { return stopped! }
        var timings = clock.timings
        var result = Self.merge(consume parts, plan: plan)
        // The activity log's last window is merged and written while the results are merged.
        stream?.finish()
        timings.merge = clock.lap()
        result.timings = timings
        result.wallSeconds = timings.total
        result.shards = shards
        return result
    }

    /// Runs the slice's agents and returns their parts of the result, to be joined with the
    /// other slices' by `RunSlicePart.merge`. The slice's agents are those of its shards in a
    /// plan of `slice.count × shards` shards (agent `k` belongs to slice `k mod count`), so each
    /// part is exactly what that shard of the whole run holds: agents of different slices never
    /// interact when the scenario has no analyst (`RunSlice.refusal`).
    public func runSlice(progress: (@Sendable (RunProgress) -> Void)? = nil) async -> RunSlicePart {
        guard let slice else { preconditionFailure("runSlice needs a slice") }
        var clock = StageClock()
        let plan = Plan(scenario: scenario, shards: slice.count * shards)
        let owned = (0..<shards).map { slice.index + $0 * slice.count }
        let (parts, stopped, _) = await runParts(plan: plan, owned: owned, clock: &clock, progress: progress, activity: nil)
        var part = RunSlicePart(slice: slice, shards: shards, parts: parts ?? [])
        part.stopped = stopped?.stopped
        part.scans = stopped?.scans ?? part.scans
        part.wallSeconds = clock.timings.total + clock.lap()
        return part
    }

    /// Runs the shards `owned` of `plan` to the end and returns their parts, or (nil, a stopped
    /// result) when the trust series outgrew `trustRowLimit`; and the activity log's stream,
    /// whose last window may still be on its way to the sink (`finish` waits for it).
    private func runParts(plan: Plan, owned: [Int], clock: inout StageClock, progress: (@Sendable (RunProgress) -> Void)?,
                          activity sink: ActivitySink?) async -> ([ShardResult]?, RunResult?, ActivityStream?) {
        let shards = owned.count
        let sampling = latencySampling
        let stream = activity.flatMap { o in sink.map { ActivityStream(sink: $0, pool: ActivityChunkPool(plan: plan, format: o.format)) } }
        let logging = activity.flatMap { o in stream.map { (o, $0.pool) } }
        let workers = await withTaskGroup(of: (Int, ShardWorker).self) { group in
            for k in 0..<shards {
                let number = owned[k]
                group.addTask { (k, ShardWorker(plan: plan, shard: number, latencySampling: sampling, activity: logging)) }
            }
            var out = [ShardWorker?](repeating: nil, count: shards)
            for await (k, w) in group { out[k] = w }
            return out.map { $0! }
        }
        var firsts: [SimTime?] = []
        for w in workers { firsts.append(await w.nextEvent()) }
        var coordinator = Coordinator(plan: plan, firstEvents: firsts)
        clock.timings.setup = clock.lap()
        var lastReported: Int64 = -1
        while let epochEnd = coordinator.windowEnd() {
            let batch = coordinator.takeDeliveries()
            let reports = await withTaskGroup(of: (Int, EpochReport).self) { group in
                for k in 0..<shards {
                    let w = workers[k], d = batch[owned[k]]
                    group.addTask { (k, await w.runEpoch(until: epochEnd, deliveries: d)) }
                }
                var out = [EpochReport?](repeating: nil, count: shards)
                for await (k, r) in group { out[k] = r }
                return out.map { $0! }
            }
            coordinator.absorb(reports, windowEnd: epochEnd)
            if let limit = trustRowLimit, coordinator.trustRows > limit {
                var stopped = RunResult(scenario: scenario.name, seed: scenario.seed, shards: shards, duration: scenario.duration,
                                        agents: [], scans: coordinator.scans, decisions: [:], incidents: [], trust: [], alerts: [],
                                        anomalies: [], approvals: [:], refusedActions: [], wallSeconds: clock.lap(), fingerprint: Fingerprint())
                stopped.stopped = RunStopped(at: epochEnd, trustRows: coordinator.trustRows, limit: limit)
                stream?.finish()
                return (nil, stopped, nil)
            }
            stream?.submit(reports.compactMap(\.activity))
            if let progress, let percent = coordinator.percent(at: epochEnd), percent != lastReported {
                lastReported = percent
                progress(RunProgress(virtualTime: epochEnd, duration: scenario.duration, scans: coordinator.scans))
            }
        }
        clock.timings.simulate = clock.lap()
        let end = coordinator.end
        let parts = await withTaskGroup(of: (Int, ShardResult).self) { group in
            for k in 0..<shards { let w = workers[k]; group.addTask { (k, await w.finish(at: end)) } }
            var out = [ShardResult?](repeating: nil, count: shards)
            for await (k, r) in group { out[k] = r }
            return out.map { $0! }
        }
        clock.timings.finish = clock.lap()
        progress?(RunProgress(virtualTime: end, duration: scenario.duration, scans: parts.reduce(0) { $0 + $1.scans }))
        return (parts, nil, stream)
    }

    /// Puts the shards' parts in canonical order (independent of the shard count).
    static func merge(_ parts: consuming [ShardResult], plan: Plan) -> RunResult {
        let s = plan.scenario
        // The trust series is moved out of the parts, sorted in place and unpacked, so at most
        // two copies of it exist at once.
        var parts = parts
        var rows: [ShardTrustRow] = []
        rows.reserveCapacity(parts.reduce(0) { $0 + $1.trust.count })
        for k in parts.indices {
            rows += parts[k].trust
            parts[k].trust = []
        }
        rows.sort { ($0.time, $0.global, $0.order) < ($1.time, $1.global, $1.order) }
        var trust: [TrustSample] = []
        trust.reserveCapacity(rows.count)
        for r in rows {
            trust.append(TrustSample(time: r.time, agent: plan.names[Int(r.global)], trust: r.trust,
                                     scrutiny: r.scrutiny, suspended: r.suspended, cause: r.cause))
        }
        rows = []
        let incidents = parts.flatMap(\.incidents).sorted { ($0.record.openedAt, $0.global, $0.ordinal) < ($1.record.openedAt, $1.global, $1.ordinal) }
        let alerts = parts.flatMap(\.alerts).sorted { ($0.alert.time, $0.global, $0.ordinal) < ($1.alert.time, $1.global, $1.ordinal) }
        let anomalies = parts.flatMap(\.anomalies).sorted { ($0.record.time, $0.global, $0.order) < ($1.record.time, $1.global, $1.order) }
        let refused = parts.flatMap(\.refused).sorted {
            ($0.action.time, $0.global, $0.order, $0.action.action) < ($1.action.time, $1.global, $1.order, $1.action.action)
        }
        var decisions: [Decision: UInt64] = [:]
        var approvals: [ApprovalStatus: Int] = [:]
        for p in parts {
            for (d, n) in p.decisions { decisions[d, default: 0] += n }
            for (a, n) in p.approvals { approvals[a, default: 0] += n }
        }
        var result = RunResult(scenario: s.name, seed: s.seed, shards: plan.shardCount, duration: s.duration,
                               agents: ShardAgents.rows(of: parts, plan: plan), scans: parts.reduce(0) { $0 + $1.scans }, decisions: decisions,
                               incidents: incidents.map(\.record), trust: trust, alerts: alerts.map(\.alert),
                               anomalies: anomalies.map(\.record), approvals: approvals, refusedActions: refused.map(\.action),
                               wallSeconds: 0, fingerprint: Fingerprint())
        result.fingerprint = fingerprint(result)
        result.startUnixMilliseconds = s.startUnixMilliseconds
        result.observations = observations(parts, plan: plan)
        result.coreLatencies = parts.flatMap(\.latencies)
        result.detection = DetectionScorer(scenario: s, result: result).metrics()
        var members = [Int](repeating: 0, count: s.groups.count)
        for g in plan.groupOf { members[Int(g)] += 1 }
        result.groups = s.groups.indices.map { g in
            RunGroup(name: s.groups[g].name, label: s.groups[g].label, runtime: s.groups[g].runtime, count: members[g])
        }
        let hourly = parts.first?.hourlyDecisions.count ?? 0
        result.hourlyDecisions = (0..<hourly).map { k in parts.reduce(0) { $0 + $1.hourlyDecisions[k] } }
        result.initialTrust = s.rules.trust.initial
        result.scrutinyThreshold = s.rules.trust.scrutinyThreshold
        return result
    }

    /// The shards' observations merged: tracks start from the initial state and are in time
    /// order (idle credit is recorded late, at its own time), counters summed.
    static func observations(_ parts: [ShardResult], plan: Plan) -> Observations {
        var o = Observations()
        let rules = plan.scenario.rules.trust
        let start = TrackPoint(time: .zero, trust: rules.initial, suspended: false,
                               belowThreshold: rules.initial < rules.scrutinyThreshold, pinnedUntil: .never, cause: nil)
        for p in parts {
            for (g, points) in p.tracks {
                let ordered = points.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
                o.tracks[plan.names[Int(g)]] = [start] + ordered
            }
            for (g, points) in p.logs { o.logs[plan.names[Int(g)]] = points }
        }
        let width = Decision.allCases.count
        let probes = plan.observation.probes.count
        o.probeCounts = (0..<probes).map { k in (0..<width).map { d in parts.reduce(0) { $0 + $1.probeCounts[k * width + d] } } }
        o.probeOfExpectation = plan.observation.probeOfExpectation
        o.counterReadings = [[Int]](repeating: [], count: plan.observation.readingCount)
        for p in parts { for r in p.readings { o.counterReadings[r.reading] = r.values } }
        o.readingOfExpectation = plan.observation.readingOfExpectation
        o.decisionsByGroup = plan.scenario.groups.indices.map { g in
            (0..<width).map { d in parts.reduce(0) { $0 + $1.groupDecisions[g * width + d] } }
        }
        return o
    }

    /// A hash of the incident timeline, the trust series and the decision mix.
    static func fingerprint(_ r: RunResult) -> Fingerprint {
        var f = Fingerprint()
        f.combine(r.scans)
        for d in Decision.allCases { f.combine(r.decisions[d] ?? 0) }
        for i in r.incidents {
            f.combine(i.id); f.combine(i.agent); f.combine(UInt64(i.trigger.rawValue)); f.combine(UInt64(i.severity.rawValue))
            f.combine(i.openedAt.milliseconds); f.combine(UInt64(i.status.rawValue))
            f.combine(UInt64(i.resolution?.rawValue ?? 255)); f.combine(UInt64(i.traces.count))
            for c in i.statusChanges { f.combine(UInt64(c.status.rawValue)); f.combine(c.time.milliseconds); f.combine(c.actor) }
            for t in i.traces { f.combine(t.trace) }
            for a in i.actions { f.combine(a.time.milliseconds); f.combine(a.detail) }
            for n in i.notes { f.combine(n.text) }
        }
        for t in r.trust {
            f.combine(t.time.milliseconds); f.combine(t.agent); f.combine(Int64(t.trust.micros))
            f.combine(UInt64(t.scrutiny ? 1 : 0) | UInt64(t.suspended ? 2 : 0))
        }
        return f
    }
}
