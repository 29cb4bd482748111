import IntervenCore
public import IntervenScenario

/// The benchmark's reference: the same run as `Simulation`, on the calling thread, with one
/// shard and no actors, tasks or awaits.
///
/// It runs the same windows through the same shard code and coordinator, so its result (and
/// fingerprint) is the engine's at any shard count; what it leaves out is exactly what the
/// engine adds: actors, task groups, and the split of agents over shards.
public struct ReferenceRun: Sendable {
    public let scenario: Scenario
    /// Time one in this many scans' trip through the gateway (0: none).
    public var latencySampling: Int = 0

    /// The reference run of a scenario.
    public init(scenario: Scenario) { self.scenario = scenario }

    /// Runs the scenario to the end and returns its result (`shards` is 1).
    public func run() -> RunResult {
        var clock = LapTimer()
        let plan = Plan(scenario: scenario, shards: 1)
        var state = ShardState(plan: plan, shard: 0)
        state.latencyEvery = UInt64(max(0, latencySampling))
        var coordinator = Coordinator(plan: plan, firstEvents: [state.nextEvent])
        var timings = RunTimings()
        timings.setup = clock.lap()
        while let epochEnd = coordinator.windowEnd() {
            state.deliver(coordinator.takeDeliveries()[0])
            let report = state.run(until: epochEnd)
            coordinator.absorb([report], windowEnd: epochEnd)
        }
        timings.simulate = clock.lap()
        let part = state.finish(at: coordinator.end)
        state = .placeholder        // freed now, as the engine's workers free theirs
        timings.finish = clock.lap()
        var result = Simulation.merge([part], plan: plan)
        timings.merge = clock.lap()
        result.timings = timings
        result.wallSeconds = timings.total
        result.shards = 1
        return result
    }
}
