/// Per-agent correlation windows: repeated denies, read-then-write, privilege escalation and
/// mass-action bursts, in fixed-size rings over flat arrays.
///
/// Every window is a closed interval: two events exactly one window apart are "within" it.
struct CorrelationWindows: Sendable {
    private(set) var denyCapacity: Int
    private var denyWindow: Int64
    private var readWindow: Int64
    private var escalationWindow: Int64
    private var burstCapacity: Int
    private var burstWindow: Int64
    private var escalationCreates: Set<UInt64> = []
    private var escalationAttaches: Set<UInt64> = []
    /// Per tool symbol: whether it appears in an escalation pair, so other scans skip the set
    /// lookups (a flat array, not a `Set`: hashing cost more than the rest of the check).
    private var escalationTools: [Bool] = []

    // Repeated-deny rings: the last `denyCapacity` deny times and traces of an agent, made at
    // its first deny (most agents of a big tenant never get one). Per agent its ring or -1;
    // per ring its next slot and how many are filled.
    private var denyRing: [Int32] = []
    private var denyTimes: [Int64] = []
    private var denyTraces: [TraceID] = []
    private var denyNext: [Int32] = []
    private var denyFilled: [Int32] = []
    // Latest sensitive read and latest escalation "create" per agent.
    private var readTime: [SimTime] = []
    private var readTrace: [TraceID] = []
    private var createTime: [SimTime] = []
    private var createTrace: [TraceID] = []
    // Mass-action rings per (agent, tool), allocated from a pool on first use.
    /// Per agent, its newest ring; per ring, its tool and the agent's previous ring. A chain
    /// per agent rather than a hash table: an agent has few tools, and its rings are allocated
    /// together and stay in cache while it runs.
    private var burstHead: [Int32] = []
    private var burstTool: [UInt32] = []
    private var burstLink: [Int32] = []
    /// Ring times: with a window under 2^31 ms (about 24 days), 4-byte offsets from the ring's
    /// base time (`burstBase`), moved forward when a gap outgrows them (entries more than a
    /// window old can no longer matter); with a longer window, whole times in `burstWide`.
    private var burstOffsets: [UInt32] = []
    private var burstBase: [Int64] = []
    private var burstWide: [Int64] = []
    private var burstCompact = true
    private var burstNext: [Int32] = []
    private var burstFilled: [Int32] = []
    private(set) var agentCount = 0

    init(rules: Rules, symbols: inout SymbolTable) {
        denyCapacity = max(1, rules.triggers.repeatedDenyCount)
        denyWindow = rules.triggers.repeatedDenyWindow.milliseconds
        readWindow = rules.triggers.readThenWriteWindow.milliseconds
        escalationWindow = rules.correlation.privilegeEscalationWindow.milliseconds
        burstCapacity = max(1, rules.correlation.massActionCount)
        burstWindow = rules.correlation.massActionWindow.milliseconds
        burstCompact = burstWindow < Int64(Int32.max)
        configureEscalation(rules.correlation, symbols: &symbols)
    }

    private mutating func configureEscalation(_ c: CorrelationRules, symbols: inout SymbolTable) {
        func pair(_ r: OperationRef) -> UInt64 {
            UInt64(symbols.intern(r.tool).raw) << 32 | UInt64(symbols.intern(r.operation).raw)
        }
        escalationCreates = Set(c.escalationCreates.map(pair))
        escalationAttaches = Set(c.escalationAttaches.map(pair))
        let tools = escalationCreates.union(escalationAttaches).map { Int($0 >> 32) }
        escalationTools = [Bool](repeating: false, count: (tools.max() ?? -1) + 1)
        for t in tools { escalationTools[t] = true }
    }

    mutating func grow(to agents: Int) {
        let n = agents - agentCount
        guard n > 0 else { return }
        denyRing.append(contentsOf: repeatElement(-1, count: n))
        readTime.append(contentsOf: repeatElement(.never, count: n))
        readTrace.append(contentsOf: repeatElement(0, count: n))
        createTime.append(contentsOf: repeatElement(.never, count: n))
        createTrace.append(contentsOf: repeatElement(0, count: n))
        burstHead.append(contentsOf: repeatElement(-1, count: n))
        agentCount = agents
    }

    /// Frees every agent's windows; the value then holds no agent (see `Gateway.retire`).
    mutating func release() {
        denyRing = []; denyTimes = []; denyTraces = []; denyNext = []; denyFilled = []
        readTime = []; readTrace = []; createTime = []; createTrace = []
        burstHead = []; burstTool = []; burstLink = []; burstOffsets = []; burstBase = []; burstWide = []
        burstNext = []; burstFilled = []
        agentCount = 0
    }

