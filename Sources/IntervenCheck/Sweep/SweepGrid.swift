import Foundation
import IntervenCore

/// A sweep input the user got wrong: one line naming the flag, what was expected and what was found.
public struct SweepInputError: Error, CustomStringConvertible, Sendable, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// One varied rules path and its values, as `--set` values (`3`, `0.05`, `30m`, `true`).
public struct SweepDimension: Sendable, Equatable {
    public var path: String
    public var values: [String]
    /// The `--vary` argument as given.
    public var argument: String

    public init(path: String, values: [String], argument: String) {
        self.path = path; self.values = values; self.argument = argument
    }

    /// Parses `PATH=VALUES`: a comma-separated list of values and ranges. A range is `A..B`
    /// (integers, step 1), `A..B/S` (integers or decimals, both ends included) or `D1..D2/S`
    /// with durations (`30m..2h/30m`); anything else is one value, passed to the rules as is
    /// (a bracketed flow list like `[WRITE, ADMIN]` stays one value).
    public static func parse(_ argument: String) throws(SweepInputError) -> SweepDimension {
        let flag = "--vary \(argument)"
        guard let eq = argument.firstIndex(of: "=") else {
            throw SweepInputError("\(flag): expected PATH=VALUES, e.g. triggers.repeated_deny.count=2..10; found no '='")
        }
        let path = String(argument[..<eq]).trimmed(" \t")
        let text = String(argument[argument.index(after: eq)...])
        if path.isEmpty || path.split(separator: ".", omittingEmptySubsequences: false).contains(where: { $0.isEmpty }) {
            throw SweepInputError("\(flag): expected a rules key path like triggers.repeated_deny.count before '='; found '\(path)'")
        }
        var values: [String] = []
        for item in splitTopLevel(text) {
            let token = item.trimmed(" \t")
            if token.isEmpty {
                throw SweepInputError("\(flag): expected values like 3,5,8 or 2..10 or 0.02..0.10/0.02 or 30m,1h; found an empty value")
            }
            if token.contains(".."), !token.hasPrefix("["), !token.hasPrefix("{") {
                values += try range(token, flag: flag)
            } else {
                values.append(token)
            }
        }
        var seen = Set<String>()
        for v in values where !seen.insert(v).inserted {
            throw SweepInputError("\(flag): expected each value once; found '\(v)' twice")
        }
        return SweepDimension(path: path, values: values, argument: argument)
    }

    /// Splits at commas outside brackets and braces.
    static func splitTopLevel(_ text: String) -> [String] {
        var out: [String] = [], current = "", depth = 0
        for c in text {
            if c == "[" || c == "{" { depth += 1 }
            if c == "]" || c == "}" { depth -= 1 }
            if c == ",", depth == 0 { out.append(current); current = "" } else { current.append(c) }
        }
        out.append(current)
        return out
    }

    /// The most values one range may give.
    static let maxRangeValues = 100_000

    /// `A..B[/S]` as values, both ends included.
    static func range(_ token: String, flag: String) throws(SweepInputError) -> [String] {
        let form = "a range like 2..10, 0.02..0.10/0.02 or 30m..2h/30m"
        let parts = token.components(separatedBy: "..")
        guard parts.count == 2 else { throw SweepInputError("\(flag): expected \(form); found '\(token)'") }
        let from = parts[0].trimmed(" \t")
        var to = parts[1].trimmed(" \t"), stepText: String? = nil
        if let slash = to.firstIndex(of: "/") {
            stepText = String(to[to.index(after: slash)...]).trimmed(" \t")
            to = String(to[..<slash]).trimmed(" \t")
        }
        // Decimals (integers are decimals with no places): exact fixed-point arithmetic.
        if let a = Decimal(from), let b = Decimal(to) {
            let s: Decimal
            if let stepText {
                guard let parsed = Decimal(stepText), parsed.units > 0 else {
                    throw SweepInputError("\(flag): expected a positive step after '/' in \(form); found '\(stepText)'")
                }
                s = parsed
            } else if a.places == 0 && b.places == 0 {
                s = Decimal(units: 1, places: 0)
            } else {
                throw SweepInputError("\(flag): expected a step for a decimal range, like \(from)..\(to)/0.01; found '\(token)'")
            }
            let places = max(a.places, b.places, s.places)
            let (x, y, dx) = (a.scaled(to: places), b.scaled(to: places), s.scaled(to: places))
            guard x <= y else { throw SweepInputError("\(flag): expected a range from low to high; found '\(token)'") }
            guard (y - x) / dx < Int64(maxRangeValues) else {
                throw SweepInputError("\(flag): expected at most \(maxRangeValues) values in a range; '\(token)' gives \((y - x) / dx + 1)")
            }
            return stride(from: x, through: y, by: Int(dx)).map { Decimal(units: $0, places: places).text }
        }
        if let a = SimDuration.parse(from), let b = SimDuration.parse(to) {
            guard let stepText, let s = SimDuration.parse(stepText), s.milliseconds > 0 else {
                throw SweepInputError("\(flag): expected a positive duration step for a duration range, like \(from)..\(to)/30m; found '\(token)'")
            }
            guard a <= b else { throw SweepInputError("\(flag): expected a range from low to high; found '\(token)'") }
            guard (b.milliseconds - a.milliseconds) / s.milliseconds < Int64(maxRangeValues) else {
                throw SweepInputError("\(flag): expected at most \(maxRangeValues) values in a range; '\(token)' gives more")
            }
            return stride(from: a.milliseconds, through: b.milliseconds, by: Int(s.milliseconds)).map { SimDuration(milliseconds: $0).description }
        }
        throw SweepInputError("\(flag): expected \(form); found '\(token)'")
    }

