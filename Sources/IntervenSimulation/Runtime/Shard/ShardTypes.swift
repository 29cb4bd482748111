import IntervenCore
import IntervenScenario

/// What one shard reports after an epoch.
struct EpochReport: Sendable {
    /// New approvals and incidents for the analyst.
    var work: [AnalystWork]
    /// The earliest event still queued, or nil.
    var nextEvent: SimTime?
    /// Scans decided so far by this shard.
    var scans: UInt64
    /// Rows of the trust series this shard holds so far.
    var trustRows: Int = 0
    /// The window's activity records, when the activity log is on.
    var activity: ActivityChunk? = nil
}

/// What one shard contributes to the run's result.
struct ShardResult: Sendable {
    /// The shard's agents' rows: its retired gateway to read them from, or decoded rows.
    var agents: ShardAgents
    var incidents: [(global: Int32, ordinal: UInt32, record: IncidentRecord)]
    var trust: [ShardTrustRow]
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
    /// Counter readings taken: (reading index, the six trust counters).
    var readings: [(reading: Int, values: [Int])] = []
    /// Per group, decisions by raw value (flat, 4 per group).
    var groupDecisions: [UInt64] = []
    /// Decisions per virtual hour, flat (4 per hour).
    var hourlyDecisions: [UInt64] = []
    /// Sampled gateway latencies in nanoseconds (see `ShardState.latencyEvery`).
    var latencies: [UInt32] = []
}

/// Where a compiled template's destination host comes from.
enum HostSource {
    /// The template's fixed host.
    case fixed
    /// An indicator of this feed (index into the rules' feeds), drawn per scan.
    case feed(Int32)
    /// An indicator of any enabled feed, drawn per scan.
    case anyEnabledFeed
}

/// A scan template compiled against the shard's symbols.
struct CompiledTemplate {
    var tool: Symbol, operation: Symbol, verb: Verb, host: Symbol, url: Symbol, principal: Symbol
    /// Where the host comes from: the template's own, or an indicator of a feed.
    var hostSource: HostSource
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

/// A tenant-wide or per-agent timeline action queued on a shard.
struct QueuedAction {
    var event: TimelineEvent
    var index: Int
}

/// A row of the trust series as a shard holds it: the agent by global index (its name is
/// added when the shards' series are merged), 32 bytes instead of a `TrustSample`'s 56.
struct ShardTrustRow {
    var time: SimTime
    /// Order of recording within the shard (ties at one time and agent keep it).
    var order: UInt64
    var global: Int32
    var trust: Score
    var scrutiny: Bool
    var suspended: Bool
    var cause: TrustCause?
}

/// Where a shard's part keeps its agents' Agents-page rows.
enum ShardAgents: Sendable {
    /// The shard's retired gateway (see `Gateway.retire`), the global index of each of its
    /// agents, and the run's end: rows are made when read.
    case gateway(Gateway, globals: [Int32], end: SimTime)
    /// Rows already made (a slice's part read back from its bytes).
    case rows([(global: Int32, snapshot: AgentSnapshot)])

    static let none = ShardAgents.rows([])

    /// How many agents.
    var count: Int {
        switch self {
        case .rows(let rows): rows.count
        case .gateway(_, let globals, _): globals.count
        }
    }

    /// Every row with its global index, made now.
    var rows: [(global: Int32, snapshot: AgentSnapshot)] {
        switch self {
        case .rows(let rows):
            return rows
        case .gateway(let g, let globals, let end):
            return globals.enumerated().map { local, global in
                var row = g.snapshot(of: AgentIndex(local), at: end)
                row.index = global          // the scenario-wide index, not the shard's
                return (global, row)
            }
        }
    }

    /// The run's rows in scenario order: read when asked from the parts' gateways when the parts
    /// are the plan's shards in order (a run), made now from every part otherwise (slices).
    static func rows(of parts: [ShardResult], plan: Plan) -> AgentRows {
        var gateways: [Gateway] = []
        var end = SimTime.zero
        for (k, p) in parts.enumerated() {
            guard case .gateway(let g, let globals, let e) = p.agents, parts.count == plan.shardCount,
                  globals.first.map({ Int($0) == k }) ?? true else { break }
            gateways.append(g); end = e
        }
        if gateways.count == parts.count { return AgentRows(shards: gateways, agents: plan.names.count, end: end) }
        var list = [AgentSnapshot?](repeating: nil, count: plan.names.count)
        for p in parts { for (g, row) in p.agents.rows { list[Int(g)] = row } }
        return AgentRows(list.map { $0! })
    }
}
