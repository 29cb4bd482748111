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
        let f = o.format
        activityOrder &+= 1
        activityChunk.keys.append((scan.time.milliseconds, global, activityOrder))
        var out = activityChunk.bytes
        activityChunk.bytes = []
        var line = ActivityLine(format: f, into: &out)
        line.key(0, &out)
        out.appendDecimalDigits(scan.time.milliseconds)
        line.key(1, &out)
        if f == .ndjson { out.append(UInt8(ascii: "\"")) }
        ActivityLog.appendRFC3339(o.startUnixMilliseconds + scan.time.milliseconds, to: &out)
        if f == .ndjson { out.append(UInt8(ascii: "\"")) }
        line.key(2, &out)
        if f == .ndjson { out.append(UInt8(ascii: "\"")) }
        out.appendDecimalDigits(scan.trace)
        if f == .ndjson { out.append(UInt8(ascii: "\"")) }
        if activityCache.agents.isEmpty {
            activityCache.agents = agents.indices.map { l in
                [ActivityLine.formatted(plan.names[Int(agents[l].global)], f),
                 ActivityLine.formatted(plan.scenario.groups[Int(agents[l].group)].name, f),
                 ActivityLine.formatted(gateway.roster.runtimes[l].description, f)]
            }
            activityCache.labels = GroundTruth.allCases.map { ActivityLine.formatted($0.description, f) }
            activityCache.verbs = Verb.allCases.map { ActivityLine.formatted($0.description, f) }
            activityCache.bands = RiskBand.allCases.map { ActivityLine.formatted($0.description, f) }
            activityCache.decisions = Decision.allCases.map { ActivityLine.formatted($0.description, f) }
            activityCache.none = ActivityLine.formatted(nil, f)
            activityCache.empty = ActivityLine.formatted("", f)
        }
        line.bytes(3, activityCache.agents[local][0], &out)
        line.bytes(4, activityCache.agents[local][1], &out)
        line.bytes(5, activityCache.labels[Int(gateway.roster.labels[local].rawValue)], &out)
        line.bytes(6, activityCache.agents[local][2], &out)
        line.bytes(7, symbolBytes(scan.tool, f), &out)
        line.bytes(8, symbolBytes(scan.operation, f), &out)
        line.bytes(9, activityCache.verbs[Int(scan.verb.rawValue)], &out)
        line.bytes(10, scan.host == .none ? activityCache.empty : symbolBytes(scan.host, f), &out)
        if let cached = activityCache.classes[scan.dataClasses.rawValue] {
            line.bytes(11, cached, &out)
        } else {
            let v = ActivityLine.formatted(list: scan.dataClasses.nameList, f)
            activityCache.classes[scan.dataClasses.rawValue] = v
            line.bytes(11, v, &out)
        }
        line.key(12, &out); out.appendScoreDigits(scan.risk)
        line.bytes(13, activityCache.bands[Int(v.band.rawValue)], &out)
        line.bytes(14, activityCache.decisions[Int(v.decision.rawValue)], &out)
        if let cached = activityCache.reasons[v.reasons] {
            line.bytes(15, cached, &out)
        } else {
            let r = ActivityLine.formatted(list: v.reasons.names(in: gateway.symbols), f)
            activityCache.reasons[v.reasons] = r
            line.bytes(15, r, &out)
        }
        line.bytes(16, v.rule == .none ? activityCache.none : symbolBytes(v.rule, f), &out)
        line.key(17, &out); out.appendScoreDigits(before)
        line.key(18, &out); out.appendScoreDigits(v.trustAfter)
        line.key(19, &out); out.append(contentsOf: (v.inScrutiny ? "true" : "false").utf8)
        guard v.approval != nil || v.incidentsOpened > 0 else {
            line.bytes(20, activityCache.none, &out)
            line.bytes(21, activityCache.emptyList(f), &out)
            line.end(&out)
            activityChunk.bytes = out
            activityChunk.ends.append(out.count)
            return
        }
        let name = plan.names[Int(global)]
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

    /// A symbol's text, formatted once per shard.
    mutating func symbolBytes(_ sym: Symbol, _ f: ActivityOptions.Format) -> [UInt8] {
        let k = Int(sym.raw)
        if k >= activityCache.symbols.count { activityCache.symbols += Array(repeating: nil, count: k + 64 - activityCache.symbols.count) }
        if let b = activityCache.symbols[k] { return b }
        let b = ActivityLine.formatted(gateway.symbols[sym], f)
        activityCache.symbols[k] = b
        return b
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

/// Formatted field values of the activity log, made once per shard.
struct ActivityCache {
    var symbols: [[UInt8]?] = []
    var agents: [[[UInt8]]] = []
    var labels: [[UInt8]] = [], verbs: [[UInt8]] = [], bands: [[UInt8]] = [], decisions: [[UInt8]] = []
    var classes: [UInt8: [UInt8]] = [:]
    var reasons: [ReasonSet: [UInt8]] = [:]
    var none: [UInt8] = [], empty: [UInt8] = []
    func emptyList(_ f: ActivityOptions.Format) -> [UInt8] { f == .csv ? [] : Array("[]".utf8) }
}

extension [UInt8] {
    /// Appends the decimal digits of a non-negative integer.
    package mutating func appendDecimalDigits<T: BinaryInteger>(_ n: T) {
        var v = UInt64(n)
        var divisor: UInt64 = 1
        while v / divisor >= 10 { divisor *= 10 }
        repeat { append(UInt8(48 + v / divisor)); v %= divisor; divisor /= 10 } while divisor > 0
    }
}
