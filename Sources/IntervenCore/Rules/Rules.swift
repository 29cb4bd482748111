/// Every tunable of one tenant: trust movements, trigger thresholds, windows, severities,
/// auto-response switches, approval windows, policies, threat-intel feeds, allow- and denylists.
///
/// `Rules()` is a neutral rule set (no trigger enabled, no trust movement, no policy). The
/// project's defaults live in one place only, the shipped rules file
/// `Scenarios/rules/default.yaml`, which `IntervenLoading` reads under every other rules file.
public struct Rules: Sendable, Equatable {
    /// Lower edges of the MEDIUM, HIGH and CRITICAL risk bands.
    public var riskBands = RiskBandEdges()
    /// Trust movements and thresholds.
    public var trust = TrustRules()
    /// Which would-be ALLOWs turn into REQUIRE_APPROVAL for an agent in scrutiny.
    public var scrutiny = ScrutinyRules()
    /// Windows of the rolling per-agent counters.
    public var counters = CounterRules()
    /// The automatic incident triggers.
    public var triggers = TriggerRules()
    /// Correlation patterns that are anomaly signals, not incident triggers.
    public var correlation = CorrelationRules()
    /// What happens automatically when an incident opens.
    public var autoResponse = AutoResponseRules()
    /// Approval expiry and the grant and deny windows for identical retries.
    public var approvals = ApprovalRules()
    /// Threat-intel feeds, allowlist and denylist.
    public var threatIntel = ThreatIntelRules()
    /// Tenant-wide policy rules.
    public var policies: [PolicyRule] = []
    /// Per-agent overrides (rules evaluated before tenant rules, and quarantine).
    public var agentOverrides: [AgentOverride] = []

    /// A neutral rule set; load the shipped defaults with `IntervenLoading` instead.
    public init() {}

    /// The risk band of a risk score under these rules.
    @inlinable public func band(of risk: Score) -> RiskBand { riskBands.band(of: risk) }
}

/// Lower edges of the risk bands: LOW < medium <= MEDIUM < high <= HIGH < critical <= CRITICAL.
public struct RiskBandEdges: Sendable, Equatable {
    /// Lowest risk score in band MEDIUM.
    public var medium = Score.one
    /// Lowest risk score in band HIGH.
    public var high = Score.one
    /// Lowest risk score in band CRITICAL.
    public var critical = Score.one
    /// Every edge at 1, so any risk below 1 is LOW.
    public init() {}
    /// The band of a risk score.
    @inlinable public func band(of risk: Score) -> RiskBand {
        if risk < medium { return .low }
        if risk < high { return .medium }
        if risk < critical { return .high }
        return .critical
    }
}

/// Trust movements (signed; negative lowers trust) and thresholds.
public struct TrustRules: Sendable, Equatable {
    /// Trust of a new agent and after an operator reset.
    public var initial = Score.one
    /// Below this, an agent is in scrutiny.
    public var scrutinyThreshold = Score.zero
    /// A DENY that is not a gate deny.
    public var deny = Score.zero
    /// A DENY in band CRITICAL (instead of `deny`).
    public var criticalDeny = Score.zero
    /// A threat-intel match (instead of `deny`/`criticalDeny` for that scan).
    public var threatIntel = Score.zero
    /// An anomaly signal (privilege escalation, mass-action burst).
    public var anomaly = Score.zero
    /// An analyst denies an approval.
    public var analystDeny = Score.zero
    /// An incident opens (applied only when `autoResponse.lowerTrust` is on).
    public var incidentOpen = Score.zero
    /// Length of the clean streak (consecutive non-DENY scans) that earns `cleanStreakReward`; 0 turns it off.
    public var cleanStreakLength = 0
    /// Reward for a clean streak.
    public var cleanStreakReward = Score.zero
    /// Reward when an approved request's retry goes through.
    public var approvalRetry = Score.zero
    /// Reward per full idle period.
    public var idleReward = Score.zero
    /// Length of one idle period; zero turns idle recovery off.
    public var idlePeriod = SimDuration.zero
    /// Whether gate denies (suspended agent, recent deny grant) lower trust.
    public var gateDeniesLowerTrust = false
    /// Initial trust 1 and no movement, scrutiny or idle recovery.
    public init() {}
}

