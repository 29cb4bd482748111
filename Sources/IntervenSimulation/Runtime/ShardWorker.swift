import IntervenCore
import IntervenScenario

/// One shard of the simulation: an actor owning the gateway state and traffic of its agents.
///
/// The coordinator sends it whole epochs, never single scans: one `await` carries a tick's
/// worth of work, so actor hops cost nothing next to the scans themselves.
actor ShardWorker {
    private var state: ShardState

    init(plan: Plan, shard: Int, latencySampling: Int = 0, activity: (options: ActivityOptions, pool: ActivityChunkPool)? = nil) {
        state = ShardState(plan: plan, shard: shard)
        state.latencyEvery = UInt64(max(0, latencySampling))
        if let activity { state.enableActivity(activity.options, pool: activity.pool) }
    }

    /// Delivers analyst decisions, then runs every event before `end`.
    func runEpoch(until end: SimTime, deliveries: [(at: SimTime, decision: AnalystDecision)]) -> EpochReport {
        // Work on a local copy moved out of the actor's storage, so the hot loop pays no
        // dynamic exclusivity checks on actor properties.
        var local = ShardState.placeholder
        swap(&local, &state)
        defer { swap(&local, &state) }
        local.deliver(deliveries)
        return local.run(until: end)
    }

    /// The earliest queued event.
    func nextEvent() -> SimTime? { state.nextEvent }

    /// Ends the run and returns this shard's part of the result; the worker keeps nothing (its
    /// traffic, queues and tables are freed here, not when the run's result is dropped).
    func finish(at end: SimTime) -> ShardResult {
        var local = ShardState.placeholder
        swap(&local, &state)
        return local.finish(at: end)
    }
}

extension ShardState {
    /// An empty state used only while the real one is swapped out.
    static let placeholder = ShardState(plan: Plan(scenario: Scenario(name: "", duration: .zero, rules: Rules()), shards: 1), shard: 0)
}

extension Gateway {
    /// An empty gateway used only while a real one is swapped out.
    static let placeholder = Gateway(rules: Rules(), roster: AgentRoster(seed: 0))
}
