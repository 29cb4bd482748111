/// The detection side of the gateway for one tenant: decisions, trust, correlation, incidents
/// and approvals, as one synchronous value (docs/behaviour.md).
///
/// `process(_:)` decides one scan and applies everything it causes before returning. It reads
/// no clock and draws no random number: the same scans and operator actions in the same order
/// give the same state. Scans of one agent must arrive in time order.
public struct Gateway: Sendable {
    /// The rules in force; change them with `updateRules(_:)` so compiled state follows.
    public internal(set) var rules: Rules
    /// Every interned string; scans and results refer to strings by symbol.
    public internal(set) var symbols: SymbolTable
    /// The tenant's agents; add them with `addAgent` so per-agent state grows too.
    public internal(set) var roster: AgentRoster
    /// Per-agent trust: scores, scrutiny, suspension and rolling counters.
    public internal(set) var trust: TrustEngine
    /// The tenant's incidents and alerts.
    public internal(set) var desk = IncidentDesk()
    /// Anomaly signals, in the order they fired.
    public internal(set) var anomalies: [AnomalySignal] = []
    var approvalBook = ApprovalBook()
    var ephemeral = EphemeralKeys()
    var correlator: IncidentCorrelator
    var telemetry = AgentTelemetry()
    private var policies: CompiledPolicies
    private var threatIntel: ThreatIntelIndex
    var runtimeOverrides: [AgentOverride] = []
    /// Threat-intel indicators added during the run as (host, feed), re-applied over rules changes.
    var runtimeIndicators: [(host: String, feed: String)] = []
    private var compiledSymbols = 0
    private var compiledAgents = 0
    /// Indices of removed agents, taken again by `addAgent` (last removed first).
    private var freeAgents: [AgentIndex] = []
    /// Scans that used a symbol interned after the last compile.
    private var uncompiledScans = 0

    /// A gateway with these rules over a roster; symbols used by scans must come from `intern`.
    public init(rules: Rules, roster: AgentRoster, symbols: SymbolTable = SymbolTable()) {
        self.rules = rules
        self.roster = roster
        var s = symbols
        correlator = IncidentCorrelator(rules: rules, symbols: &s)
        policies = CompiledPolicies(rules: rules, symbols: &s, roster: roster, extraOverrides: [])
        threatIntel = ThreatIntelIndex(rules: rules.threatIntel, symbols: &s)
        self.symbols = s
        trust = TrustEngine(rules: rules)
        grow()
        compiledSymbols = self.symbols.count
        compiledAgents = roster.count
    }

    // MARK: Set-up

    /// The symbol for a string (tool, operation, host, URL, principal), interning it if new.
    public mutating func intern(_ s: String) -> Symbol { symbols.intern(s) }

    /// Adds an agent; it starts at the initial trust.
    public mutating func addAgent(name: String, runtime: Runtime, label: GroundTruth = .benign) -> AgentIndex {
        if let a = freeAgents.popLast() {
            roster.replace(a, name: name, runtime: runtime, label: label)
            compiledAgents = -1     // its policy bits are the removed agent's until the next compile
            return a
        }
        let a = roster.add(name: name, runtime: runtime, label: label)
        grow()
        return a
    }

    /// Removes an agent: its trust, counters, windows, telemetry, incidents, alerts, approvals,
    /// grant windows and anomaly signals are dropped, and its index is taken by the next
    /// `addAgent`, which starts there exactly as a new agent would. A removed index must not be
    /// used again before `addAgent` returns it.
    public mutating func removeAgent(_ agent: AgentIndex) {
        precondition(agent >= 0 && Int(agent) < roster.count && !freeAgents.contains(agent), "no agent with index \(agent)")
        let a = Int(agent)
        roster.release(agent)
        trust.clear(a)
        desk.remove(agent: agent)
        approvalBook.remove(agent: agent)
        correlator.clear(a)
        telemetry.clear(a)
        anomalies.removeAll { $0.agent == agent }
        freeAgents.append(agent)
    }

    /// Removed agents' indices waiting for a new agent.
    public var freeAgentCount: Int { freeAgents.count }

