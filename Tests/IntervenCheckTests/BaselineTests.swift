@testable import IntervenCheck
import IntervenCore
import IntervenSimulation
import IntervenScenario
import IntervenTesting
import Testing

@Suite struct BaselineTests {
    static func incident(_ agent: String, _ trigger: String, at ms: Int64) -> Baseline.IncidentLine {
        Baseline.IncidentLine(agent: agent, trigger: trigger, key: nil, severity: "HIGH", openedAt: ms, status: "open", resolution: nil)
    }

    static func baseline(_ incidents: [Baseline.IncidentLine], mean: Score = .one, deny: UInt64 = 10) -> Baseline {
        Baseline(scenario: "s", seed: 1, fingerprint: "0", scans: 100, initialTrust: .one, checkpoints: [1000, 2000],
                 incidents: incidents,
                 groups: [Baseline.GroupLine(group: "g", agents: 2, decisions: [90 - deny + 10, 0, 0, deny], trustMean: [.one, mean], trustMin: [.one, mean])],
                 agents: [])
    }

    @Test func identicalRunsHaveNoChange() throws {
        let b = Self.baseline([Self.incident("a", "repeated_deny", at: 5000)])
        let parsed = try Baseline.parse(String(decoding: b.json, as: UTF8.self), path: "b.json")
        #expect(parsed == b)
        #expect(BaselineComparison(old: b, new: parsed).isEmpty)
    }

    @Test func listsAddedRemovedAndMovedIncidents() {
        let old = Self.baseline([Self.incident("a", "repeated_deny", at: 5000), Self.incident("b", "threat_intel", at: 7000)])
        let new = Self.baseline([Self.incident("a", "repeated_deny", at: 9000), Self.incident("c", "critical_deny", at: 1000)])
        let diff = BaselineComparison(old: old, new: new)
        #expect(diff.removed == ["threat_intel for b at 00:00:07 (HIGH)"])
        #expect(diff.added == ["critical_deny for c at 00:00:01 (HIGH)"])
        #expect(diff.moved == ["repeated_deny for a from 00:00:05 to 00:00:09 (+4s)"])
        #expect(diff.summary == "1 incident added, 1 incident removed, 1 incident moved")
    }

    @Test func trustAndMixOnlyCountBeyondTheirTolerance() {
        let old = Self.baseline([], mean: Score(micros: 900_000), deny: 10)
        let within = Self.baseline([], mean: Score(micros: 860_000), deny: 11)
        #expect(BaselineComparison(old: old, new: within).isEmpty)
        let beyond = Self.baseline([], mean: Score(micros: 849_999), deny: 14)
        let diff = BaselineComparison(old: old, new: beyond)
        #expect(diff.trust == ["group g mean at 00:00:02: 0.9 → 0.849999"])
        #expect(diff.mix.count == 1)
        #expect(diff.mix.first?.contains("DENY 10.0% → 14.0%") == true)
    }

    @Test func aMalformedFileIsRefusedWithItsPath() {
        #expect(throws: BaselineError.self) { try Baseline.parse("{\"format\": 99}", path: "x.json") }
        do { _ = try Baseline.parse("[1, 2", path: "x.json") } catch { #expect(error.description.hasPrefix("x.json: not a baseline file")) }
    }

    @Test func theLargestSeedRoundTrips() throws {
        var b = Self.baseline([])
        b.seed = .max
        #expect(try Baseline.parse(String(decoding: b.json, as: UTF8.self), path: "b.json").seed == .max)
    }

    /// A hand-edited baseline with numbers no run makes is refused, not a crash.
    @Test(arguments: [
        (#""decisions": [90, 0, 0, 10]"#, #""decisions": [-1, 0, 0, 10]"#),
        (#""decisions": [90, 0, 0, 10]"#, #""decisions": [18446744073709551615, 18446744073709551615, 0, 10]"#),
        (#""agents": 2"#, #""agents": -2"#),
        (#""seed": 1"#, #""seed": -1"#),
        (#""opened_at": 5000"#, #""opened_at": -9223372036854775808"#),
        (#""opened_at": 5000"#, #""opened_at": 9223372036854775807"#),
    ])
    func outlandishNumbersAreRefused(_ replacement: (String, String)) throws {
        let text = String(decoding: Self.baseline([Self.incident("a", "repeated_deny", at: 5000)]).json, as: UTF8.self)
        try #require(text.contains(replacement.0), "\(text)")
        let edited = text.replacingOccurrences(of: replacement.0, with: replacement.1)
        #expect(throws: BaselineError.self) { try Baseline.parse(edited, path: "x.json") }
    }
}
