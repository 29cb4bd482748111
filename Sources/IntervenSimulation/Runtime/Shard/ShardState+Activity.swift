import IntervenCore
import IntervenScenario

// The activity log: one formatted record per scan, only when it is on.

extension ShardState {
    /// Turns the activity log on with its filters (agent glob and group resolved per agent once).
    mutating func enableActivity(_ options: ActivityOptions) {
        logsActivity = true
        activityOptions = options
        let glob = options.agent.map(Glob.init)
        activityAgent = agents.map { a in
            let name = plan.names[Int(a.global)]
            return (glob?.matches(name) ?? true) && (options.group.map { plan.scenario.groups[Int(a.group)].name == $0 } ?? true)
        }
        var f = ActivityFormatter(format: options.format)
        f.agentHead = agents.indices.map { l in
            f.store(ActivityLine.glue(3, f.format) + ActivityLine.formatted(plan.names[Int(agents[l].global)], f.format)
                    + ActivityLine.glue(4, f.format) + ActivityLine.formatted(plan.scenario.groups[Int(agents[l].group)].name, f.format)
                    + ActivityLine.glue(5, f.format), quoteFirst: true)
        }
        f.agentTail = agents.indices.map { l in
            f.store(ActivityLine.glue(6, f.format) + ActivityLine.formatted(gateway.roster.runtimes[l].description, f.format)
                    + ActivityLine.glue(7, f.format))
        }
        activityFormatter = f
    }

    /// Formats the record of one scan, when it passes the filters.
    mutating func logActivity(_ scan: Scan, _ v: Verdict, before: Score, local: Int) {
        let o = activityOptions
        guard activityAgent[local], o.decisions[Int(v.decision.rawValue)] else { return }
        if let from = o.from, scan.time < SimTime.zero + from { return }
        if let to = o.to, !(scan.time < SimTime.zero + to) { return }
        let global = agents[local].global
        let f = o.format
        let tool = symbolFragment(scan.tool, role: 0)
        let operation = symbolFragment(scan.operation, role: 1)
        let host = symbolFragment(scan.host, role: 2)
        let policy = symbolFragment(v.rule, role: 3)
        let classes = activityFormatter!.classes(scan.dataClasses)
        let reasons = reasonsFragment(v.reasons)
        let plain = v.approval == nil && v.incidentsOpened == 0
        activityFormatter!.put(time: scan.time.milliseconds, start: o.startUnixMilliseconds, trace: scan.trace, local: local,
                           label: Int(gateway.roster.labels[local].rawValue), tool: tool, operation: operation,
                           verb: Int(scan.verb.rawValue), host: host, classes: classes, risk: scan.risk,
                           band: Int(v.band.rawValue), decision: Int(v.decision.rawValue), reasons: reasons, policy: policy,
                           before: before, after: v.trustAfter, scrutiny: v.inScrutiny, plain: plain)
        if !plain {
            let name = plan.names[Int(global)]
            var out: [UInt8] = []
            var line = ActivityLine(continuing: f)
            line.text(20, v.approval.map { recordID(seed: plan.scenario.seed, agent: name, kind: "approval", ordinal: $0.ordinal) }, &out)
            var opened: [String] = []
            if v.incidentsOpened > 0 {
                for i in gateway.desk.incidents.suffix(Int(v.incidentsOpened)) where Int(i.agent) == local {
                    opened.append(recordID(seed: plan.scenario.seed, agent: name, kind: "incident", ordinal: i.id.ordinal))
                }
            }
            line.list(21, opened, &out)
            line.end(&out)
            out.withUnsafeBytes { activityFormatter!.chunk.bytes.append($0) }
        }
        activityFormatter!.chunk.close(time: scan.time.milliseconds, agent: global)
    }

    /// A symbol's text followed by what comes after it in the record (tool, operation, host,
    /// policy), formatted once per shard.
    mutating func symbolFragment(_ sym: Symbol, role: Int) -> Fragment {
        let k = Int(sym.raw) &* 4 &+ role
        if k < activityFormatter!.symbols.count, let frag = activityFormatter!.symbols[k] { return frag }
        let f = activityFormatter!.format
        let text: [UInt8]
        switch role {
        case 0: text = ActivityLine.formatted(gateway.symbols[sym], f) + ActivityLine.glue(8, f)
        case 1: text = ActivityLine.formatted(gateway.symbols[sym], f)
        case 2: text = ActivityLine.formatted(sym == .none ? "" : gateway.symbols[sym], f) + ActivityLine.glue(11, f)
        default: text = ActivityLine.formatted(sym == .none ? nil : gateway.symbols[sym], f) + ActivityLine.glue(17, f)
        }
        if k >= activityFormatter!.symbols.count {
            activityFormatter!.symbols += Array(repeating: nil, count: k + 256 - activityFormatter!.symbols.count)
        }
        let frag = activityFormatter!.store(text)
        activityFormatter!.symbols[k] = frag
        return frag
    }

    /// A reason set's list followed by the `policy` key, formatted once per set and shard.
    mutating func reasonsFragment(_ r: ReasonSet) -> Fragment {
        if let last = activityFormatter!.lastReasons, last.set == r { return last.fragment }
        let frag: Fragment
        if let cached = activityFormatter!.reasons[r] {
            frag = cached
        } else {
            let f = activityFormatter!.format
            frag = activityFormatter!.store(ActivityLine.formatted(list: r.names(in: gateway.symbols), f) + ActivityLine.glue(16, f))
            activityFormatter!.reasons[r] = frag
        }
        activityFormatter!.lastReasons = (r, frag)
        return frag
    }

    /// The window's records and their (time, agent, order) order, leaving an empty chunk behind.
    mutating func takeActivity() -> ActivityChunk {
        var chunk = ActivityChunk(capacity: activityFormatter!.chunk.bytes.capacity)
        swap(&chunk, &activityFormatter!.chunk)
        chunk.sort()
        return chunk
    }
}
