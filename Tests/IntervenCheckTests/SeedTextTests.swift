@testable import IntervenCheck
import Testing

/// How a list of seeds is named in check's flaky-expectation lines: a range only when the seeds
/// are consecutive and rising; any order or spread the user gave is listed, never trapped on.
@Suite("seed lists named in check's output")
struct SeedTextTests {
    @Test("consecutive rising seeds are a range; falling, gapped or extreme ones are listed as given")
    func text() {
        #expect(ExpectationOutcome.seedsText([1, 2, 3, 4]) == "1..4")
        #expect(ExpectationOutcome.seedsText([9, 8, 7]) == "9, 8, 7")
        #expect(ExpectationOutcome.seedsText([1, 5, .max]) == "1, 5, 18446744073709551615")
        #expect(ExpectationOutcome.seedsText([.max, 0, 1]) == "18446744073709551615, 0, 1")
        #expect(ExpectationOutcome.seedsText([]) == "none")
        #expect(SeedList.isRange([.max - 1, .max]))
        #expect(!SeedList.isRange([.max, 0]))
        #expect(!SeedList.isRange([3, 3]))
    }
}