    /// Changes an agent's ground-truth label (scoring only).
    public mutating func setLabel(_ label: GroundTruth, for agent: AgentIndex) { roster.setLabel(label, for: agent) }

    /// Whether trust changes are kept for `drainTrustChanges()`.
    public var recordsTrustChanges: Bool {
        get { trust.recordsChanges }
        set { trust.recordsChanges = newValue }
    }

    /// Returns and forgets the trust changes recorded since the last call.
    public mutating func drainTrustChanges() -> [TrustChange] { trust.drainChanges() }

    private mutating func grow() {
        let n = roster.count
        trust.grow(to: n); desk.grow(to: n); approvalBook.grow(to: n); correlator.grow(to: n); telemetry.grow(to: n)
    }

    var threatIntelFeedNames: [String] { threatIntel.feedNames }

    @inline(__always) private func usesUncompiledSymbol(_ scan: Scan) -> Bool {
        let limit = UInt32(compiledSymbols)
        return scan.tool.raw >= limit || scan.operation.raw >= limit || scan.host.raw >= limit
            || scan.url.raw >= limit || scan.principal.raw >= limit
    }

    /// Compiles policies and the threat-intel index for every symbol interned so far.
    ///
    /// Call it after interning a run's vocabulary (tools, operations, hosts, URLs), so that
    /// every scan matches by bit sets from the first one.
    public mutating func precompile() { recompile() }

    mutating func recompile() {
        grow()
        var s = symbols
        policies = CompiledPolicies(rules: rules, symbols: &s, roster: roster, extraOverrides: runtimeOverrides)
        threatIntel = ThreatIntelIndex(rules: rules.threatIntel, symbols: &s)
        symbols = s
        compiledSymbols = symbols.count
        compiledAgents = roster.count
        uncompiledScans = 0
    }

    // MARK: The scan path

    /// Decides one scan (docs/behaviour.md §3) and applies its trust movements, incidents and approvals.
    public mutating func process(_ scan: Scan) -> Verdict {
        // New agents need their override slots and agent bits now. A scan that uses a symbol
        // interned since the last compile is matched by its strings (exact, slower); policies are
        // rebuilt once such scans keep coming (1,024 of them) or the table has grown by a
        // quarter, so a fresh URL per scan costs string matches, not a rebuild per scan.
        if roster.count != compiledAgents { recompile() }
        if usesUncompiledSymbol(scan) {
            uncompiledScans += 1
            if uncompiledScans >= 1024 || symbols.count > compiledSymbols + compiledSymbols / 4 + 64 { recompile() }
        }
        let a = Int(scan.agent)
        let t = scan.time
        trust.settleIdle(a, until: t)
        telemetry.record(a, tool: scan.tool, at: t)
        var v = Verdict()
        v.band = rules.riskBands.band(of: scan.risk)
        v.inScrutiny = trust.inScrutiny(a, at: t)

        // 1. A suspended agent is denied everything.
        if trust.isSuspended(a) {
            v.decision = .deny
            v.reasons.insert(.agentSuspended)
            v.isGateDeny = true
            finishGate(scan, &v)
            return v
        }
        // 2. An ephemeral key outside its scope, expired or out of uses.
        if scan.ephemeralKey >= 0, let violation = ephemeral.check(scan.ephemeralKey, tool: scan.tool, verb: scan.verb, at: t) {
            v.decision = .deny
            v.reasons.insert(.ephemeralScopeViolation)
            v.violation = violation
            finish(scan, &v, feed: -1, policy: PolicyOutcome(), approvalRetry: false)
            return v
        }
        // 3. An identical retry inside a grant or deny window.
        if t <= trust.grantHorizon(a), let grant = approvalBook.grant(agent: scan.agent, signature: scan.signature, at: t) {
            if grant.allow {
                v.decision = .allow
                v.reasons.insert(.recentApprovalGrant)
                finish(scan, &v, feed: -1, policy: PolicyOutcome(), approvalRetry: grant.firstUse)
            } else {
                v.decision = .deny
                v.reasons.insert(.recentDenyGrant)
                v.isGateDeny = true
                finishGate(scan, &v)
            }
            return v
        }
        // 4. Policies (per-agent before tenant; strictest wins; DENY at any level wins).
        let feed = threatIntel.feed(of: scan.host, symbols)
        let runtime = roster.runtimes[a]
        let outcome = policies.evaluate(scan, runtime: runtime, trust: trust.score(a), threatIntel: feed >= 0, symbols: symbols)
        v.decision = outcome.decision
        if outcome.quarantined {
            v.reasons.insert(.agentQuarantined)
        } else if outcome.matched {
            v.rule = outcome.ruleID
            if outcome.decision != .allow {
                if outcome.reasonCode != .none { v.reasons.custom = outcome.reasonCode } else { v.reasons.insert(.policyMatch) }
            }
        }
        // 5. Threat intel.
        if feed >= 0 {
            v.decision = .deny
            v.reasons.insert(.threatIntelMatch)
            v.threatFeed = feed
        }
        // 6. Scrutiny turns some would-be ALLOWs into REQUIRE_APPROVAL.
        if v.decision == .allow && v.inScrutiny && needsApprovalInScrutiny(scan, band: v.band) {
            v.decision = .requireApproval
            v.reasons.insert(.trustScrutiny)
        }
        if v.decision == .requireApproval {
            v.approval = approvalBook.request(agent: scan.agent, signature: scan.signature,
                                              trace: TraceRef(trace: scan.trace, time: t), ttl: rules.approvals.pendingTTL)
        }
        finish(scan, &v, feed: feed, policy: outcome, approvalRetry: false)
        return v
    }

