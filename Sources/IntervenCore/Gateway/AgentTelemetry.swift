/// What the Agents page shows per agent beyond trust: calls, first and last seen, top tools and
/// reason-code counts of non-ALLOW decisions.
struct AgentTelemetry: Sendable {
    static let topToolSlots = 4
    /// One 48-byte record per agent: calls, first seen and the top-tool slots.
    private var activity: [AgentActivity] = []
    /// Built-in reason-code counts, `ReasonCode.allCases.count` per agent.
    private var builtinReasons: [UInt32] = []
    /// Custom reason codes per agent: an index into `customReasons`, or -1.
    private var customSlot: [Int32] = []
    private var customReasons: [[(code: Symbol, count: UInt32)]] = []
    /// Key generation per agent (bumped by "rotate API key").
    private(set) var keyGeneration: [UInt32] = []

    mutating func grow(to agents: Int) {
        let n = agents - activity.count
        guard n > 0 else { return }
        activity.append(contentsOf: repeatElement(AgentActivity(), count: n))
        keyGeneration.append(contentsOf: repeatElement(0, count: n))
        builtinReasons.append(contentsOf: repeatElement(0, count: n * ReasonCode.allCases.count))
        customSlot.append(contentsOf: repeatElement(-1, count: n))
    }

    func totalCalls(_ agent: Int) -> UInt64 { activity[agent].calls }
    func firstSeen(_ agent: Int) -> SimTime { activity[agent].firstSeen }

    /// Counts a call; top tools by Space-Saving (exact while an agent uses at most four tools).
    @inline(__always) mutating func record(_ agent: Int, tool: Symbol, at time: SimTime) {
        activity[agent].record(tool: tool.raw, at: time)
    }

    mutating func recordReasons(_ agent: Int, _ reasons: ReasonSet) {
        let base = agent * ReasonCode.allCases.count
        var bits = reasons.bits
        while bits != 0 {
            builtinReasons[base + bits.trailingZeroBitCount] &+= 1
            bits &= bits &- 1
        }
        guard reasons.custom != .none else { return }
        if customSlot[agent] < 0 {
            customSlot[agent] = Int32(customReasons.count)
            customReasons.append([])
        }
        let slot = Int(customSlot[agent])
        if let i = customReasons[slot].firstIndex(where: { $0.code == reasons.custom }) {
            customReasons[slot][i].count &+= 1
        } else {
            customReasons[slot].append((reasons.custom, 1))
        }
    }

    mutating func rotateKey(_ agent: Int) { keyGeneration[agent] += 1 }

    /// A removed agent's index back to a fresh agent's state.
    mutating func clear(_ agent: Int) {
        activity[agent] = AgentActivity()
        keyGeneration[agent] = 0
        let base = agent * ReasonCode.allCases.count
        for i in base..<(base + ReasonCode.allCases.count) { builtinReasons[i] = 0 }
        if customSlot[agent] >= 0 { customReasons[Int(customSlot[agent])] = [] }
    }

    /// Top tools by count (ties by name), most used first.
    func topTools(_ agent: Int, symbols: SymbolTable) -> [(tool: String, calls: Int)] {
        activity[agent].slots.filter { $0.count > 0 }
            .map { (symbols[Symbol(raw: $0.tool)], Int($0.count)) }
            .sorted { ($1.1, $0.0) < ($0.1, $1.0) }
    }

    /// Reason-code counts of non-ALLOW decisions, sorted by code.
    func reasons(_ agent: Int, symbols: SymbolTable) -> [(code: String, count: Int)] {
        let base = agent * ReasonCode.allCases.count
        var out: [(String, Int)] = []
        for c in ReasonCode.allCases where builtinReasons[base + Int(c.rawValue)] > 0 {
            out.append((c.description, Int(builtinReasons[base + Int(c.rawValue)])))
        }
        if customSlot[agent] >= 0 {
            for (code, n) in customReasons[Int(customSlot[agent])] { out.append((symbols[code], Int(n))) }
        }
        return out.sorted { $0.0 < $1.0 }
    }
}

/// Calls, first-seen time and top-tool slots of one agent (48 bytes).
struct AgentActivity: Sendable {
    var calls: UInt64 = 0
    var firstSeen = SimTime.never
    /// Four (tool << 32 | count) slots.
    private var packed: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    /// The four slots as (tool, count); a slot with count 0 is unused.
    var slots: [(tool: UInt32, count: UInt32)] {
        withUnsafeBytes(of: packed) { raw in
            raw.bindMemory(to: UInt64.self).map { (UInt32($0 >> 32), UInt32(truncatingIfNeeded: $0)) }
        }
    }

    @inline(__always) mutating func record(tool: UInt32, at time: SimTime) {
        calls &+= 1
        if firstSeen == .never { firstSeen = time }
        withUnsafeMutableBytes(of: &packed) { raw in
            let p = raw.bindMemory(to: UInt64.self)
            var minSlot = 0
            for s in 0..<4 {
                let count = UInt32(truncatingIfNeeded: p[s])
                if count > 0 && UInt32(p[s] >> 32) == tool { p[s] &+= 1; return }
                if count < UInt32(truncatingIfNeeded: p[minSlot]) { minSlot = s }
            }
            // Space-Saving: the least-counted slot takes the new tool and keeps its count + 1.
            let count = UInt32(truncatingIfNeeded: p[minSlot]) &+ 1
            p[minSlot] = UInt64(tool) << 32 | UInt64(count)
        }
    }
}
