import IntervenCore
import IntervenScenario

// Compiling scan templates and drawing an agent's traffic: arrivals, scans, phases.

extension ShardState {
    // MARK: Compiling traffic

    mutating func refreshFeeds() {
        let feeds = gateway.rules.threatIntel.feeds
        feedIndicators = feeds.map { $0.indicators.map { gateway.intern($0) } }
        anyFeedIndicators = zip(feeds, feedIndicators).filter { $0.0.enabled }.flatMap(\.1)
    }

    mutating func compile(_ mix: [WeightedTemplate], id: UInt64) -> Int32 {
        var templates: [CompiledTemplate] = [], cumulative: [UInt64] = []
        var total: UInt64 = 0
        for (k, w) in mix.enumerated() {
            templates.append(compileTemplate(w.template, id: id << 16 | UInt64(k)))
            total += UInt64(max(1, w.weight))
            cumulative.append(total)
        }
        mixes.append(CompiledMix(templates: templates, cumulative: cumulative, total: total))
        return Int32(mixes.count - 1)
    }

    mutating func compileTemplate(_ t: ScanTemplate, id: UInt64) -> CompiledTemplate {
        var source = HostSource.fixed
        var host = Symbol.none
        switch t.host {
        case .fixed(let h): host = gateway.intern(h)
        case .threatFeed(let name):
            if let name, let k = gateway.rules.threatIntel.feeds.firstIndex(where: { $0.name == name }) { source = .feed(Int32(k)) } else { source = .anyEnabledFeed }
        }
        let (lo, hi): (Score, Score) = switch t.risk {
        case .fixed(let s): (s, s)
        case .uniform(let a, let b): (min(a, b), max(a, b))
        }
        let hostText = if case .fixed(let h) = t.host { h } else { "feed" }
        return CompiledTemplate(tool: gateway.intern(t.tool), operation: gateway.intern(t.operation), verb: t.verb, host: host,
                                url: gateway.intern("https://\(hostText)/\(t.tool)/\(t.operation)"),
                                principal: t.principal.map { gateway.intern($0) } ?? .none, hostSource: source, external: t.external,
                                dataClasses: t.dataClasses, riskLow: lo.micros, riskHigh: hi.micros,
                                bodyBytes: Int32(clamping: t.bodyBytes), variants: UInt64(max(1, t.variants)), id: id)
    }

    mutating func makeScan(_ local: Int, mix m: Int, at t: SimTime) -> Scan {
        var rng = agents[local].stream
        let r = rng.nextBelow(mixes[m].total)
        var k = 0
        while mixes[m].cumulative[k] <= r { k += 1 }
        let scan = makeScan(local, template: mixes[m].templates[k], rng: &rng, at: t)
        agents[local].stream = rng
        return scan
    }

    mutating func makeScan(_ local: Int, template c: CompiledTemplate, rng: inout RandomStream, at t: SimTime) -> Scan {
        if agents[local].needsKey, case .ephemeral(let scope) = plan.scenario.groups[Int(agents[local].group)].key {
            agents[local].key = gateway.mintEphemeralKey(for: AgentIndex(local), scope: scope, at: t)
            agents[local].needsKey = false
        }
        let variant = rng.nextBelow(c.variants)
        let risk = c.riskLow == c.riskHigh ? c.riskLow
            : c.riskLow + Int32(rng.nextBelow(UInt64(c.riskHigh - c.riskLow) + 1))
        var host = c.host
        switch c.hostSource {
        case .fixed:
            break
        case .feed(let f):
            let pool = feedIndicators[Int(f)]
            if !pool.isEmpty { host = pool[Int(rng.nextBelow(UInt64(pool.count)))] }
        case .anyEnabledFeed:
            if !anyFeedIndicators.isEmpty { host = anyFeedIndicators[Int(rng.nextBelow(UInt64(anyFeedIndicators.count)))] }
        }
        agents[local].sent &+= 1
        return Scan(time: t, agent: AgentIndex(local), tool: c.tool, operation: c.operation, verb: c.verb,
                    isExternal: c.external, dataClasses: c.dataClasses, host: host, url: c.url, principal: c.principal,
                    risk: Score(micros: risk), bodySize: c.bodyBytes,
                    signature: splitMix64(agents[local].traceBase ^ c.id) ^ variant,
                    trace: traceID(local), ephemeralKey: agents[local].key)
    }

    /// The id of the agent's latest scan: a 64-bit mix of (seed, agent name, sequence).
    @inline(__always) func traceID(_ local: Int) -> TraceID {
        splitMix64(agents[local].traceBase &+ UInt64(agents[local].sent))
    }

    mutating func applyPhase(_ local: Int, index: Int, at t: SimTime) {
        let group = plan.scenario.groups[Int(agents[local].group)]
        let phase = group.phases[index]
        if let label = phase.label { gateway.setLabel(label, for: AgentIndex(local)) }
        let g = Int(agents[local].group)
        if groupBehaviors[g][index + 1] >= 0 { agents[local].behavior = groupBehaviors[g][index + 1] }
        let mixID = groupMixes[Int(agents[local].group)][index + 1]
        if mixID >= 0 { agents[local].mix = mixID }
        if groupArrivals[g][index + 1] >= 0 {
            agents[local].arrivals = groupArrivals[g][index + 1]
            // An agent blocked on an approval, or approved and about to retry, picks up the new
            // arrivals when it resumes; one in a backoff pause keeps its pause.
            switch agents[local].loop {
            case .active: scheduleArrival(local, from: t, first: true)
            case .paused(let until): scheduleArrival(local, from: max(t, until), first: true)
            case .waiting, .approved: break
            }
        }
    }
}