/// Which would-be ALLOWs become REQUIRE_APPROVAL while an agent is in scrutiny (any one suffices).
public struct ScrutinyRules: Sendable, Equatable {
    /// Verbs that need approval in scrutiny.
    public var verbs = VerbSet()
    /// Whether an external destination needs approval in scrutiny.
    public var external = false
    /// Scans in this band or above need approval in scrutiny; nil for none.
    public var minBand: RiskBand? = nil
    /// Nothing needs approval in scrutiny.
    public init() {}
}

/// Windows of the rolling per-agent counters shown on the Agents page.
public struct CounterRules: Sendable, Equatable {
    /// Window of the DENY counter.
    public var deny = SimDuration.zero
    /// Window of the REQUIRE_APPROVAL counter.
    public var approval = SimDuration.zero
    /// Window of the high-risk counter (scans in `highRiskBand` or above).
    public var highRisk = SimDuration.zero
    /// Window of the threat-intel match counter.
    public var threatIntel = SimDuration.zero
    /// Window of the anomaly-signal counter.
    public var anomaly = SimDuration.zero
    /// Window of the critical counter (scans in `triggers.criticalBand` or above).
    public var critical = SimDuration.zero
    /// Window of the per-decision split ("decisions in the last 24 h").
    public var decisions = SimDuration.zero
    /// Scans in this band or above count as high-risk.
    public var highRiskBand = RiskBand.critical
    /// Zero windows; high-risk means CRITICAL.
    public init() {}
}

/// One automatic trigger's switch and severity.
public struct TriggerSwitch: Sendable, Equatable {
    /// Whether the trigger opens incidents.
    public var enabled = false
    /// Severity of the incidents it opens.
    public var severity = Severity.low
    /// Off, at LOW.
    public init() {}
}

/// The automatic incident triggers and their thresholds.
public struct TriggerRules: Sendable, Equatable {
    /// One DENY in `criticalBand`.
    public var criticalDeny = TriggerSwitch()
    /// The band whose DENYs open a `critical_deny` incident.
    public var criticalBand = RiskBand.critical
    /// `repeatedDenyCount` or more DENYs from one agent within `repeatedDenyWindow`.
    public var repeatedDeny = TriggerSwitch()
    /// How many DENYs make a repetition (below 1 counts as 1).
    public var repeatedDenyCount = 1
    /// Longest span from the first to the last of those DENYs (inclusive).
    public var repeatedDenyWindow = SimDuration.zero
    /// Whether gate denies count toward `repeated_deny`.
    public var countGateDenies = false
    /// Any threat-intel hit.
    public var threatIntel = TriggerSwitch()
    /// A sensitive read then an external write by the same agent within `readThenWriteWindow`.
    public var readThenWrite = TriggerSwitch()
    /// Longest gap from the sensitive read to the external write (inclusive).
    public var readThenWriteWindow = SimDuration.zero
    /// Data classes that make a READ sensitive.
    public var sensitiveClasses = DataClasses()
    /// Verbs that count as a write for `read_then_write`.
    public var writeVerbs = VerbSet()
    /// Trust falls by more than `trustCollapseDrop` within `trustCollapseWindow`.
    public var trustCollapse = TriggerSwitch()
    /// A fall from the window's peak must exceed this to be a collapse.
    public var trustCollapseDrop = Score.one
    /// How far back the peak trust is taken from.
    public var trustCollapseWindow = SimDuration.zero
    /// Any ephemeral key scope violation.
    public var ephemeralScope = TriggerSwitch()
    /// Every trigger off.
    public init() {}

