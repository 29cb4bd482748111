public import IntervenCore

/// Every agent's Agents-page row at the end of a run, in scenario order.
///
/// A simulation's rows are made when read, from the shards' retired gateways (trust, telemetry
/// and roster, nothing else), rather than held as a million `AgentSnapshot`s with their strings:
/// a writer that walks them streams one row at a time, and a run nobody writes (a benchmark)
/// pays nothing for them. Rows built from a list (tests, merged results) read like an array.
public struct AgentRows: RandomAccessCollection, Sendable, Equatable, ExpressibleByArrayLiteral {
    private enum Storage: Sendable {
        case list([AgentSnapshot])
        case shards(FinishedShards)
    }
    private let storage: Storage

    /// Rows from a list, in order.
    public init(_ rows: [AgentSnapshot]) { storage = .list(rows) }

    public init(arrayLiteral rows: AgentSnapshot...) { storage = .list(rows) }

    /// Rows of the shards' gateways: agent `g` is local agent `g / shards.count` of shard
    /// `g % shards.count` (the plan's round robin), read as of `end`.
    init(shards: [Gateway], agents: Int, end: SimTime) {
        storage = .shards(FinishedShards(gateways: shards, count: agents, end: end))
    }

    /// Equal when every row is (however each side holds them).
    public static func == (a: AgentRows, b: AgentRows) -> Bool { a.elementsEqual(b) }

    public var startIndex: Int { 0 }
    public var endIndex: Int {
        switch storage {
        case .list(let rows): rows.count
        case .shards(let s): s.count
        }
    }

    /// The name of the agent at `position`, without making its whole row.
    public func name(at position: Int) -> String {
        switch storage {
        case .list(let rows): rows[position].name
        case .shards(let s): s.gateways[position % s.gateways.count].roster.names[position / s.gateways.count]
        }
    }

    /// Whether the agent at `position` ended the run suspended, without making its whole row.
    public func isSuspended(at position: Int) -> Bool {
        switch storage {
        case .list(let rows): rows[position].trust.suspended
        case .shards(let s): s.gateways[position % s.gateways.count].isSuspended(AgentIndex(position / s.gateways.count))
        }
    }

    public subscript(position: Int) -> AgentSnapshot {
        switch storage {
        case .list(let rows):
            return rows[position]
        case .shards(let s):
            let n = s.gateways.count
            var row = s.gateways[position % n].snapshot(of: AgentIndex(position / n), at: s.end)
            row.index = AgentIndex(position)      // the scenario-wide index, not the shard's
            return row
        }
    }
}

/// The shards' gateways once a run is over, shared read-only by every copy of the result.
private final class FinishedShards: Sendable {
    let gateways: [Gateway]
    let count: Int
    let end: SimTime
    init(gateways: [Gateway], count: Int, end: SimTime) {
        self.gateways = gateways; self.count = count; self.end = end
    }
}
