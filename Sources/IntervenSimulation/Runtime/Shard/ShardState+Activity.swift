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
    }

    /// Formats the record of one scan, when it passes the filters.
    mutating func logActivity(_ scan: Scan, _ v: Verdict, before: Score, local: Int) {
        let o = activityOptions
        guard activityAgent[local], o.decisions[Int(v.decision.rawValue)] else { return }
        if let from = o.from, scan.time < SimTime.zero + from { return }
        if let to = o.to, !(scan.time < SimTime.zero + to) { return }
        let global = agents[local].global
        let name = plan.names[Int(global)]
        let roster = gateway.roster
        activityOrder &+= 1
        activityChunk.keys.append((scan.time.milliseconds, global, activityOrder))
        var out = activityChunk.bytes
        activityChunk.bytes = []
        var line = ActivityLine(format: o.format, into: &out)
        var digits: [UInt8] = []
        digits.appendDecimalDigits(scan.time.milliseconds)
        line.raw(0, digits, &out)
        line.key(1, &out)
        if o.format == .ndjson { out.append(UInt8(ascii: "\"")) }
        ActivityLog.appendRFC3339(o.startUnixMilliseconds + scan.time.milliseconds, to: &out)
        if o.format == .ndjson { out.append(UInt8(ascii: "\"")) }
        digits.removeAll(keepingCapacity: true)
        digits.appendDecimalDigits(scan.trace)
        if o.format == .ndjson { line.text(2, String(decoding: digits, as: UTF8.self), &out) } else { line.raw(2, digits, &out) }
        line.text(3, name, &out)
        line.text(4, plan.scenario.groups[Int(agents[local].group)].name, &out)
        line.text(5, roster.labels[local].description, &out)
        line.text(6, roster.runtimes[local].description, &out)
        line.text(7, gateway.symbols[scan.tool], &out)
        line.text(8, gateway.symbols[scan.operation], &out)
        line.text(9, scan.verb.description, &out)
        line.text(10, scan.host == .none ? "" : gateway.symbols[scan.host], &out)
        line.list(11, scan.dataClasses.nameList, &out)
        line.raw(12, scan.risk.description.utf8, &out)
        line.text(13, v.band.description, &out)
        line.text(14, v.decision.description, &out)
        line.list(15, v.reasons.names(in: gateway.symbols), &out)
        line.text(16, v.rule == .none ? nil : gateway.symbols[v.rule], &out)
        line.raw(17, before.description.utf8, &out)
        line.raw(18, v.trustAfter.description.utf8, &out)
        line.raw(19, (v.inScrutiny ? "true" : "false").utf8, &out)
        line.text(20, v.approval.map { recordID(seed: plan.scenario.seed, agent: name, kind: "approval", ordinal: $0.ordinal) }, &out)
        var opened: [String] = []
        if v.incidentsOpened > 0 {
            for i in gateway.desk.incidents.suffix(Int(v.incidentsOpened)) where Int(i.agent) == local {
                opened.append(recordID(seed: plan.scenario.seed, agent: name, kind: "incident", ordinal: i.id.ordinal))
            }
        }
        line.list(21, opened, &out)
        line.end(&out)
        activityChunk.bytes = out
        activityChunk.ends.append(out.count)
    }

    /// The window's records in (time, agent, order) order, leaving an empty buffer behind.
    mutating func takeActivity() -> ActivityChunk {
        var chunk = ActivityChunk()
        swap(&chunk, &activityChunk)
        activityChunk.bytes.reserveCapacity(chunk.bytes.count)
        let keys = chunk.keys
        if keys.count < 2 || zip(keys, keys.dropFirst()).allSatisfy({ ($0.time, $0.agent, $0.order) < ($1.time, $1.agent, $1.order) }) {
            return chunk
        }
        let order = keys.indices.sorted { (keys[$0].time, keys[$0].agent, keys[$0].order) < (keys[$1].time, keys[$1].agent, keys[$1].order) }
        var sorted = ActivityChunk()
        sorted.bytes.reserveCapacity(chunk.bytes.count)
        sorted.keys.reserveCapacity(keys.count)
        sorted.ends.reserveCapacity(keys.count)
        for k in order {
            sorted.keys.append(keys[k])
            sorted.bytes.append(contentsOf: chunk.bytes[(k == 0 ? 0 : chunk.ends[k - 1])..<chunk.ends[k]])
            sorted.ends.append(sorted.bytes.count)
        }
        return sorted
    }
}

extension [UInt8] {
    /// Appends the decimal digits of a non-negative integer.
    mutating func appendDecimalDigits<T: BinaryInteger>(_ n: T) {
        var v = UInt64(n)
        var divisor: UInt64 = 1
        while v / divisor >= 10 { divisor *= 10 }
        repeat { append(UInt8(48 + v / divisor)); v %= divisor; divisor /= 10 } while divisor > 0
    }
}