    /// The switch of an automatic trigger.
    public func `switch`(_ kind: TriggerKind) -> TriggerSwitch {
        switch kind {
        case .criticalDeny: criticalDeny
        case .repeatedDeny: repeatedDeny
        case .threatIntel: threatIntel
        case .readThenWrite: readThenWrite
        case .trustCollapse: trustCollapse
        case .ephemeralScope: ephemeralScope
        case .policy, .manual: TriggerSwitch()
        }
    }
}

/// A tool and operation pair named in rules as `tool.operation`.
public struct OperationRef: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Tool name, e.g. `aws`.
    public var tool: String
    /// Operation name, e.g. `create_user`.
    public var operation: String
    /// A pair from its parts.
    public init(tool: String, operation: String) { self.tool = tool; self.operation = operation }
    /// `tool.operation`
    public var description: String { "\(tool).\(operation)" }
}

/// Correlation patterns that lower trust as anomaly signals.
public struct CorrelationRules: Sendable, Equatable {
    /// IAM user/role create then policy attach within `privilegeEscalationWindow`.
    public var privilegeEscalation = false
    /// Longest gap from the create to the attach (inclusive).
    public var privilegeEscalationWindow = SimDuration.zero
    /// Operations that create a user or role: the first half of the pattern.
    public var escalationCreates: [OperationRef] = []
    /// Operations that attach a policy: the second half.
    public var escalationAttaches: [OperationRef] = []
    /// `massActionCount` or more mutating calls to one tool within `massActionWindow`.
    public var massActionBurst = false
    /// How many mutating calls to one tool make a burst (below 1 counts as 1).
    public var massActionCount = 1
    /// Longest span from the first to the last of those calls (inclusive).
    public var massActionWindow = SimDuration.zero
    /// Verbs that count as mutating.
    public var mutatingVerbs = VerbSet()
    /// Both patterns off.
    public init() {}
}

/// Automatic responses when an incident opens; each can be switched off.
public struct AutoResponseRules: Sendable, Equatable {
    /// Apply `trust.incidentOpen` to the agent.
    public var lowerTrust = false
    /// Pin the agent in scrutiny for `pinDuration`.
    public var pinScrutiny = false
    /// How long `pinScrutiny` pins the agent; zero pins nothing.
    public var pinDuration = SimDuration.zero
    /// Record a tenant-wide alert.
    public var alert = false
    /// Every response off.
    public init() {}
}

/// Approval expiry and the windows for identical retries after an analyst decision.
public struct ApprovalRules: Sendable, Equatable {
    /// A pending approval expires this long after it was created.
    public var pendingTTL = SimDuration.zero
    /// After an approval, identical retries are ALLOWed for this long.
    public var grantWindow = SimDuration.zero
    /// After an analyst denial, identical retries are DENYed for this long.
    public var denyWindow = SimDuration.zero
    /// Zero TTL and windows.
    public init() {}
}

/// A named threat-intel feed: hosts or IPs.
public struct ThreatFeed: Sendable, Equatable {
    /// Reported in incident titles; also the key that deduplicates its incidents.
    public var name: String
    /// Whether its indicators match; a disabled feed keeps its place in the feed order.
    public var enabled: Bool
    /// Hosts or IPs, compared exactly with a scan's host.
    public var indicators: [String]
    /// A feed from its parts.
    public init(name: String, enabled: Bool, indicators: [String]) {
        self.name = name; self.enabled = enabled; self.indicators = indicators
    }
}

/// Threat-intel feeds and the tenant's allow- and denylists.
public struct ThreatIntelRules: Sendable, Equatable {
    /// Feeds in file order; a host on several feeds is attributed to the first.
    public var feeds: [ThreatFeed] = []
    /// Hosts or IPs that suppress feed hits.
    public var allowlist: [String] = []
    /// Hosts or IPs that always match (reported as feed `denylist`).
    public var denylist: [String] = []
    /// No feeds and empty lists.
    public init() {}
}

