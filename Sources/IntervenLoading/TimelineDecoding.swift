import IntervenCore
import IntervenScenario

/// Decoding of the timeline: one-off scans and operator actions at times within the run.
extension ScenarioDecoder {
    /// A timeline item as written; a rules change is resolved once the items are in time order.
    struct PendingEvent {
        var at: SimDuration
        /// The item's index in the file: the tie-break among items at one time.
        var order: Int
        var actor: String
        /// The action, or nil for a rules change.
        var action: TimelineAction?
        /// The `set` mapping of a rules change.
        var settings: LayeredNode?
        /// The item's line in the file.
        var line = 0
    }

    /// One item: `at`, optional `by`, and exactly one action key.
    mutating func timelineItem(_ item: LayeredNode) throws(LoadError) -> PendingEvent {
        try item.expectKeys(ScenarioKeys.timelineItem)
        if item.isNullOrAbsent { throw item.missing("a timeline item like {at: 1h, suspend: fin-bot-01}") }
        let order: Int
        if case .index(let i)? = item.path.components.last { order = i } else { order = 0 }
        let at = try time(item.child("at"))
        let actor = try item.child("by").optional { n throws(LoadError) in try n.string("an actor name") } ?? "operator"
        let kind = try item.exactlyOne(of: ScenarioKeys.actions, what: "an action", rule: "one action per timeline item")
        let node = try item.child(kind)
        var event = PendingEvent(at: at, order: order, actor: actor)
        event.line = item.top?.line ?? 0
        switch kind {
        case "scan": event.action = try scan(node, at: at, order: order)
        case "suspend": event.action = .suspend(agent: try agents.agent(node))
        case "reactivate": event.action = .reactivate(agent: try agents.agent(node))
        case "reset_trust": event.action = .resetTrust(agent: try agents.agent(node))
        case "rotate_key": event.action = .rotateKey(agent: try agents.agent(node))
        case "approve": event.action = .decideApproval(agent: try agents.agent(node), approve: true)
        case "deny": event.action = .decideApproval(agent: try agents.agent(node), approve: false)
        case "transition": event.action = try transition(node)
        case "close":
            let n = try mapping(node, keys: ScenarioKeys.close, example: "{agent: fin-bot-01, trigger: repeated_deny, resolution: false_positive}")
            event.action = .transition(try selector(n), to: .closed, resolution: try resolution(n.child("resolution")))
        case "note":
            let n = try mapping(node, keys: ScenarioKeys.note, example: "{agent: fin-bot-01, text: checked}")
            event.action = .addNote(try selector(n), text: try n.child("text").string("the note's text"))
        case "respond":
            let n = try mapping(node, keys: ScenarioKeys.respond, example: "{agent: fin-bot-01, action: rotate_key}")
            event.action = .respond(try selector(n), try response(n.child("action")))
        case "manual_incident": event.action = try manualIncident(node)
        case "override":
            if node.isNullOrAbsent { throw node.missing("an override like {agent: fin-bot-*, quarantine: true}") }
            let override = try PolicyDecoding.override(node)
            _ = try agents.agentPattern(node.child("agent"), text: override.agent)
            event.action = .addOverride(override)
        case "indicator":
            let n = try mapping(node, keys: ScenarioKeys.indicator, example: "{feed: urlhaus, host: new-bad.example}")
            let feedNode = try n.child("feed")
            let feed = try feedNode.string("a feed name")
            feedChecks.append(FeedCheck(feed: feed, at: at, order: order, node: feedNode, allowDenylist: true))
            event.action = .addIndicator(feed: feed, host: try fixedHost(n.child("host")))
        default: // "set"
            guard let top = node.top, !node.isNullOrAbsent else { throw node.missing("rules changes like {triggers.repeated_deny.count: 3}") }
            guard case .mapping(let m) = top.node else {
                throw node.expected("a mapping of rules key paths to values, like {triggers.repeated_deny.count: 3}", found: top, code: .wrongType)
            }
            if m.count == 0 { throw node.fail(.missingValue, "expected at least one rules change; found an empty mapping") }
            event.settings = node
        }
        return event
    }