    @inline(__always) private func needsApprovalInScrutiny(_ scan: Scan, band: RiskBand) -> Bool {
        let s = rules.scrutiny
        if s.verbs.contains(scan.verb) { return true }
        if s.external && scan.isExternal { return true }
        if let m = s.minBand, band >= m { return true }
        return false
    }

    /// Bookkeeping common to every decided scan.
    @inline(__always) private mutating func record(_ scan: Scan, _ v: Verdict) {
        let a = Int(scan.agent), t = scan.time
        trust.touch(a, at: t)
        trust.count(CounterKind.decisions(v.decision), a, at: t)
        if v.decision == .deny { trust.count(.deny, a, at: t) }
        if v.decision == .requireApproval { trust.count(.approval, a, at: t) }
        if v.band >= rules.counters.highRiskBand { trust.count(.highRisk, a, at: t) }
        if v.band >= rules.triggers.criticalBand { trust.count(.critical, a, at: t) }
        if v.threatFeed >= 0 { trust.count(.threatIntel, a, at: t) }
        if v.decision != .allow { telemetry.recordReasons(a, v.reasons) }
    }

    /// A gate deny: recorded, breaks the clean streak, moves no trust and feeds no correlation
    /// (unless the rules say otherwise).
    private mutating func finishGate(_ scan: Scan, _ v: inout Verdict) {
        let a = Int(scan.agent), t = scan.time
        record(scan, v)
        _ = trust.countStreak(a, denied: true)
        let tr = TraceRef(trace: scan.trace, time: t)
        if rules.trust.gateDeniesLowerTrust {
            lower(a, by: rules.trust.deny, cause: .deny, at: t, trace: tr, opened: &v.incidentsOpened)
        }
        if correlator.observeGateDeny(scan, rules: rules).repeatedDeny {
            v.incidentsOpened += raiseRepeatedDeny(a, trace: tr, at: t)
        }
        v.trustAfter = trust.score(a)
    }

