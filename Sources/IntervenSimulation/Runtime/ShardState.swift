import IntervenCore

/// What one shard reports after an epoch.
struct EpochReport: Sendable {
    /// New approvals and incidents for the analyst.
    var work: [AnalystWork]
    /// The earliest event still queued, or nil.
    var nextEvent: SimTime?
    /// Scans decided so far by this shard.
    var scans: UInt64
}

/// What one shard contributes to the run's result.
struct ShardResult: Sendable {
    var agents: [(global: Int32, snapshot: AgentSnapshot)]
    var incidents: [(global: Int32, ordinal: UInt32, record: IncidentRecord)]
    var trust: [(global: Int32, order: UInt64, sample: TrustSample)]
    var alerts: [(global: Int32, ordinal: UInt32, alert: AlertRecord)]
    var anomalies: [(global: Int32, order: Int, record: AnomalyRecord)]
    var refused: [(global: Int32, order: Int, action: RefusedAction)]
    var decisions: [Decision: UInt64]
    var approvals: [ApprovalStatus: Int]
    var scans: UInt64
    /// Trajectories and decision logs of the agents expectations name (global index, points).
    var tracks: [(global: Int32, points: [TrackPoint])] = []
    var logs: [(global: Int32, points: [DecisionPoint])] = []
    /// Per counter probe, decisions by raw value (flat, 4 per probe).
    var probeCounts: [UInt64] = []
    /// Per group, decisions by raw value (flat, 4 per group).
    var groupDecisions: [UInt64] = []
    /// Sampled gateway latencies in nanoseconds (see `ShardState.latencyEvery`).
    var latencies: [UInt32] = []
}

/// A scan template compiled against the shard's symbols.
struct CompiledTemplate {
    var tool: Symbol, operation: Symbol, verb: Verb, host: Symbol, url: Symbol, principal: Symbol
    /// Feed whose indicators the host is drawn from (-1: fixed host; -2: any enabled feed).
    var feed: Int32
    var external: Bool
    var dataClasses: DataClasses
    var riskLow: Int32, riskHigh: Int32
    var bodyBytes: Int32
    var variants: UInt64
    /// A stable id of the template (mix and position), part of request signatures.
    var id: UInt64
}

/// A weighted mix of templates, sampled by cumulative weight.
struct CompiledMix {
    var templates: [CompiledTemplate]
    var cumulative: [UInt64]
    var total: UInt64
}

/// The traffic state of one agent.
struct AgentTraffic {
    var global: Int32
    var group: Int32
    var stream: RandomStream
    var arrivals: Arrivals
    var mix: Int32
    var behavior: Behavior
    /// Bumped whenever a queued arrival becomes stale (phase change, waiting, pause).
    var arrivalToken: UInt32 = 0
    /// Scans sent.
    var sent: UInt32 = 0
    /// Hash of (seed, agent name): trace ids derive from it and `sent`, so they do not change
    /// when groups are added or reordered.
    var traceBase: UInt64 = 0
    var key: Int32 = Scan.liveKey
    var needsKey = false
    /// The approval the agent is waiting on, if any.
    var waiting: ApprovalID? = nil
    var waitingSince = SimTime.zero
    var waitToken: UInt32 = 0
    var retryScan: Scan? = nil
    var consecutiveDenies: Int32 = 0
    /// The end of a backoff pause, if the agent is in one.
    var pausedUntil = SimTime.never
    /// Approvals and incidents already reported to the analyst (per-agent ordinals below these).
    var approvalsSeen: UInt32 = 0
}

