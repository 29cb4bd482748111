import IntervenCore
import IntervenLoading
import IntervenSimulation
import IntervenScenario
import IntervenTesting
import Testing

@Suite("Simulation determinism")
struct SimulationDeterminismTests {
    /// Every field of two results is equal, except the two allowed to differ (wall time, shards).
    static func same(_ a: RunResult, _ b: RunResult) -> Bool {
        a.scenario == b.scenario && a.seed == b.seed && a.duration == b.duration && a.agents == b.agents
            && a.scans == b.scans && a.decisions == b.decisions && a.incidents == b.incidents && a.trust == b.trust
            && a.alerts == b.alerts && a.anomalies == b.anomalies && a.approvals == b.approvals
            && a.refusedActions == b.refusedActions && a.fingerprint == b.fingerprint
    }

    @Test("the same scenario twice gives the same result")
    func twice() async throws {
        let s = try mixedTenant()
        let a = await Simulation(scenario: s, shards: 2).run()
        let b = await Simulation(scenario: s, shards: 2).run()
        #expect(a.fingerprint == b.fingerprint)
        #expect(Self.same(a, b))
    }

    @Test("every shard count gives the same result", arguments: [2, 3, 4])
    func shardCounts(_ k: Int) async throws {
        let s = try mixedTenant()
        let one = await Simulation(scenario: s, shards: 1).run()
        let many = await Simulation(scenario: s, shards: k).run()
        #expect(one.fingerprint == many.fingerprint)
        #expect(Self.same(one, many))
    }

    @Test("the run is not vacuous: traffic, incidents of several triggers, analyst work and the closed loop all happen")
    func notVacuous() async throws {
        let r = await Simulation(scenario: try mixedTenant(), shards: 2).run()
        #expect(r.scans > 8_000)
        let triggers = Set(r.incidents.map(\.trigger))
        #expect(triggers.isSuperset(of: [.repeatedDeny, .readThenWrite, .threatIntel]), "\(triggers)")
        #expect(r.incidents.contains { $0.status == .closed && $0.statusChanges.contains { $0.actor == "analyst" } })
        #expect((r.approvals[.approved] ?? 0) > 0)
        #expect(r.agents.count == 70)
        #expect(r.trust.contains { $0.cause == .suspended })
        #expect(r.incidents.contains { $0.notes.contains { $0.author == "alice" } })
    }

    @Test("an approved request is retried identically at the agent's next poll and goes through")
    func closedLoop() async throws {
        var rules = try RulesFile.defaults()
        rules.trust.initial = Score(micros: 900_000)          // so the +0.02 retry reward shows
        let group = AgentGroup(name: "mergers", count: 1, namePattern: "merger", runtime: .cursor,
                               arrivals: Arrivals(.constant(rate("1/min"))), mix: [WeightedTemplate(op("github.merge_pr"), weight: 1)],
                               behavior: Behavior(pollInterval: .seconds(5)))
        let s = Scenario(name: "loop", duration: .hours(2), rules: rules, groups: [group],
                         timeline: [TimelineEvent(at: .minutes(3), action: .decideApproval(agent: "merger", approve: true))])
        let r = await Simulation(scenario: s, shards: 1).run()
        let retries = r.trust.filter { $0.cause == .approvalRetry }
        #expect(retries.count == 1)
        let first = try #require(r.agents.first?.firstSeen)
        // Blocked since its first scan, polling every 5 s: the retry is at the first poll at or after 3 min.
        let waited = SimDuration.minutes(3).milliseconds - first.milliseconds
        let poll: Int64 = 5000
        #expect(retries.first?.time == first + SimDuration(milliseconds: (waited + poll - 1) / poll * poll))
        #expect(r.approvals[.approved] == 1)
    }

    @Test("adding an agent group does not change the traffic of the others (each agent has its own stream)")
    func groupsAreIndependent() async throws {
        var base = try mixedTenant()
        base.analyst = nil          // the analyst's shared queue is the one thing that couples agents
        var grown = base
        grown.groups.insert(AgentGroup(name: "extra", count: 25, namePattern: "extra-{n}", runtime: .mcp,
                                       arrivals: Arrivals(.poisson(rate("3/min"))),
                                       mix: [WeightedTemplate(op("github.create_pr"), weight: 1)]), at: 0)
        let a = await Simulation(scenario: base, shards: 2).run()
        let b = await Simulation(scenario: grown, shards: 3).run()
        #expect(b.agents.count == a.agents.count + 25)
        let others = b.agents.filter { !$0.name.hasPrefix("extra-") }
        #expect(others.map(\.name) == a.agents.map(\.name))
        for (x, y) in zip(a.agents, others) {
            #expect(x.totalCalls == y.totalCalls && x.firstSeen == y.firstSeen && x.lastSeen == y.lastSeen, "\(x.name)")
            #expect(x.trust == y.trust && x.recentDecisions == y.recentDecisions, "\(x.name)")
        }
        #expect(a.incidents == b.incidents.filter { !$0.agent.hasPrefix("extra-") })
    }

    @Test("another seed gives another run")
    func seedMatters() async throws {
        let a = await Simulation(scenario: try mixedTenant(seed: 1), shards: 2).run()
        let b = await Simulation(scenario: try mixedTenant(seed: 2), shards: 2).run()
        #expect(a.fingerprint != b.fingerprint)
    }
}