    /// Applies changed rules mid-run, keeping each agent's most recent window entries.
    mutating func reconfigure(rules: Rules, symbols: inout SymbolTable) {
        let newCapacity = max(1, rules.triggers.repeatedDenyCount)
        if newCapacity != denyCapacity {
            let rings = denyFilled.count
            var times = Array(repeating: Int64(0), count: rings * newCapacity)
            var traces = Array(repeating: TraceID(0), count: rings * newCapacity)
            var filled = Array(repeating: Int32(0), count: rings)
            for r in 0..<rings {
                let keep = min(Int(denyFilled[r]), newCapacity)
                for j in 0..<keep {   // oldest kept first
                    let src = (Int(denyNext[r]) - keep + j + denyCapacity) % denyCapacity
                    times[r * newCapacity + j] = denyTimes[r * denyCapacity + src]
                    traces[r * newCapacity + j] = denyTraces[r * denyCapacity + src]
                }
                filled[r] = Int32(keep)
            }
            denyTimes = times; denyTraces = traces; denyFilled = filled
            denyNext = filled.map { $0 % Int32(newCapacity) }
            denyCapacity = newCapacity
        }
        denyWindow = rules.triggers.repeatedDenyWindow.milliseconds
        readWindow = rules.triggers.readThenWriteWindow.milliseconds
        escalationWindow = rules.correlation.privilegeEscalationWindow.milliseconds
        let window = rules.correlation.massActionWindow.milliseconds
        if max(1, rules.correlation.massActionCount) != burstCapacity || (window < Int64(Int32.max)) != burstCompact {
            burstCapacity = max(1, rules.correlation.massActionCount)
            burstHead = Array(repeating: -1, count: agentCount); burstTool = []; burstLink = []
            burstOffsets = []; burstBase = []; burstWide = []; burstNext = []; burstFilled = []
        }
        burstWindow = window
        burstCompact = window < Int64(Int32.max)
        configureEscalation(rules.correlation, symbols: &symbols)
    }

    /// Records a deny; true when the last `denyCapacity` denies lie within the window.
    @inline(__always) mutating func noteDeny(_ agent: Int, at time: SimTime, trace: TraceID) -> Bool {
        var r = Int(denyRing[agent])
        if r < 0 {
            r = denyFilled.count
            denyRing[agent] = Int32(r)
            denyTimes.append(contentsOf: repeatElement(0, count: denyCapacity))
            denyTraces.append(contentsOf: repeatElement(0, count: denyCapacity))
            denyNext.append(0)
            denyFilled.append(0)
        }
        let base = r * denyCapacity
        let next = Int(denyNext[r])
        denyTimes[base + next] = time.milliseconds
        denyTraces[base + next] = trace
        denyNext[r] = Int32((next + 1) % denyCapacity)
        if denyFilled[r] < denyCapacity { denyFilled[r] += 1 }
        guard Int(denyFilled[r]) == denyCapacity else { return false }
        let oldest = denyTimes[base + Int(denyNext[r])]
        return time.milliseconds - oldest <= denyWindow
    }

    /// A removed agent's index back to a fresh agent's state (its mass-action rings kept, emptied,
    /// for the index's next agent).
    mutating func clear(_ agent: Int) {
        resetDenies(agent)
        readTime[agent] = .never
        createTime[agent] = .never
        var ring = burstHead[agent]
        while ring >= 0 {
            burstNext[Int(ring)] = 0
            burstFilled[Int(ring)] = 0
            ring = burstLink[Int(ring)]
        }
    }

    /// Forgets an agent's repeated-deny window (operator trust reset: "all counters zeroed").
    mutating func resetDenies(_ agent: Int) {
        let r = Int(denyRing[agent])
        guard r >= 0 else { return }
        denyFilled[r] = 0
        denyNext[r] = 0
    }

    /// The traces of the agent's last `denyCapacity` denies, oldest first.
    func recentDenies(_ agent: Int) -> [TraceRef] {
        let r = Int(denyRing[agent])
        guard r >= 0 else { return [] }
        let filled = Int(denyFilled[r])
        return (0..<filled).map { j in
            let i = r * denyCapacity + (Int(denyNext[r]) - filled + j + denyCapacity) % denyCapacity
            return TraceRef(trace: denyTraces[i], time: SimTime(milliseconds: denyTimes[i]))
        }
    }

    @inline(__always) mutating func noteSensitiveRead(_ agent: Int, at time: SimTime, trace: TraceID) {
        readTime[agent] = time
        readTrace[agent] = trace
    }

