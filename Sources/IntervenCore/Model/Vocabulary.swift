/// A closed set of values named by their `description` in files and on the command line.
public protocol NamedCase: CaseIterable, CustomStringConvertible {
    /// The case whose `description` is `name`, or nil.
    init?(name: String)
}

extension NamedCase {
    /// The case whose `description` is `name`, or nil.
    public init?(name: String) {
        guard let c = Self.allCases.first(where: { $0.description == name }) else { return nil }
        self = c
    }
}

/// The answer the gateway gives a scan.
public enum Decision: UInt8, CaseIterable, Sendable, Comparable, CustomStringConvertible, NamedCase {
    /// Declared from least to most strict, so `<` can compare raw values.
    case allow, requireApproval, sanitize, deny

    /// Strictness order used when several policy rules match: DENY > SANITIZE > REQUIRE_APPROVAL > ALLOW.
    @inlinable public static func < (a: Decision, b: Decision) -> Bool { a.rawValue < b.rawValue }

    /// The product's spelling: `ALLOW`, `SANITIZE`, `REQUIRE_APPROVAL`, `DENY`.
    public var description: String {
        switch self {
        case .allow: "ALLOW"
        case .requireApproval: "REQUIRE_APPROVAL"
        case .sanitize: "SANITIZE"
        case .deny: "DENY"
        }
    }

}

/// A risk band computed from a risk score with the rules file's edges.
public enum RiskBand: UInt8, CaseIterable, Sendable, Comparable, CustomStringConvertible, NamedCase {
    case low, medium, high, critical
    /// Orders LOW < MEDIUM < HIGH < CRITICAL.
    @inlinable public static func < (a: RiskBand, b: RiskBand) -> Bool { a.rawValue < b.rawValue }
    /// `LOW`, `MEDIUM`, `HIGH`, `CRITICAL`.
    public var description: String { ["LOW", "MEDIUM", "HIGH", "CRITICAL"][Int(rawValue)] }
    /// Parses `LOW`, `MEDIUM` (or the product's alternative `MED`), `HIGH`, `CRITICAL`.
    public init?(name: String) {
        if name == "MED" { self = .medium; return }
        guard let b = RiskBand.allCases.first(where: { $0.description == name }) else { return nil }
        self = b
    }
}

/// Incident severity (a separate, human-assignable scale from the risk band).
public enum Severity: UInt8, CaseIterable, Sendable, Comparable, CustomStringConvertible, NamedCase {
    case low, medium, high, critical
    /// Orders LOW < MEDIUM < HIGH < CRITICAL.
    @inlinable public static func < (a: Severity, b: Severity) -> Bool { a.rawValue < b.rawValue }
    /// `LOW`, `MEDIUM`, `HIGH`, `CRITICAL`.
    public var description: String { ["LOW", "MEDIUM", "HIGH", "CRITICAL"][Int(rawValue)] }
}

/// The coarse operation category of a scan, also used for ephemeral key scopes.
public enum Verb: UInt8, CaseIterable, Sendable, CustomStringConvertible, NamedCase {
    case read, write, admin
    /// `READ`, `WRITE`, `ADMIN`.
    public var description: String { ["READ", "WRITE", "ADMIN"][Int(rawValue)] }
    /// This verb as a one-bit mask.
    @inlinable public var bit: UInt8 { 1 << rawValue }
}

/// A set of verbs as a bit mask.
public struct VerbSet: OptionSet, Hashable, Sendable {
    /// One bit per verb, at `Verb.bit`.
    public var rawValue: UInt8
    /// A set from its bit mask.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// The set holding the given verbs.
    public init(_ verbs: [Verb]) { rawValue = verbs.reduce(0) { $0 | $1.bit } }
    /// Every verb.
    public static let all = VerbSet(Verb.allCases)
    /// Whether the set holds the verb.
    @inlinable public func contains(_ v: Verb) -> Bool { rawValue & v.bit != 0 }
    /// The verbs in declaration order.
    public var verbs: [Verb] { Verb.allCases.filter { contains($0) } }
}

