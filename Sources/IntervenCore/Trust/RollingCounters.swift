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
/// Memory is fixed: 10 counters × 24 slices × 2 bytes per agent.
struct RollingCounters: Sendable {
    static let slices = 24
    private let sliceLength: [Int64]
    private var slots: [UInt16] = []
    private var heads: [Int64] = []
    private(set) var agentCount = 0

    init(rules: CounterRules) {
        let windows: [SimDuration] = [rules.deny, rules.approval, rules.highRisk, rules.threatIntel, rules.anomaly,
                                      rules.critical, rules.decisions, rules.decisions, rules.decisions, rules.decisions]
        sliceLength = windows.map { max(1, $0.milliseconds / Int64(Self.slices)) }
    }

    mutating func grow(to agents: Int) {
        guard agents > agentCount else { return }
        let kinds = CounterKind.allCases.count
        slots.append(contentsOf: repeatElement(0, count: (agents - agentCount) * kinds * Self.slices))
        heads.append(contentsOf: repeatElement(Int64.min, count: (agents - agentCount) * kinds))
        agentCount = agents
    }

    @inline(__always) mutating func add(_ kind: CounterKind, agent: Int, at time: SimTime) {
        let row = agent * CounterKind.allCases.count + kind.rawValue
        let slice = time.milliseconds / sliceLength[kind.rawValue]
        let base = row * Self.slices
        let head = heads[row]
        if slice > head {
            let gap = head == Int64.min ? Int64(Self.slices) : min(slice - head, Int64(Self.slices))
            var s = slice - gap + 1
            while s <= slice { slots[base + Int(s.modulo(Self.slices))] = 0; s += 1 }
            heads[row] = slice
        } else if slice <= head - Int64(Self.slices) {
            return
        }
        let i = base + Int(slice.modulo(Self.slices))
        if slots[i] != .max { slots[i] += 1 }
    }

    /// The count of events within the window ending at `time`.
    func count(_ kind: CounterKind, agent: Int, at time: SimTime) -> Int {
        let row = agent * CounterKind.allCases.count + kind.rawValue
        let head = heads[row]
        if head == Int64.min { return 0 }
        let slice = time.milliseconds / sliceLength[kind.rawValue]
        var total = 0
        var s = max(slice - Int64(Self.slices) + 1, head - Int64(Self.slices) + 1)
        while s <= min(head, slice) { total += Int(slots[row * Self.slices + Int(s.modulo(Self.slices))]); s += 1 }
        return total
    }

    /// Zeroes the trust counters of one agent.
    mutating func resetTrustCounters(agent: Int) {
        for k in CounterKind.trustCounters {
            let row = agent * CounterKind.allCases.count + k.rawValue
            heads[row] = Int64.min
            for j in 0..<Self.slices { slots[row * Self.slices + j] = 0 }
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
