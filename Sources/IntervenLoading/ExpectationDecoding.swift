import IntervenCore
import IntervenScenario
import Yams

/// Decoding of `expect:`: what must follow from the run (see `Expectation`).
///
/// Each item is decoded on its own, so one file reports every bad expectation at once.
extension ScenarioDecoder {
    /// Every item of `expect:`; the errors of bad items are collected, not thrown.
    func expectations(_ list: LayeredNode, errors: inout [LoadError]) throws(LoadError) -> [Expectation] {
        guard !list.isNullOrAbsent else { return [] }
        var out: [Expectation] = []
        var ids: [(id: String, line: Int)] = []
        for item in try list.items() {
            do throws(LoadError) {
                let e = try expectation(item)
                if let id = e.id {
                    if let first = ids.first(where: { $0.id == id }) {
                        let node = try item.child("id")
                        throw node.fail(.duplicateKey, "duplicate expectation id '\(id)' (first used at line \(first.line)); ids name test cases and must be unique in a file")
                    }
                    ids.append((id, item.top?.line ?? 0))
                }
                out.append(e)
            } catch {
                errors.append(error)
            }
        }
        return out
    }

    func expectation(_ item: LayeredNode) throws(LoadError) -> Expectation {
        if item.isNullOrAbsent { throw item.missing("an expectation like {incident: {trigger: repeated_deny, agent: fin-bot-01}}") }
        try item.expectKeys(ScenarioKeys.expectationItem)
        let kind = try item.exactlyOne(of: ScenarioKeys.expectations, what: "an expectation", rule: "one expectation per item")
        let id = try item.child("id").optional { n throws(LoadError) -> String in
            let what = "an expectation id of at most 100 letters, digits, '.', '_' and '-' (it names the test case)"
            let text = try n.string(what)
            guard !text.isEmpty, text.count <= 100,
                  text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) else {
                throw n.fail(.invalidValue, "expected \(what); found '\(text)'")
            }
            return text
        }
        let node = try item.child(kind)
        let location = item.top.map { "\($0.origin.source):\($0.line)" } ?? ""
        let value: Expectation.Kind
        switch kind {
        case "incident": value = .incident(try incident(node))
        case "no_incident": value = .noIncident(try noIncident(node))
        case "trust": value = .trust(try trust(node))
        case "state": value = .state(try state(node))
        case "decisions": value = .decisions(try decisions(node))
        case "detection": value = .detection(try detection(node))
        case "refused": value = .refused(try refused(node))
        case "reasons": value = .reasons(try reasons(node))
        case "notes": value = .notes(try notes(node))
        case "counters": value = .counters(try counters(node))
        default: value = .sometimes(try sometimes(node))
        }
        return Expectation(value, location: location, column: item.top?.column ?? 0, id: id)
    }

    // MARK: Kinds

    func body(_ node: LayeredNode, keys: [String], example: String) throws(LoadError) -> LayeredNode {
        if node.isNullOrAbsent { throw node.missing(example) }
        try node.expectKeys(keys)
        return node
    }

    /// `agent:` an agent name or a glob matching at least one agent (default: every agent).
    func agentGlob(_ node: LayeredNode, required: Bool = false) throws(LoadError) -> String {
        if node.isNullOrAbsent {
            if required { throw node.missing("an agent name or glob like fin-bot-*") }
            return "*"
        }
        return try agents.agentPattern(node, text: node.string("an agent name or glob"))
    }

    func trigger(_ node: LayeredNode) throws(LoadError) -> TriggerKind? {
        try node.optional { n throws(LoadError) in try n.named(TriggerKind.self, "a trigger") }
    }

    func incident(_ node: LayeredNode) throws(LoadError) -> IncidentExpectation {
        let n = try body(node, keys: ScenarioKeys.incident, example: "{trigger: repeated_deny, agent: fin-bot-01}")
        var x = IncidentExpectation()
        x.trigger = try trigger(n.child("trigger"))
        x.agent = try agentGlob(n.child("agent"))
        x.severity = try n.child("severity").optional { c throws(LoadError) in try c.named(Severity.self, "a severity") }
        x.status = try n.child("status").optional { c throws(LoadError) in try c.named(IncidentStatus.self, "a status") }
        x.resolution = try n.child("resolution").optional { c throws(LoadError) in try c.named(Resolution.self, "a resolution code") }
        if x.resolution != nil, let s = x.status, s != .closed {
            throw try n.child("status").fail(.conflictingKeys, "an incident with a resolution is closed; found status \(s)")
        }
        x.count = try n.child("count").optional { c throws(LoadError) in try countBound(c) } ?? .atLeast(1)
        x.window = try window(n)
        x.minTraces = try n.child("traces").optional { c throws(LoadError) in
            let b = try countBound(c)
            guard b.upper == nil, let lower = b.lower else {
                throw c.fail(.invalidValue, "expected {at_least: N} (incidents keep every linked trace, so only a minimum is checked)")
            }
            return lower
        }
        return x
    }

    func refused(_ node: LayeredNode) throws(LoadError) -> RefusedExpectation {
        let n = try body(node, keys: ScenarioKeys.refused, example: "{agent: fin-bot-01, action: close, within: [4h, 4h]}")
        var x = RefusedExpectation()
        x.agent = try agentGlob(n.child("agent"))
        x.action = try n.child("action").optional { c throws(LoadError) -> String in
            try c.named("a timeline action", names: ScenarioKeys.actions) { name in ScenarioKeys.actions.contains(name) ? name : nil }
        }
        x.window = try window(n)
        x.count = try n.child("count").optional { c throws(LoadError) in try countBound(c) } ?? .atLeast(1)
        return x
    }

    func reasons(_ node: LayeredNode) throws(LoadError) -> ReasonsExpectation {
        let n = try body(node, keys: ScenarioKeys.reasons, example: "{agent: fin-bot-01, code: RECENT_DENY_GRANT, count: 1}")
        let codeNode = try n.child("code")
        let code = try codeNode.string("a reason code like RECENT_DENY_GRANT or a rule's reason_code")
        let valid = code.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == ".") }
        guard !code.isEmpty, valid else {
            throw codeNode.fail(.invalidValue, "expected a reason code like RECENT_DENY_GRANT; found '\(code)'")
        }
        var x = ReasonsExpectation(code: code)
        x.agent = try agentGlob(n.child("agent"))
        x.window = try window(n)
        x.count = try n.child("count").optional { c throws(LoadError) in try countBound(c) } ?? .atLeast(1)
        return x
    }

    func notes(_ node: LayeredNode) throws(LoadError) -> NotesExpectation {
        let n = try body(node, keys: ScenarioKeys.notes, example: "{agent: fin-bot-01, trigger: threat_intel, by_author: alice}")
        var x = NotesExpectation()
        x.agent = try agentGlob(n.child("agent"))
        x.trigger = try trigger(n.child("trigger"))
        x.author = try n.child("by_author").optional { c throws(LoadError) in try c.string("an author name") }
        x.text = try n.child("text").optional { c throws(LoadError) in try c.string("text the note contains") }
        x.window = try window(n)
        x.count = try n.child("count").optional { c throws(LoadError) in try countBound(c) } ?? .atLeast(1)
        return x
    }

    func counters(_ node: LayeredNode) throws(LoadError) -> CountersExpectation {
        let n = try body(node, keys: ScenarioKeys.counters, example: "{agent: op-1, at: 1h, deny: 0, high_risk: {at_least: 1}}")
        let agent = try agentGlob(n.child("agent"), required: true)
        let at = try instant(n.child("at"))
        var bounds: [(name: String, bound: Bound<Int>)] = []
        for name in CountersExpectation.names {
            if let b = try n.child(name).optional({ c throws(LoadError) in try countBound(c) }) { bounds.append((name, b)) }
        }
        if bounds.isEmpty {
            throw n.fail(.missingValue, "expected at least one counter (\(CountersExpectation.names.joined(separator: ", "))); found none")
        }
        return CountersExpectation(agent: agent, at: at, bounds: bounds)
    }

    func noIncident(_ node: LayeredNode) throws(LoadError) -> NoIncidentExpectation {
        let n = try body(node, keys: ScenarioKeys.noIncident, example: "{trigger: repeated_deny, agent: code-*}")
        return NoIncidentExpectation(trigger: try trigger(n.child("trigger")), agent: try agentGlob(n.child("agent")), window: try window(n))
    }

    func trust(_ node: LayeredNode) throws(LoadError) -> TrustExpectation {
        let n = try body(node, keys: ScenarioKeys.trust, example: "{agent: fin-bot-01, at: 2h, between: [0.4, 0.6]}")
        let agent = try agentGlob(n.child("agent"), required: true)
        var present: [String] = []
        for k in try n.keys() where ScenarioKeys.trustChecks.contains(k) { present.append(k) }
        // `min` and `max` go together; every other check stands alone.
        let kinds = Set(present.map { $0 == "max" ? "min" : $0 })
        guard let kind = kinds.first else {
            throw n.fail(.missingValue, "expected a trust check (at with between or approx; min/max over a window; enters_scrutiny, leaves_scrutiny, recovers_above with by, never_below); found none")
        }
        if kinds.count > 1 {
            throw n.fail(.conflictingKeys, "expected one trust check per expectation; found \(present.joined(separator: " and "))",
                         at: n.keyLocated(present.last!))
        }
        func refuse(_ keys: [String], because why: String) throws(LoadError) {
            for k in keys where try !n.child(k).isNullOrAbsent {
                throw try n.child(k).fail(.conflictingKeys, "'\(k)' does not apply here: \(why)", at: n.keyLocated(k))
            }
        }
        switch kind {
        case "at":
            try refuse(["within", "by"], because: "a value at a time has no window")
            let at = try instant(n.child("at"))
            return TrustExpectation(agent: agent, check: .value(at: at, try scoreBound(n)))
        case "min":
            try refuse(["between", "approx", "tolerance"], because: "min and max take bounds like {at_least: 0.5}")
            let w = try window(n) ?? TimeWindow(from: .zero, to: duration)
            let lo = try n.child("min").optional { c throws(LoadError) in try scoreBound(c, alone: true) }
            let hi = try n.child("max").optional { c throws(LoadError) in try scoreBound(c, alone: true) }
            return TrustExpectation(agent: agent, check: .range(w, min: lo, max: hi))
        case "enters_scrutiny", "leaves_scrutiny":
            try refuse(["between", "approx", "tolerance", "within", "by"], because: "\(kind) takes its own window, like [1h, 2h]")
            let w = try windowValue(n.child(kind))
            return TrustExpectation(agent: agent, check: kind == "enters_scrutiny" ? .entersScrutiny(w) : .leavesScrutiny(w))
        case "recovers_above":
            try refuse(["between", "approx", "tolerance", "within"], because: "recovers_above takes a level and by")
            let level = try n.child("recovers_above").score(in: .zero ... .one, "a trust level")
            let byNode = try n.child("by")
            if byNode.isNullOrAbsent { throw byNode.missing("the time by which trust is back, like 5h") }
            return TrustExpectation(agent: agent, check: .recoversAbove(level, by: try instant(byNode)))
        default: // never_below
            try refuse(["between", "approx", "tolerance"], because: "never_below takes a level (and a window)")
            let level = try n.child("never_below").score(in: .zero ... .one, "a trust level")
            return TrustExpectation(agent: agent, check: .neverBelow(level, try window(n)))
        }
    }

    func state(_ node: LayeredNode) throws(LoadError) -> StateExpectation {
        let n = try body(node, keys: ScenarioKeys.state, example: "{agent: fin-bot-01, at: 2h, suspended: true}")
        let agent = try agentGlob(n.child("agent"), required: true)
        let atNode = try n.child("at")
        if atNode.isNullOrAbsent { throw atNode.missing("a time within the run, like 2h") }
        var x = StateExpectation(agent: agent, at: try instant(atNode))
        x.suspended = try n.child("suspended").optional { c throws(LoadError) in try c.bool() }
        x.scrutiny = try n.child("scrutiny").optional { c throws(LoadError) in try c.bool() }
        x.pinned = try n.child("pinned").optional { c throws(LoadError) in try c.bool() }
        if x.suspended == nil, x.scrutiny == nil, x.pinned == nil {
            throw n.fail(.missingValue, "expected at least one of suspended, scrutiny, pinned; found none")
        }
        return x
    }

    func decisions(_ node: LayeredNode) throws(LoadError) -> DecisionExpectation {
        let n = try body(node, keys: ScenarioKeys.decisions, example: "{agent: code-*, DENY: {at_most: 0}}")
        var x = DecisionExpectation(agent: try agentGlob(n.child("agent")), window: try window(n))
        for key in ["scans"] + ScenarioKeys.decisionNames {
            let c = try n.child(key)
            guard !c.isNullOrAbsent else { continue }
            x.counts.append(.init(key == "scans" ? nil : Decision(name: key), try countBound(c)))
        }
        let share = try n.child("share")
        if !share.isNullOrAbsent {
            try share.expectKeys(ScenarioKeys.decisionNames)
            for key in ScenarioKeys.decisionNames {
                let c = try share.child(key)
                guard !c.isNullOrAbsent else { continue }
                x.ratios.append(.init(Decision(name: key)!, try scoreBound(c, alone: true, what: "a share")))
            }
        }
        if x.counts.isEmpty && x.ratios.isEmpty {
            throw n.fail(.missingValue, "expected at least one count (scans, ALLOW, REQUIRE_APPROVAL, SANITIZE, DENY) or share; found none")
        }
        return x
    }

    func detection(_ node: LayeredNode) throws(LoadError) -> DetectionExpectation {
        let n = try body(node, keys: ScenarioKeys.detection, example: "{trigger: repeated_deny, rate: {at_least: 0.9}}")
        var x = DetectionExpectation(trigger: try trigger(n.child("trigger")), agent: try agentGlob(n.child("agent")))
        x.rate = try n.child("rate").optional { c throws(LoadError) in try scoreBound(c, alone: true, what: "a rate") }
        x.falsePositiveRatio = try n.child("false_positive_ratio").optional { c throws(LoadError) in
            try scoreBound(c, alone: true, what: "a ratio")
        }
        let ttd = try n.child("time_to_detect")
        if !ttd.isNullOrAbsent {
            try ttd.expectKeys(ScenarioKeys.timeToDetect)
            x.p50 = try ttd.child("p50").optional { c throws(LoadError) in try durationBound(c) }
            x.p95 = try ttd.child("p95").optional { c throws(LoadError) in try durationBound(c) }
            if x.p50 == nil, x.p95 == nil { throw ttd.fail(.missingValue, "expected p50 or p95; found neither") }
        }
        if x.rate == nil, x.falsePositiveRatio == nil, x.p50 == nil, x.p95 == nil {
            throw n.fail(.missingValue, "expected at least one of rate, false_positive_ratio, time_to_detect; found none")
        }
        return x
    }

    func sometimes(_ node: LayeredNode) throws(LoadError) -> CoverageExpectation {
        let n = try body(node, keys: ScenarioKeys.sometimes, example: "{agent: fin-bot-*, scrutiny: true}")
        let agent = try agentGlob(n.child("agent"))
        let w = try window(n)
        let kind = try n.exactlyOne(of: ScenarioKeys.conditions, what: "a condition", rule: "one condition per sometimes")
        let c = try n.child(kind)
        let condition: CoverageExpectation.Condition
        switch kind {
        case "scrutiny", "suspended":
            guard try c.bool() else {
                throw c.fail(.invalidValue, "expected true (sometimes: states a path that must be reached; use state: for a state that must hold)")
            }
            condition = kind == "scrutiny" ? .scrutiny : .suspended
        case "decision": condition = .decision(try c.named(Decision.self, "a decision"))
        case "incident":
            let names = ["any"] + TriggerKind.allCases.map(\.description)
            let t: TriggerKind?? = try c.named("a trigger or any", names: names) { $0 == "any" ? .some(nil) : TriggerKind(name: $0).map { .some($0) } }
            condition = .incident(t ?? nil)
        default: condition = .trustBelow(try c.score(in: .zero ... .one, "a trust level"))
        }
        return CoverageExpectation(agent: agent, window: w, condition: condition)
    }
}
