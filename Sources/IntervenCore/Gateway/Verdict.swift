/// What the gateway answered one scan, and the agent's trust after it.
public struct Verdict: Sendable, Equatable {
    /// The answer; ALLOW unless a step of docs/behaviour.md §3 says otherwise.
    public var decision: Decision = .allow
    /// The reason codes behind the decision.
    public var reasons = ReasonSet()
    /// The scan's risk band under the rules' edges.
    public var band: RiskBand = .low
    /// The `rule_id` of the policy reported as matched, or `.none`.
    public var rule: Symbol = .none
    /// Trust after everything this scan caused (movements, incidents, auto-responses).
    public var trustAfter: Score = .zero
    /// The approval created (or reused) by a REQUIRE_APPROVAL.
    public var approval: ApprovalID? = nil
    /// A deny from steps 1 or 3 of docs/behaviour.md §3 (suspended, recent deny grant): no trust movement, no correlation.
    public var isGateDeny = false
    /// Whether the agent was in scrutiny when the scan was decided.
    public var inScrutiny = false
    /// The feed index of a threat-intel match, or -1.
    public var threatFeed: Int16 = -1
    /// Why an ephemeral key refused the scan.
    public var violation: ScopeViolation? = nil
    /// How many incidents this scan opened (not counting links to open ones).
    public var incidentsOpened: Int32 = 0
    /// An ALLOW with no reasons, which the pipeline fills in as the scan passes each step.
    public init() {}
}

/// A correlation pattern that fired as an anomaly signal (lowers trust, opens no incident).
public struct AnomalySignal: Sendable, Equatable {
    /// When the pattern completed: the time of the scan that completed it.
    public var time: SimTime
    /// The agent whose scans formed the pattern.
    public var agent: AgentIndex
    /// Which correlation pattern fired.
    public var kind: AnomalyKind
    /// The scans that formed it: the create then the attach, or a burst's last call.
    public var traces: [TraceRef]
}

/// An operator's response action on an incident (docs/behaviour.md §7.6).
public enum OperatorAction: Sendable, Equatable {
    /// Temporary deny-all until reactivated.
    case suspendAgent
    /// Revoke the current key and force a re-mint.
    case rotateKey
    /// A one-off summary to a channel.
    case notify(channel: String)
    /// A ticket in an issue tracker.
    case openTicket(system: String)
}
