public import IntervenCore
import Synchronization

/// One tenant-shard's `ShardState` behind a lock: scans of its agents are decided one at a time
/// in arrival order (so per-agent order holds), and each accepted event is appended to the event
/// log while the lock is held, so the log holds every shard's events in the order the shard
/// applied them.
///
/// A lock rather than an actor: deciding a scan takes a few microseconds and never suspends, so
/// the caller runs it on its own thread instead of hopping to an actor's executor and back (two
/// task switches per scan, the larger cost).
public final class GatewayShard: Sendable {
    private let state: Mutex<ShardState>
    let log: EventLog?
    let clock: any GatewayClock
    let metrics: ServerMetrics?

    public init(state: ShardState, log: EventLog?, clock: any GatewayClock, metrics: ServerMetrics?) {
        self.state = Mutex(state)
        self.log = log
        self.clock = clock
        self.metrics = metrics
    }

    /// Applies an event now; returns its effects and its log sequence number (0 without a log).
    public func apply(_ event: GatewayEvent, request: JSON? = nil) throws(ServerError) -> (EventEffects, Int64) {
        let result: Result<(EventEffects, Int64), ServerError> = state.withLock { state in
            let t = clock.now()
            var deleteSlot: String? = nil
            if case .deleteAgent(let key, _) = event, let a = state.agent(key) { deleteSlot = state.info(a).slot }
            let effects: EventEffects
            do throws(ServerError) { effects = try state.apply(event, at: t) } catch { return .failure(error) }
            metrics?.record(effects)
            guard let log else { return .success((effects, 0)) }
            var trace: TraceRow? = nil
            if case .scan(let s) = event, let o = effects.scan {
                trace = TraceRow(trace: s.trace, slot: o.slot, agent: s.agentKey, request: request ?? .null, outcome: o,
                                 classification: s.classification)
            }
            let seq = log.append(LogEntry(tenant: state.tenant, time: t, wallMillis: wallMillis(), event: event, trace: trace,
                                          deleteSlot: deleteSlot))
            return .success((effects, seq))
        }
        return try result.get()
    }

    /// Runs a read (or a settle) on the state at the current gateway time.
    public func read<T: Sendable>(_ body: (inout ShardState, SimTime) throws(ServerError) -> T) throws(ServerError) -> T {
        let result: Result<T, ServerError> = state.withLock { state in
            do throws(ServerError) { return .success(try body(&state, clock.now())) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// The state (a copy), for tests.
    public var snapshot: ShardState { state.withLock { $0 } }
}
