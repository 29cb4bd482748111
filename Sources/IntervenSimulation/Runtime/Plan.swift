import IntervenCore
import IntervenScenario

/// A scenario expanded for running: every agent with its global index, group and shard.
struct Plan: Sendable {
    let scenario: Scenario
    let shardCount: Int
    /// Agent names in scenario order (the global index).
    let names: [String]
    /// Group of each agent.
    let groupOf: [Int32]
    /// The global index of each agent the timeline names (not of every agent: a million-agent
    /// scenario would hold a second, hashed copy of its names for the few the timeline uses).
    let indexOfName: [String: Int32]
    /// What the shards record for the scenario's expectations.
    let observation: ObservationPlan

    init(scenario: Scenario, shards: Int) {
        self.scenario = scenario
        shardCount = shards
        var names: [String] = [], groups: [Int32] = []
        for (g, group) in scenario.groups.enumerated() {
            for n in group.agentNames { names.append(n); groups.append(Int32(g)) }
        }
        self.names = names
        groupOf = groups
        let named = Set(scenario.timeline.compactMap { ShardState.agentName(of: $0.action) })
        var index: [String: Int32] = [:]
        if !named.isEmpty {
            for (i, n) in names.enumerated() where named.contains(n) && index[n] == nil { index[n] = Int32(i) }
        }
        indexOfName = index
        observation = ObservationPlan(expectations: scenario.expectations, names: names)
    }

    /// The shard that owns a global agent (round robin, so every group spreads over all shards).
    @inline(__always) func shard(of agent: Int32) -> Int { Int(agent) % shardCount }

    /// The agent's index within its shard.
    @inline(__always) func local(of agent: Int32) -> Int32 { agent / Int32(shardCount) }

    /// The global index of a shard's local agent (the inverse of `shard(of:)` and `local(of:)`).
    @inline(__always) func global(local: Int, shard: Int) -> Int32 { Int32(local * shardCount + shard) }

    /// The global agents a shard owns, in global order.
    func agents(of shard: Int) -> [Int32] { Array(stride(from: Int32(shard), to: Int32(names.count), by: shardCount)) }

    /// The agent a timeline action concerns, or nil for tenant-wide actions (and unknown names).
    func agent(of action: TimelineAction) -> Int32? {
        ShardState.agentName(of: action).flatMap { indexOfName[$0] }
    }
}

/// A stable id for an incident or approval from the seed, the agent and its ordinal.
func recordID(seed: UInt64, agent: String, kind: String, ordinal: UInt32) -> String {
    uuidString(stableHash("\(kind)/\(agent)/\(ordinal)", seed: seed), stableHash("\(agent)#\(ordinal)/\(kind)", seed: seed))
}
