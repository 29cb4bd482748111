// Public constructors of the records a run reports, for code outside the core that reads them
// back (the parts of a sliced run, `run --slice`, joined by `merge`). They call the memberwise
// initialisers, which are internal to the core.

extension TrustState {
    /// A trust state with every field given.
    public static func make(score: Score, inScrutiny: Bool, scrutinyPinnedUntil: SimTime?, suspended: Bool, cleanStreak: Int,
                            counters: Counts<CounterKind>) -> TrustState {
        TrustState(score: score, inScrutiny: inScrutiny, scrutinyPinnedUntil: scrutinyPinnedUntil, suspended: suspended,
                   cleanStreak: cleanStreak, counters: counters)
    }
}

extension AgentSnapshot {
    /// An Agents-page row with every field given.
    public static func make(index: AgentIndex, id: String, name: String, runtime: Runtime, label: GroundTruth, keyPrefix: String,
                            firstSeen: SimTime?, lastSeen: SimTime?, totalCalls: UInt64, recentDecisions: Counts<Decision>,
                            topTools: [ToolCount], reasonCounts: [ReasonCount], trust: TrustState) -> AgentSnapshot {
        AgentSnapshot(index: index, id: id, name: name, runtime: runtime, label: label, keyPrefix: keyPrefix, firstSeen: firstSeen,
                      lastSeen: lastSeen, totalCalls: totalCalls, recentDecisions: recentDecisions, topTools: topTools,
                      reasonCounts: reasonCounts, trust: trust)
    }
}

extension AgentSnapshot.ToolCount {
    public static func make(tool: String, calls: Int) -> Self { Self(tool: tool, calls: calls) }
}

extension AgentSnapshot.ReasonCount {
    public static func make(code: String, count: Int) -> Self { Self(code: code, count: count) }
}

extension ResponseAction {
    /// A response action with every field given.
    public static func make(kind: Kind, time: SimTime, actor: String, detail: String) -> ResponseAction {
        ResponseAction(kind: kind, time: time, actor: actor, detail: detail)
    }
}

extension Note {
    /// A note with every field given.
    public static func make(author: String, time: SimTime, text: String) -> Note { Note(author: author, time: time, text: text) }
}
