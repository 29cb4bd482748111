import IntervenCore
import IntervenCheck
import IntervenScenario
import IntervenSimulation
import IntervenTesting
import Testing

@Suite("summary.json's detection section and the detection expectation agree")
struct DetectionAgreementTests {
    @Test("an expectation pinned to exactly the run's detection metrics passes, per trigger and group")
    func agree() async throws {
        var s = try mixedTenant()
        let result = await Simulation(scenario: s, shards: 2).run()
        let metrics = try #require(result.detection)
        var expectations: [IntervenScenario.Expectation] = []
        var checked = 0
        for (g, glob) in [(metrics.overall, "*"), (metrics.groups[2], "fin-bot-*"), (metrics.groups[1], "noisy-*")] {
            for t in g.triggers where t.maliciousAgents > 0 {
                expectations.append(IntervenScenario.Expectation(.detection(DetectionExpectation(
                    trigger: t.trigger, agent: glob, rate: .exactly(t.detectionRate!), falsePositiveRatio: .exactly(t.falsePositiveRatio),
                    p50: t.timeToDetectP50.map { .exactly($0) }, p95: t.timeToDetectP95.map { .exactly($0) }))))
                if t.detectedAgents > 0 { checked += 1 }
            }
        }
        #expect(checked >= 3, "the tenant must detect something for the comparison to mean anything")
        s.expectations = expectations
        var evaluator = Evaluator(scenario: s, result: result)
        for o in evaluator.evaluate() { #expect(o.passed, "\(o.title): \(o.observed)") }
    }
}