/// What a policy rule does when it matches.
public enum PolicyAction: UInt8, CaseIterable, Sendable, CustomStringConvertible, NamedCase {
    case allow, requireApproval, sanitize, deny, openIncident
    /// The decision the action contributes (`OPEN_INCIDENT` counts as DENY).
    @inlinable public var decision: Decision {
        switch self {
        case .allow: .allow
        case .requireApproval: .requireApproval
        case .sanitize: .sanitize
        case .deny, .openIncident: .deny
        }
    }
    /// `ALLOW`, `REQUIRE_APPROVAL`, `SANITIZE`, `DENY`, `OPEN_INCIDENT`.
    public var description: String {
        self == .openIncident ? "OPEN_INCIDENT" : decision.description
    }
}

/// What a rule matches; every non-nil key must match (ANDed), a list matches if any entry does.
public struct RuleMatch: Sendable, Equatable {
    /// Tool names (globs `*`, `?`, `[abc]`).
    public var toolNames: [String]? = nil
    /// Operation names (globs).
    public var operations: [String]? = nil
    /// Verbs (any of them).
    public var verbs: VerbSet? = nil
    /// Agent names or ids (globs).
    public var agents: [String]? = nil
    /// Agent runtimes (any of them).
    public var runtimes: [Runtime]? = nil
    /// Destination URL patterns (globs, case-sensitive).
    public var urlPatterns: [String]? = nil
    /// Destination host patterns (globs).
    public var hostPatterns: [String]? = nil
    /// Principal patterns (globs), e.g. the external collaborator of a share.
    public var principalPatterns: [String]? = nil
    /// Matches every scan.
    public init() {}
}

/// Conditions a matching scan must also meet; all present ones must hold.
public struct RuleCondition: Sendable, Equatable {
    /// Any of these data classes is present.
    public var hasDataClass: DataClasses? = nil
    /// The destination is (or is not) external.
    public var isExternal: Bool? = nil
    /// Risk score strictly greater than this.
    public var riskScoreGreaterThan: Score? = nil
    /// Trust score strictly less than this.
    public var trustScoreLessThan: Score? = nil
    /// The destination is (or is not) a threat-intel match.
    public var threatIntelMatch: Bool? = nil
    /// Body size in bytes strictly greater than this.
    public var bodySizeGreaterThan: Int? = nil
    /// No conditions.
    public init() {}
}

/// One policy rule.
public struct PolicyRule: Sendable, Equatable {
    /// Unique id, e.g. `P3`.
    public var id: String
    /// Human-readable name.
    public var name: String
    /// Lower is evaluated earlier; among equally strict matches the earliest is reported.
    public var priority: Int
    /// Which scans the rule applies to.
    public var match: RuleMatch
    /// What a matching scan must also meet.
    public var condition: RuleCondition
    /// What the rule does when both hold.
    public var action: PolicyAction
    /// Reason code reported when this rule decides, e.g. `SECRET_DETECTED`.
    public var reasonCode: String?
    /// Severity of the incident an `OPEN_INCIDENT` rule opens.
    public var incidentSeverity: Severity?
    /// A rule; unless given, priority 100, matching every scan with no conditions.
    public init(id: String, name: String, priority: Int = 100, match: RuleMatch = RuleMatch(),
                condition: RuleCondition = RuleCondition(), action: PolicyAction, reasonCode: String? = nil,
                incidentSeverity: Severity? = nil) {
        self.id = id; self.name = name; self.priority = priority; self.match = match
        self.condition = condition; self.action = action; self.reasonCode = reasonCode
        self.incidentSeverity = incidentSeverity
    }
}

/// Rules for one agent (or every agent whose name matches a glob), evaluated before tenant rules.
public struct AgentOverride: Sendable, Equatable {
    /// Agent name or id glob.
    public var agent: String
    /// A quarantine is a deny-all rule for the agent.
    public var quarantine: Bool
    /// Policy rules for matching agents, evaluated before tenant rules.
    public var rules: [PolicyRule]
    /// An override for agents matching a glob; by default it neither quarantines nor adds rules.
    public init(agent: String, quarantine: Bool = false, rules: [PolicyRule] = []) {
        self.agent = agent; self.quarantine = quarantine; self.rules = rules
    }
}
