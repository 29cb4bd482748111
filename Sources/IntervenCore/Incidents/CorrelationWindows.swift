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

    // Repeated-deny ring: the last `denyCapacity` deny times and traces of each agent.
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
    private var burstTimes: [Int64] = []
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
        denyTimes.append(contentsOf: repeatElement(0, count: n * denyCapacity))
        denyTraces.append(contentsOf: repeatElement(0, count: n * denyCapacity))
        denyNext.append(contentsOf: repeatElement(0, count: n))
        denyFilled.append(contentsOf: repeatElement(0, count: n))
        readTime.append(contentsOf: repeatElement(.never, count: n))
        readTrace.append(contentsOf: repeatElement(0, count: n))
        createTime.append(contentsOf: repeatElement(.never, count: n))
        createTrace.append(contentsOf: repeatElement(0, count: n))
        burstHead.append(contentsOf: repeatElement(-1, count: n))
        agentCount = agents
    }

    /// Applies changed rules mid-run, keeping each agent's most recent window entries.
    mutating func reconfigure(rules: Rules, symbols: inout SymbolTable) {
        let newCapacity = max(1, rules.triggers.repeatedDenyCount)
        if newCapacity != denyCapacity {
            var times = Array(repeating: Int64(0), count: agentCount * newCapacity)
            var traces = Array(repeating: TraceID(0), count: agentCount * newCapacity)
            var filled = Array(repeating: Int32(0), count: agentCount)
            for a in 0..<agentCount {
                let keep = min(Int(denyFilled[a]), newCapacity)
                for j in 0..<keep {   // oldest kept first
                    let src = (Int(denyNext[a]) - keep + j + denyCapacity) % denyCapacity
                    times[a * newCapacity + j] = denyTimes[a * denyCapacity + src]
                    traces[a * newCapacity + j] = denyTraces[a * denyCapacity + src]
                }
                filled[a] = Int32(keep)
            }
            denyTimes = times; denyTraces = traces; denyFilled = filled
            denyNext = filled.map { $0 % Int32(newCapacity) }
            denyCapacity = newCapacity
        }
        denyWindow = rules.triggers.repeatedDenyWindow.milliseconds
        readWindow = rules.triggers.readThenWriteWindow.milliseconds
        escalationWindow = rules.correlation.privilegeEscalationWindow.milliseconds
        burstWindow = rules.correlation.massActionWindow.milliseconds
        if max(1, rules.correlation.massActionCount) != burstCapacity {
            burstCapacity = max(1, rules.correlation.massActionCount)
            burstHead = Array(repeating: -1, count: agentCount); burstTool = []; burstLink = []
            burstTimes = []; burstNext = []; burstFilled = []
        }
        configureEscalation(rules.correlation, symbols: &symbols)
    }

    /// Records a deny; true when the last `denyCapacity` denies lie within the window.
    @inline(__always) mutating func noteDeny(_ agent: Int, at time: SimTime, trace: TraceID) -> Bool {
        let base = agent * denyCapacity
        let next = Int(denyNext[agent])
        denyTimes[base + next] = time.milliseconds
        denyTraces[base + next] = trace
        denyNext[agent] = Int32((next + 1) % denyCapacity)
        if denyFilled[agent] < denyCapacity { denyFilled[agent] += 1 }
        guard Int(denyFilled[agent]) == denyCapacity else { return false }
        let oldest = denyTimes[base + Int(denyNext[agent])]
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
        denyFilled[agent] = 0
        denyNext[agent] = 0
    }

    /// The traces of the agent's last `denyCapacity` denies, oldest first.
    func recentDenies(_ agent: Int) -> [TraceRef] {
        let filled = Int(denyFilled[agent])
        return (0..<filled).map { j in
            let i = agent * denyCapacity + (Int(denyNext[agent]) - filled + j + denyCapacity) % denyCapacity
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
        } else {
            slot = burstNext.count
            burstTool.append(tool.raw)
            burstLink.append(burstHead[agent])
            burstHead[agent] = Int32(slot)
            burstTimes.append(contentsOf: repeatElement(0, count: burstCapacity))
            burstNext.append(0)
            burstFilled.append(0)
        }
        let base = slot * burstCapacity
        let next = Int(burstNext[slot])
        burstTimes[base + next] = time.milliseconds
        burstNext[slot] = Int32((next + 1) % burstCapacity)
        if burstFilled[slot] < burstCapacity { burstFilled[slot] += 1 }
        guard Int(burstFilled[slot]) == burstCapacity else { return false }
        let oldest = burstTimes[base + Int(burstNext[slot])]
        guard time.milliseconds - oldest <= burstWindow else { return false }
        burstFilled[slot] = 0
        return true
    }
}
