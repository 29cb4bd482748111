import IntervenCore
import IntervenLoading
@testable import IntervenSimulation
import IntervenTesting
import Testing

/// `RunEstimate`: the cost of a run, from its scenario alone.
@Suite("Run estimate")
struct RunEstimateTests {
    private func estimate(_ body: String) throws -> RunEstimate {
        let text = "name: e\ndescription: sizing\n" + body
        return RunEstimate(try ScenarioFile.load(text: text, source: "e.yaml", baseDirectory: "."))
    }

    @Test("scans are rate times the time in force, per agent, plus timeline scans")
    func scans() throws {
        let e = try estimate("""
            duration: 2h
            agents:
              - {group: a, count: 10, name: "a-{n}", runtime: mcp, arrivals: {poisson: 60/h}, mix: [{op: github.list_prs}],
                 phases: [{at: 1h, arrivals: {constant: 120/h}}]}
              - {group: b, count: 1, name: b, runtime: mcp, arrivals: {bursts: {rate: 60/min, on: 5m, off: 15m}}, mix: [{op: github.list_prs}]}
              - {group: c, count: 2, name: "c-{n}", runtime: mcp, arrivals: {poisson: 24/day, window: {start: "22:00", end: "04:00"}}, mix: [{op: github.list_prs}]}
            timeline:
              - {at: 30m, scan: {agent: b, op: github.list_prs, count: 7, every: 1s}}
            """)
        // a: 10 × (60 + 120); b: 60/min for a quarter of 120 min; c: 2 × 1/h × 6/24 of 2 h; timeline 7.
        #expect(abs(e.scans - (1800 + 1800 + 1 + 7)) < 1e-6, "\(e.scans)")
        #expect(e.agents == 13)
        #expect(e.sampledTrustRows == nil)
    }

    @Test("a sampled series has agents × (duration / interval + 1) rows; memory and output grow with them")
    func sampledRows() throws {
        let every = try estimate("""
            duration: 13h
            agents:
              - {group: a, name: a-1, runtime: mcp, arrivals: {poisson: 1/min}, mix: [{op: github.list_prs}]}
            """)
        let sampled = try estimate("""
            duration: 13h
            trust_sample: 1ms
            agents:
              - {group: a, name: a-1, runtime: mcp, arrivals: {poisson: 1/min}, mix: [{op: github.list_prs}]}
            """)
        #expect(sampled.sampledTrustRows == 46_800_001)
        #expect(sampled.memoryBytes > 5e9 && every.memoryBytes < 1e8, "\(sampled.memoryBytes) \(every.memoryBytes)")
        #expect(sampled.outputBytes > 2e9)
        #expect(every.maxTrustRows(memory: every.memoryBytes + 1100) == 10)
        #expect(every.maxTrustRows(memory: 0) == 0)
    }

    @Test("a stopped run reports where and how many rows, and stops early")
    func stopped() async throws {
        let scenario = try ScenarioFile.load(text: """
            name: idle
            description: idle recovery every millisecond after denies
            duration: 2h
            set: {trust.idle_recovery.period: 1ms, trust.idle_recovery.reward: 0.000001}
            agents:
              - {group: ops, name: ops-1, runtime: mcp, arrivals: {poisson: 2/h}, mix: [{op: github.list_prs}]}
            timeline:
              - {at: 30m, scan: {agent: ops-1, op: gdrive.share_file_external, count: 6, every: 10s, data: [PII], risk: 0.6}}
            """, source: "idle.yaml", baseDirectory: ".")
        var simulation = Simulation(scenario: scenario, shards: 1)
        simulation.trustRowLimit = 1000
        let result = await simulation.run()
        let stop = try #require(result.stopped)
        #expect(stop.trustRows > 1000 && stop.limit == 1000)
        #expect(stop.at < SimTime.zero + scenario.duration)
        simulation.trustRowLimit = nil
        let full = await simulation.run()
        #expect(full.stopped == nil && full.trust.count > 100_000)
    }
}