    /// A mapping value of an action (not null), with its keys checked.
    private func mapping(_ node: LayeredNode, keys: [String], example: String) throws(LoadError) -> LayeredNode {
        try node.expectKeys(keys)
        if node.isNullOrAbsent { throw node.missing(example) }
        return node
    }

    private mutating func scan(_ node: LayeredNode, at: SimDuration, order: Int) throws(LoadError) -> TimelineAction {
        let n = try mapping(node, keys: ScenarioKeys.scan, example: "{agent: fin-bot-01, op: github.create_pr, count: 5, every: 10s}")
        let agent = try agents.agent(n.child("agent"))
        let countNode = try n.child("count")
        let count = try countNode.optional { c throws(LoadError) in try c.int(atLeast: 1, atMost: 100_000) } ?? 1
        let every = try n.child("every").optional { c throws(LoadError) in try c.duration(positive: true) } ?? .seconds(1)
        let template = try self.template(n, at: at, order: order)
        let last = at + every * Int64(count - 1)
        if last >= duration {
            throw n.fail(.outOfRun, "expected every scan within the run (duration \(durationText)); \(count) scans every \(every) from \(at) end at \(last)",
                         at: countNode.top ?? n.top)
        }
        return .scan(agent: agent, template: template, count: count, spacing: every)
    }

    private func transition(_ node: LayeredNode) throws(LoadError) -> TimelineAction {
        let n = try mapping(node, keys: ScenarioKeys.transition, example: "{agent: fin-bot-01, trigger: repeated_deny, to: investigating}")
        let selector = try self.selector(n)
        let toNode = try n.child("to")
        let to = try toNode.named("a status to move to", names: ["investigating", "closed"]) { name -> IncidentStatus? in
            name == "open" ? nil : IncidentStatus(name: name)
        }
        let resolutionNode = try n.child("resolution")
        let resolution = try resolutionNode.optional { r throws(LoadError) in try self.resolution(r) }
        if to == .closed, resolution == nil {
            throw n.fail(.missingValue, "closing an incident needs a resolution (\(Resolution.allCases.map(\.description).joined(separator: ", ")))",
                         at: toNode.top)
        }
        if to != .closed, resolution != nil {
            throw resolutionNode.fail(.invalidValue, "a resolution goes only with to: closed; this transition is to \(to)")
        }
        return .transition(selector, to: to, resolution: resolution)
    }

    private func resolution(_ node: LayeredNode) throws(LoadError) -> Resolution {
        try node.named(Resolution.self, "a resolution")
    }

    /// `agent` and optional `trigger`: the agent's newest incident (of that trigger).
    private func selector(_ node: LayeredNode) throws(LoadError) -> IncidentSelector {
        let agent = try agents.agent(node.child("agent"))
        let trigger = try node.child("trigger").optional { t throws(LoadError) in try t.named(TriggerKind.self, "a trigger") }
        return IncidentSelector(agent: agent, trigger: trigger)
    }

    /// `suspend_agent`, `rotate_key`, `{notify: CHANNEL}` or `{ticket: SYSTEM}`.
    private func response(_ node: LayeredNode) throws(LoadError) -> OperatorAction {
        guard let top = node.top, case .mapping = top.node else {
            let what = "suspend_agent, rotate_key, {notify: CHANNEL} or {ticket: SYSTEM}"
            return try node.scalar(what) { text, _, at throws(LoadError) -> OperatorAction in
                switch text {
                case "suspend_agent": return .suspendAgent
                case "rotate_key": return .rotateKey
                default:
                    let hint = Suggestion.nearest(to: text, in: ["suspend_agent", "rotate_key", "notify", "ticket"]).map { "; did you mean '\($0)'?" } ?? ""
                    throw at.error(.invalidValue, "\(node.path): expected \(what); found \(LayeredNode.describe(at.node))" + hint)
                }
            }
        }
        try node.expectKeys(ScenarioKeys.respondAction)
        let kind = try node.exactlyOne(of: ScenarioKeys.respondAction, what: "a response", rule: "one response")
        if kind == "notify" { return .notify(channel: try node.child("notify").string("a channel like #sec")) }
        return .openTicket(system: try node.child("ticket").string("a ticket system like jira"))
    }

