import IntervenCore
import IntervenScenario
import Yams

// The values expectations hold: bounds, windows, globs, scores and durations.

extension ScenarioDecoder {
    // MARK: Values

    /// A time from the start of the run up to its end (included: a state at the very end).
    func instant(_ node: LayeredNode) throws(LoadError) -> SimDuration {
        let t = try node.duration(positive: false)
        if t > duration, let at = node.top {
            throw node.expected("a time within the run (duration \(durationText))", found: at, note: "after the end of the run", code: .outOfRun)
        }
        return t
    }

    /// `within: [FROM, TO]` or `{from, to}`, or `by: TO` (from the start); nil when neither.
    func window(_ n: LayeredNode) throws(LoadError) -> TimeWindow? {
        let within = try n.child("within"), by = try n.child("by")
        if !within.isNullOrAbsent && !by.isNullOrAbsent {
            throw by.fail(.conflictingKeys, "expected within or by; found both", at: n.keyLocated("by"))
        }
        if !by.isNullOrAbsent { return TimeWindow(from: .zero, to: try instant(by)) }
        if within.isNullOrAbsent { return nil }
        return try windowValue(within)
    }

    /// `[FROM, TO]` or `{from: FROM, to: TO}`, inside the run, FROM <= TO.
    func windowValue(_ node: LayeredNode) throws(LoadError) -> TimeWindow {
        guard let top = node.top, !node.isNullOrAbsent else { throw node.missing("a window like [1h, 2h]") }
        let from: SimDuration, to: SimDuration
        var toNode = node
        switch top.node {
        case .sequence(let s):
            guard s.count == 2 else { throw node.expected("a window [FROM, TO]", found: top, note: "\(s.count) items", code: .invalidValue) }
            let items = try node.items()
            from = try items[0].duration(positive: false)
            toNode = items[1]
            to = try items[1].duration(positive: false)
        case .mapping:
            try node.expectKeys(ScenarioKeys.timeWindow)
            from = try node.child("from").optional { c throws(LoadError) in try c.duration(positive: false) } ?? .zero
            toNode = try node.child("to")
            to = try toNode.duration(positive: false)
        default:
            throw node.expected("a window like [1h, 2h] or {from: 1h, to: 2h}", found: top, code: .wrongType)
        }
        if to > duration {
            throw toNode.fail(.outOfRun, "expected a window inside the run (duration \(durationText)); found [\(from), \(to)], which ends \(SimDuration(milliseconds: to.milliseconds - duration.milliseconds)) after the run")
        }
        if from > to { throw node.fail(.invalidValue, "expected a window [FROM, TO] with FROM <= TO; found [\(from), \(to)]") }
        return TimeWindow(from: from, to: to)
    }

    /// A count: `3` (exactly), `{exactly: 3}`, `{at_least: 1}`, `{at_most: 0}` or both of the last two.
    func countBound(_ node: LayeredNode) throws(LoadError) -> Bound<Int> {
        try bound(node, example: "3, {at_least: 1} or {at_most: 0}") { c throws(LoadError) in try c.int(atLeast: 0) }
    }

    /// A bound on a duration: `{at_most: 10m}`.
    func durationBound(_ node: LayeredNode) throws(LoadError) -> Bound<SimDuration> {
        try bound(node, example: "{at_most: 10m}", alone: true) { c throws(LoadError) in try c.duration(positive: false) }
    }

    /// A bound on a score in [0, 1]: `{at_least: 0.5}`; with `alone: false` the node is the
    /// expectation, which writes `between: [LO, HI]` or `approx: X` (with `tolerance`).
    func scoreBound(_ node: LayeredNode, alone: Bool = false, what: String = "a trust score") throws(LoadError) -> Bound<Score> {
        let read = { (c: LayeredNode) throws(LoadError) -> Score in try c.score(in: .zero ... .one, what) }
        if alone { return try bound(node, example: "{at_least: 0.5}", alone: true, read) }
        let between = try node.child("between"), approx = try node.child("approx"), tolerance = try node.child("tolerance")
        if !between.isNullOrAbsent && !approx.isNullOrAbsent {
            throw approx.fail(.conflictingKeys, "expected between or approx; found both", at: node.keyLocated("approx"))
        }
        if !between.isNullOrAbsent {
            if !tolerance.isNullOrAbsent { throw tolerance.fail(.conflictingKeys, "tolerance goes with approx, not between", at: node.keyLocated("tolerance")) }
            let pair = try between.list(read)
            guard pair.count == 2, let top = between.top else {
                throw between.fail(.invalidValue, "expected [LOW, HIGH]; found \(pair.count) values")
            }
            if pair[1] < pair[0] { throw between.expected("[LOW, HIGH] with LOW <= HIGH", found: top, code: .invalidValue) }
            return Bound(lower: pair[0], upper: pair[1])
        }
        if !approx.isNullOrAbsent {
            let v = try read(approx)
            let tol = try tolerance.optional { c throws(LoadError) in try c.score(in: .zero ... .one, "a tolerance") } ?? Score(micros: 1000)
            return Bound(lower: max(.zero, v - tol), upper: min(.one, v + tol))
        }
        throw node.fail(.missingValue, "expected between: [LOW, HIGH] or approx: X (with tolerance, default 0.001); found neither")
    }

    /// `N`, `{exactly: N}`, `{at_least: N}`, `{at_most: N}` or `{at_least: A, at_most: B}`.
    func bound<T: Comparable & Sendable>(_ node: LayeredNode, example: String, alone: Bool = false,
                                                 _ read: (LayeredNode) throws(LoadError) -> T) throws(LoadError) -> Bound<T> {
        guard let top = node.top, !node.isNullOrAbsent else { throw node.missing(example) }
        switch top.node {
        case .scalar:
            if alone { throw node.expected("a bound like \(example)", found: top, note: "write at_least, at_most or exactly", code: .wrongType) }
            return .exactly(try read(node))
        case .mapping:
            try node.expectKeys(ScenarioKeys.bound)
            let exactly = try node.child("exactly"), lo = try node.child("at_least"), hi = try node.child("at_most")
            if !exactly.isNullOrAbsent {
                if !lo.isNullOrAbsent || !hi.isNullOrAbsent {
                    throw node.fail(.conflictingKeys, "exactly excludes at_least and at_most")
                }
                return .exactly(try read(exactly))
            }
            let lower = try lo.optional(read), upper = try hi.optional(read)
            if lower == nil && upper == nil { throw node.fail(.missingValue, "expected at_least, at_most or exactly; found none") }
            if let lower, let upper, upper < lower {
                throw node.fail(.invalidValue, "expected at_least <= at_most; found \(lower) > \(upper)")
            }
            return Bound(lower: lower, upper: upper)
        default:
            throw node.expected("a bound like \(example)", found: top, code: .wrongType)
        }
    }
}
