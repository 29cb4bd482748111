import IntervenCore
import IntervenScenario

// Timeline operator actions, the analyst's decisions, and work reported to the analyst.

extension ShardState {
    // MARK: Operators and the analyst

    mutating func apply(_ q: QueuedAction, at t: SimTime) {
        let event = q.event
        let owner = plan.agent(of: event.action)
        let local = owner.map { AgentIndex(plan.local(of: $0)) }
        do {
            // A scenario built in code may name an agent it does not have (the loader refuses
            // that in files); refuse the action rather than trap.
            if local == nil, let name = Self.agentName(of: event.action) {
                throw GatewayError(.unknownAgent, "no agent named '\(name)'")
            }
            switch event.action {
            case .scan:
                break   // scheduled as timeline scans
            case .suspend:
                try gateway.suspend(local!, at: t)
            case .reactivate:
                try gateway.reactivate(local!, at: t)
            case .resetTrust:
                try gateway.resetTrust(local!, at: t)
            case .rotateKey:
                try gateway.rotateKey(of: local!, at: t)
            case .decideApproval(_, let approve):
                guard let id = gateway.latestPendingApproval(of: local!, at: t) else {
                    throw GatewayError(.unknownApproval, "no pending approval")
                }
                try decide(id, approve: approve, by: event.actor, at: t)
            case .transition(let sel, let status, let resolution):
                try gateway.transition(try incident(sel, local!), to: status, resolution: resolution, by: event.actor, at: t)
            case .addNote(let sel, let text):
                try gateway.addNote(try incident(sel, local!), author: event.actor, text: text, at: t)
            case .respond(let sel, let action):
                try gateway.respond(try incident(sel, local!), with: action, by: event.actor, at: t)
            case .openManualIncident(_, let severity, let count, let title):
                let traces = recentTraces(Int(local!), count: count)
                try gateway.openManualIncident(agent: local!, traces: traces, severity: severity, by: event.actor, title: title, at: t)
            case .addOverride(let o):
                gateway.addOverride(o)
            case .addIndicator(let feed, let host):
                try gateway.addIndicator(host, feed: feed)
                refreshFeeds()
            case .setRules(let rules, _):
                gateway.updateRules(rules)
                refreshFeeds()
            }
        } catch {
            // Tenant-wide actions run on every shard; only shard 0 reports their refusal.
            if owner != nil || shard == 0 {
                let reason = (error as? GatewayError).map(publicMessage) ?? "\(error)"
                let (keyword, agent) = Self.keyword(event)
                refused.append((owner ?? -1, q.index, RefusedAction(time: t, action: Self.describe(event), reason: reason,
                                                                    keyword: keyword, agent: agent, line: event.line)))
            }
        }
        drainTrust()
    }

    /// A refusal as users see it: an incident or approval named by its id in the results
    /// (`incidents.json`), not by this shard's index of its agent, so the text does not depend on
    /// the shard count.
    func publicMessage(_ error: GatewayError) -> String {
        let seed = plan.scenario.seed
        func name(_ local: AgentIndex) -> String { plan.names[Int(agents[Int(local)].global)] }
        switch error.subject {
        case .incident(let id)?:
            return error.message(naming: recordID(seed: seed, agent: name(id.agent), kind: "incident", ordinal: id.ordinal))
        case .approval(let id)?:
            return error.message(naming: recordID(seed: seed, agent: name(id.agent), kind: "approval", ordinal: id.ordinal))
        case nil:
            return error.message
        }
    }

    func incident(_ sel: IncidentSelector, _ local: AgentIndex) throws(GatewayError) -> IncidentID {
        guard let i = gateway.desk.incidents.last(where: { $0.agent == local && (sel.trigger == nil || $0.trigger.kind == sel.trigger) })
        else {
            throw GatewayError(.unknownIncident, "no incident of \(sel.agent)\(sel.trigger.map { " opened by \($0)" } ?? "")")
        }
        return i.id
    }

    func recentTraces(_ local: Int, count: Int) -> [TraceRef] {
        guard !recentNext.isEmpty else { return [] }
        let ring = recent[(local * recentCapacity)..<((local + 1) * recentCapacity)]
        return Array(ring.filter { $0.time != .never }.sorted().suffix(max(1, min(count, recentCapacity))))
    }