    /// The sensitive read an external write at `time` follows within the window, if any.
    @inline(__always) func readBefore(write agent: Int, at time: SimTime) -> TraceRef? {
        let r = readTime[agent]
        guard r != .never, time.milliseconds - r.milliseconds <= readWindow else { return nil }
        return TraceRef(trace: readTrace[agent], time: r)
    }

    /// Privilege escalation: returns the "create" this "attach" follows within the window.
    @inline(__always) mutating func noteEscalation(_ agent: Int, tool: Symbol, operation: Symbol, at time: SimTime,
                                                   trace: TraceID) -> TraceRef? {
        guard Int(tool.raw) < escalationTools.count, escalationTools[Int(tool.raw)] else { return nil }
        let pair = UInt64(tool.raw) << 32 | UInt64(operation.raw)
        if escalationCreates.contains(pair) {
            createTime[agent] = time
            createTrace[agent] = trace
            return nil
        }
        guard escalationAttaches.contains(pair) else { return nil }
        let c = createTime[agent]
        guard c != .never, time.milliseconds - c.milliseconds <= escalationWindow else { return nil }
        createTime[agent] = .never   // one signal per create/attach pair
        return TraceRef(trace: createTrace[agent], time: c)
    }

    /// Mass-action burst: true when this mutating call makes `burstCapacity` calls to one tool
    /// within the window (the ring then restarts, so one burst gives one signal).
    @inline(__always) mutating func noteMutating(_ agent: Int, tool: Symbol, at time: SimTime) -> Bool {
        var found = burstHead[agent]
        while found >= 0 && burstTool[Int(found)] != tool.raw { found = burstLink[Int(found)] }
        let slot: Int
        if found >= 0 {
            slot = Int(found)
        } else if let idle = idleRing(of: agent, at: time.milliseconds) {
            // A ring whose every entry is over a window old answers exactly as an empty one for
            // every later call, so the new tool takes it over: an agent holds rings for the
            // tools it used within the last window, not for every tool it ever used.
            slot = idle
            burstTool[slot] = tool.raw
            burstNext[slot] = 0
            burstFilled[slot] = 0
            if burstCompact { burstBase[slot] = time.milliseconds }
        } else {
            slot = burstNext.count
            burstTool.append(tool.raw)
            burstLink.append(burstHead[agent])
            burstHead[agent] = Int32(slot)
            if burstCompact {
                burstOffsets.append(contentsOf: repeatElement(0, count: burstCapacity))
                burstBase.append(time.milliseconds)
            } else {
                burstWide.append(contentsOf: repeatElement(0, count: burstCapacity))
            }
            burstNext.append(0)
            burstFilled.append(0)
        }
        let base = slot * burstCapacity
        let next = Int(burstNext[slot])
        let t = time.milliseconds
        if burstCompact {
            if t - burstBase[slot] > Int64(UInt32.max) { rebase(slot, now: t) }
            burstOffsets[base + next] = UInt32(t - burstBase[slot])
        } else {
            burstWide[base + next] = t
        }
        burstNext[slot] = Int32((next + 1) % burstCapacity)
        if burstFilled[slot] < burstCapacity { burstFilled[slot] += 1 }
        guard Int(burstFilled[slot]) == burstCapacity else { return false }
        let oldest = burstCompact ? burstBase[slot] + Int64(burstOffsets[base + Int(burstNext[slot])])
                                  : burstWide[base + Int(burstNext[slot])]
        guard t - oldest <= burstWindow else { return false }
        burstFilled[slot] = 0
        return true
    }

    /// One of the agent's rings that is empty or whose newest entry is over a window before
    /// `now`, if any.
    @inline(__always) private func idleRing(of agent: Int, at now: Int64) -> Int? {
        var r = burstHead[agent]
        while r >= 0 {
            let slot = Int(r)
            let filled = Int(burstFilled[slot])
            if filled == 0 { return slot }
            let newest = (Int(burstNext[slot]) + burstCapacity - 1) % burstCapacity + slot * burstCapacity
            let time = burstCompact ? burstBase[slot] + Int64(burstOffsets[newest]) : burstWide[newest]
            if now - time > burstWindow { return slot }
            r = burstLink[slot]
        }
        return nil
    }

    /// Moves a ring's base time to just over a window before `now`: entries older than that
    /// become the base itself, still more than a window before `now` and every later time, so
    /// no answer changes; the others keep their exact times.
    private mutating func rebase(_ slot: Int, now: Int64) {
        let newBase = now - burstWindow - 1
        let shift = newBase - burstBase[slot]
        for i in slot * burstCapacity..<(slot + 1) * burstCapacity {
            burstOffsets[i] = UInt32(max(0, Int64(burstOffsets[i]) - shift))
        }
        burstBase[slot] = newBase
    }
}
