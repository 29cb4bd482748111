@testable import IntervenCore
import IntervenTesting
import Testing

/// The correlation windows keep their rings compactly (deny rings made at an agent's first deny,
/// mass-action times as 4-byte offsets from a base that moves forward): these cases pin down
/// that no answer changes at the edges of that representation.
@Suite("correlation rings: compact storage gives the same answers")
struct CorrelationRingTests {
    /// 2^32 ms, the span a 4-byte offset holds (about 49.7 days).
    static let wrap = SimDuration(milliseconds: Int64(UInt32.max) + 1)

    @Test("nine calls, a gap of 2^32 ms plus 30 s, one call: no burst (old entries must not wrap into the window)")
    func gapPastTheOffsetRange() throws {
        var r = Rig(try defaults())
        let t0 = at(h: 1)
        for i in 0..<9 { r.scan(t0 + .seconds(Int64(i)), tool: "jira", op: "close_ticket", verb: .write) }
        r.scan(t0 + Self.wrap + .seconds(30), tool: "jira", op: "close_ticket", verb: .write)
        #expect(r.g.anomalies.isEmpty)
        // Nine more within the minute after the gap make ten within one minute: a burst.
        for i in 1...9 { r.scan(t0 + Self.wrap + .seconds(30 + Int64(i)), tool: "jira", op: "close_ticket", verb: .write) }
        #expect(r.g.anomalies.map(\.kind) == [.massActionBurst])
    }

    @Test("after a rebase, calls inside the window keep their exact times (the edge still fires at 1 min, not at 1 min + 1 ms)",
          arguments: [(Int64(60_000), true), (60_001, false)])
    func exactAfterRebase(lastAfterMs: Int64, fires: Bool) throws {
        var r = Rig(try defaults())
        let t0 = at(h: 1)
        r.scan(t0, tool: "jira", op: "close_ticket", verb: .write)          // the ring's base
        let t1 = t0 + Self.wrap + .hours(3)                                  // forces a rebase
        for i in 0..<9 { r.scan(t1 + .seconds(Int64(i)), tool: "jira", op: "close_ticket", verb: .write) }
        r.scan(t1 + SimDuration(milliseconds: lastAfterMs), tool: "jira", op: "close_ticket", verb: .write)
        #expect(r.g.anomalies.map(\.kind) == (fires ? [.massActionBurst] : []))
    }

    @Test("a window longer than 2^31 ms (30 days) keeps whole times: ten calls over 29 days are a burst, over 31 are not",
          arguments: [(Int64(29), true), (31, false)])
    func longWindow(days: Int64, fires: Bool) throws {
        var rules = try defaults()
        rules.correlation.massActionWindow = .hours(30 * 24)
        var r = Rig(rules)
        let t0 = at(h: 1)
        for i in 0..<9 { r.scan(t0 + .hours(Int64(i)), tool: "jira", op: "close_ticket", verb: .write) }
        r.scan(t0 + .hours(days * 24), tool: "jira", op: "close_ticket", verb: .write)
        #expect(r.g.anomalies.map(\.kind) == (fires ? [.massActionBurst] : []))
    }

    @Test("an agent's first deny makes its ring; a reset before any deny and recent denies of a clean agent are empty")
    func lazyDenyRing() throws {
        var r = Rig(try defaults())
        #expect(r.g.correlator.recentDenies(0).isEmpty, "no ring before the first deny")
        try r.g.resetTrust(0, at: at(h: 1))
        #expect(r.g.correlator.recentDenies(0).isEmpty, "a reset before any deny makes none")
        for i in 0..<5 { r.deny(at(h: 2, m: Int64(i))) }
        #expect(r.g.correlator.recentDenies(0).count == 5, "the first deny made the ring")
        #expect(r.incidents(.repeatedDeny).count == 1)
        #expect(r.incidents(.repeatedDeny).first?.traces.count == 5)
    }

    @Test("a new tool takes over only a ring that is idle for over a window: a busy tool keeps its entries")
    func ringTakeover() throws {
        var r = Rig(try defaults())
        let t0 = at(h: 1)
        for i in 0..<9 { r.scan(t0 + .seconds(Int64(i)), tool: "jira", op: "close_ticket", verb: .write) }
        // Another tool inside jira's window must not take jira's ring ...
        r.scan(t0 + .seconds(20), tool: "github", op: "merge_pr", verb: .write)
        // ... so jira's tenth call within the minute is a burst.
        r.scan(t0 + .seconds(30), tool: "jira", op: "close_ticket", verb: .write)
        #expect(r.g.anomalies.map(\.kind) == [.massActionBurst])
        // Two minutes later both rings are idle; new tools reuse them and count from zero.
        for i in 0..<9 { r.scan(t0 + .minutes(3) + .seconds(Int64(i)), tool: "slack", op: "post_message", verb: .write) }
        r.scan(t0 + .minutes(3) + .seconds(10), tool: "jira", op: "close_ticket", verb: .write)
        #expect(r.g.anomalies.count == 1)
        r.scan(t0 + .minutes(3) + .seconds(11), tool: "slack", op: "post_message", verb: .write)
        #expect(r.g.anomalies.count == 2)
    }
}