    private mutating func finish(_ scan: Scan, _ v: inout Verdict, feed: Int16, policy: PolicyOutcome, approvalRetry: Bool) {
        let a = Int(scan.agent), t = scan.time
        let tr = TraceRef(trace: scan.trace, time: t)
        let denied = v.decision == .deny
        record(scan, v)
        var opened: Int32 = 0

        // Trust movements of the decision itself.
        if denied {
            if feed >= 0 {
                lower(a, by: rules.trust.threatIntel, cause: .threatIntel, at: t, trace: tr, opened: &opened)
            } else if v.band >= rules.triggers.criticalBand {
                lower(a, by: rules.trust.criticalDeny, cause: .criticalDeny, at: t, trace: tr, opened: &opened)
            } else {
                lower(a, by: rules.trust.deny, cause: .deny, at: t, trace: tr, opened: &opened)
            }
        }
        if trust.countStreak(a, denied: denied) {
            trust.move(a, by: rules.trust.cleanStreakReward, cause: .cleanStreak, at: t)
        }
        if approvalRetry {
            trust.move(a, by: rules.trust.approvalRetry, cause: .approvalRetry, at: t)
        }

        // Incident triggers and anomaly signals, as the correlator finds them.
        let found = correlator.observe(scan, v, feed: feed, rules: rules)
        let triggers = rules.triggers
        if found.repeatedDeny {
            opened += raiseRepeatedDeny(a, trace: tr, at: t)
        }
        if found.criticalDeny {
            opened += raise(.criticalDeny, agent: a, severity: triggers.criticalDeny.severity, trace: tr, at: t) {
                "Critical-band deny — \($0.symbols[scan.tool]).\($0.symbols[scan.operation])"
            }
        }
        if found.threatIntelFeed >= 0 {
            let name = threatIntel.feedNames[Int(found.threatIntelFeed)]
            let key = threatIntel.feedSymbols[Int(found.threatIntelFeed)]
            opened += raise(IncidentTrigger(kind: .threatIntel, key: key), agent: a, severity: triggers.threatIntel.severity,
                            traces: CollectionOfOne(tr), at: t) { _ in "Threat-intel match — \(name)" }
        }
        if let violation = found.ephemeralViolation {
            opened += raise(.ephemeralScope, agent: a, severity: triggers.ephemeralScope.severity, trace: tr, at: t) {
                "Ephemeral key scope violation — \(violation) (\($0.symbols[scan.tool]) \(scan.verb))"
            }
        }
        if policy.opensIncident {
            for r in policies.incidentRules(scan, runtime: roster.runtimes[a], trust: trust.score(a),
                                            threatIntel: feed >= 0, symbols: symbols) {
                opened += raise(IncidentTrigger(kind: .policy, key: r.id), agent: a, severity: r.incidentSeverity,
                                traces: CollectionOfOne(tr), at: t) { "Policy \($0.symbols[r.id]) — \(r.name)" }
            }
        }
        if let read = found.readThenWrite {
            opened += raise(IncidentTrigger(kind: .readThenWrite), agent: a, severity: triggers.readThenWrite.severity,
                            traces: TracePair(read, tr), at: t) {
                "Read-then-write exfiltration — \($0.symbols[scan.tool]).\($0.symbols[scan.operation]) to \($0.symbols[scan.host])"
            }
        }
        if let create = found.privilegeEscalation {
            anomaly(.privilegeEscalation, agent: a, traces: [create, tr], at: t, opened: &opened)
        }
        if found.massActionBurst {
            anomaly(.massActionBurst, agent: a, traces: [tr], at: t, opened: &opened)
        }
        v.incidentsOpened += opened
        v.trustAfter = trust.score(a)
    }

    /// Opens a repeated-deny incident linking the agent's last `count` denies, or links this
    /// deny to the one already open; returns the number of incidents opened.
    private mutating func raiseRepeatedDeny(_ a: Int, trace: TraceRef, at t: SimTime) -> Int32 {
        let r = rules.triggers
        if desk.hasOpen(agent: AgentIndex(a), kind: .repeatedDeny) {
            return raise(.repeatedDeny, agent: a, severity: r.repeatedDeny.severity, trace: trace, at: t) { _ in "" }
        }
        return raise(IncidentTrigger(kind: .repeatedDeny), agent: a, severity: r.repeatedDeny.severity,
                     traces: correlator.recentDenies(a), at: t) { _ in
            "Repeated denies — \(r.repeatedDenyCount) within \(r.repeatedDenyWindow)"
        }
    }

