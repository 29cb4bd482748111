import IntervenCore
import IntervenScenario
public import IntervenSimulation

extension Evaluator {
    // MARK: Refused actions

    /// Whether a refused action is one `x` describes.
    func matches(_ a: RefusedAction, _ x: RefusedExpectation) -> Bool {
        if let action = x.action, action != a.keyword { return false }
        if let w = x.window, !w.contains(a.time) { return false }
        if let agent = a.agent { return Glob(x.agent).matches(agent) }
        return x.agent == "*"
    }

    mutating func refused(_ x: RefusedExpectation) -> ExpectationOutcome {
        let what = (x.action.map { "\($0) " } ?? "") + "actions" + (x.agent == "*" ? "" : " for \(x.agent)")
        let title = "\(x.count.phrase(Self.count)) refused \(what)" + (x.window.map { " \($0.phrase)" } ?? "")
        let found = result.refusedActions.filter { matches($0, x) }
        let observed = found.isEmpty ? "found none" : "found \(found.count): " + Phrase.list(found.map(Self.describe))
        if x.count.contains(found.count) { return Self.outcome(title, true, observed) }
        let others = result.refusedActions.filter { !matches($0, x) }
        return Self.outcome(title, false, observed, others.isEmpty ? [] : ["other refused actions: " + Phrase.list(others.map(Self.describe))])
    }

    /// The refused actions no `refused:` expectation of the scenario describes: each fails the
    /// scenario, since a scripted action that did not happen makes what follows test something else.
    public func unexpectedRefusals() -> [RefusedAction] {
        let expected = scenario.expectations.compactMap { e -> RefusedExpectation? in
            if case .refused(let x) = e.kind { return x } else { return nil }
        }
        return result.refusedActions.filter { a in !expected.contains { matches(a, $0) } }
    }

    static func describe(_ a: RefusedAction) -> String { "\(a.action) at \(a.time) (\(a.reason))" }

    // MARK: Reason codes

    mutating func reasons(_ x: ReasonsExpectation, probe: [UInt64]?) -> ExpectationOutcome {
        let title = "\(x.count.phrase(Self.count)) scans of \(x.agent) with reason \(x.code)" + (x.window.map { " \($0.phrase(opening: "up to"))" } ?? "")
        let counts = probe ?? [0, 0, 0, 0]
        let total = counts.reduce(0, +)
        let mix = Decision.allCases.filter { counts[Int($0.rawValue)] > 0 }.map { "\($0) \(counts[Int($0.rawValue)])" }
        let observed = "\(total) scans" + (mix.isEmpty ? "" : " (" + mix.joined(separator: ", ") + ")")
        if x.count.contains(Int(clamping: total)) { return Self.outcome(title, true, observed) }
        // Evidence: the agents' reason codes of non-ALLOW decisions over the whole run.
        var codes: [String: Int] = [:]
        for a in agents(x.agent) where a < result.agents.count {
            for r in result.agents[a].reasonCounts { codes[r.code, default: 0] += r.count }
        }
        let seen = codes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        return Self.outcome(title, false, observed, seen.isEmpty ? [] : ["reason codes of \(x.agent) over the run: " + Phrase.list(seen, limit: 8)])
    }

    // MARK: Notes

    mutating func notes(_ x: NotesExpectation) -> ExpectationOutcome {
        var parts: [String] = []
        if let a = x.author { parts.append("by \(a)") }
        if let t = x.text { parts.append("containing \"\(t)\"") }
        let on = (x.trigger.map { "\($0) " } ?? "") + "incidents of \(x.agent)"
        let title = "\(x.count.phrase(Self.count)) notes " + (parts.isEmpty ? "" : parts.joined(separator: " ") + " ") + "on \(on)"
            + (x.window.map { " \($0.phrase)" } ?? "")
        let glob = Glob(x.agent)
        var found: [String] = [], near: [String] = []
        for i in result.incidents where glob.matches(i.agent) && (x.trigger == nil || i.trigger == x.trigger) {
            for n in i.notes {
                let line = "\(n.author) on \(i.agent) \(i.trigger) at \(n.time): \"\(n.text)\""
                let fits = (x.author == nil || n.author == x.author) && (x.text.map { n.text.contains($0) } ?? true)
                    && (x.window.map { $0.contains(n.time) } ?? true)
                if fits { found.append(line) } else { near.append(line) }
            }
        }
        let observed = found.isEmpty ? "found none" : "found \(found.count): " + Phrase.list(found)
        if x.count.contains(found.count) { return Self.outcome(title, true, observed) }
        var evidence: [String] = []
        if !near.isEmpty { evidence.append("other notes: " + Phrase.list(near)) }
        let refusedNotes = result.refusedActions.filter { $0.keyword == "note" }
        if !refusedNotes.isEmpty { evidence.append("refused notes: " + Phrase.list(refusedNotes.map(Self.describe))) }
        return Self.outcome(title, false, observed, evidence)
    }

    // MARK: Rolling counters

    mutating func counters(_ x: CountersExpectation, index: Int) -> ExpectationOutcome {
        let title = "counters of \(x.agent) at \(SimTime.zero + x.at): "
            + x.bounds.map { "\($0.name) \($0.bound.phrase(Self.count))" }.joined(separator: ", ")
        let o = result.observations
        let first = index < o.readingOfExpectation.count ? o.readingOfExpectation[index] : -1
        let list = agents(x.agent)
        guard first >= 0, first + list.count <= o.counterReadings.count else {
            return Self.outcome(title, false, "no counter readings were taken")
        }
        var wrong: [String] = [], seen: [String] = []
        for (k, a) in list.enumerated() {
            let values = o.counterReadings[first + k]
            guard values.count == CountersExpectation.names.count else {
                wrong.append("\(names[a]): no reading")
                continue
            }
            var bad: [String] = []
            for (name, bound) in x.bounds {
                let v = values[CountersExpectation.names.firstIndex(of: name)!]
                if !bound.contains(v) { bad.append("\(name) \(v)") }
            }
            let all = zip(CountersExpectation.names, values).map { "\($0) \($1)" }.joined(separator: ", ")
            if !bad.isEmpty { wrong.append("\(names[a]): " + bad.joined(separator: ", ")) }
            if seen.count < 3 { seen.append("\(names[a]): \(all)") }
        }
        if wrong.isEmpty { return Self.outcome(title, true, seen.joined(separator: "; ")) }
        return Self.outcome(title, false, Phrase.list(wrong), ["counters: " + Phrase.list(seen)])
    }
}
