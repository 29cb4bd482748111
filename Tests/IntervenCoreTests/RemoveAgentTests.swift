import IntervenCore
import IntervenTesting
import Testing

@Suite("Removing agents")
struct RemoveAgentTests {
    /// A history that leaves state everywhere: trust lost, counters, a repeated-deny incident
    /// and its alert, an approval decided (a grant window), telemetry, a suspension.
    static func history(_ r: inout Rig, agent: AgentIndex) throws {
        for i in 0..<6 { r.deny(at(m: Int64(1 + i)), agent: agent) }
        r.scan(at(m: 8), agent: agent, tool: "slack", op: "post_message", verb: .write, classes: [.secrets])
        let v = r.scan(at(m: 9), agent: agent, tool: "github", op: "merge_pr", verb: .write, signature: 77)
        let approval = try #require(v.approval)
        try r.g.decideApproval(approval, approve: true, by: "ana", at: at(m: 10))
        try r.g.suspend(agent, at: at(m: 11))
    }

    /// What a fresh agent does; the verdicts and the agent's state at the end.
    static func script(_ r: inout Rig, agent: AgentIndex) -> ([String], AgentSnapshot, [String]) {
        var out: [String] = []
        let t0: Int64 = 20
        for i in 0..<6 {
            let v = r.deny(at(m: t0 + Int64(i)), agent: agent)
            out.append("\(v.decision) \(v.reasons.names(in: r.g.symbols)) \(v.trustAfter)")
        }
        let v = r.scan(at(m: t0 + 7), agent: agent, tool: "github", op: "merge_pr", verb: .write, signature: 77)
        out.append("\(v.decision) \(v.reasons.names(in: r.g.symbols)) \(v.trustAfter) approval:\(v.approval != nil)")
        var snap = r.g.snapshot(of: agent, at: at(m: t0 + 8))
        snap.index = 0
        let incidents = r.g.desk.incidents.filter { $0.agent == agent }.map { "\($0.trigger.kind) \($0.status) \($0.traces.count)" }
        return (out, snap, incidents)
    }

    @Test("a new agent on a removed agent's index starts exactly like a new agent, and nothing of the old one is held")
    func reuse() throws {
        let rules = try defaults()
        var used = Rig(rules, agents: ["old-bot", "other-bot"])
        try Self.history(&used, agent: 0)
        try Self.history(&used, agent: 1)
        #expect(used.g.desk.incidents.contains { $0.agent == 0 })
        func describe(_ i: Incident) -> String { "\(i.id) \(i.title) \(i.status) \(i.traces.count)" }
        let incidentsBefore = used.g.desk.incidents.filter { $0.agent == 1 }.map(describe)
        used.g.removeAgent(0)
        #expect(used.g.freeAgentCount == 1)
        #expect(!used.g.desk.incidents.contains { $0.agent == 0 })
        #expect(!used.g.desk.alerts.contains { $0.incident.agent == 0 })
        #expect(!used.g.anomalies.contains { $0.agent == 0 })
        #expect(used.g.desk.incidents.filter { $0.agent == 1 }.map(describe) == incidentsBefore)
        let otherIDs = used.g.desk.incidents.filter { $0.agent == 1 }.map(\.id)
        #expect(used.g.roster.index(of: "old-bot") == nil)
        let reused = used.g.addAgent(name: "new-bot", runtime: .langchain)
        #expect(reused == 0)
        #expect(used.g.freeAgentCount == 0)
        #expect(used.g.roster.count == 2)

        var fresh = Rig(rules, agents: ["new-bot", "other-bot"])
        try Self.history(&fresh, agent: 1)
        let a = Self.script(&used, agent: 0)
        let b = Self.script(&fresh, agent: 0)
        #expect(a.0 == b.0)
        #expect(a.1 == b.1)
        #expect(a.2 == b.2)
        #expect(!a.2.isEmpty)     // the old agent's open incidents did not absorb the new one's
        // The other agent's incidents still resolve by id after the desk was compacted.
        #expect(otherIDs.compactMap { used.g.desk.incident($0) }.map(describe) == incidentsBefore)
    }
}
