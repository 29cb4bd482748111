/// What the Agents page shows per agent beyond trust: calls, first and last seen, top tools and
/// reason-code counts of non-ALLOW decisions.
struct AgentTelemetry: Sendable {
    static let topToolSlots = 4
    private(set) var totalCalls: [UInt64] = []
    private(set) var firstSeen: [SimTime] = []
    private(set) var lastSeen: [SimTime] = []
    /// Space-Saving top tools: exact while an agent uses at most `topToolSlots` tools.
    private var toolSlots: [UInt32] = []
    private var toolCounts: [UInt32] = []
    /// Built-in reason-code counts, `ReasonCode.allCases.count` per agent.
    private var builtinReasons: [UInt32] = []
    /// Custom reason codes per agent: an index into `customReasons`, or -1.
    private var customSlot: [Int32] = []
    private var customReasons: [[(code: Symbol, count: UInt32)]] = []
    /// Key generation per agent (bumped by "rotate API key").
    private(set) var keyGeneration: [UInt32] = []

    mutating func grow(to agents: Int) {
        let n = agents - totalCalls.count
        guard n > 0 else { return }
        totalCalls.append(contentsOf: repeatElement(0, count: n))
        firstSeen.append(contentsOf: repeatElement(.never, count: n))
        lastSeen.append(contentsOf: repeatElement(.never, count: n))
        toolSlots.append(contentsOf: repeatElement(0, count: n * Self.topToolSlots))
        toolCounts.append(contentsOf: repeatElement(0, count: n * Self.topToolSlots))
        keyGeneration.append(contentsOf: repeatElement(0, count: n))
        builtinReasons.append(contentsOf: repeatElement(0, count: n * ReasonCode.allCases.count))
        customSlot.append(contentsOf: repeatElement(-1, count: n))
    }

    @inline(__always) mutating func record(_ agent: Int, tool: Symbol, at time: SimTime) {
        totalCalls[agent] &+= 1
        if firstSeen[agent] == .never { firstSeen[agent] = time }
        lastSeen[agent] = time
        let base = agent * Self.topToolSlots
        var minSlot = base
        for s in base..<(base + Self.topToolSlots) {
            if toolSlots[s] == tool.raw && toolCounts[s] > 0 { toolCounts[s] &+= 1; return }
            if toolCounts[s] < toolCounts[minSlot] { minSlot = s }
        }
        toolSlots[minSlot] = tool.raw
        toolCounts[minSlot] &+= 1
    }

    mutating func recordReasons(_ agent: Int, _ reasons: ReasonSet) {
        let base = agent * ReasonCode.allCases.count
        for c in ReasonCode.allCases where reasons.contains(c) { builtinReasons[base + Int(c.rawValue)] &+= 1 }
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

    /// Top tools by count (ties by name), most used first.
    func topTools(_ agent: Int, symbols: SymbolTable) -> [(tool: String, calls: Int)] {
        let base = agent * Self.topToolSlots
        return (base..<(base + Self.topToolSlots)).filter { toolCounts[$0] > 0 }
            .map { (symbols[Symbol(raw: toolSlots[$0])], Int(toolCounts[$0])) }
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