    private mutating func anomaly(_ kind: AnomalyKind, agent a: Int, traces: [TraceRef], at t: SimTime, opened: inout Int32) {
        anomalies.append(AnomalySignal(time: t, agent: AgentIndex(a), kind: kind, traces: traces))
        trust.count(.anomaly, a, at: t)
        lower(a, by: rules.trust.anomaly, cause: .anomaly, at: t, trace: traces.last, opened: &opened)
    }

    /// Lowers trust and opens (or links) a trust-collapse incident when the fall is a collapse.
    mutating func lower(_ a: Int, by delta: Score, cause: TrustCause, at t: SimTime, trace: TraceRef?, opened: inout Int32) {
        guard trust.move(a, by: delta, cause: cause, at: t), rules.triggers.trustCollapse.enabled else { return }
        let r = rules.triggers
        opened += raise(IncidentTrigger(kind: .trustCollapse), agent: a, severity: r.trustCollapse.severity,
                        traces: trace.map { TracePair($0) } ?? TracePair(), at: t) { _ in
            "Trust collapse — fell more than \(r.trustCollapseDrop) within \(r.trustCollapseWindow)"
        }
    }

    /// `raise` for an unkeyed trigger with one trace (links without building arrays when open).
    @inline(__always)
    private mutating func raise(_ kind: TriggerKind, agent a: Int, severity: Severity, trace: TraceRef, at t: SimTime,
                                title: (Gateway) -> String) -> Int32 {
        raise(IncidentTrigger(kind: kind), agent: a, severity: severity, traces: CollectionOfOne(trace), at: t, title: title)
    }

    /// Opens an incident for an automatic trigger, or links the traces to the open one; runs
    /// the auto-responses of a new incident. Returns the number of incidents opened.
    private mutating func raise(_ trigger: IncidentTrigger, agent a: Int, severity: Severity, traces: some Collection<TraceRef>,
                                at t: SimTime, title: (Gateway) -> String) -> Int32 {
        let agent = AgentIndex(a)
        if let open = desk.openIndex(agent: agent, trigger: trigger) {
            desk.link(open, traces)
            return 0
        }
        let text = title(self)
        let index = desk.open(agent: agent, trigger: trigger, severity: severity, title: text, openedBy: nil,
                              traces: Array(traces), at: t)
        desk.markOpen(index)
        var opened: Int32 = 1
        let auto = rules.autoResponse
        if auto.alert {
            desk.alert(for: index, at: t)
            desk.record(ResponseAction(kind: .alert, time: t, actor: "auto", detail: "tenant-wide"), on: index)
        }
        if auto.pinScrutiny && auto.pinDuration.milliseconds > 0 {
            trust.pin(a, until: t + auto.pinDuration, at: t)
            desk.record(ResponseAction(kind: .pinScrutiny, time: t, actor: "auto", detail: auto.pinDuration.description), on: index)
        }
        if auto.lowerTrust && rules.trust.incidentOpen != .zero {
            desk.record(ResponseAction(kind: .lowerTrust, time: t, actor: "auto", detail: rules.trust.incidentOpen.description), on: index)
            lower(a, by: rules.trust.incidentOpen, cause: .incidentOpen, at: t, trace: traces.first, opened: &opened)
        }
        return opened
    }
}

/// Up to two traces as a collection, so linking them to an open incident allocates nothing
/// (an array literal would allocate on every linked scan).
struct TracePair: RandomAccessCollection {
    private let first: TraceRef, second: TraceRef
    let endIndex: Int
    var startIndex: Int { 0 }
    /// No traces.
    init() { first = TraceRef(trace: 0, time: .never); second = first; endIndex = 0 }
    /// One trace.
    init(_ a: TraceRef) { first = a; second = a; endIndex = 1 }
    /// Two traces, in this order.
    init(_ a: TraceRef, _ b: TraceRef) { first = a; second = b; endIndex = 2 }
    subscript(i: Int) -> TraceRef { i == 0 ? first : second }
}
