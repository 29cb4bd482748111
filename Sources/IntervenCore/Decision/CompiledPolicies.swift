/// One policy rule compiled for the per-scan path: symbol bit sets and integer conditions.
///
/// A class of constants, not a struct: the rule holds a dozen array references, and the
/// evaluation loop copied the struct (a retain and release of each) for every rule it looked at.
final class CompiledRule: Sendable {
    let id: Symbol
    let name: String
    let action: PolicyAction
    let decision: Decision
    let reasonCode: Symbol
    let incidentSeverity: Severity
    let tools, operations, urls, hosts, principals: SymbolMatcher?
    let verbs: VerbSet?
    let runtimes: UInt16?
    /// Agents the rule names (tenant rules only); nil for any agent.
    let agents: BitSet?
    let agentGlobs: [Glob]
    let dataClasses: DataClasses?
    let isExternal: Bool?
    let riskGreaterThan: Score?
    let trustLessThan: Score?
    let threatIntelMatch: Bool?
    let bodySizeGreaterThan: Int?

    init(_ r: PolicyRule, symbols: inout SymbolTable, roster: AgentRoster) {
        id = symbols.intern(r.id)
        name = r.name
        action = r.action
        decision = r.action.decision
        reasonCode = r.reasonCode.map { symbols.intern($0) } ?? .none
        incidentSeverity = r.incidentSeverity ?? .high
        let s = symbols
        tools = r.match.toolNames.map { SymbolMatcher(patterns: $0, symbols: s) }
        operations = r.match.operations.map { SymbolMatcher(patterns: $0, symbols: s) }
        urls = r.match.urlPatterns.map { SymbolMatcher(patterns: $0, symbols: s) }
        hosts = r.match.hostPatterns.map { SymbolMatcher(patterns: $0, symbols: s) }
        principals = r.match.principalPatterns.map { SymbolMatcher(patterns: $0, symbols: s) }
        verbs = r.match.verbs
        runtimes = r.match.runtimes.map { $0.reduce(0) { $0 | $1.bit } }
        agentGlobs = (r.match.agents ?? []).map(Glob.init)
        if r.match.agents != nil {
            var b = BitSet(capacity: roster.count)
            let byID = agentGlobs.filter(\.couldMatchUUID)
            for i in 0..<roster.count where agentGlobs.contains(where: { $0.matches(roster.names[i]) })
                || (!byID.isEmpty && byID.contains(where: { $0.matches(roster.id(of: AgentIndex(i))) })) {
                b.insert(i)
            }
            agents = b
        } else {
            agents = nil
        }
        dataClasses = r.condition.hasDataClass
        isExternal = r.condition.isExternal
        riskGreaterThan = r.condition.riskScoreGreaterThan
        trustLessThan = r.condition.trustScoreLessThan
        threatIntelMatch = r.condition.threatIntelMatch
        bodySizeGreaterThan = r.condition.bodySizeGreaterThan
    }

    /// Whether the rule matches the scan (match keys ANDed, conditions ANDed).
    @inline(__always)
    func matches(_ scan: Scan, runtime: Runtime, trust: Score, threatIntel: Bool, symbols: SymbolTable) -> Bool {
        if let v = verbs, !v.contains(scan.verb) { return false }
        if let t = tools, !t.matches(scan.tool, symbols) { return false }
        if let o = operations, !o.matches(scan.operation, symbols) { return false }
        if let rt = runtimes, rt & runtime.bit == 0 { return false }
        if let a = agents {
            let i = Int(scan.agent)
            if i >= a.capacity || !a.contains(i) { return false }
        }
        if let d = dataClasses, d.isDisjoint(with: scan.dataClasses) { return false }
        if let e = isExternal, e != scan.isExternal { return false }
        if let r = riskGreaterThan, !(scan.risk > r) { return false }
        if let tl = trustLessThan, !(trust < tl) { return false }
        if let ti = threatIntelMatch, ti != threatIntel { return false }
        if let b = bodySizeGreaterThan, !(Int(scan.bodySize) > b) { return false }
        if let h = hosts, !h.matches(scan.host, symbols) { return false }
        if let u = urls, !u.matches(scan.url, symbols) { return false }
        if let p = principals, !p.matches(scan.principal, symbols) { return false }
        return true
    }
}

/// The rules that apply to one agent before tenant rules.
struct OverrideSet: Sendable {
    var quarantine: Bool
    var rules: [CompiledRule]
}

/// What policy evaluation (docs/behaviour.md §3, step 4) decided; plain data, so returning it copies no rule.
struct PolicyOutcome {
    /// The decision before threat intel and scrutiny; ALLOW when nothing matched.
    var decision: Decision = .allow
    /// The `rule_id` reported as "the policy that matched", or `.none`.
    var ruleID: Symbol = .none
    /// The reported rule's `reason_code`, or `.none`.
    var reasonCode: Symbol = .none
    /// Whether any rule matched.
    var matched = false
    /// Whether the agent is quarantined.
    var quarantined = false
    /// Whether any matched rule is OPEN_INCIDENT (the gateway then collects them all).
    var opensIncident = false
}

/// Tenant rules and per-agent overrides compiled against a symbol table and roster.
struct CompiledPolicies: Sendable {
    /// Tenant rules by ascending priority (file order among equals).
    let tenant: [CompiledRule]
    let overrideSets: [OverrideSet]
    /// For each agent, an index into `overrideSets`, or -1.
    let overrideOf: [Int32]
    /// Tenant rules that can match a tool, per tool symbol known when compiled (CSR layout:
    /// `candidates[candidateStart[s] ..< candidateStart[s + 1]]`), in priority order.
    private let candidateStart: [Int32]
    private let candidates: [Int32]

