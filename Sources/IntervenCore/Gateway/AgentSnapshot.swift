/// An agent's trust state at one instant (the product's `agent_trust_state` row).
public struct TrustState: Sendable, Equatable {
    /// Trust score in [0, 1].
    public var score: Score
    /// Whether the agent is in scrutiny (trust below the threshold, or pinned).
    public var inScrutiny: Bool
    /// Until when scrutiny is pinned (exclusive), or nil.
    public var scrutinyPinnedUntil: SimTime?
    /// Whether the agent is suspended (every request denied).
    public var suspended: Bool
    /// Consecutive non-DENY scans since the last reward or DENY.
    public var cleanStreak: Int
    /// Rolling trust counters by kind (deny, approval, high-risk, threat-intel, anomaly, critical).
    public var counters: Counts<CounterKind>
}

/// One row of the Agents page: identity, activity, decisions of the last window and trust.
public struct AgentSnapshot: Sendable, Equatable {
    /// Dense index in the roster.
    public var index: AgentIndex
    /// UUID derived from the seed and the name.
    public var id: String
    /// The agent's name, unique in the roster.
    public var name: String
    /// The agent framework it runs on.
    public var runtime: Runtime
    /// Ground truth (for scoring only).
    public var label: GroundTruth
    /// API key prefix (never a full key); changes when the key is rotated.
    public var keyPrefix: String
    /// First scan, or nil when never seen.
    public var firstSeen: SimTime?
    /// Last scan, or nil when never seen.
    public var lastSeen: SimTime?
    /// Lifetime calls.
    public var totalCalls: UInt64
    /// Decisions within the `counters.decisions` window (24 h by default), by decision.
    public var recentDecisions: Counts<Decision>
    /// Most used tools, most first.
    public var topTools: [ToolCount]
    /// Reason-code counts of non-ALLOW decisions, by code.
    public var reasonCounts: [ReasonCount]
    /// Trust state as of the snapshot time.
    public var trust: TrustState

    /// A tool and how many calls it received.
    public struct ToolCount: Sendable, Equatable { public var tool: String; public var calls: Int }
    /// A reason code and how many non-ALLOW decisions carried it.
    public struct ReasonCount: Sendable, Equatable { public var code: String; public var count: Int }
}

extension Gateway {
    /// The Agents-page row of an agent as of `time` (call `settle(until:)` first for idle credit).
    public func snapshot(of agent: AgentIndex, at time: SimTime) -> AgentSnapshot {
        let a = Int(agent)
        var decisions = Counts<Decision>()
        for d in Decision.allCases { decisions[d] = trust.counter(CounterKind.decisions(d), agent: agent, at: time) }
        var counters = Counts<CounterKind>()
        for k in CounterKind.trustCounters { counters[k] = trust.counter(k, agent: agent, at: time) }
        let pinned = trust.pinnedUntil(a)
        let state = TrustState(score: trust.score(a), inScrutiny: trust.inScrutiny(a, at: time),
                               scrutinyPinnedUntil: time < pinned ? pinned : nil, suspended: trust.isSuspended(a),
                               cleanStreak: Int(trust.agents[a].cleanStreak), counters: counters)
        let first = firstSeen(of: agent), last = lastSeen(of: agent)
        return AgentSnapshot(index: agent, id: roster.id(of: agent), name: roster.names[a], runtime: roster.runtimes[a],
                             label: roster.labels[a], keyPrefix: keyPrefix(of: agent),
                             firstSeen: first == .never ? nil : first, lastSeen: last == .never ? nil : last,
                             totalCalls: totalCalls(of: agent), recentDecisions: decisions,
                             topTools: topTools(of: agent).map { AgentSnapshot.ToolCount(tool: $0.tool, calls: $0.calls) },
                             reasonCounts: reasonCounts(of: agent).map { AgentSnapshot.ReasonCount(code: $0.code, count: $0.count) },
                             trust: state)
    }
}

/// Counts by a small enumeration (decisions, counter kinds), held inline: a million agent rows
/// would otherwise carry two million dictionaries. Reads like a dictionary whose missing keys
/// count zero.
public struct Counts<Key: CaseIterable & RawRepresentable & Sendable>: Sendable, Equatable,
    ExpressibleByDictionaryLiteral where Key.RawValue: BinaryInteger {
    /// Up to ten counts, by raw value.
    private var storage: (Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0)

    /// All zero.
    public init() { precondition(Key.allCases.count <= 10, "Counts holds at most ten keys") }

    /// The counts of a literal; keys not named count zero.
    public init(dictionaryLiteral elements: (Key, Int)...) {
        self.init()
        for (k, v) in elements { self[k] = v }
    }

    /// The count of a key (saturating at Int32.max when set).
    public subscript(key: Key) -> Int {
        get { withUnsafeBytes(of: storage) { Int($0.load(fromByteOffset: Int(key.rawValue) * 4, as: Int32.self)) } }
        set {
            let v = Int32(clamping: newValue)
            withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: v, toByteOffset: Int(key.rawValue) * 4, as: Int32.self) }
        }
    }

    /// Every key's count, in declaration order.
    public var values: [Int] { Key.allCases.map { self[$0] } }

    public static func == (a: Counts, b: Counts) -> Bool { Key.allCases.allSatisfy { a[$0] == b[$0] } }
}