/// A tenant-wide or per-agent timeline action queued on a shard.
struct QueuedAction {
    var event: TimelineEvent
    var index: Int
}

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
    private var due: [ShardEvent] = []
    /// Scratch for the counting sort of `due`: per local agent, its first slot; and the output.
    private var dueStart: [Int32] = []
    private var dueSorted: [ShardEvent] = []
    /// Events the current agent queued for itself inside the window, latest first.
    private var pending: [ShardEvent] = []
    /// While a window runs: its end (exclusive) and the agent being run.
    private var windowStop = SimTime.never
    private var windowAgent: Int32? = nil
    var mixes: [CompiledMix] = []
    /// For each group: the mix index of its base mix and of each phase's mix.
    var groupMixes: [[Int32]] = []
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
    var trust: [(global: Int32, order: UInt64, sample: TrustSample)] = []
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
    /// Per group, decisions by raw value (flat, 4 per group).
    var groupDecisions: [UInt64]
    /// Held approvals that trigger a compaction at the next window end.
    private var approvalCompactionAt = 4096
    /// Time one in this many scans through the gateway (0: none), into `latencies` (ns).
    var latencyEvery: UInt64 = 0
    var latencies: [UInt32] = []

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
        }
        for g in mine {
            let gi = plan.groupOf[Int(g)]
            let group = scenario.groups[Int(gi)]
            var t = AgentTraffic(global: g, group: gi,
                                 stream: RandomStream(seed: scenario.seed, stream: stableHash(plan.names[Int(g)])),
                                 arrivals: group.arrivals, mix: groupMixes[Int(gi)][0], behavior: group.behavior)
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
            push(.zero, agent: -1, kind: .phase, payload: -1)   // payload -1: a trust sample; each schedules the next
        }
    }

    // MARK: Compiling traffic

    private mutating func refreshFeeds() {
        let feeds = gateway.rules.threatIntel.feeds
        feedIndicators = feeds.map { $0.indicators.map { gateway.intern($0) } }
        anyFeedIndicators = zip(feeds, feedIndicators).filter { $0.0.enabled }.flatMap(\.1)
    }

    private mutating func compile(_ mix: [WeightedTemplate], id: UInt64) -> Int32 {
        var templates: [CompiledTemplate] = [], cumulative: [UInt64] = []
        var total: UInt64 = 0
        for (k, w) in mix.enumerated() {
            templates.append(compileTemplate(w.template, id: id << 16 | UInt64(k)))
            total += UInt64(max(1, w.weight))
            cumulative.append(total)
        }
        mixes.append(CompiledMix(templates: templates, cumulative: cumulative, total: total))
        return Int32(mixes.count - 1)
    }

    private mutating func compileTemplate(_ t: ScanTemplate, id: UInt64) -> CompiledTemplate {
        var feed: Int32 = -1
        var host = Symbol.none
        switch t.host {
        case .fixed(let h): host = gateway.intern(h)
        case .threatFeed(let name):
            if let name, let k = gateway.rules.threatIntel.feeds.firstIndex(where: { $0.name == name }) { feed = Int32(k) } else { feed = -2 }
        }
        let (lo, hi): (Score, Score) = switch t.risk {
        case .fixed(let s): (s, s)
        case .uniform(let a, let b): (min(a, b), max(a, b))
        }
        let hostText = if case .fixed(let h) = t.host { h } else { "feed" }
        return CompiledTemplate(tool: gateway.intern(t.tool), operation: gateway.intern(t.operation), verb: t.verb, host: host,
                                url: gateway.intern("https://\(hostText)/\(t.tool)/\(t.operation)"),
                                principal: t.principal.map { gateway.intern($0) } ?? .none, feed: feed, external: t.external,
                                dataClasses: t.dataClasses, riskLow: lo.micros, riskHigh: hi.micros,
                                bodyBytes: Int32(clamping: t.bodyBytes), variants: UInt64(max(1, t.variants)), id: id)
    }

    // MARK: Scheduling

    private mutating func push(_ time: SimTime, agent: Int32, kind: EventKind, payload: Int32, token: UInt32 = 0) {
        sequence &+= 1
        let e = ShardEvent(time: time, agent: agent, kind: kind, sequence: sequence, payload: payload, token: token)
        if agent < 0 {
            tenantQueue.push(e)
        } else if let current = windowAgent, time < windowStop {
            // Inside a window an agent's events only ever schedule more events of the same agent;
            // the ones still due in this window are run before the agent's turn ends.
            precondition(agent == current, "an event of agent \(current) scheduled one for agent \(agent)")
            if pending.isEmpty {
                pending.append(e)
            } else {
                var i = pending.count
                while i > 0 && ShardEvent.before(pending[i - 1], e) { i -= 1 }
                pending.insert(e, at: i)
            }
        } else {
            queue.push(e)
        }
    }

    private mutating func scheduleArrival(_ local: Int, from t: SimTime, first: Bool = false) {
        agents[local].arrivalToken &+= 1
        var rng = agents[local].stream
        let next = first ? agents[local].arrivals.first(from: t, rng: &rng) : agents[local].arrivals.next(after: t, rng: &rng)
        agents[local].stream = rng
        guard let next, next < SimTime.zero + plan.scenario.duration else { return }
        push(next, agent: agents[local].global, kind: .arrival, payload: Int32(local), token: agents[local].arrivalToken)
    }

    /// Queues analyst decisions for this shard's agents (each at or after the epoch boundary).
    mutating func deliver(_ list: [(at: SimTime, decision: AnalystDecision)]) {
        for (at, d) in list {
            decisions.append(d)
            push(at, agent: d.agent, kind: .analystDecision, payload: Int32(decisions.count - 1))
        }
    }

    // MARK: Running

    /// Processes every event before `end` with the results of (time, agent, kind, sequence)
    /// order.
    ///
    /// Agents of a shard do not affect one another between tenant-wide events (every cross-agent
    /// effect is the analyst's, delivered at window boundaries), so the events between two
    /// tenant-wide events run agent by agent, each agent's in time order: its state stays in
    /// cache for all its scans of the window instead of being fetched again for each.
    mutating func run(until end: SimTime) -> EpochReport {
        while true {
            let barrier = tenantQueue.first.map { min($0.time, end) } ?? end
            runAgents(before: barrier)
            guard let e = tenantQueue.first, e.time < end else { break }
            _ = tenantQueue.pop()
            handle(e)
        }
        // Every agent has reached `end`: resolved approvals can go (their counts stay), so a
        // long run holds only the pending ones.
        if gateway.heldApprovals >= approvalCompactionAt {
            gateway.compactApprovals(before: end)
            approvalCompactionAt = max(4096, gateway.heldApprovals * 2)
        }
        let report = EpochReport(work: work, nextEvent: nextEvent, scans: scans)
        work.removeAll(keepingCapacity: true)
        return report
    }

    /// Sorts `due` (popped in (time, agent, kind, sequence) order) by agent, each agent's events
    /// keeping that order: a stable counting sort by local agent when the window holds events of
    /// many agents, a comparison sort when it holds few.
    private mutating func sortAgentMajor() {
        let n = agents.count
        guard due.count >= 64, due.count >= n / 8 else {
            due.sort { a, b in a.agent != b.agent ? a.agent < b.agent : ShardEvent.before(a, b) }
            return
        }
        if dueStart.count != n + 1 { dueStart = [Int32](repeating: 0, count: n + 1) }
        let shards = Int32(plan.shardCount)
        for e in due { dueStart[Int(e.agent / shards) + 1] &+= 1 }
        for i in 0..<n { dueStart[i + 1] &+= dueStart[i] }
        dueSorted.removeAll(keepingCapacity: true)
        dueSorted.append(contentsOf: due)
        for e in due {
            let slot = Int(e.agent / shards)
            dueSorted[Int(dueStart[slot])] = e
            dueStart[slot] &+= 1
        }
        swap(&due, &dueSorted)
        for i in 0...n { dueStart[i] = 0 }
    }

    /// The earliest queued event, or nil.
    var nextEvent: SimTime? { [queue.first?.time, tenantQueue.first?.time].compactMap { $0 }.min() }

    /// Runs every per-agent event before `stop`, agent by agent.
    private mutating func runAgents(before stop: SimTime) {
        due.removeAll(keepingCapacity: true)
        while let e = queue.first, e.time < stop {
            _ = queue.pop()
            due.append(e)
        }
        guard !due.isEmpty else { return }
        sortAgentMajor()
        windowStop = stop
        defer { windowAgent = nil; windowStop = .never }
        var r = 0
        while r < due.count {
            let agent = due[r].agent
            windowAgent = agent
            while true {
                let fromDue = r < due.count && due[r].agent == agent
                let fromPending = !pending.isEmpty
                guard fromDue || fromPending else { break }
                let e: ShardEvent
                if fromDue && (!fromPending || ShardEvent.before(due[r], pending[pending.count - 1])) {
                    e = due[r]; r += 1
                } else {
                    e = pending.removeLast()
                }
                handle(e)
            }
        }
    }

    private mutating func handle(_ e: ShardEvent) {
        switch e.kind {
        case .arrival:
            let local = Int(e.payload)
            guard e.token == agents[local].arrivalToken, agents[local].waiting == nil else { return }
            let scan = makeScan(local, mix: Int(agents[local].mix), at: e.time)
            send(scan, local: local)
            if agents[local].waiting == nil && agents[local].arrivalToken == e.token { resume(local, at: e.time) }
        case .timelineScan:
            let entry = timelineScans[Int(e.payload)]
            let local = Int(plan.local(of: e.agent))
            var rng = RandomStream(seed: plan.scenario.seed, stream: stableHash("timeline/\(entry.event)/\(entry.n)"))
            let scan = makeScan(local, template: entry.template, rng: &rng, at: e.time)
            send(scan, local: local)
        case .retry:
            let local = Int(e.payload)
            guard e.token == agents[local].waitToken, var scan = agents[local].retryScan else { return }
            agents[local].retryScan = nil
            agents[local].sent &+= 1
            scan.time = e.time
            scan.trace = traceID(local)
            send(scan, local: local)
            if agents[local].waiting == nil { resume(local, at: e.time) }
        case .approvalTimeout:
            let local = Int(e.payload)
            guard e.token == agents[local].waitToken, agents[local].waiting != nil else { return }
            stopWaiting(local)
            resume(local, at: e.time)
        case .phase:
            if e.payload < 0 { sampleTrust(at: e.time) } else { applyPhase(Int(e.payload), index: Int(e.token), at: e.time) }
        case .operatorAction:
            apply(actions[Int(e.payload)], at: e.time)
        case .analystDecision:
            apply(decisions[Int(e.payload)], at: e.time)
        }
        collectNewIncidents(at: e.time)
    }

    /// Sends a scan through the gateway and lets the agent react (the closed loop).
    private mutating func send(_ scan: Scan, local: Int) {
        let v: Verdict
        if latencyEvery != 0 && scans % latencyEvery == 0 {
            let t0 = WallTimer.nanoseconds()
            v = gateway.process(scan)
            latencies.append(UInt32(clamping: WallTimer.nanoseconds() &- t0))
        } else {
            v = gateway.process(scan)
        }
        scans &+= 1
        decisionCounts[Int(v.decision.rawValue)] &+= 1
        groupDecisions[Int(agents[local].group) &* 4 &+ Int(v.decision.rawValue)] &+= 1
        if observing { observe(scan, v, local: local) }
        if !recentNext.isEmpty {
            recent[local * recentCapacity + Int(recentNext[local])] = TraceRef(trace: scan.trace, time: scan.time)
            recentNext[local] = (recentNext[local] + 1) % Int32(recentCapacity)
        }
        if reportsWork, let id = v.approval, id.ordinal >= agents[local].approvalsSeen {
            agents[local].approvalsSeen = id.ordinal + 1
            work.append(AnalystWork(kind: .approval, time: scan.time, agent: agents[local].global, ordinal: id.ordinal,
                                    label: gateway.roster.labels[local]))
        }
        let b = agents[local].behavior
        switch v.decision {
        case .requireApproval:
            agents[local].consecutiveDenies = 0
            if b.retryAfterApproval, let id = v.approval, agents[local].waiting == nil {
                agents[local].waiting = id
                agents[local].waitingSince = scan.time
                agents[local].waitToken &+= 1
                agents[local].retryScan = scan
                agents[local].arrivalToken &+= 1     // no traffic while blocked on the approval
                push(scan.time + b.approvalTimeout, agent: agents[local].global, kind: .approvalTimeout,
                     payload: Int32(local), token: agents[local].waitToken)
            }
        case .deny:
            agents[local].consecutiveDenies += 1
        case .allow, .sanitize:
            agents[local].consecutiveDenies = 0
        }
        drainTrust()
    }

    /// Schedules the agent's next regular arrival after `t`, pausing first after too many denies.
    private mutating func resume(_ local: Int, at t: SimTime) {
        let b = agents[local].behavior
        if b.backoffAfterDenies > 0 && agents[local].consecutiveDenies >= Int32(b.backoffAfterDenies) {
            agents[local].consecutiveDenies = 0
            agents[local].pausedUntil = t + b.backoffPause
            scheduleArrival(local, from: t + b.backoffPause)
        } else {
            scheduleArrival(local, from: t)
        }
    }

    private mutating func stopWaiting(_ local: Int) {
        agents[local].waiting = nil
        agents[local].retryScan = nil
        agents[local].waitToken &+= 1
    }

    private mutating func makeScan(_ local: Int, mix m: Int, at t: SimTime) -> Scan {
        var rng = agents[local].stream
        let r = rng.nextBelow(mixes[m].total)
        var k = 0
        while mixes[m].cumulative[k] <= r { k += 1 }
        let scan = makeScan(local, template: mixes[m].templates[k], rng: &rng, at: t)
        agents[local].stream = rng
        return scan
    }

    private mutating func makeScan(_ local: Int, template c: CompiledTemplate, rng: inout RandomStream, at t: SimTime) -> Scan {
        if agents[local].needsKey, case .ephemeral(let scope) = plan.scenario.groups[Int(agents[local].group)].key {
            agents[local].key = gateway.mintEphemeralKey(for: AgentIndex(local), scope: scope, at: t)
            agents[local].needsKey = false
        }
        let variant = rng.nextBelow(c.variants)
        let risk = c.riskLow == c.riskHigh ? c.riskLow
            : c.riskLow + Int32(rng.nextBelow(UInt64(c.riskHigh - c.riskLow) + 1))
        var host = c.host
        if c.feed != -1 {
            let pool = c.feed >= 0 ? feedIndicators[Int(c.feed)] : anyFeedIndicators
            if !pool.isEmpty { host = pool[Int(rng.nextBelow(UInt64(pool.count)))] }
        }
        agents[local].sent &+= 1
        return Scan(time: t, agent: AgentIndex(local), tool: c.tool, operation: c.operation, verb: c.verb,
                    isExternal: c.external, dataClasses: c.dataClasses, host: host, url: c.url, principal: c.principal,
                    risk: Score(micros: risk), bodySize: c.bodyBytes,
                    signature: splitMix64(agents[local].traceBase ^ c.id) ^ variant,
                    trace: traceID(local), ephemeralKey: agents[local].key)
    }

    /// The id of the agent's latest scan: a 64-bit mix of (seed, agent name, sequence).
    @inline(__always) private func traceID(_ local: Int) -> TraceID {
        splitMix64(agents[local].traceBase &+ UInt64(agents[local].sent))
    }

    private mutating func applyPhase(_ local: Int, index: Int, at t: SimTime) {
        let group = plan.scenario.groups[Int(agents[local].group)]
        let phase = group.phases[index]
        if let label = phase.label { gateway.setLabel(label, for: AgentIndex(local)) }
        if let b = phase.behavior { agents[local].behavior = b }
        let mixID = groupMixes[Int(agents[local].group)][index + 1]
        if mixID >= 0 { agents[local].mix = mixID }
        if let arrivals = phase.arrivals {
            agents[local].arrivals = arrivals
            // An agent blocked on an approval, or approved and about to retry, picks up the new
            // arrivals when it resumes; one in a backoff pause keeps its pause.
            if agents[local].waiting == nil && agents[local].retryScan == nil {
                scheduleArrival(local, from: max(t, agents[local].pausedUntil), first: true)
            }
        }
    }

    // MARK: Operators and the analyst

    private mutating func apply(_ q: QueuedAction, at t: SimTime) {
        let event = q.event
        let owner = plan.agent(of: event.action)
        let local = owner.map { AgentIndex(plan.local(of: $0)) }
        do {
            // A scenario built in code may name an agent it does not have (the loader refuses
            // that in files); refuse the action rather than trap.
            if local == nil, let name = Self.agentName(of: event.action) {
                throw GatewayError(.unknownAgent, "no agent named '\(name)'")
            }
            switch event.action {
            case .scan:
                break   // scheduled as timeline scans
            case .suspend:
                try gateway.suspend(local!, at: t)
            case .reactivate:
                try gateway.reactivate(local!, at: t)
            case .resetTrust:
                try gateway.resetTrust(local!, at: t)
            case .rotateKey:
                try gateway.rotateKey(of: local!, at: t)
            case .decideApproval(_, let approve):
                guard let id = gateway.latestPendingApproval(of: local!, at: t) else {
                    throw GatewayError(.unknownApproval, "no pending approval")
                }
                try decide(id, approve: approve, by: event.actor, at: t)
            case .transition(let sel, let status, let resolution):
                try gateway.transition(try incident(sel, local!), to: status, resolution: resolution, by: event.actor, at: t)
            case .addNote(let sel, let text):
                try gateway.addNote(try incident(sel, local!), author: event.actor, text: text, at: t)
            case .respond(let sel, let action):
                try gateway.respond(try incident(sel, local!), with: action, by: event.actor, at: t)
            case .openManualIncident(_, let severity, let count, let title):
                let traces = recentTraces(Int(local!), count: count)
                try gateway.openManualIncident(agent: local!, traces: traces, severity: severity, by: event.actor, title: title, at: t)
            case .addOverride(let o):
                gateway.addOverride(o)
            case .addIndicator(let feed, let host):
                try gateway.addIndicator(host, feed: feed)
                refreshFeeds()
            case .setRules(let rules, _):
                gateway.updateRules(rules)
                refreshFeeds()
            }
        } catch {
            // Tenant-wide actions run on every shard; only shard 0 reports their refusal.
            if owner != nil || shard == 0 {
                let reason = (error as? GatewayError).map(publicMessage) ?? "\(error)"
                refused.append((owner ?? -1, q.index, RefusedAction(time: t, action: Self.describe(event), reason: reason)))
            }
        }
        drainTrust()
    }

    /// A refusal as users see it: an incident or approval named by its id in the results
    /// (`incidents.json`), not by this shard's index of its agent, so the text does not depend on
    /// the shard count.
    private func publicMessage(_ error: GatewayError) -> String {
        let seed = plan.scenario.seed
        func name(_ local: AgentIndex) -> String { plan.names[Int(agents[Int(local)].global)] }
        switch error.subject {
        case .incident(let id)?:
            return error.message(naming: recordID(seed: seed, agent: name(id.agent), kind: "incident", ordinal: id.ordinal))
        case .approval(let id)?:
            return error.message(naming: recordID(seed: seed, agent: name(id.agent), kind: "approval", ordinal: id.ordinal))
        case nil:
            return error.message
        }
    }

    private func incident(_ sel: IncidentSelector, _ local: AgentIndex) throws(GatewayError) -> IncidentID {
        guard let i = gateway.desk.incidents.last(where: { $0.agent == local && (sel.trigger == nil || $0.trigger.kind == sel.trigger) })
        else {
            throw GatewayError(.unknownIncident, "no incident of \(sel.agent)\(sel.trigger.map { " opened by \($0)" } ?? "")")
        }
        return i.id
    }

    private func recentTraces(_ local: Int, count: Int) -> [TraceRef] {
        guard !recentNext.isEmpty else { return [] }
        let ring = recent[(local * recentCapacity)..<((local + 1) * recentCapacity)]
        return Array(ring.filter { $0.time != .never }.sorted().suffix(max(1, min(count, recentCapacity))))
    }

    /// An approval decision, with the waiting agent's reaction.
    private mutating func decide(_ id: ApprovalID, approve: Bool, by actor: String, at t: SimTime) throws(GatewayError) {
        try gateway.decideApproval(id, approve: approve, by: actor, at: t)
        let local = Int(id.agent)
        guard agents[local].waiting == id else { return }
        agents[local].waiting = nil
        if approve, agents[local].retryScan != nil {
            // The agent learns of it at its next poll and re-sends the identical request.
            let poll = max(1, agents[local].behavior.pollInterval.milliseconds)
            let waited = t.milliseconds - agents[local].waitingSince.milliseconds
            let at = agents[local].waitingSince + SimDuration(milliseconds: (waited + poll - 1) / poll * poll)
            agents[local].waitToken &+= 1
            push(at, agent: agents[local].global, kind: .retry, payload: Int32(local), token: agents[local].waitToken)
        } else {
            stopWaiting(local)
            resume(local, at: t)
        }
    }

    private mutating func apply(_ d: AnalystDecision, at t: SimTime) {
        let local = AgentIndex(plan.local(of: d.agent))
        do {
            switch d.action {
            case .decideApproval(let approve):
                try decide(ApprovalID(agent: local, ordinal: d.ordinal), approve: approve, by: "analyst", at: t)
            case .investigate:
                try gateway.transition(IncidentID(agent: local, ordinal: d.ordinal), to: .investigating, by: "analyst", at: t)
            case .close(let resolution):
                try gateway.transition(IncidentID(agent: local, ordinal: d.ordinal), to: .closed, resolution: resolution, by: "analyst", at: t)
            }
        } catch {
            // The operator got there first (decided, closed) or the approval expired before the
            // analyst finished: the late action is refused, as in the product, and is not a
            // scripted action, so it is not listed among refused timeline actions.
        }
        drainTrust()
    }

    private mutating func collectNewIncidents(at t: SimTime) {
        guard reportsWork else { return }
        let incidents = gateway.desk.incidents
        while incidentsSeen < incidents.count {
            let i = incidents[incidentsSeen]
            incidentsSeen += 1
            work.append(AnalystWork(kind: .incident, time: i.openedAt, agent: agents[Int(i.agent)].global, ordinal: i.id.ordinal,
                                    label: gateway.roster.labels[Int(i.agent)]))
        }
    }

    // MARK: Observations for expectations

    /// Logs the decision of a logged agent and counts it in the agent's probes.
    private mutating func observe(_ scan: Scan, _ v: Verdict, local: Int) {
        if !logSlot.isEmpty, logSlot[local] >= 0 {
            let denied = v.decision == .deny
            logPoints[Int(logSlot[local])].append(DecisionPoint(
                time: scan.time, decision: v.decision, band: v.band, gateDeny: v.isGateDeny, threatIntelHit: v.threatFeed >= 0,
                scopeViolation: v.violation != nil,
                sensitiveRead: scan.verb == .read && !denied
                    && !scan.dataClasses.isDisjoint(with: gateway.rules.triggers.sensitiveClasses),
                externalWrite: scan.isExternal && gateway.rules.triggers.writeVerbs.contains(scan.verb)))
        }
        for k in plan.observation.probes(of: agents[local].global) {
            let p = Int(plan.observation.probeList[k])
            if let w = probeWindows[p], !w.contains(scan.time) { continue }
            probeCounts[p &* 4 &+ Int(v.decision.rawValue)] &+= 1
        }
    }

    // MARK: Trust series

    private mutating func drainTrust() {
        guard gateway.recordsTrustChanges, !gateway.trust.changes.isEmpty else { return }
        for c in gateway.drainTrustChanges() {
            let global = agents[Int(c.agent)].global
            if recordsSeries {
                trustOrder &+= 1
                trust.append((global, trustOrder, TrustSample(time: c.time, agent: plan.names[Int(global)], trust: c.after,
                                                              scrutiny: c.scrutiny, suspended: c.suspended, cause: c.cause)))
            }
            if !trackSlot.isEmpty, trackSlot[Int(c.agent)] >= 0 {
                trackPoints[Int(trackSlot[Int(c.agent)])].append(
                    TrackPoint(time: c.time, trust: c.after, suspended: c.suspended, belowThreshold: c.belowThreshold,
                               pinnedUntil: c.pinnedUntil, cause: c.cause))
            }
        }
    }

    private mutating func sampleTrust(at t: SimTime) {
        if let interval = plan.scenario.trustSampleInterval, t + interval < SimTime.zero + plan.scenario.duration {
            push(t + interval, agent: -1, kind: .phase, payload: -1)
        }
        for local in agents.indices {
            let a = AgentIndex(local)
            gateway.settle(a, until: t)         // idle credit due by now shows in the sample
            trustOrder &+= 1
            trust.append((agents[local].global, trustOrder,
                          TrustSample(time: t, agent: plan.names[Int(agents[local].global)], trust: gateway.trustScore(of: a),
                                      scrutiny: gateway.inScrutiny(a, at: t), suspended: gateway.isSuspended(a), cause: nil)))
        }
    }

    // MARK: The end

    /// Settles idle recovery and expiries at the end of the run and gathers this shard's part.
    mutating func finish(at end: SimTime) -> ShardResult {
        gateway.settle(until: end)
        drainTrust()
        let seed = plan.scenario.seed
        var decisions: [Decision: UInt64] = [:]
        for d in Decision.allCases { decisions[d] = decisionCounts[Int(d.rawValue)] }
        var result = ShardResult(agents: [], incidents: [], trust: trust, alerts: [], anomalies: [], refused: refused,
                                 decisions: decisions, approvals: [:], scans: scans)
        result.probeCounts = probeCounts
        result.groupDecisions = groupDecisions
        result.latencies = latencies
        for local in trackSlot.indices where trackSlot[local] >= 0 {
            result.tracks.append((agents[local].global, trackPoints[Int(trackSlot[local])]))
        }
        for local in logSlot.indices where logSlot[local] >= 0 {
            result.logs.append((agents[local].global, logPoints[Int(logSlot[local])]))
        }
        for local in agents.indices {
            var snapshot = gateway.snapshot(of: AgentIndex(local), at: end)
            snapshot.index = agents[local].global      // the scenario-wide index, not the shard's
            result.agents.append((agents[local].global, snapshot))
        }
        for i in gateway.desk.incidents {
            let global = agents[Int(i.agent)].global
            let name = plan.names[Int(global)]
            let key: String? = i.trigger.key == .none ? nil : gateway.symbols[i.trigger.key]
            let record = IncidentRecord(
                id: recordID(seed: seed, agent: name, kind: "incident", ordinal: i.id.ordinal), title: i.title,
                severity: i.severity, agent: name, agentID: gateway.roster.ids[Int(i.agent)], trigger: i.trigger.kind, key: key,
                openedBy: i.openedBy, openedAt: i.openedAt, status: i.status,
                statusChanges: i.statusChanges.map { IncidentRecord.StatusChange(status: $0.status, time: $0.time, actor: $0.actor) },
                resolution: i.resolution, closedAt: i.closedAt, traces: i.traces, actions: i.actions, notes: i.notes)
            result.incidents.append((global, i.id.ordinal, record))
        }
        for a in gateway.desk.alerts {
            let global = agents[Int(a.incident.agent)].global
            let name = plan.names[Int(global)]
            result.alerts.append((global, a.incident.ordinal,
                                  AlertRecord(time: a.time, agent: name,
                                              incidentID: recordID(seed: seed, agent: name, kind: "incident", ordinal: a.incident.ordinal),
                                              severity: a.severity, title: a.title)))
        }
        for (k, s) in gateway.anomalies.enumerated() {
            let global = agents[Int(s.agent)].global
            result.anomalies.append((global, k, AnomalyRecord(time: s.time, agent: plan.names[Int(global)], kind: s.kind, traces: s.traces)))
        }
        result.approvals = gateway.approvalCounts
        return result
    }

    /// The agent a per-agent action names, or nil for tenant-wide actions.
    static func agentName(of action: TimelineAction) -> String? {
        switch action {
        case .scan(let a, _, _, _), .suspend(let a), .reactivate(let a), .resetTrust(let a), .rotateKey(let a),
             .decideApproval(let a, _), .openManualIncident(let a, _, _, _):
            a
        case .transition(let sel, _, _), .addNote(let sel, _), .respond(let sel, _):
            sel.agent
        case .addOverride, .addIndicator, .setRules:
            nil
        }
    }

    /// A timeline event as the scenario wrote it, for messages.
    static func describe(_ e: TimelineEvent) -> String {
        func sel(_ s: IncidentSelector) -> String { s.agent + (s.trigger.map { " \($0)" } ?? "") }
        let what: String = switch e.action {
        case .scan(let a, let t, let n, _): "scan \(a) \(t.tool).\(t.operation) x\(n)"
        case .suspend(let a): "suspend \(a)"
        case .reactivate(let a): "reactivate \(a)"
        case .resetTrust(let a): "reset_trust \(a)"
        case .rotateKey(let a): "rotate_key \(a)"
        case .decideApproval(let a, let approve): "\(approve ? "approve" : "deny") \(a)"
        case .transition(let s, let to, let r): "transition \(sel(s)) to \(to)" + (r.map { " (\($0))" } ?? "")
        case .addNote(let s, _): "note \(sel(s))"
        case .respond(let s, let action): "respond \(sel(s)) \(action)"
        case .openManualIncident(let a, let sev, _, _): "manual_incident \(a) \(sev)"
        case .addOverride(let o): "override \(o.agent)"
        case .addIndicator(let feed, let host): "indicator \(feed) \(host)"
        case .setRules(_, let change): "set \(change)"
        }
        return "\(e.actor) \(what)"
    }
}

