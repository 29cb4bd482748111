import IntervenLoading
import IntervenScenario
import IntervenTesting
import Testing

/// `start:`: the instant virtual time 0 stands for.
@Suite("Scenario start")
struct StartInstantTests {
    @Test("defaults to 2026-01-01T00:00:00Z; reads Z, offsets and milliseconds")
    func reads() throws {
        #expect(try loadScenario(minimalScenario).startUnixMilliseconds == 1_767_225_600_000)
        #expect(try loadScenario(minimalScenario + "start: 2026-01-01T00:00:00Z\n").startUnixMilliseconds == 1_767_225_600_000)
        #expect(try loadScenario(minimalScenario + "start: \"2026-03-02T09:00:00.25+01:00\"\n").startUnixMilliseconds
                == 1_772_438_400_250)
        #expect(try loadScenario(minimalScenario + "start: 2024-02-29T23:59:59.999Z\n").startUnixMilliseconds == 1_709_251_199_999)
    }

    @Test("a malformed instant is refused with its line and column", arguments: ["2026-02-30T00:00:00Z", "2026-01-01 00:00:00", "tomorrow", "2026-01-01T00:00:00"])
    func refuses(_ text: String) throws {
        do {
            _ = try loadScenario(minimalScenario + "start: \"\(text)\"\n")
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.description.hasPrefix("s.yaml:10:8: start: expected an RFC 3339 instant"), "\(error.description)")
        }
    }
}