    private func manualIncident(_ node: LayeredNode) throws(LoadError) -> TimelineAction {
        let n = try mapping(node, keys: ScenarioKeys.manualIncident, example: "{agent: fin-bot-01, severity: HIGH, traces: 3}")
        let agent = try agents.agent(n.child("agent"))
        let severity = try n.child("severity").named(Severity.self, "a severity")
        // The runtime keeps each agent's 16 most recent traces for manual incidents.
        let traces = try n.child("traces").optional { t throws(LoadError) in try t.int(atLeast: 1, atMost: 16) } ?? 1
        let title = try n.child("title").optional { t throws(LoadError) in try t.string("a title") }
        return .openManualIncident(agent: agent, severity: severity, traces: traces, title: title)
    }

    // MARK: Resolution

    /// The events in time order (file order among equal times), with each rules change resolved
    /// to the rules in force from then on; then every feed reference checked against the rules
    /// in force at its time.
    mutating func resolve(_ pending: [PendingEvent], base: Rules) throws(LoadError) -> [TimelineEvent] {
        let sorted = pending.sorted { ($0.at, $0.order) < ($1.at, $1.order) }
        var changes: [(at: SimDuration, order: Int, rules: Rules)] = []
        var inForce = base
        var events: [TimelineEvent] = []
        events.reserveCapacity(sorted.count)
        for event in sorted {
            if let settings = event.settings {
                // The change is laid over the rules in force, written out as one complete layer,
                // rather than over every earlier layer again: each change then costs the size of
                // the rules, not the number of changes before it. Every earlier layer was checked
                // when it was laid, and the rendering loads back to the same rules.
                var step = try RulesStack.rendering(inForce, source: settings.top?.origin.source ?? "?")
                let change = try step.appendSettings(settings).joined(separator: ", ")
                let rules = try step.decode()
                inForce = rules
                changes.append((event.at, event.order, rules))
                var e = TimelineEvent(at: event.at, actor: event.actor, action: .setRules(rules, change: change))
                e.line = event.line
                events.append(e)
            } else if let action = event.action {
                var e = TimelineEvent(at: event.at, actor: event.actor, action: action)
                e.line = event.line
                events.append(e)
            }
        }
        var feedNames: [Int: Set<String>] = [:]
        for check in feedChecks {
            // The last change before the check (changes are in time order), or the base rules.
            var low = 0, high = changes.count
            while low < high {
                let mid = (low + high) / 2
                if (changes[mid].at, changes[mid].order) < (check.at, check.order) { low = mid + 1 } else { high = mid }
            }
            let rules = low == 0 ? base : changes[low - 1].rules
            let known = feedNames[low] ?? Set(rules.threatIntel.feeds.map(\.name))
            feedNames[low] = known
            if known.contains(check.feed) || (check.allowDenylist && check.feed == "denylist") { continue }
            let feeds = rules.threatIntel.feeds.map(\.name)
            let names = feeds + (check.allowDenylist ? ["denylist"] : [])
            let spelt = check.allowDenylist ? check.feed : "feed:\(check.feed)"
            let hint = Suggestion.nearest(to: check.feed, in: names).map { check.allowDenylist ? "; did you mean '\($0)'?" : "; did you mean 'feed:\($0)'?" } ?? ""
            let expectation = check.allowDenylist ? "a feed of the rules or denylist" : "feed:NAME with a feed of the rules, or feed:any"
            let when = check.at == .zero ? "the rules' feeds" : "feeds at \(check.at)"
            throw check.node.fail(.invalidValue, "expected \(expectation) (\(when): \(Escaping.list(names))); found \(Escaping.quoted(spelt))" + hint)
        }
        return events
    }
}
