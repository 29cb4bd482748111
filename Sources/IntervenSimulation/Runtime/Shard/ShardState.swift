import IntervenCore
import IntervenScenario

/// One shard: a gateway over its agents, their traffic and their queued events.
///
/// Everything here is synchronous and deterministic; the `ShardWorker` actor owns one.
struct ShardState {
    let plan: Plan
    let shard: Int
    var gateway: Gateway
    var agents: [AgentTraffic]
    /// Queued per-agent events (arrivals, timeouts, retries, phases, actions, decisions).
    var queue = EventQueue()
    /// Queued tenant-wide events (agent -1): each is a barrier every agent's events before it precede.
    var tenantQueue = EventQueue()
    /// The events of the window being run, sorted agent-major (reused between windows).
    var due: [ShardEvent] = []
    /// Scratch for the counting sort of `due`: per local agent, its first slot; per event, its place.
    var dueStart: [Int32] = []
    var dueDestination: [Int32] = []
    /// Events the current agent queued for itself inside the window, latest first.
    var pending: [ShardEvent] = []
    /// While a window runs: its end (exclusive) and the agent being run.
    var windowStop = SimTime.never
    var windowAgent: Int32? = nil
    var mixes: [CompiledMix] = []
    /// For each group: the mix index of its base mix and of each phase's mix.
    var groupMixes: [[Int32]] = []
    /// Arrival processes and behaviours of every group and phase, shared by their agents; per
    /// group, the index of its own and of each phase's (-1: the phase keeps the agent's).
    var arrivalTable: [Arrivals] = []
    var groupArrivals: [[Int32]] = []
    var behaviorTable: [Behavior] = []
    var groupBehaviors: [[Int32]] = []
    /// Scans parked for an identical retry (slots named by `LoopState`), and the free slots.
    var parkedScans: [Scan] = []
    var freeParked: [Int32] = []
    var actions: [QueuedAction] = []
    var decisions: [AnalystDecision] = []
    var timelineScans: [(template: CompiledTemplate, event: Int, n: Int)] = []
    var feedIndicators: [[Symbol]] = []
    var anyFeedIndicators: [Symbol] = []
    var sequence: UInt64 = 0
    var scans: UInt64 = 0
    /// Decisions by `Decision.rawValue`.
    var decisionCounts = [UInt64](repeating: 0, count: Decision.allCases.count)
    var work: [AnalystWork] = []
    var trust: [ShardTrustRow] = []
    var trustOrder: UInt64 = 0
    var refused: [(global: Int32, order: Int, action: RefusedAction)] = []
    /// Last traces per agent (ring of `recentCapacity`), kept only when the timeline needs them.
    var recent: [TraceRef] = []
    var recentNext: [Int32] = []
    let recentCapacity = 16
    var incidentsSeen = 0
    /// Whether the trust series in the results holds every change (not samples).
    let recordsSeries: Bool
    /// Whether new approvals and incidents are reported for the analyst (only when there is one).
    let reportsWork: Bool
    /// Whether any expectation needs observations from this shard's agents.
    let observing: Bool
    /// Per local agent: its slot in `trackPoints` / `logPoints`, or -1.
    var trackSlot: [Int32] = []
    var trackPoints: [[TrackPoint]] = []
    var logSlot: [Int32] = []
    var logPoints: [[DecisionPoint]] = []
    /// Per counter probe, decisions by raw value (flat, 4 per probe).
    var probeCounts: [UInt64] = []
    /// Each probe's window (nil: the whole run), copied out of the plan for the scan path.
    let probeWindows: [TimeWindow?]
    /// Counter readings still to take, per local agent, earliest first (empty when none).
    var pendingReadings: [Int32: [(reading: Int, at: SimTime)]] = [:]
    var takenReadings: [(reading: Int, values: [Int])] = []
    /// Each probe's reason code (nil: every scan).
    let probeReasons: [ObservationPlan.ReasonFilter?]
    /// Per group, decisions by raw value (flat, 4 per group).
    var groupDecisions: [UInt64]
    /// Decisions per virtual hour by raw value (flat, 4 per hour; the last slot takes later scans).
    var hourlyDecisions: [UInt64]
    /// Held approvals that trigger a compaction at the next window end.
    var approvalCompactionAt = 4096
    /// Time one in this many scans through the gateway (0: none), into `latencies` (ns).
    var latencyEvery: UInt64 = 0
    var latencies: [UInt32] = []
    /// The activity log: off unless `enableActivity` was called (then one record per scan that
    /// passes the filters, formatted here and handed over at the end of each window).
    var logsActivity = false
    var activityOptions = ActivityOptions(format: .csv)
    var activityAgent: [Bool] = []
    /// The records of the window so far and the fragments they are made of (nil when off).
    var activityFormatter: ActivityFormatter? = nil
    /// Where the chunks the writer has merged come back from.
    var activityPool: ActivityChunkPool? = nil

