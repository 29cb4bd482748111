import IntervenCore

/// Progress of a running simulation, reported about once per virtual-time percent.
public struct RunProgress: Sendable {
    /// How far virtual time has got.
    public var virtualTime: SimTime
    /// The run's virtual length.
    public var duration: SimDuration
    /// Scans decided so far.
    public var scans: UInt64
}

/// Runs a scenario on `shards` workers and returns its result.
///
/// The result is the same for every shard count and every run with the same scenario and
/// seed, except `wallSeconds` and `shards`.
public struct Simulation: Sendable {
    public let scenario: Scenario
    public let shards: Int

    /// A simulation of `scenario` on `shards` workers (at least 1).
    public init(scenario: Scenario, shards: Int) {
        self.scenario = scenario
        self.shards = max(1, shards)
    }
}
