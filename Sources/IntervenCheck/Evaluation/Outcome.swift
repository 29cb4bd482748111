import IntervenCore
import IntervenScenario
import IntervenSimulation

/// The verdict on one expectation after a run.
public struct ExpectationOutcome: Sendable, Equatable {
    /// Position in the scenario's `expect:` list.
    public var index: Int
    /// Where the scenario file states it (`file:line`).
    public var location: String
    /// The item's column in the file (0 when unknown).
    public var column: Int = 0
    /// A stable name: the item's `id:`, else its title (with ` (2)`, ` (3)` after a repeat), so
    /// that a report's test names do not shift when an expectation is inserted.
    public var id: String = ""
    /// Whether `id` comes from the file's `id:`.
    public var hasExplicitID = false
    /// Wall seconds spent judging it (reports only; never part of a verdict).
    public var seconds: Double = 0
    /// What was expected, in words: `repeated_deny incident for fin-bot-* by 01:00:00, at least 1`.
    public var title: String
    public var passed: Bool
    /// What happened: `2 incidents (first fin-bot-02 at 06:04:10)`.
    public var observed: String
    /// The nearest evidence, most useful first (empty when passed).
    public var evidence: [String]
    /// With `check --seeds`: the seeds it was judged at, and those where it failed (empty when
    /// judged at one seed only).
    public var seedsJudged: [UInt64] = []
    public var failingSeeds: [UInt64] = []

    public init(index: Int, location: String, title: String, passed: Bool, observed: String, evidence: [String]) {
        self.index = index; self.location = location; self.title = title; self.passed = passed
        self.observed = observed; self.evidence = evidence
    }

    /// One line: `expected TITLE: OBSERVED; EVIDENCE; EVIDENCE`.
    public var message: String {
        let head = passed ? "\(title): \(observed)" : "expected \(title): \(observed)"
        let seeds = failingSeeds.isEmpty || seedsJudged.count < 2 ? [] : [(flaky ? "flaky: " : "") + seedsText]
        return ([head] + seeds + evidence).joined(separator: "; ")
    }
}

/// Text helpers shared by the evaluator and the reports.
public enum Phrase {
    public static func plural(_ n: Int, _ one: String, _ many: String? = nil) -> String {
        "\(n) " + (n == 1 ? one : many ?? one + "s")
    }
    /// An ordinal: 1st, 2nd, 3rd, 4th, 11th.
    public static func ordinal(_ n: Int) -> String {
        let suffix = (11...13).contains(n % 100) ? "th" : [1: "st", 2: "nd", 3: "rd"][n % 10] ?? "th"
        return "\(n)\(suffix)"
    }
    /// A share as a percentage with one decimal: `12.5%`.
    public static func percent(_ num: UInt64, _ den: UInt64) -> String {
        guard den > 0 else { return "n/a" }
        let tenths = (num * 1000 + den / 2) / den
        return "\(tenths / 10).\(tenths % 10)%"
    }
    /// A list of at most `limit` items, then `and N more`.
    public static func list(_ items: [String], limit: Int = 3) -> String {
        let shown = items.prefix(limit).joined(separator: ", ")
        return items.count > limit ? shown + " and \(items.count - limit) more" : shown
    }
}
