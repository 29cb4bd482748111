import IntervenCore
import IntervenScenario

// The activity log: one formatted record per scan, only when it is on.

extension ShardState {
    /// Turns the activity log on with its filters (agent glob and group resolved per agent once).
    mutating func enableActivity(_ options: ActivityOptions, pool: ActivityChunkPool) {
        logsActivity = true
        activityPool = pool
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
        f.chunk = pool.take()
        activityFormatter = f
    }

    /// Formats the record of one scan, when it passes the filters.
    mutating func logActivity(_ scan: Scan, _ v: Verdict, before: Score, local: Int) {
        let o = activityOptions
        guard activityAgent[local], o.decisions[Int(v.decision.rawValue)] else { return }
        if let from = o.from, scan.time < SimTime.zero + from { return }
        if let to = o.to, !(scan.time < SimTime.zero + to) { return }
        let global = agents[local].global
        // A scan that asked for approval or opened an incident ends with their ids.
        var tail: [UInt8] = []
        if v.approval != nil || v.incidentsOpened > 0 {
            let name = plan.names[Int(global)]
            var line = ActivityLine(continuing: o.format)
            line.text(20, v.approval.map { recordID(seed: plan.scenario.seed, agent: name, kind: "approval", ordinal: $0.ordinal) }, &tail)
            var opened: [String] = []
            if v.incidentsOpened > 0 {
                for i in gateway.desk.incidents.suffix(Int(v.incidentsOpened)) where Int(i.agent) == local {
                    opened.append(recordID(seed: plan.scenario.seed, agent: name, kind: "incident", ordinal: i.id.ordinal))
                }
            }
            line.list(21, opened, &tail)
            line.end(&tail)
        }
        activityFormatter!.record(scan, v, before: before, start: o.startUnixMilliseconds, local: local, global: global,
                                  label: Int(gateway.roster.labels[local].rawValue), symbols: gateway.symbols, tail: tail)
    }

    /// The window's records and their (time, agent, order) order, leaving an empty chunk behind
    /// (one the writer is done with, when there is one).
    mutating func takeActivity() -> ActivityChunk {
        var chunk = activityPool!.take()
        swap(&chunk, &activityFormatter!.chunk)
        chunk.sort()
        return chunk
    }
}
