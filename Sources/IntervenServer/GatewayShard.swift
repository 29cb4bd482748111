public import IntervenCore

/// An actor owning one tenant-shard's `ShardState`: scans of its agents are decided one at a
/// time in arrival order (so per-agent order holds), and each accepted event is appended to
/// the event log from inside the actor, so the log holds every shard's events in the order
/// the shard applied them.
public actor GatewayShard {
    public private(set) var state: ShardState
    let log: EventLog?
    let clock: any GatewayClock
    let metrics: ServerMetrics?

    public init(state: ShardState, log: EventLog?, clock: any GatewayClock, metrics: ServerMetrics?) {
        self.state = state
        self.log = log
        self.clock = clock
        self.metrics = metrics
    }

    /// Applies an event now; returns its effects and its log sequence number (0 without a log).
    public func apply(_ event: GatewayEvent, request: JSON? = nil, classification: Classification? = nil)
        throws(ServerError) -> (EventEffects, Int64) {
        let t = clock.now()
        var deleteSlot: String? = nil
        if case .deleteAgent(let key, _) = event, let a = state.agent(key) { deleteSlot = state.info(a).slot }
        let effects = try state.apply(event, at: t)
        metrics?.record(effects)
        guard let log else { return (effects, 0) }
        var trace: TraceRow? = nil
        if case .scan(let s) = event, let o = effects.scan {
            trace = TraceRow(trace: s.trace, slot: o.slot, agent: s.agentKey, request: request ?? .null, outcome: o,
                             classification: s.classification)
        }
        let seq = log.append(LogEntry(tenant: state.tenant, time: t, wallMillis: wallMillis(), event: event, trace: trace,
                                      deleteSlot: deleteSlot))
        return (effects, seq)
    }

    /// Runs a read (or a settle) on the state at the current gateway time.
    public func read<T: Sendable>(_ body: @Sendable (inout ShardState, SimTime) throws(ServerError) -> T) throws(ServerError) -> T {
        try body(&state, clock.now())
    }
}
