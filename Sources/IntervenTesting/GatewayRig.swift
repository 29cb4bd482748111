public import IntervenCore
import IntervenLoading

// Shared helpers for the core tests: virtual-time arithmetic, exact scores, and a small rig
// that feeds scans to one gateway with sensible defaults.

/// One tick of virtual time.
public let tick = SimDuration(milliseconds: 1)

/// A point in virtual time from hours, minutes, seconds and milliseconds after the run start.
public func at(h: Int64 = 0, m: Int64 = 0, s: Int64 = 0, ms: Int64 = 0) -> SimTime {
    SimTime(milliseconds: ((h * 60 + m) * 60 + s) * 1000 + ms)
}

/// An exact score from its decimal text (the test fails loudly on a typo).
public func sc(_ text: String) -> Score {
    guard let s = Score.parse(text) else { preconditionFailure("bad score literal \(text)") }
    return s
}

/// The shipped default rules (Scenarios/rules/default.yaml).
public func defaults() throws -> Rules { try RulesFile.defaults() }

/// A gateway over a few agents, with a scan helper whose defaults are a harmless internal READ
/// (`github.list_repos`, LOW risk, no data classes) that every default policy allows.
public struct Rig {
    public var g: Gateway
    public private(set) var lastTrace: TraceID = 0

    public init(_ rules: Rules, agents names: [String] = ["fin-bot"], runtime: Runtime = .langchain) {
        var roster = AgentRoster(seed: 1)
        for n in names { roster.add(name: n, runtime: runtime) }
        g = Gateway(rules: rules, roster: roster)
        g.recordsTrustChanges = true
    }

    /// Sends one scan; each gets a fresh trace id and, unless given, a signature of its own.
    @discardableResult
    public mutating func scan(_ time: SimTime, agent: AgentIndex = 0, tool: String = "github", op: String = "list_repos",
                       verb: Verb = .read, external: Bool = false, classes: DataClasses = [], host: String = "",
                       url: String = "", principal: String = "", risk: Score = .zero, body: Int32 = 0,
                       signature: UInt64? = nil, key: Int32 = Scan.liveKey) -> Verdict {
        lastTrace += 1
        let s = Scan(time: time, agent: agent, tool: g.intern(tool), operation: g.intern(op), verb: verb,
                     isExternal: external, dataClasses: classes, host: g.intern(host), url: g.intern(url),
                     principal: g.intern(principal), risk: risk, bodySize: body,
                     signature: signature ?? (1 << 48 | lastTrace), trace: lastTrace, ephemeralKey: key)
        return g.process(s)
    }

    /// A scan the default policy P8 denies (Google Drive external sharing), LOW risk unless given.
    @discardableResult
    public mutating func deny(_ time: SimTime, agent: AgentIndex = 0, risk: Score = .zero) -> Verdict {
        scan(time, agent: agent, tool: "gdrive", op: "share_file_external", verb: .write, risk: risk)
    }

    /// A harmless internal WRITE no default policy matches.
    @discardableResult
    public mutating func write(_ time: SimTime, agent: AgentIndex = 0, signature: UInt64? = nil) -> Verdict {
        scan(time, agent: agent, tool: "github", op: "create_issue", verb: .write, signature: signature)
    }

    /// The trace reference of the last scan sent.
    public func lastRef(_ time: SimTime) -> TraceRef { TraceRef(trace: lastTrace, time: time) }

    /// Incidents opened by one trigger kind, in the order opened.
    public func incidents(_ kind: TriggerKind) -> [Incident] { g.desk.incidents.filter { $0.trigger.kind == kind } }

    /// An agent's trust now.
    public func trust(_ agent: AgentIndex = 0) -> Score { g.trustScore(of: agent) }

    /// Trust changes since the last call.
    public mutating func changes() -> [TrustChange] { g.drainTrustChanges() }
}

extension Rules {
    /// These rules with every automatic trigger, anomaly signal and auto-response off, so a test
    /// sees only the movement it is about.
    public var quiet: Rules {
        var r = self
        r.triggers.criticalDeny.enabled = false
        r.triggers.repeatedDeny.enabled = false
        r.triggers.threatIntel.enabled = false
        r.triggers.readThenWrite.enabled = false
        r.triggers.trustCollapse.enabled = false
        r.triggers.ephemeralScope.enabled = false
        r.correlation.privilegeEscalation = false
        r.correlation.massActionBurst = false
        r.autoResponse.lowerTrust = false
        r.autoResponse.pinScrutiny = false
        r.autoResponse.alert = false
        return r
    }

    /// Adds a tenant rule.
    public mutating func add(_ rule: PolicyRule) { policies.append(rule) }
}

extension RuleMatch {
    /// A match on tool names and (optionally) operations.
    public static func tools(_ tools: [String], operations: [String]? = nil) -> RuleMatch {
        var m = RuleMatch()
        m.toolNames = tools
        m.operations = operations
        return m
    }
}
