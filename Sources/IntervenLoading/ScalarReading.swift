import IntervenCore
import Yams

/// Typed readers for the value at a cursor; each refuses what it cannot read exactly, with the
/// key path, what was expected and what was found.
///
/// A reader checks the value of every layer that sets it, not only the topmost one, so a bad
/// value in a file is refused even while an override hides it (a file must be valid on its own).
extension LayeredNode {
    /// The value converted by `convert` from each layer's scalar, bottom up; the topmost one's result.
    ///
    /// Refuses null (as missing), lists and mappings. Lower layers that set null are skipped.
    func scalar<T>(_ what: String,
                   _ convert: (_ text: String, _ quoted: Bool, _ at: Located) throws(LoadError) -> T) throws(LoadError) -> T {
        try checkingHiddenLayers { node throws(LoadError) in
            guard let top = node.top, !top.node.isNullScalar else { throw node.missing(what) }
            guard case .scalar(let s) = top.node else { throw node.expected(what, found: top, code: .wrongType) }
            return try convert(s.string, s.style != .plain && s.style != .any, top)
        }
    }

    /// `read` applied to each lower layer's value alone and then to the whole cursor; the last result.
    ///
    /// Lower layers that set null are skipped (null there only means "not set").
    func checkingHiddenLayers<T>(_ read: (LayeredNode) throws(LoadError) -> T) throws(LoadError) -> T {
        for lower in values.dropLast() where !lower.node.isNullScalar {
            _ = try read(LayeredNode.single(lower, path: path, container: container))
        }
        return try read(self)
    }

    /// `true` or `false` (also `True`, `TRUE`, `False`, `FALSE`); YAML 1.1's `yes`/`no` are refused.
    func bool() throws(LoadError) -> Bool {
        let what = "true or false"
        return try scalar(what) { text, quoted, at throws(LoadError) in
            if !quoted {
                switch text {
                case "true", "True", "TRUE": return true
                case "false", "False", "FALSE": return false
                default: break
                }
            }
            throw expected(what, found: at, code: .wrongType)
        }
    }

    /// A whole number written in decimal, at least `minimum` and at most `maximum` when given.
    ///
    /// Counts that size per-agent windows take a `maximum`, so a typo such as 99999999999 is
    /// refused here rather than exhausting memory when a run starts.
    func int(atLeast minimum: Int? = nil, atMost maximum: Int? = nil) throws(LoadError) -> Int {
        let what: String = switch (minimum, maximum) {
        case let (lo?, hi?): "a whole number from \(lo) to \(hi)"
        case let (lo?, nil): "a whole number >= \(lo)"
        case let (nil, hi?): "a whole number <= \(hi)"
        case (nil, nil): "a whole number"
        }
        return try scalar(what) { text, quoted, at throws(LoadError) in
            guard !quoted, LayeredNode.isInteger(text) else {
                throw expected(what, found: at, note: quoted ? "write the number without quotes" : "", code: .wrongType)
            }
            guard let value = Int(text) else { throw expected(what, found: at, note: "too large", code: .outOfRange) }
            if let minimum, value < minimum { throw expected(what, found: at, code: .outOfRange) }
            if let maximum, value > maximum { throw expected(what, found: at, code: .outOfRange) }
            return value
        }
    }

    /// A whole number from 0 to 2^64 − 1 written in decimal (a seed, the same range as `--seed`).
    func uint64() throws(LoadError) -> UInt64 {
        let what = "a whole number from 0 to 18446744073709551615"
        return try scalar(what) { text, quoted, at throws(LoadError) in
            guard !quoted, LayeredNode.isInteger(text) else {
                throw expected(what, found: at, note: quoted ? "write the number without quotes" : "", code: .wrongType)
            }
            if text.hasPrefix("-") && text.dropFirst().contains(where: { $0 != "0" }) {
                throw expected(what, found: at, note: "it cannot be negative", code: .outOfRange)
            }
            guard let value = UInt64(text.hasPrefix("-") || text.hasPrefix("+") ? String(text.dropFirst()) : text) else {
                throw expected(what, found: at, note: "too large", code: .outOfRange)
            }
            return value
        }
    }

    /// An exact decimal with at most six places, within `range`.
    ///
    /// `what` names the kind of number in messages, e.g. `a score`, `a trust movement`.
    /// `rangeNote` explains an out-of-range value, e.g. that trust movements are negative.
    func score(in range: ClosedRange<Score>, _ what: String = "a score", rangeNote: String = "") throws(LoadError) -> Score {
        let expectation = "\(what) in [\(range.lowerBound), \(range.upperBound)]"
        return try scalar(expectation) { text, quoted, at throws(LoadError) in
            guard !quoted else {
                throw expected(expectation, found: at, note: "write the number without quotes", code: .wrongType)
            }
            guard let form = LayeredNode.decimalForm(text) else {
                throw expected(expectation, found: at, note: "write a decimal number like 0.25", code: .wrongType)
            }
            guard form.fractionDigits <= 6 else {
                throw expected(expectation, found: at, note: "at most six decimal places; values are kept exactly", code: .invalidValue)
            }
            guard let value = Score.parse(text), range.contains(value) else {
                throw expected(expectation, found: at, note: rangeNote, code: .outOfRange)
            }
            return value
        }
    }

