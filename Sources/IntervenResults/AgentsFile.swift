import IntervenCore
import IntervenScenario
import IntervenSimulation

/// `agents.json`: one Agents-page row per agent at the end of the run, in scenario order.
enum AgentsFile {
    static let name = "agents.json"

    static func render(_ agents: some Sequence<AgentSnapshot>) -> [UInt8] {
        var out: [UInt8] = []
        write(agents, chunkSize: .max) { (chunk: [UInt8]) in out += chunk }
        return out
    }

    /// The same bytes as `render`, passed to `emit` in pieces of about `chunkSize` bytes.
    static func write<E: Error>(_ agents: some Sequence<AgentSnapshot>, chunkSize: Int = outputChunk,
                                _ emit: ([UInt8]) throws(E) -> Void) throws(E) {
        var w = JSONWriter()
        w.beginArray()
        for a in agents {
            w.beginObject()
            w.field("name", a.name)
            w.field("id", a.id)
            w.field("runtime", a.runtime.description)
            w.field("label", a.label.description)
            w.field("key_prefix", a.keyPrefix)
            w.time("first_seen", a.firstSeen)
            w.time("last_seen", a.lastSeen)
            w.field("total_calls", a.totalCalls)
            w.object("decisions_24h") { w in
                for d in Decision.allCases { w.field(d.description, a.recentDecisions[d]) }
            }
            w.array("top_tools", of: a.topTools) { w, t in
                w.field("tool", t.tool)
                w.field("calls", t.calls)
            }
            w.object("reason_codes") { w in
                // By code, byte-wise, so the order never depends on how the counts were gathered.
                for r in a.reasonCounts.sorted(by: { $0.code.utf8.lexicographicallyPrecedes($1.code.utf8) }) {
                    w.field(r.code, r.count)
                }
            }
            w.field("trust", a.trust.score)
            w.field("scrutiny", a.trust.inScrutiny)
            w.time("scrutiny_pinned_until", a.trust.scrutinyPinnedUntil)
            w.field("suspended", a.trust.suspended)
            w.field("clean_streak", a.trust.cleanStreak)
            w.object("counters") { w in
                for k in CounterKind.trustCounters { w.field(k.description, a.trust.counters[k]) }
            }
            w.endObject()
            if w.bytes.count >= chunkSize { try emit(w.take()) }
        }
        w.endArray()
        try emit(w.take() + [0x0A])
    }
}
