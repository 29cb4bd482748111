public import IntervenScenario
public import IntervenSimulation

/// One scenario run through the single-threaded reference loop and through the actor engine at
/// several shard counts, for tests that hold the engine to the reference.
public struct EngineComparison: Sendable {
    /// The reference loop's result.
    public let reference: RunResult
    /// The engine's result at each shard count asked for, in that order.
    public let engine: [(shards: Int, result: RunResult)]

    /// Runs `scenario` through the reference and through the engine at each of `shards`.
    public static func run(_ scenario: Scenario, shards: [Int] = [1, 2, 3]) async -> EngineComparison {
        let reference = ReferenceRun(scenario: scenario).run()
        var engine: [(shards: Int, result: RunResult)] = []
        for k in shards { engine.append((k, await Simulation(scenario: scenario, shards: k).run())) }
        return EngineComparison(reference: reference, engine: engine)
    }

    /// The shard counts whose fingerprint differs from the reference's (empty when all agree).
    public var disagreeing: [Int] {
        engine.filter { $0.result.fingerprint != reference.fingerprint }.map(\.shards)
    }
}
