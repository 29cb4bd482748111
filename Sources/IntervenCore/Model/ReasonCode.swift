/// A reason code the model itself produces; rules can add custom codes on top.
public enum ReasonCode: UInt8, CaseIterable, Sendable, CustomStringConvertible {
    /// The agent is suspended (docs/behaviour.md §3, step 1).
    case agentSuspended
    /// The scan's ephemeral key refused it; `Verdict.violation` says why.
    case ephemeralScopeViolation
    /// An identical retry inside the grant window of an approved request.
    case recentApprovalGrant
    /// An identical retry inside the deny window of an analyst denial.
    case recentDenyGrant
    /// A policy rule decided other than ALLOW and names no reason code of its own.
    case policyMatch
    /// A per-agent override quarantines the agent.
    case agentQuarantined
    /// The destination host is on an enabled threat-intel feed (and not allowlisted) or on the denylist.
    case threatIntelMatch
    /// The agent is in scrutiny, so a would-be ALLOW needs approval.
    case trustScrutiny

    /// The product's spelling, e.g. `EPHEMERAL_SCOPE_VIOLATION`.
    public var description: String {
        switch self {
        case .agentSuspended: "AGENT_SUSPENDED"
        case .ephemeralScopeViolation: "EPHEMERAL_SCOPE_VIOLATION"
        case .recentApprovalGrant: "RECENT_APPROVAL_GRANT"
        case .recentDenyGrant: "RECENT_DENY_GRANT"
        case .policyMatch: "POLICY_MATCH"
        case .agentQuarantined: "AGENT_QUARANTINED"
        case .threatIntelMatch: "THREAT_INTEL_MATCH"
        case .trustScrutiny: "TRUST_SCRUTINY"
        }
    }
}

/// The reason codes of one decision: a bit set of built-in codes plus at most one custom code.
///
/// Kept allocation-free so the per-scan path never builds arrays of strings.
public struct ReasonSet: Hashable, Sendable {
    /// Built-in codes as bits indexed by `ReasonCode.rawValue`.
    public var bits: UInt16 = 0
    /// A custom code from the winning rule's `reason_code`, or `.none`.
    public var custom: Symbol = .none

    /// An empty set.
    public init() {}

    /// Adds a built-in code.
    @inlinable public mutating func insert(_ c: ReasonCode) { bits |= 1 << UInt16(c.rawValue) }
    /// Whether a built-in code is present.
    @inlinable public func contains(_ c: ReasonCode) -> Bool { bits & (1 << UInt16(c.rawValue)) != 0 }
    /// Whether no code is present.
    public var isEmpty: Bool { bits == 0 && custom == .none }

    /// The codes as strings: the custom code first, then built-in ones in a fixed order.
    public func names(in symbols: SymbolTable) -> [String] {
        var out: [String] = []
        if custom != .none { out.append(symbols[custom]) }
        for c in ReasonCode.allCases where contains(c) { out.append(c.description) }
        return out
    }
}
