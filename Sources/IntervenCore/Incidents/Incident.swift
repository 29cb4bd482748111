/// An incident's identity: the agent and its per-agent ordinal, so ids do not depend on shards.
public struct IncidentID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The agent the incident is about.
    public var agent: AgentIndex
    /// Position among the agent's incidents, from 0; counted per agent so ids do not depend on shards.
    public var ordinal: UInt32
    /// The id of an agent's incident with this ordinal.
    public init(agent: AgentIndex, ordinal: UInt32) { self.agent = agent; self.ordinal = ordinal }
    /// Orders by agent, then ordinal.
    public static func < (a: IncidentID, b: IncidentID) -> Bool { (a.agent, a.ordinal) < (b.agent, b.ordinal) }
    /// `INC-<agent>-<ordinal>`.
    public var description: String { "INC-\(agent)-\(ordinal)" }
}

/// What an incident was opened by: an automatic trigger (with its dedup key), a rule, or an operator.
public struct IncidentTrigger: Hashable, Sendable, CustomStringConvertible {
    /// The trigger that fired, or `manual`.
    public var kind: TriggerKind
    /// The feed for `threat_intel`, the rule id for `policy`, `.none` otherwise.
    public var key: Symbol
    /// A trigger; unkeyed kinds leave `key` as `.none`.
    public init(kind: TriggerKind, key: Symbol = .none) { self.kind = kind; self.key = key }
    /// The trigger id, e.g. `repeated_deny` (without the key).
    public var description: String { kind.description }
}

/// A response action recorded on an incident (automatic or by an operator).
public struct ResponseAction: Sendable, Equatable {
    /// What was done: `lowerTrust`, `pinScrutiny` and `alert` are automatic, the rest come from operators.
    public enum Kind: UInt8, Sendable, CustomStringConvertible, CaseIterable, NamedCase {
        case lowerTrust, pinScrutiny, alert, suspendAgent, rotateKey, notifyChannel, openTicket
        /// `lower_trust`, `pin_scrutiny`, `alert`, `suspend_agent`, `rotate_key`, `notify_channel`, `open_ticket`.
        public var description: String {
            ["lower_trust", "pin_scrutiny", "alert", "suspend_agent", "rotate_key", "notify_channel", "open_ticket"][Int(rawValue)]
        }
    }
    /// What was done.
    public let kind: Kind
    /// When it was done.
    public let time: SimTime
    /// `auto` for automatic responses, otherwise the operator.
    public let actor: String
    /// The channel, ticket system, new key prefix or amount, when there is one.
    public let detail: String
}

/// An append-only note on an incident. Its fields are constants: a note is never edited.
public struct Note: Sendable, Equatable {
    /// Who wrote it.
    public let author: String
    /// When it was added.
    public let time: SimTime
    /// The note itself; never blank, since the desk refuses whitespace-only notes.
    public let text: String
}

/// One incident with its timeline (docs/behaviour.md §7).
public struct Incident: Sendable {
    /// The incident's identity, `INC-<agent>-<ordinal>`.
    public let id: IncidentID
    /// A one-line summary: the trigger and what matched, or the operator's title.
    public let title: String
    /// Set by the trigger's rules, or by the operator for a manual incident.
    public let severity: Severity
    /// The agent the incident is about.
    public let agent: AgentIndex
    /// What opened it; with the agent, the key under which further matches link to it.
    public let trigger: IncidentTrigger
    /// The operator who opened it, for manual incidents.
    public let openedBy: String?
    /// When it opened.
    public let openedAt: SimTime
    /// Where it is in its lifecycle; only the desk moves it.
    public internal(set) var status: IncidentStatus = .open
    /// Every status it has had with when and by whom, starting with `open` (by `auto` unless opened manually).
    public internal(set) var statusChanges: [(status: IncidentStatus, time: SimTime, actor: String)] = []
    /// Why it was closed; set exactly when it closes.
    public internal(set) var resolution: Resolution? = nil
    /// When it closed; nil while it is not closed.
    public internal(set) var closedAt: SimTime? = nil
    /// Linked traces in time order.
    public internal(set) var traces: [TraceRef] = []
    /// Response actions taken on it, automatic and by operators, in the order taken.
    public internal(set) var actions: [ResponseAction] = []
    /// Notes in the order they were added; the desk only ever appends.
    public internal(set) var notes: [Note] = []

    init(id: IncidentID, title: String, severity: Severity, agent: AgentIndex, trigger: IncidentTrigger,
         openedBy: String?, openedAt: SimTime) {
        self.id = id; self.title = title; self.severity = severity; self.agent = agent
        self.trigger = trigger; self.openedBy = openedBy; self.openedAt = openedAt
    }

    /// Links a trace, keeping time order and skipping one already linked.
    mutating func link(_ t: TraceRef) {
        if let last = traces.last, !(last < t) {
            if traces.contains(t) { return }
            let at = traces.firstIndex { t < $0 } ?? traces.count
            traces.insert(t, at: at)
        } else {
            traces.append(t)
        }
    }
}

/// An alert event: the tenant-wide alert sent when an incident opens.
public struct Alert: Sendable, Equatable {
    /// When it was sent: the instant the incident opened.
    public var time: SimTime
    /// The incident that opened.
    public var incident: IncidentID
    /// The incident's severity.
    public var severity: Severity
    /// The incident's title.
    public var title: String
}