/// Data classes the classifier finds in a scan's body.
public struct DataClasses: OptionSet, Hashable, Sendable, CustomStringConvertible {
    /// One bit per data class.
    public var rawValue: UInt8
    /// A set from its bit mask.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// `SECRETS`: secret material such as credentials.
    public static let secrets = DataClasses(rawValue: 1)
    /// `PII`: personally identifiable information.
    public static let pii = DataClasses(rawValue: 2)
    /// `PHI`: protected health information.
    public static let phi = DataClasses(rawValue: 4)
    /// `INTERNAL`: the tenant's internal data.
    public static let `internal` = DataClasses(rawValue: 8)
    /// The product's names, in a fixed order.
    public static let names: [(String, DataClasses)] = [("SECRETS", .secrets), ("PII", .pii), ("PHI", .phi), ("INTERNAL", .internal)]
    /// Parses one class name (`SECRETS`, `PII`, `PHI`, `INTERNAL`).
    public init?(name: String) {
        guard let c = DataClasses.names.first(where: { $0.0 == name }) else { return nil }
        self = c.1
    }
    /// The class names in the set, in fixed order.
    public var nameList: [String] { DataClasses.names.filter { contains($0.1) }.map(\.0) }
    /// The class names joined with `|`, or `-` when empty.
    public var description: String { isEmpty ? "-" : nameList.joined(separator: "|") }
}

/// The agent framework an agent runs on (the product glossary's fullest list).
public enum Runtime: UInt8, CaseIterable, Sendable, CustomStringConvertible, NamedCase {
    case langchain, langgraph, crewai, openaiAssistants, mcp, openclaw, claudeCode, cursor, browserUse, computerUse, custom
    /// The product's spelling, e.g. `openai_assistants`.
    public var description: String {
        ["langchain", "langgraph", "crewai", "openai_assistants", "mcp", "openclaw", "claude_code", "cursor",
         "browser_use", "computer_use", "custom"][Int(rawValue)]
    }
    /// This runtime as a one-bit mask.
    @inlinable public var bit: UInt16 { 1 << UInt16(rawValue) }
}

/// An agent's ground truth, used only for scoring detection quality, never by detection.
public enum GroundTruth: UInt8, CaseIterable, Sendable, CustomStringConvertible, NamedCase {
    case benign, misbehaving, compromised
    /// `benign`, `misbehaving`, `compromised`.
    public var description: String { ["benign", "misbehaving", "compromised"][Int(rawValue)] }
}

/// The status of an incident; the desk allows only `open → investigating → closed` and `open → closed`.
public enum IncidentStatus: UInt8, CaseIterable, Sendable, CustomStringConvertible, NamedCase {
    case open, investigating, closed
    /// `open`, `investigating`, `closed`.
    public var description: String { ["open", "investigating", "closed"][Int(rawValue)] }
}

/// Why an incident was closed; required to close.
public enum Resolution: UInt8, CaseIterable, Sendable, CustomStringConvertible, NamedCase {
    case falsePositive, agentMisbehavior, agentCompromised, policyGap, infrastructure
    /// `false_positive`, `agent_misbehavior`, `agent_compromised`, `policy_gap`, `infrastructure`.
    public var description: String {
        ["false_positive", "agent_misbehavior", "agent_compromised", "policy_gap", "infrastructure"][Int(rawValue)]
    }
}

/// The status of an approval request.
public enum ApprovalStatus: UInt8, CaseIterable, Sendable, CustomStringConvertible, NamedCase {
    case pending, approved, denied, expired
    /// `pending`, `approved`, `denied`, `expired`.
    public var description: String { ["pending", "approved", "denied", "expired"][Int(rawValue)] }
}

/// What opened an incident.
public enum TriggerKind: UInt8, CaseIterable, Sendable, Comparable, CustomStringConvertible, NamedCase {
    /// The six automatic triggers come first: their raw values index the desk's per-agent open slots.
    case criticalDeny, repeatedDeny, threatIntel, readThenWrite, trustCollapse, ephemeralScope, policy, manual
    /// Orders by declaration.
    @inlinable public static func < (a: TriggerKind, b: TriggerKind) -> Bool { a.rawValue < b.rawValue }
    /// The trigger id used in rules and scenario files, e.g. `repeated_deny`.
    public var description: String {
        ["critical_deny", "repeated_deny", "threat_intel", "read_then_write", "trust_collapse", "ephemeral_scope",
         "policy", "manual"][Int(rawValue)]
    }
    /// The six automatic triggers (`threat_intel` among them, whose incidents are keyed by feed).
    public static let automatic: [TriggerKind] = [.criticalDeny, .repeatedDeny, .threatIntel, .readThenWrite, .trustCollapse, .ephemeralScope]
}

/// Correlation patterns that are not incident triggers and lower trust as anomaly signals.
public enum AnomalyKind: UInt8, CaseIterable, Sendable, CustomStringConvertible, NamedCase {
    case privilegeEscalation, massActionBurst
    /// `privilege_escalation`, `mass_action_burst`.
    public var description: String { ["privilege_escalation", "mass_action_burst"][Int(rawValue)] }
}
