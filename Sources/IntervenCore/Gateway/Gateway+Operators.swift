extension Gateway {
    private func checkAgent(_ agent: AgentIndex) throws(GatewayError) -> Int {
        guard agent >= 0 && Int(agent) < roster.count else { throw GatewayError(.unknownAgent, "no agent with index \(agent)") }
        return Int(agent)
    }

    private func name(_ agent: AgentIndex) -> String { roster.names[Int(agent)] }

    // MARK: Agents (docs/behaviour.md §5, §13)

    /// Suspends an agent: every request is denied (`AGENT_SUSPENDED`) until reactivated.
    public mutating func suspend(_ agent: AgentIndex, at time: SimTime) throws(GatewayError) {
        let a = try checkAgent(agent)
        guard !trust.isSuspended(a) else { throw GatewayError(.agentSuspended, "agent \(name(agent)) is already suspended") }
        trust.settleIdle(a, until: time)
        trust.setSuspended(a, true, at: time)
    }

    /// Lifts a suspension, keeping the trust score and counters as they are.
    public mutating func reactivate(_ agent: AgentIndex, at time: SimTime) throws(GatewayError) {
        let a = try checkAgent(agent)
        guard trust.isSuspended(a) else { throw GatewayError(.agentNotSuspended, "agent \(name(agent)) is not suspended") }
        trust.settleIdle(a, until: time)
        trust.setSuspended(a, false, at: time)
    }

    /// Operator reset: trust back to the initial score, counters zeroed (including the
    /// repeated-deny window), pin cleared.
    ///
    /// Refused for a suspended agent: reactivate it first.
    public mutating func resetTrust(_ agent: AgentIndex, at time: SimTime) throws(GatewayError) {
        let a = try checkAgent(agent)
        guard !trust.isSuspended(a) else {
            throw GatewayError(.agentSuspended, "cannot reset trust of agent \(name(agent)): it is suspended (reactivate it first)")
        }
        trust.settleIdle(a, until: time)
        trust.reset(a, at: time)
        correlator.resetDenies(a)
    }

    /// Rotates an agent's API key outside any incident (revoke and re-mint); its prefix changes.
    public mutating func rotateKey(of agent: AgentIndex, at time: SimTime) throws(GatewayError) {
        let a = try checkAgent(agent)
        telemetry.rotateKey(a)
    }

    /// Mints an ephemeral key for an agent; scans carry the returned index as `ephemeralKey`.
    public mutating func mintEphemeralKey(for agent: AgentIndex, scope: EphemeralScope, at time: SimTime) -> Int32 {
        let tools = scope.tools.map { symbols.intern($0) }
        return ephemeral.mint(scope: scope, tools: tools, at: time)
    }

    /// Adds a per-agent override (rules or a quarantine) from now on.
    public mutating func addOverride(_ override: AgentOverride) {
        runtimeOverrides.append(override)
        recompile()
    }

    /// Adds an indicator (host or IP) to a feed, or to the denylist with feed `denylist`.
    public mutating func addIndicator(_ host: String, feed: String) throws(GatewayError) {
        guard feed == "denylist" || rules.threatIntel.feeds.contains(where: { $0.name == feed }) else {
            throw GatewayError(.unknownFeed, "no threat-intel feed '\(feed)' (feeds: \((rules.threatIntel.feeds.map(\.name) + ["denylist"]).joined(separator: ", ")))")
        }
        runtimeIndicators.append((host, feed))
        updateRules(rules)
    }

    /// Replaces the rules mid-run (a timeline "change a rules value"); state carries over, and
    /// indicators and overrides added during the run stay in force.
    ///
    /// Counter windows keep the values the gateway started with.
    public mutating func updateRules(_ newRules: Rules) {
        var r = newRules
        for (host, feed) in runtimeIndicators {
            if feed == "denylist" {
                if !r.threatIntel.denylist.contains(host) { r.threatIntel.denylist.append(host) }
            } else if let k = r.threatIntel.feeds.firstIndex(where: { $0.name == feed }),
                      !r.threatIntel.feeds[k].indicators.contains(host) {
                r.threatIntel.feeds[k].indicators.append(host)
            }
        }
        rules = r
        trust.updateRules(r)
        var s = symbols
        correlator.reconfigure(rules: r, symbols: &s)
        symbols = s
        recompile()
    }

    /// Applies idle recovery to one agent up to `time` (a sample of its trust at `time`).
    public mutating func settle(_ agent: AgentIndex, until time: SimTime) {
        trust.settleIdle(Int(agent), until: time)
    }

    // MARK: Approvals (docs/behaviour.md §8)

    /// An analyst's decision on a pending approval.
    ///
    /// Approving opens the grant window for identical retries; denying opens the deny window and
    /// lowers trust by `trust.analyst_deny`. Expired or decided approvals are refused.
    public mutating func decideApproval(_ id: ApprovalID, approve: Bool, by actor: String, at time: SimTime) throws(GatewayError) {
        let (a, windowEnd) = try approvalBook.decide(id, approve: approve, by: actor, at: time,
                                                     grantWindow: rules.approvals.grantWindow, denyWindow: rules.approvals.denyWindow)
        trust.extendGrantHorizon(Int(a.id.agent), to: windowEnd)
        if !approve {
            let agent = Int(a.id.agent)
            trust.settleIdle(agent, until: time)
            var opened: Int32 = 0
            lower(agent, by: rules.trust.analystDeny, cause: .analystDeny, at: time, trace: a.trace, opened: &opened)
        }
    }

    /// An approval by id.
    public func approval(_ id: ApprovalID) -> Approval? { approvalBook.approval(id) }

    /// Every approval, in the order created (since the last `compactApprovals`).
    public var approvals: [Approval] { approvalBook.approvals }

    /// How many approvals there are in each status, compacted ones included.
    public var approvalCounts: [ApprovalStatus: Int] {
        let counts = approvalBook.countsByStatus
        var out: [ApprovalStatus: Int] = [:]
        for s in ApprovalStatus.allCases where counts[Int(s.rawValue)] > 0 { out[s] = counts[Int(s.rawValue)] }
        return out
    }

    /// The number of approvals held (pending, and resolved since the last compaction).
    public var heldApprovals: Int { approvalBook.approvals.count }

    /// Expires approvals past their expiry at `time` and forgets every resolved one, keeping
    /// their counts (`approvalCounts`). Call it only at an instant every agent's scans have
    /// reached; resolved approvals are then no longer found by id.
    public mutating func compactApprovals(before time: SimTime) { approvalBook.compact(before: time) }

    /// The most recent approval of an agent still pending at `time`.
    public func latestPendingApproval(of agent: AgentIndex, at time: SimTime) -> ApprovalID? {
        approvalBook.latestPending(agent: agent, at: time)
    }

    // MARK: Incidents (docs/behaviour.md §7)

    /// Moves an incident along its lifecycle; see `IncidentDesk` for what is legal.
    public mutating func transition(_ id: IncidentID, to status: IncidentStatus, resolution: Resolution? = nil,
                                    by actor: String, at time: SimTime) throws(GatewayError) {
        try desk.transition(id, to: status, resolution: resolution, by: actor, at: time)
    }

    /// Appends a note to an incident (notes are append-only).
    public mutating func addNote(_ id: IncidentID, author: String, text: String, at time: SimTime) throws(GatewayError) {
        try desk.addNote(id, author: author, text: text, at: time)
    }

    /// Takes an operator response action on an incident and records it there.
    public mutating func respond(_ id: IncidentID, with action: OperatorAction, by actor: String, at time: SimTime) throws(GatewayError) {
        let i = try desk.index(of: id)
        let incident = desk.incidents[i]
        guard incident.status != .closed else {
            throw GatewayError(.incidentClosed, "incident ", .incident(id), " is closed: no further response actions")
        }
        let agent = incident.agent
        let recorded: ResponseAction
        switch action {
        case .suspendAgent:
            if !trust.isSuspended(Int(agent)) { try suspend(agent, at: time) }
            recorded = ResponseAction(kind: .suspendAgent, time: time, actor: actor, detail: name(agent))
        case .rotateKey:
            telemetry.rotateKey(Int(agent))
            recorded = ResponseAction(kind: .rotateKey, time: time, actor: actor, detail: keyPrefix(of: agent))
        case .notify(let channel):
            recorded = ResponseAction(kind: .notifyChannel, time: time, actor: actor, detail: channel)
        case .openTicket(let system):
            recorded = ResponseAction(kind: .openTicket, time: time, actor: actor, detail: system)
        }
        desk.record(recorded, on: i)
    }

    /// Opens a manual incident from one or more traces of an agent (never deduplicated, no
    /// automatic responses: the operator chooses them).
    @discardableResult
    public mutating func openManualIncident(agent: AgentIndex, traces: [TraceRef], severity: Severity, by actor: String,
                                            title: String? = nil, at time: SimTime) throws(GatewayError) -> IncidentID {
        _ = try checkAgent(agent)
        guard !traces.isEmpty else { throw GatewayError(.noTraces, "a manual incident needs at least one trace") }
        let i = desk.open(agent: agent, trigger: IncidentTrigger(kind: .manual), severity: severity,
                          title: title ?? "Manually opened by \(actor)", openedBy: actor, traces: traces, at: time)
        return desk.incidents[i].id
    }

    // MARK: Reading state

    /// Applies idle recovery to every agent and expires every approval pending past its expiry
    /// (for snapshots). Between settles an approval past its expiry may still read `pending`:
    /// every decision checks the expiry time itself, and no agent's clock may expire another
    /// agent's approval (agents of a shard run out of step within a window).
    public mutating func settle(until time: SimTime) {
        approvalBook.expireAll(before: time)
        for a in 0..<roster.count { trust.settleIdle(a, until: time) }
    }

    /// The agent's API key prefix (`iv_live_` and 4 hex digits, changed by a key rotation).
    public func keyPrefix(of agent: AgentIndex) -> String {
        let h = stableHash(roster.id(of: agent), seed: UInt64(telemetry.keyGeneration[Int(agent)]))
        let hex = String(h >> 48, radix: 16)
        return "iv_live_" + String(repeating: "0", count: 4 - hex.count) + hex
    }

    /// Lifetime calls of an agent.
    public func totalCalls(of agent: AgentIndex) -> UInt64 { telemetry.totalCalls(Int(agent)) }
    /// First scan time, or `.never`.
    public func firstSeen(of agent: AgentIndex) -> SimTime { telemetry.firstSeen(Int(agent)) }
    /// Last scan time, or `.never`.
    public func lastSeen(of agent: AgentIndex) -> SimTime { trust.lastActivity(Int(agent)) }
    /// Most used tools, most first (exact while an agent uses at most four tools).
    public func topTools(of agent: AgentIndex) -> [(tool: String, calls: Int)] { telemetry.topTools(Int(agent), symbols: symbols) }
    /// Reason-code counts of the agent's non-ALLOW decisions, by code.
    public func reasonCounts(of agent: AgentIndex) -> [(code: String, count: Int)] { telemetry.reasons(Int(agent), symbols: symbols) }
    /// Whether the agent is in scrutiny at `time`.
    public func inScrutiny(_ agent: AgentIndex, at time: SimTime) -> Bool { trust.inScrutiny(Int(agent), at: time) }
    /// The agent's trust score now.
    public func trustScore(of agent: AgentIndex) -> Score { trust.score(Int(agent)) }
    /// Whether the agent is suspended.
    public func isSuspended(_ agent: AgentIndex) -> Bool { trust.isSuspended(Int(agent)) }
    /// The name of a threat-intel feed by index (the last is `denylist`).
    public func feedName(_ index: Int16) -> String { threatIntelFeedNames[Int(index)] }
}