    /// The longest duration a rules or scenario file may give (a year and a day).
    static let longestDuration = SimDuration.hours(366 * 24)

    /// A duration like `90s`, `5m`, `1h30m`, `2d`, `250ms` (or a bare `0`); never negative, at most 366 days, and
    /// longer than zero when `positive`.
    func duration(positive: Bool) throws(LoadError) -> SimDuration {
        let what = "a duration like 90s, 5m, 1h30m"
        return try scalar(what) { text, _, at throws(LoadError) in
            guard let value = text == "0" ? SimDuration.zero : SimDuration.parse(text) else {
                let bare = LayeredNode.isInteger(text)
                throw expected(what, found: at, note: bare ? "add a unit: ms, s, m, h or d" : "", code: .wrongType)
            }
            if value < .zero { throw expected(what, found: at, note: "negative durations are not allowed", code: .outOfRange) }
            if positive, value == .zero { throw expected(what, found: at, note: "it must be longer than zero", code: .outOfRange) }
            if value > Self.longestDuration { throw expected(what, found: at, note: "at most 366d", code: .outOfRange) }
            return value
        }
    }

    /// Any scalar as text (plain, quoted or block); refuses null, lists and mappings.
    func string(_ what: String = "a string", allowEmpty: Bool = false) throws(LoadError) -> String {
        try scalar(what) { text, _, at throws(LoadError) in
            if !allowEmpty, text.isEmpty { throw expected(what, found: at, note: "it must not be empty", code: .invalidValue) }
            return text
        }
    }

    /// A vocabulary name such as a severity, with a "did you mean" hint for a near miss.
    func named<T: NamedCase>(_ type: T.Type, _ what: String) throws(LoadError) -> T {
        let names = T.allCases.map(\.description)
        return try named(what, names: names) { T(name: $0) }
    }

    /// A name from a fixed list parsed by `parse`, with a "did you mean" hint for a near miss.
    func named<T>(_ what: String, names: [String], parse: (String) -> T?) throws(LoadError) -> T {
        let expectation = "\(what) (\(names.joined(separator: ", ")))"
        return try scalar(expectation) { text, _, at throws(LoadError) in
            if let value = parse(text) { return value }
            let hint = Suggestion.nearest(to: text, in: names).map { "; did you mean '\($0)'?" } ?? ""
            throw at.error(.invalidValue, "\(path): expected \(expectation); found \(LayeredNode.describe(at.node))" + hint)
        }
    }

    /// The topmost list, each item read by `read` (lists replace whole; hidden lists are checked too).
    func list<T>(_ read: (LayeredNode) throws(LoadError) -> T) throws(LoadError) -> [T] {
        try checkingHiddenLayers { node throws(LoadError) in
            var out: [T] = []
            for item in try node.items() { out.append(try read(item)) }
            return out
        }
    }

    /// The value read by `read`, or nil when no layer sets it or the topmost sets it to null.
    func optional<T>(_ read: (LayeredNode) throws(LoadError) -> T) throws(LoadError) -> T? {
        if isNullOrAbsent { return nil }
        return try read(self)
    }

    /// A list of verb names as a set.
    func verbSet() throws(LoadError) -> VerbSet {
        VerbSet(try list { item throws(LoadError) in try item.named(Verb.self, "a verb") })
    }

    /// A list of data class names as a set.
    func dataClasses() throws(LoadError) -> DataClasses {
        let classes = try list { item throws(LoadError) in
            try item.named("a data class", names: DataClasses.names.map(\.0)) { DataClasses(name: $0) }
        }
        return classes.reduce(into: DataClasses()) { $0.formUnion($1) }
    }

    /// A list of non-empty strings (names, globs, hosts).
    func strings(_ what: String = "a name or pattern") throws(LoadError) -> [String] {
        try list { item throws(LoadError) in try item.string(what) }
    }

    /// `tool.operation`, e.g. `aws.create_user`.
    func operationRef() throws(LoadError) -> OperationRef {
        let what = "tool.operation like aws.create_user"
        return try scalar(what) { text, _, at throws(LoadError) in
            let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw expected(what, found: at, code: .invalidValue)
            }
            return OperationRef(tool: String(parts[0]), operation: String(parts[1]))
        }
    }

    // MARK: Lexical forms

    /// `[-+]?[0-9]+`
    static func isInteger(_ text: String) -> Bool {
        var s = Substring(text)
        if s.first == "-" || s.first == "+" { s = s.dropFirst() }
        return !s.isEmpty && s.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// The number of decimal places of `[-+]?(digits[.digits] | .digits)`, or nil for another form.
    static func decimalForm(_ text: String) -> (integerDigits: Int, fractionDigits: Int)? {
        var s = Substring(text)
        if s.first == "-" || s.first == "+" { s = s.dropFirst() }
        let parts = s.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first else { return nil }
        let fraction = parts.count > 1 ? parts[1] : ""
        let digits: (Substring) -> Bool = { $0.allSatisfy { $0.isASCII && $0.isNumber } }
        guard !(whole.isEmpty && fraction.isEmpty), digits(whole), digits(fraction) else { return nil }
        return (whole.count, fraction.count)
    }
}