    init(plan: Plan, shard: Int) {
        self.plan = plan
        self.shard = shard
        let scenario = plan.scenario
        var roster = AgentRoster(seed: scenario.seed)
        let mine = plan.agents(of: shard)
        for g in mine {
            let group = scenario.groups[Int(plan.groupOf[Int(g)])]
            roster.add(name: plan.names[Int(g)], runtime: group.runtime, label: group.label)
        }
        gateway = Gateway(rules: scenario.rules, roster: roster)
        recordsSeries = scenario.trustSampleInterval == nil
        reportsWork = scenario.analyst != nil
        groupDecisions = [UInt64](repeating: 0, count: scenario.groups.count * Decision.allCases.count)
        hourlyDecisions = [UInt64](repeating: 0, count: Self.hours(in: scenario.duration) * Decision.allCases.count)
        let watch = plan.observation
        var tracking = false, logging = false
        if watch.anyTracked || watch.anyLogged {
            trackSlot = [Int32](repeating: -1, count: mine.count)
            logSlot = [Int32](repeating: -1, count: mine.count)
            for (local, g) in mine.enumerated() {
                if watch.tracked.contains(Int(g)) {
                    trackSlot[local] = Int32(trackPoints.count); trackPoints.append([]); tracking = true
                }
                if watch.logged.contains(Int(g)) {
                    logSlot[local] = Int32(logPoints.count); logPoints.append([]); logging = true
                }
            }
        }
        probeCounts = [UInt64](repeating: 0, count: watch.probes.count * Decision.allCases.count)
        probeWindows = watch.probes.map(\.window)
        for (global, list) in watch.counterReadings where plan.shard(of: global) == shard {
            pendingReadings[plan.local(of: global)] = list
        }
        probeReasons = watch.probes.map(\.reason)
        observing = tracking || logging || !watch.probes.isEmpty
        gateway.recordsTrustChanges = recordsSeries || tracking
        agents = []
        agents.reserveCapacity(mine.count)
        refreshFeeds()
        for (gi, group) in scenario.groups.enumerated() {
            var ids = [compile(group.mix, id: UInt64(gi) << 16)]
            for (pi, phase) in group.phases.enumerated() {
                ids.append(phase.mix.map { compile($0, id: UInt64(gi) << 16 | UInt64(pi + 1)) } ?? -1)
            }
            groupMixes.append(ids)
            groupArrivals.append([Int32(arrivalTable.count)] + group.phases.enumerated().map { pi, phase in
                phase.arrivals.map { _ in Int32(arrivalTable.count + 1 + pi) } ?? -1 })
            arrivalTable.append(group.arrivals)
            for phase in group.phases { if let a = phase.arrivals { arrivalTable.append(a) } else { arrivalTable.append(group.arrivals) } }
            groupBehaviors.append([Int32(behaviorTable.count)] + group.phases.enumerated().map { pi, phase in
                phase.behavior.map { _ in Int32(behaviorTable.count + 1 + pi) } ?? -1 })
            behaviorTable.append(group.behavior)
            for phase in group.phases { behaviorTable.append(phase.behavior ?? group.behavior) }
        }
        for g in mine {
            let gi = plan.groupOf[Int(g)]
            let group = scenario.groups[Int(gi)]
            var t = AgentTraffic(global: g, group: gi,
                                 stream: RandomStream(seed: scenario.seed, stream: stableHash(plan.names[Int(g)])),
                                 arrivals: groupArrivals[Int(gi)][0], mix: groupMixes[Int(gi)][0],
                                 behavior: groupBehaviors[Int(gi)][0])
            if case .ephemeral = group.key { t.needsKey = true }
            t.traceBase = stableHash(plan.names[Int(g)], seed: scenario.seed ^ 0x7472_6163_6573)
            agents.append(t)
        }
        gateway.precompile()
        let needsRecent = scenario.timeline.contains { if case .openManualIncident = $0.action { true } else { false } }
        if needsRecent {
            recent = Array(repeating: TraceRef(trace: 0, time: .never), count: mine.count * recentCapacity)
            recentNext = Array(repeating: 0, count: mine.count)
        }
        queue.reserve(mine.count * 2)
        due.reserveCapacity(mine.count)
        // First arrivals and phase changes.
        for local in agents.indices {
            scheduleArrival(local, from: .zero, first: true)
            let group = scenario.groups[Int(agents[local].group)]
            for (pi, phase) in group.phases.enumerated() where SimTime.zero + phase.at < SimTime.zero + scenario.duration {
                push(SimTime.zero + phase.at, agent: agents[local].global, kind: .phase, payload: Int32(local), token: UInt32(pi))
            }
        }
        // Timeline events this shard must apply: its agents' and every tenant-wide one.
        for (index, event) in scenario.timeline.enumerated() {
            let owner = plan.agent(of: event.action)
            if let owner, plan.shard(of: owner) != shard { continue }
            let at = SimTime.zero + event.at
            if case .scan(_, let template, let count, let spacing) = event.action, let owner {
                let compiled = compileTemplate(template, id: 0xFFFF_0000 | UInt64(index))
                for n in 0..<max(1, count) {
                    timelineScans.append((compiled, index, n))
                    push(at + spacing * Int64(n), agent: owner, kind: .timelineScan, payload: Int32(timelineScans.count - 1))
                }
                continue
            }
            actions.append(QueuedAction(event: event, index: index))
            push(at, agent: owner ?? -1, kind: .operatorAction, payload: Int32(actions.count - 1))
        }
        if let interval = scenario.trustSampleInterval, interval.milliseconds > 0, !agents.isEmpty {
            push(.zero, agent: -1, kind: .trustSample, payload: 0)   // each sample schedules the next
        }
    }

    /// The global index of a local agent (the plan's round robin).
    @inline(__always) func global(of local: Int) -> Int32 { plan.global(local: local, shard: shard) }

    /// Whole or started virtual hours in a run of `duration` (at least 1).
    static func hours(in duration: SimDuration) -> Int { max(1, Int((duration.milliseconds + 3_599_999) / 3_600_000)) }
}