    /// An approval decision, with the waiting agent's reaction.
    mutating func decide(_ id: ApprovalID, approve: Bool, by actor: String, at t: SimTime) throws(GatewayError) {
        try gateway.decideApproval(id, approve: approve, by: actor, at: t)
        let local = Int(id.agent)
        guard case .waiting(let awaited, let since, let retry) = agents[local].loop, awaited == id else { return }
        if approve {
            // The agent learns of it at its next poll and re-sends the identical request.
            setLoop(local, .approved(retry: retry))
            let poll = max(1, behaviorTable[Int(agents[local].behavior)].pollInterval.milliseconds)
            let waited = t.milliseconds - since.milliseconds
            let at = since + SimDuration(milliseconds: (waited + poll - 1) / poll * poll)
            agents[local].waitToken &+= 1
            push(at, agent: agents[local].global, kind: .retry, payload: Int32(local), token: agents[local].waitToken)
        } else {
            stopWaiting(local)
            resume(local, at: t)
        }
    }

    mutating func apply(_ d: AnalystDecision, at t: SimTime) {
        let local = AgentIndex(plan.local(of: d.agent))
        do {
            switch d.action {
            case .decideApproval(let approve):
                try decide(ApprovalID(agent: local, ordinal: d.ordinal), approve: approve, by: "analyst", at: t)
            case .investigate:
                try gateway.transition(IncidentID(agent: local, ordinal: d.ordinal), to: .investigating, by: "analyst", at: t)
            case .close(let resolution):
                try gateway.transition(IncidentID(agent: local, ordinal: d.ordinal), to: .closed, resolution: resolution, by: "analyst", at: t)
            }
        } catch {
            // The operator got there first (decided, closed) or the approval expired before the
            // analyst finished: the late action is refused, as in the product, and is not a
            // scripted action, so it is not listed among refused timeline actions.
        }
        drainTrust()
    }

    mutating func collectNewIncidents(at t: SimTime) {
        guard reportsWork else { return }
        let incidents = gateway.desk.incidents
        while incidentsSeen < incidents.count {
            let i = incidents[incidentsSeen]
            incidentsSeen += 1
            work.append(AnalystWork(kind: .incident, time: i.openedAt, agent: agents[Int(i.agent)].global, ordinal: i.id.ordinal,
                                    label: gateway.roster.labels[Int(i.agent)], trigger: i.trigger.kind.rawValue))
        }
    }

    /// The agent a per-agent action names, or nil for tenant-wide actions.
    static func agentName(of action: TimelineAction) -> String? {
        switch action {
        case .scan(let a, _, _, _), .suspend(let a), .reactivate(let a), .resetTrust(let a), .rotateKey(let a),
             .decideApproval(let a, _), .openManualIncident(let a, _, _, _):
            a
        case .transition(let sel, _, _), .addNote(let sel, _), .respond(let sel, _):
            sel.agent
        case .addOverride, .addIndicator, .setRules:
            nil
        }
    }

    /// The action's timeline key and the agent it names.
    static func keyword(_ e: TimelineEvent) -> (String, String?) {
        switch e.action {
        case .scan(let a, _, _, _): ("scan", a)
        case .suspend(let a): ("suspend", a)
        case .reactivate(let a): ("reactivate", a)
        case .resetTrust(let a): ("reset_trust", a)
        case .rotateKey(let a): ("rotate_key", a)
        case .decideApproval(let a, let approve): (approve ? "approve" : "deny", a)
        case .transition(let s, let to, _): (to == .closed ? "close" : "transition", s.agent)
        case .addNote(let s, _): ("note", s.agent)
        case .respond(let s, _): ("respond", s.agent)
        case .openManualIncident(let a, _, _, _): ("manual_incident", a)
        case .addOverride(let o): ("override", o.agent)
        case .addIndicator: ("indicator", nil)
        case .setRules: ("set", nil)
        }
    }

    /// A timeline event as the scenario wrote it, for messages.
    static func describe(_ e: TimelineEvent) -> String {
        func sel(_ s: IncidentSelector) -> String { s.agent + (s.trigger.map { " \($0)" } ?? "") }
        let what: String = switch e.action {
        case .scan(let a, let t, let n, _): "scan \(a) \(t.tool).\(t.operation) x\(n)"
        case .suspend(let a): "suspend \(a)"
        case .reactivate(let a): "reactivate \(a)"
        case .resetTrust(let a): "reset_trust \(a)"
        case .rotateKey(let a): "rotate_key \(a)"
        case .decideApproval(let a, let approve): "\(approve ? "approve" : "deny") \(a)"
        case .transition(let s, let to, let r): "transition \(sel(s)) to \(to)" + (r.map { " (\($0))" } ?? "")
        case .addNote(let s, _): "note \(sel(s))"
        case .respond(let s, let action): "respond \(sel(s)) \(action)"
        case .openManualIncident(let a, let sev, _, _): "manual_incident \(a) \(sev)"
        case .addOverride(let o): "override \(o.agent)"
        case .addIndicator(let feed, let host): "indicator \(feed) \(host)"
        case .setRules(_, let change): "set \(change)"
        }
        return "\(e.actor) \(what)"
    }
}
