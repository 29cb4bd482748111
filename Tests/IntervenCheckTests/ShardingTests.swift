@testable import IntervenCheck
import IntervenLoading
import IntervenScenario
import IntervenTesting
import Testing

@Suite("check splits big scenarios over free cores")
struct ShardingTests {
    static func scenario(agents: Int) throws -> Scenario {
        let text = """
            name: big
            description: many agents, a little traffic each
            seed: 5
            duration: 2h
            agents:
              - {group: w, count: \(agents), name: "w-{n}", arrivals: {poisson: 2/h}, mix: [{op: github.list_prs}, {op: gdrive.share_file_external, weight: 1}]}
            expect:
              - decisions: {agent: "w-*", DENY: {at_least: 1}}
              - detection: {false_positive_ratio: {at_most: 1}}

            """
        return try ScenarioFile.load(text: text, source: "big.yaml", baseDirectory: ".")
    }

    @Test("a big scenario takes every free core (one per 100 agents at most), a small one a single core")
    func shardCounts() throws {
        let big = try Self.scenario(agents: CheckRunner.shardingAgents)
        let small = try Self.scenario(agents: CheckRunner.shardingAgents - 1)
        #expect(CheckRunner.shardCount(big, freeCores: 4) == 4)
        #expect(CheckRunner.shardCount(big, freeCores: 1) == 1)
        #expect(CheckRunner.shardCount(big, freeCores: 64) == 10)
        #expect(CheckRunner.shardCount(small, freeCores: 4) == 1)
    }

    @Test("the verdicts and the run do not depend on how many cores check has")
    func sameResults() async throws {
        let s = try Self.scenario(agents: 1200)
        let plan = CheckPlan(scenarios: [("big.yaml", s)], errors: [])
        let one = await CheckRunner.run(plan, options: CheckOptions(paths: [], jobs: 1))
        let three = await CheckRunner.run(plan, options: CheckOptions(paths: [], jobs: 3))
        #expect(one[0].fingerprint == three[0].fingerprint)
        #expect(one[0].scans == three[0].scans && one[0].scans > 0)
        let a = one[0].outcomes.map { $0.message }, b = three[0].outcomes.map { $0.message }
        #expect(a == b)
        let passed = one[0].outcomes.allSatisfy { $0.passed }
        #expect(passed, "\(a)")
    }
}
