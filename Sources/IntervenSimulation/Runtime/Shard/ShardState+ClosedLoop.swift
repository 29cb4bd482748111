import IntervenCore
import IntervenScenario

// How an agent reacts to its decisions: waiting on approvals, retrying, backing off.

extension ShardState {
    /// Sends a scan through the gateway and lets the agent react (the closed loop).
    mutating func send(_ scan: Scan, local: Int) {
        let v: Verdict
        let before = logsActivity ? gateway.trustScore(of: AgentIndex(local)) : .zero
        if latencyEvery != 0 && scans % latencyEvery == 0 {
            let t0 = Stopwatch.nanoseconds()
            v = gateway.process(scan)
            latencies.append(UInt32(clamping: Stopwatch.nanoseconds() &- t0))
        } else {
            v = gateway.process(scan)
        }
        scans &+= 1
        decisionCounts[Int(v.decision.rawValue)] &+= 1
        groupDecisions[Int(agents[local].group) &* 4 &+ Int(v.decision.rawValue)] &+= 1
        let hour = min(Int(scan.time.milliseconds / 3_600_000), hourlyDecisions.count / 4 - 1)
        hourlyDecisions[hour &* 4 &+ Int(v.decision.rawValue)] &+= 1
        if observing { observe(scan, v, local: local) }
        if logsActivity { logActivity(scan, v, before: before, local: local) }
        if !recentNext.isEmpty {
            recent[local * recentCapacity + Int(recentNext[local])] = TraceRef(trace: scan.trace, time: scan.time)
            recentNext[local] = (recentNext[local] + 1) % Int32(recentCapacity)
        }
        if reportsWork, let id = v.approval, id.ordinal >= agents[local].approvalsSeen {
            agents[local].approvalsSeen = id.ordinal + 1
            work.append(AnalystWork(kind: .approval, time: scan.time, agent: agents[local].global, ordinal: id.ordinal,
                                    label: gateway.roster.labels[local]))
        }
        let b = behaviorTable[Int(agents[local].behavior)]
        switch v.decision {
        case .requireApproval:
            agents[local].consecutiveDenies = 0
            if b.retryAfterApproval, let id = v.approval, !agents[local].loop.isWaiting {
                setLoop(local, .waiting(approval: id, since: scan.time, retry: park(scan)))
                agents[local].waitToken &+= 1
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
    mutating func resume(_ local: Int, at t: SimTime) {
        let b = behaviorTable[Int(agents[local].behavior)]
        if b.backoffAfterDenies > 0 && agents[local].consecutiveDenies >= Int32(b.backoffAfterDenies) {
            agents[local].consecutiveDenies = 0
            setLoop(local, .paused(until: t + b.backoffPause))
            scheduleArrival(local, from: t + b.backoffPause)
        } else {
            scheduleArrival(local, from: t)
        }
    }

    mutating func stopWaiting(_ local: Int) {
        setLoop(local, .active)
        agents[local].waitToken &+= 1
    }

    /// Moves an agent to a new closed-loop state, freeing the parked scan the old one held.
    mutating func setLoop(_ local: Int, _ state: LoopState) {
        if let slot = agents[local].loop.parkedSlot, slot != state.parkedSlot { freeParked.append(slot) }
        agents[local].loop = state
    }

    /// Parks a scan for a later identical retry; returns its slot.
    mutating func park(_ scan: Scan) -> Int32 {
        if let slot = freeParked.popLast() {
            parkedScans[Int(slot)] = scan
            return slot
        }
        parkedScans.append(scan)
        return Int32(parkedScans.count - 1)
    }
}
