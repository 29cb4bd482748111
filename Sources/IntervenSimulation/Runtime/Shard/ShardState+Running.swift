import CPlatform
import IntervenCore
import IntervenScenario

// The event loop: scheduling, windows run agent by agent, dispatch of each event.

extension ShardState {
    // MARK: Scheduling

    mutating func push(_ time: SimTime, agent: Int32, kind: EventKind, payload: Int32, token: UInt32 = 0) {
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

    mutating func scheduleArrival(_ local: Int, from t: SimTime, first: Bool = false) {
        agents[local].arrivalToken &+= 1
        var rng = agents[local].stream
        let arrivals = arrivalTable[Int(agents[local].arrivals)]
        let next = first ? arrivals.first(from: t, rng: &rng) : arrivals.next(after: t, rng: &rng)
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
        var report = EpochReport(work: work, nextEvent: nextEvent, scans: scans, trustRows: trust.count)
        work.removeAll(keepingCapacity: true)
        if logsActivity { report.activity = takeActivity() }
        return report
    }

    /// Sorts `due` (popped in (time, agent, kind, sequence) order) by agent, each agent's events
    /// keeping that order: a stable counting sort by local agent when the window holds events of
    /// many agents, a comparison sort when it holds few.
    ///
    /// The counting sort finds each event's place, then moves the events there in place, cycle
    /// by cycle, instead of copying them into a second array: a window of a million agents holds
    /// a million events, and a copy of them would be 32 MB more at the run's peak.
    mutating func sortAgentMajor() {
        let n = agents.count
        guard due.count >= 64, due.count >= n / 8 else {
            due.sort { a, b in a.agent != b.agent ? a.agent < b.agent : ShardEvent.before(a, b) }
            return
        }
        if dueStart.count != n + 1 { dueStart = [Int32](repeating: 0, count: n + 1) }
        let shards = Int32(plan.shardCount)
        for e in due { dueStart[Int(e.agent / shards) + 1] &+= 1 }
        for i in 0..<n { dueStart[i + 1] &+= dueStart[i] }
        dueDestination.removeAll(keepingCapacity: true)
        for e in due {
            let slot = Int(e.agent / shards)
            dueDestination.append(dueStart[slot])
            dueStart[slot] &+= 1
        }
        due.withUnsafeMutableBufferPointer { events in
            dueDestination.withUnsafeMutableBufferPointer { destination in
                for i in events.indices {
                    while Int(destination[i]) != i {
                        let j = Int(destination[i])
                        events.swapAt(i, j)
                        destination.swapAt(i, j)
                    }
                }
            }
        }
        for i in 0...n { dueStart[i] = 0 }
    }

    /// The earliest queued event, or nil.
    var nextEvent: SimTime? { [queue.first?.time, tenantQueue.first?.time].compactMap { $0 }.min() }

    /// Runs every per-agent event before `stop`, agent by agent.
    mutating func runAgents(before stop: SimTime) {
        due.removeAll(keepingCapacity: true)
        while let e = queue.first, e.time < stop {
            _ = queue.pop()
            due.append(e)
        }
        guard !due.isEmpty else { return }
        queue.discardUnusedStorage()
        sortAgentMajor()
        windowStop = stop
        defer { windowAgent = nil; windowStop = .never }
        var r = 0
        // Events run are given back a mebibyte at a time while the queue fills with the next
        // window's (see `EventQueue.discardUnusedStorage`).
        let discardEvents = discardUnit / MemoryLayout<ShardEvent>.stride
        var discarded = 0
        while r < due.count {
            if r - discarded >= discardEvents {
                let from = discarded
                due.withUnsafeMutableBufferPointer { events in
                    iv_discard_pages(UnsafeMutableRawPointer(events.baseAddress! + from),
                                     UInt((r - from) * MemoryLayout<ShardEvent>.stride))
                }
                discarded = r
            }
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

    mutating func handle(_ e: ShardEvent) {
        if !pendingReadings.isEmpty, e.agent >= 0 { takeReadings(of: plan.local(of: e.agent), before: e.time) }
        switch e.kind {
        case .arrival:
            let local = Int(e.payload)
            guard e.token == agents[local].arrivalToken, !agents[local].loop.isWaiting else { return }
            if case .paused = agents[local].loop { setLoop(local, .active) }
            let scan = makeScan(local, mix: Int(agents[local].mix), at: e.time)
            send(scan, local: local)
            if !agents[local].loop.isWaiting && agents[local].arrivalToken == e.token { resume(local, at: e.time) }
        case .timelineScan:
            let entry = timelineScans[Int(e.payload)]
            let local = Int(plan.local(of: e.agent))
            var rng = RandomStream(seed: plan.scenario.seed, stream: stableHash("timeline/\(entry.event)/\(entry.n)"))
            let scan = makeScan(local, template: entry.template, rng: &rng, at: e.time)
            send(scan, local: local)
        case .retry:
            let local = Int(e.payload)
            guard e.token == agents[local].waitToken, case .approved(let slot) = agents[local].loop else { return }
            var scan = parkedScans[Int(slot)]
            setLoop(local, .active)
            agents[local].sent &+= 1
            scan.time = e.time
            scan.trace = traceID(local)
            send(scan, local: local)
            if !agents[local].loop.isWaiting { resume(local, at: e.time) }
        case .approvalTimeout:
            let local = Int(e.payload)
            guard e.token == agents[local].waitToken, agents[local].loop.isWaiting else { return }
            stopWaiting(local)
            resume(local, at: e.time)
        case .trustSample:
            sampleTrust(at: e.time)
        case .phase:
            applyPhase(Int(e.payload), index: Int(e.token), at: e.time)
        case .operatorAction:
            apply(actions[Int(e.payload)], at: e.time)
        case .analystDecision:
            apply(decisions[Int(e.payload)], at: e.time)
        }
        collectNewIncidents(at: e.time)
    }
}
