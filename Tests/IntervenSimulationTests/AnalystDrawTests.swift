import IntervenCore
import IntervenLoading
import IntervenScenario
import IntervenSimulation
import IntervenTesting
import Testing

/// The analyst's draws are keyed by the identity of each approval or incident.
@Suite("Analyst draws")
struct AnalystDrawTests {
    /// Ten agents each denied five times in an hour (a repeated_deny incident each); with
    /// `extra`, another agent is too, earlier than all of them. A coin-flip analyst, enough
    /// analysts that nobody queues.
    static func scenario(extra: Bool) throws -> Scenario {
        var timeline = (1...10).map { n in
            "  - {at: \(n * 20)m, scan: {agent: a-\(n), op: gdrive.share_file_external, risk: 0.5, count: 5, every: 1m}}"
        }
        if extra {
            timeline.insert("  - {at: 5m, scan: {agent: b-1, op: gdrive.share_file_external, risk: 0.5, count: 5, every: 1m}}", at: 0)
            // An earlier incident of a-5 ... a-10 themselves, over an hour before their denies (their later
            // incidents' ordinals shift).
            for n in 5...10 {
                timeline.insert("  - {at: \(n)m, scan: {agent: a-\(n), op: gdrive.share_file_external, risk: 0.9}}", at: 0)
            }
        }
        let text = """
            name: keyed
            description: analyst verdicts keyed per incident
            seed: 3
            duration: 8h
            agents:
              - {group: a, count: 10, name: "a-{n}", arrivals: {constant: 1/h}, mix: [{op: github.list_prs}]}
              - {group: b, name: b-1, arrivals: {constant: 1/h}, mix: [{op: github.list_prs}]}
            analyst: {headcount: 50, response_time: 5m, accuracy: 0.5}
            timeline:

            """ + timeline.joined(separator: "\n") + "\n"
        return try ScenarioFile.load(text: text, source: "keyed.yaml", baseDirectory: ".")
    }

    @Test("an incident the change does not touch gets the same verdict when other incidents are added before it, even of its own agent")
    func sameVerdict() async throws {
        let base = await Simulation(scenario: try Self.scenario(extra: false), shards: 1).run()
        let grown = await Simulation(scenario: try Self.scenario(extra: true), shards: 2).run()
        let a = base.incidents.filter { $0.agent.hasPrefix("a-") && $0.trigger == .repeatedDeny }
        let b = grown.incidents.filter { $0.agent.hasPrefix("a-") && $0.trigger == .repeatedDeny }
        #expect(grown.incidents.contains { $0.agent == "a-7" && $0.trigger == .criticalDeny })
        #expect(a.count >= 10 && a.count == b.count)
        #expect(grown.incidents.contains { $0.agent == "b-1" })
        // Not vacuous: a coin-flip analyst gets some right and some wrong.
        #expect(Set(a.compactMap(\.resolution)).count > 1, "\(a.map(\.resolution))")
        #expect(a.map(\.resolution) == b.map(\.resolution))
        #expect(a.map { $0.statusChanges.map(\.time) } == b.map { $0.statusChanges.map(\.time) })
    }
}