    init(rules: Rules, symbols: inout SymbolTable, roster: AgentRoster, extraOverrides: [AgentOverride]) {
        let compiledTenant = Self.sorted(rules.policies).map { CompiledRule($0, symbols: &symbols, roster: roster) }
        tenant = compiledTenant
        let entries = rules.agentOverrides + extraOverrides
        var compiledEntries: [(globs: [Glob], quarantine: Bool, rules: [CompiledRule])] = []
        for e in entries {
            compiledEntries.append(([Glob(e.agent)], e.quarantine,
                                    Self.sorted(e.rules).map { CompiledRule($0, symbols: &symbols, roster: roster) }))
        }
        var sets: [OverrideSet] = []
        var setOfCombination: [[Int]: Int32] = [:]
        var of = Array(repeating: Int32(-1), count: roster.count)
        if !compiledEntries.isEmpty {
            let anyByID = compiledEntries.contains { $0.globs.contains(where: \.couldMatchUUID) }
            for i in 0..<roster.count {
                let name = roster.names[i]
                let id = anyByID ? roster.id(of: AgentIndex(i)) : ""
                let hits = compiledEntries.indices.filter { k in
                    compiledEntries[k].globs.contains { $0.matches(name) || (anyByID && $0.couldMatchUUID && $0.matches(id)) }
                }
                guard !hits.isEmpty else { continue }
                if let s = setOfCombination[hits] { of[i] = s; continue }
                let merged = OverrideSet(quarantine: hits.contains { compiledEntries[$0].quarantine },
                                         rules: hits.flatMap { compiledEntries[$0].rules })
                sets.append(merged)
                setOfCombination[hits] = Int32(sets.count - 1)
                of[i] = Int32(sets.count - 1)
            }
        }
        overrideSets = sets
        overrideOf = of
        var start: [Int32] = [0]
        var list: [Int32] = []
        start.reserveCapacity(symbols.count + 1)
        for sym in 0..<symbols.count {
            for (k, r) in compiledTenant.enumerated() {
                if let t = r.tools, !t.bits.contains(sym) { continue }
                list.append(Int32(k))
            }
            start.append(Int32(list.count))
        }
        candidateStart = start
        candidates = list
    }

    private static func sorted(_ rules: [PolicyRule]) -> [PolicyRule] {
        rules.enumerated().sorted { ($0.element.priority, $0.offset) < ($1.element.priority, $1.offset) }.map(\.element)
    }

    /// docs/behaviour.md §3, step 4. Every matching rule contributes its action and the strictest wins
    /// (per-agent rules first, so they win ties). A matching per-agent ALLOW loosens tenant
    /// REQUIRE_APPROVAL and SANITIZE for that agent (they no longer contribute), never a DENY.
    @inline(__always)
    func evaluate(_ scan: Scan, runtime: Runtime, trust: Score, threatIntel: Bool, symbols: SymbolTable) -> PolicyOutcome {
        var out = PolicyOutcome()
        let slot = Int(scan.agent) < overrideOf.count ? overrideOf[Int(scan.agent)] : -1
        var agentAllows = false
        if slot >= 0 {
            if overrideSets[Int(slot)].quarantine {
                out.decision = .deny
                out.matched = true
                out.quarantined = true
                return out
            }
            overrideSets[Int(slot)].rules.withUnsafeBufferPointer { rules in
                for i in rules.indices where rules[i].matches(scan, runtime: runtime, trust: trust, threatIntel: threatIntel, symbols: symbols) {
                    Self.contribute(rules[i].action, rules[i].id, rules[i].reasonCode, to: &out)
                    if rules[i].decision == .allow { agentAllows = true }
                }
            }
        }
        tenant.withUnsafeBufferPointer { rules in
            let t = Int(scan.tool.raw)
            if t + 1 < candidateStart.count {
                candidates.withUnsafeBufferPointer { list in
                    for c in Int(candidateStart[t])..<Int(candidateStart[t + 1]) {
                        let r = Int(list[c])
                        guard !agentAllows || rules[r].decision == .deny else { continue }
                        if rules[r].matches(scan, runtime: runtime, trust: trust, threatIntel: threatIntel, symbols: symbols) {
                            Self.contribute(rules[r].action, rules[r].id, rules[r].reasonCode, to: &out)
                        }
                    }
                }
            } else {
                for r in rules.indices where !agentAllows || rules[r].decision == .deny {
                    if rules[r].matches(scan, runtime: runtime, trust: trust, threatIntel: threatIntel, symbols: symbols) {
                        Self.contribute(rules[r].action, rules[r].id, rules[r].reasonCode, to: &out)
                    }
                }
            }
        }
        return out
    }

    @inline(__always)
    private static func contribute(_ action: PolicyAction, _ id: Symbol, _ reasonCode: Symbol, to out: inout PolicyOutcome) {
        if action == .openIncident { out.opensIncident = true }
        if !out.matched || action.decision > out.decision {
            out.decision = action.decision
            out.ruleID = id
            out.reasonCode = reasonCode
        }
        out.matched = true
    }

    /// Every matched OPEN_INCIDENT rule, per-agent first (slow path, only when one matched).
    func incidentRules(_ scan: Scan, runtime: Runtime, trust: Score, threatIntel: Bool, symbols: SymbolTable) -> [CompiledRule] {
        var out: [CompiledRule] = []
        let slot = Int(scan.agent) < overrideOf.count ? overrideOf[Int(scan.agent)] : -1
        let candidates = (slot >= 0 ? overrideSets[Int(slot)].rules : []) + tenant
        for r in candidates where r.action == .openIncident
            && r.matches(scan, runtime: runtime, trust: trust, threatIntel: threatIntel, symbols: symbols) {
            out.append(r)
        }
        return out
    }
}
