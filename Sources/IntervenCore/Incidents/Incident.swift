/// An incident's identity: the agent and its per-agent ordinal, so ids do not depend on shards.
public struct IncidentID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var agent: AgentIndex
    public var ordinal: UInt32
    public init(agent: AgentIndex, ordinal: UInt32) { self.agent = agent; self.ordinal = ordinal }
    public static func < (a: IncidentID, b: IncidentID) -> Bool { (a.agent, a.ordinal) < (b.agent, b.ordinal) }
    /// `INC-<agent>-<ordinal>`.
    public var description: String { "INC-\(agent)-\(ordinal)" }
}

/// What an incident was opened by: an automatic trigger (with its dedup key), a rule, or an operator.
public struct IncidentTrigger: Hashable, Sendable, CustomStringConvertible {
    public var kind: TriggerKind
    /// The feed for `threat_intel`, the rule id for `policy`, `.none` otherwise.
    public var key: Symbol
    public init(kind: TriggerKind, key: Symbol = .none) { self.kind = kind; self.key = key }
    public var description: String { kind.description }
}

/// A response action recorded on an incident (automatic or by an operator).
public struct ResponseAction: Sendable, Equatable {
    public enum Kind: UInt8, Sendable, CustomStringConvertible, CaseIterable, NamedCase {
        case lowerTrust, pinScrutiny, alert, suspendAgent, rotateKey, notifyChannel, openTicket
        /// `lower_trust`, `pin_scrutiny`, `alert`, `suspend_agent`, `rotate_key`, `notify_channel`, `open_ticket`.
        public var description: String {
            ["lower_trust", "pin_scrutiny", "alert", "suspend_agent", "rotate_key", "notify_channel", "open_ticket"][Int(rawValue)]
        }
    }
    public let kind: Kind
    public let time: SimTime
    /// `auto` for automatic responses, otherwise the operator.
    public let actor: String
    /// The channel, ticket system, new key prefix or amount, when there is one.
    public let detail: String
}

/// An append-only note on an incident. Its fields are constants: a note is never edited.
public struct Note: Sendable, Equatable {
    public let author: String
    public let time: SimTime
    public let text: String
}

/// One incident with its timeline (SPEC §1).
public struct Incident: Sendable {
    public let id: IncidentID
    public let title: String
    public let severity: Severity
    public let agent: AgentIndex
    public let trigger: IncidentTrigger
    /// The operator who opened it, for manual incidents.
    public let openedBy: String?
    public let openedAt: SimTime
    public internal(set) var status: IncidentStatus = .open
    public internal(set) var statusChanges: [(status: IncidentStatus, time: SimTime, actor: String)] = []
    public internal(set) var resolution: Resolution? = nil
    public internal(set) var closedAt: SimTime? = nil
    /// Linked traces in time order.
    public internal(set) var traces: [TraceRef] = []
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
    public var time: SimTime
    public var incident: IncidentID
    public var severity: Severity
    public var title: String
}
