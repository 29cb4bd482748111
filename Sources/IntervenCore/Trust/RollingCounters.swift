/// A rolling per-agent counter kind (the product's `agent_trust_state` columns, plus the
/// per-decision split of the Agents page).
public enum CounterKind: Int, CaseIterable, Sendable, CustomStringConvertible {
    case deny, approval, highRisk, threatIntel, anomaly, critical
    case decisionsAllow, decisionsRequireApproval, decisionsSanitize, decisionsDeny

    /// The column name, e.g. `deny_count_24h` style without the window: `deny`, `high_risk`.
    public var description: String {
        ["deny", "approval", "high_risk", "threat_intel", "anomaly", "critical",
         "allow", "require_approval", "sanitize", "deny"][rawValue]
    }
    /// The trust counters an operator reset zeroes (the decision split is telemetry and stays).
    public static let trustCounters: [CounterKind] = [.deny, .approval, .highRisk, .threatIntel, .anomaly, .critical]

    /// The decision-split counter of a decision.
    @inlinable static func decisions(_ d: Decision) -> CounterKind {
        switch d {
        case .allow: .decisionsAllow
        case .requireApproval: .decisionsRequireApproval
        case .sanitize: .decisionsSanitize
        case .deny: .decisionsDeny
        }
    }
}

/// Rolling event counts per agent over each counter's window, in 24 slices of window/24.
///
/// A count covers the current slice and the 23 before it, so the window is exact to one slice
/// (one hour for a 24 h window, 150 s for a 1 h window). Counts saturate at 65,535 per slice.
/// Each (agent, counter) row is 56 contiguous bytes: the newest slice number, then 24 16-bit
/// counts packed four to a word, so counting an event touches one cache line. Rows are made
/// on an agent's first event of a kind: most agents only ever count a few of the ten kinds,
/// and a million agents would otherwise hold 560 MB of mostly empty rows.
struct RollingCounters: Sendable {
    static let slices = 24
    private static let wordsPerRow = 1 + slices / 4
    private static let kinds = CounterKind.allCases.count
    private static let none = Int64.min
    private let sliceLength: [Int64]
    /// Per (agent, kind): the row's first word in `rows`, or -1 before the first event.
    private var rowOf: [Int32] = []
    private var rows: [UInt64] = []
    private(set) var agentCount = 0

    init(rules: CounterRules) {
        let windows: [SimDuration] = [rules.deny, rules.approval, rules.highRisk, rules.threatIntel, rules.anomaly,
                                      rules.critical, rules.decisions, rules.decisions, rules.decisions, rules.decisions]
        sliceLength = windows.map { max(1, $0.milliseconds / Int64(Self.slices)) }
    }

    mutating func grow(to agents: Int) {
        guard agents > agentCount else { return }
        rowOf.append(contentsOf: repeatElement(-1, count: (agents - agentCount) * Self.kinds))
        agentCount = agents
    }

    @inline(__always) private static func slot(_ base: Int, _ slice: Int64) -> (word: Int, shift: UInt64) {
        let k = Int(slice.modulo(slices))
        return (base + 1 + (k >> 2), UInt64(k & 3) << 4)
    }

    @inline(__always) mutating func add(_ kind: CounterKind, agent: Int, at time: SimTime) {
        var base = Int(rowOf[agent &* Self.kinds &+ kind.rawValue])
        if base < 0 {
            base = rows.count
            precondition(base <= Int(Int32.max), "rolling counters: more rows than a 32-bit index holds")
            rowOf[agent &* Self.kinds &+ kind.rawValue] = Int32(base)
            rows.append(UInt64(bitPattern: Self.none))
            rows.append(contentsOf: repeatElement(0, count: Self.wordsPerRow - 1))
        }
        let head = Int64(bitPattern: rows[base])
        let length = sliceLength[kind.rawValue]
        // Most events fall in the newest slice: two multiplications instead of a division.
        let start = head &* length
        let slice = head != Self.none && time.milliseconds >= start && time.milliseconds < start &+ length
            ? head : time.milliseconds / length
        if slice > head {
            if head == Self.none || slice - head >= Int64(Self.slices) {
                for w in 1..<Self.wordsPerRow { rows[base + w] = 0 }
            } else {
                var s = head + 1
                while s <= slice {
                    let (w, shift) = Self.slot(base, s)
                    rows[w] &= ~(0xFFFF << shift)
                    s += 1
                }
            }
            rows[base] = UInt64(bitPattern: slice)
        } else if slice <= head - Int64(Self.slices) {
            return
        }
        let (w, shift) = Self.slot(base, slice)
        if (rows[w] >> shift) & 0xFFFF != 0xFFFF { rows[w] &+= 1 << shift }
    }

    /// The count of events within the window ending at `time`.
    func count(_ kind: CounterKind, agent: Int, at time: SimTime) -> Int {
        let base = Int(rowOf[agent * Self.kinds + kind.rawValue])
        guard base >= 0 else { return 0 }
        let head = Int64(bitPattern: rows[base])
        if head == Self.none { return 0 }
        let slice = time.milliseconds / sliceLength[kind.rawValue]
        var total = 0
        var s = max(slice - Int64(Self.slices) + 1, head - Int64(Self.slices) + 1)
        while s <= min(head, slice) {
            let (w, shift) = Self.slot(base, s)
            total += Int((rows[w] >> shift) & 0xFFFF)
            s += 1
        }
        return total
    }

    /// Zeroes every counter of one agent (its rows stay allocated to the index).
    mutating func clear(agent: Int) { zero(CounterKind.allCases, agent: agent) }

    /// Zeroes the trust counters of one agent.
    mutating func resetTrustCounters(agent: Int) { zero(CounterKind.trustCounters, agent: agent) }

    private mutating func zero(_ kinds: [CounterKind], agent: Int) {
        for k in kinds {
            let base = Int(rowOf[agent * Self.kinds + k.rawValue])
            guard base >= 0 else { continue }
            rows[base] = UInt64(bitPattern: Self.none)
            for w in 1..<Self.wordsPerRow { rows[base + w] = 0 }
        }
    }
}

extension Int64 {
    /// The non-negative remainder.
    @inline(__always) func modulo(_ n: Int) -> Int64 {
        let r = self % Int64(n)
        return r < 0 ? r + Int64(n) : r
    }
}
