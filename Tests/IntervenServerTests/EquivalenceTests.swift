import Foundation
import HummingbirdTesting
import IntervenCore
import IntervenLoading
import IntervenServer
import IntervenTesting
import Testing

/// The same scripted scans through HTTP and straight through the core give the same decisions,
/// trust and incidents.
@Suite("HTTP and core agree")
struct EquivalenceTests {
    struct Step: Sendable {
        var at: Int64          // gateway milliseconds
        var agent: String
        var method: String
        var url: String
        var body: String?
    }

    static let script: [Step] = {
        var s: [Step] = []
        // a: six secret posts a minute apart (denies: repeated_deny, trust_collapse), then a merge and reads in scrutiny.
        for i in 0..<6 {
            s.append(Step(at: Int64(i) * 60_000, agent: "a", method: "POST", url: "https://slack.com/api/chat.postMessage",
                          body: #"{"text":"token ghp_abcdef0123456789"}"#))
        }
        s.append(Step(at: 400_000, agent: "a", method: "PUT", url: "https://api.github.com/repos/x/y/pulls/3/merge", body: nil))
        s.append(Step(at: 410_000, agent: "a", method: "GET", url: "https://api.github.com/repos/x/y/pulls", body: nil))
        // b: a threat-intel host, then a sensitive read followed by an external write.
        s.append(Step(at: 30_000, agent: "b", method: "GET", url: "https://login-verify.example/session", body: nil))
        s.append(Step(at: 90_000, agent: "b", method: "GET", url: "https://acme.my.salesforce.com/salesforce/export_contacts",
                      body: #"{"rows":"jane@example.com, 123-45-6789"}"#))
        s.append(Step(at: 150_000, agent: "b", method: "POST", url: "https://api.sendgrid.com/v3/mail/send",
                      body: #"{"to":"someone@outside.example","text":"hello"}"#))
        // c: plain traffic, including PII to Slack (SANITIZE).
        for i in 0..<5 {
            s.append(Step(at: 5_000 + Int64(i) * 20_000, agent: "c", method: "GET", url: "https://api.notion.com/v1/search", body: nil))
        }
        s.append(Step(at: 200_000, agent: "c", method: "POST", url: "https://slack.com/api/chat.postMessage",
                      body: #"{"text":"call 555-0100, mail bob@example.com"}"#))
        return s.sorted { ($0.at, $0.agent) < ($1.at, $1.agent) }
    }()

    @Test func decisionsTrustAndIncidentsMatchTheCore() async throws {
        // Through the core.
        var gateway = Gateway(rules: try RulesFile.defaults(), roster: AgentRoster(seed: 1))
        var index: [String: AgentIndex] = [:]
        var coreDecisions: [String] = []
        for (n, step) in Self.script.enumerated() {
            let a = index[step.agent] ?? gateway.addAgent(name: step.agent, runtime: .custom)
            index[step.agent] = a
            let bodyJSON = step.body.flatMap { b -> JSON? in if case .success(let v) = JSON.parse(Array(b.utf8)) { v } else { nil } }
            let c = Classifier.classify(method: step.method, url: step.url, body: bodyJSON, bodyText: bodyJSON?.text ?? "")
            let scan = Scan(time: SimTime(milliseconds: step.at), agent: a, tool: gateway.intern(c.tool), operation: gateway.intern(c.operation),
                            verb: c.verb, isExternal: c.external, dataClasses: c.dataClasses, host: gateway.intern(c.host),
                            url: gateway.intern(c.url), principal: c.principal.isEmpty ? .none : gateway.intern(c.principal),
                            risk: c.risk, bodySize: Int32(c.bodySize), signature: c.signature, trace: UInt64(n + 1))
            let v = gateway.process(scan)
            coreDecisions.append("\(step.agent) \(v.decision) \(v.reasons.names(in: gateway.symbols).joined(separator: ","))")
        }
        let end = SimTime(milliseconds: 600_000)
        gateway.settle(until: end)
        let coreTrust = index.keys.sorted().map { "\($0) \(gateway.trustScore(of: index[$0]!).doubleValue)" }
        let coreIncidents = gateway.desk.incidents.map {
            "\(gateway.roster.names[Int($0.agent)]) \($0.trigger.kind) \($0.severity) \($0.openedAt.milliseconds) \($0.traces.count)"
        }.sorted()
        #expect(coreIncidents.count >= 4)   // repeated_deny, trust_collapse, threat_intel, read_then_write at least

        // Through HTTP (three shards, so agents land on different actors).
        let t = try TestServer(shards: 3)
        let (httpDecisions, httpTrust, httpIncidents) = try await t.withRouter { api -> ([String], [String], [String]) in
            var decisions: [String] = []
            for step in Self.script {
                t.clock.set(SimTime(milliseconds: step.at))
                let body = scanBody(method: step.method, url: step.url, body: step.body, agent: step.agent)
                let r = try await api.scan(body).json
                let reasons = (r["reason_codes"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: ",")
                decisions.append("\(step.agent) \(r["decision"]?.stringValue ?? "?") \(reasons)")
            }
            t.clock.set(end)
            let states = try await api.call(.get, "/api/telemetry/agents/trust-states").json["trust_states"]?.arrayValue ?? []
            let trust = states.map { "\($0["agent_id"]?.stringValue ?? "") \($0["trust_score"]?.doubleValue ?? -1)" }.sorted()
            let list = try await api.call(.get, "/v1/incidents?limit=1000").json["incidents"]?.arrayValue ?? []
            let times = APITimes(epoch: t.server)
            let incidents = list.map {
                "\($0["agent_id"]?.stringValue ?? "") \($0["trigger"]?.stringValue ?? "") \($0["severity"]?.stringValue ?? "") \(times.ms($0["opened_at"]?.stringValue ?? "")) \($0["trace_count"]?.intValue ?? -1)"
            }.sorted()
            return (decisions, trust, incidents)
        }
        #expect(httpDecisions == coreDecisions)
        #expect(httpTrust == coreTrust)
        #expect(httpIncidents == coreIncidents)
    }
}

/// Converts the API's timestamps back to gateway milliseconds.
struct APITimes {
    let epoch: Int64
    init(epoch server: GatewayServer) { epoch = server.epochWallMillis }
    func ms(_ iso: String) -> Int64 { (GatewayServer.parseTimestamp(iso) ?? Int64.min) - epoch }
}