    /// A decimal number as integer units of 10^-places.
    struct Decimal {
        var units: Int64
        var places: Int
        init(units: Int64, places: Int) { self.units = units; self.places = places }
        init?(_ text: String) {
            var s = Substring(text), negative = false
            if s.first == "-" { negative = true; s = s.dropFirst() } else if s.first == "+" { s = s.dropFirst() }
            let parts = s.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count <= 2, let whole = parts.first, !whole.isEmpty, whole.allSatisfy(\.isASCII), whole.allSatisfy(\.isNumber),
                  whole.count <= 12 else { return nil }
            let frac = parts.count == 2 ? parts[1] : ""
            guard frac.allSatisfy({ $0.isASCII && $0.isNumber }), frac.count <= 6, parts.count == 1 || !frac.isEmpty else { return nil }
            var u = Int64(whole)!
            for c in frac { u = u * 10 + Int64(c.wholeNumberValue!) }
            units = negative ? -u : u
            places = frac.count
        }
        func scaled(to p: Int) -> Int64 {
            var u = units
            for _ in places..<p { u *= 10 }
            return u
        }
        var text: String {
            let neg = units < 0, m = units.magnitude
            var scale: UInt64 = 1
            for _ in 0..<places { scale *= 10 }
            let whole = "\(m / scale)"
            let body = places == 0 ? whole : whole + "." + String(String(m % scale + scale).dropFirst())
            return neg ? "-" + body : body
        }
    }
}

/// The cells of a sweep: every combination of the dimensions' values, the last dimension
/// varying fastest.
public struct SweepGrid: Sendable, Equatable {
    public var dimensions: [SweepDimension]
    /// The most runs (cells × seeds) a sweep may ask for.
    public static let maxRuns = 100_000

    public init(dimensions: [SweepDimension]) { self.dimensions = dimensions }

    /// Cells in the grid (1 with no dimension).
    public var cellCount: Int {
        dimensions.reduce(1) { n, d in n.multipliedReportingOverflow(by: d.values.count).overflow ? Int.max : n * d.values.count }
    }

    /// The value index in each dimension of cell `k`.
    public func indexes(of k: Int) -> [Int] {
        var rest = k, out = [Int](repeating: 0, count: dimensions.count)
        for d in dimensions.indices.reversed() {
            out[d] = rest % dimensions[d].values.count
            rest /= dimensions[d].values.count
        }
        return out
    }

    /// The values of cell `k`, one per dimension.
    public func values(of k: Int) -> [String] {
        zip(dimensions, indexes(of: k)).map { $0.values[$1] }
    }

    /// Cell `k` as `--set` arguments.
    public func overrides(of k: Int) -> [String] {
        zip(dimensions, values(of: k)).map { "\($0.path)=\($1)" }
    }
}

/// Seeds: `A..B` (both included) or a list `1,2,7`.
public enum SeedList {
    /// Whether the seeds are consecutive and rising (`7, 8, 9`), so `first..last` names them.
    public static func isRange(_ seeds: [UInt64]) -> Bool {
        zip(seeds, seeds.dropFirst()).allSatisfy { $1 > $0 && $1 - $0 == 1 }
    }

    public static func parse(_ text: String) throws(SweepInputError) -> [UInt64] {
        let flag = "--seeds \(text)"
        var out: [UInt64] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let t = item.trimmed(" \t")
            let parts = t.components(separatedBy: "..")
            if parts.count == 2, let a = UInt64(parts[0]), let b = UInt64(parts[1]) {
                guard a <= b else { throw SweepInputError("\(flag): expected a range from low to high like 1..5; found '\(t)'") }
                guard b - a < 100_000 else { throw SweepInputError("\(flag): expected at most 100000 seeds; '\(t)' gives \(b - a == .max ? "18446744073709551616" : String(b - a + 1))") }
                out += Array(a...b)
            } else if parts.count == 1, let a = UInt64(t) {
                out.append(a)
            } else {
                throw SweepInputError("\(flag): expected seeds like 1..5 or 1,2,7; found '\(t)'")
            }
        }
        var seen = Set<UInt64>()
        for s in out where !seen.insert(s).inserted { throw SweepInputError("\(flag): expected each seed once; found \(s) twice") }
        return out
    }
}

/// `i/N`: slice `i` (from 0) of `N` of a sweep's cells (cell `k` belongs to slice `k mod N`).
public struct SweepSlice: Sendable, Equatable {
    public var index: Int
    public var count: Int
    public init(index: Int, count: Int) { self.index = index; self.count = count }

    public static func parse(_ text: String, source: String) throws(SweepInputError) -> SweepSlice {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0].trimmed(" ")), let n = Int(parts[1].trimmed(" ")),
              n >= 1, n <= 100_000, i >= 0, i < n else {
            throw SweepInputError("\(source): expected a slice i/N with 0 <= i < N <= 100000, like 0/4; found '\(text)'")
        }
        return SweepSlice(index: i, count: n)
    }

    /// The cells of a grid of `cells` cells in this slice, in order.
    public func cells(of cells: Int) -> [Int] { Array(stride(from: index, to: cells, by: count)) }
}

extension StringProtocol {
    func trimmed(_ set: String) -> String {
        var s = self[...]
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
