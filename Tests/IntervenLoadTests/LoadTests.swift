import Foundation
import HummingbirdTesting
import IntervenCore
import IntervenLoad
import IntervenLoading
import IntervenScenario
import IntervenServer
import Testing

let loadKey = "iv_live_load0000000000000000000000001"

/// A scenario from YAML text, through a temporary file that is removed again.
func scenario(_ yaml: String) throws -> Scenario {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("load-\(UUID().uuidString).yaml").path
    try yaml.write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try ScenarioFile.load(path: path, rulesPath: nil, overrides: [])
}

/// `serve` in process on an ephemeral loopback port at `speed`, for the duration of `body`
/// (stopped and its database removed even when `body` throws).
func withServe<T: Sendable>(speed: Double, _ body: @Sendable (String) async throws -> T) async throws -> T {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("load-\(UUID().uuidString).sqlite").path
    defer { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) } }
    var options = ServerOptions()
    options.dbPath = path
    options.port = 0
    options.shards = 2
    options.speed = speed
    options.ackBeforeDurable = true
    let config = ServerConfig(tenants: [TenantConfig(id: "load", rules: try RulesFile.defaults(),
                                                     keys: [KeyConfig(name: "load", key: loadKey, agentID: "load-bot")])])
    let server = try GatewayServer.open(config: config, options: options)
    return try await server.application().test(.live) { client in
        try await body("http://127.0.0.1:\(client.port!)")
    }
}

func options(_ target: String, speed: Double, connections: Int = 16) -> LoadOptions {
    var o = LoadOptions(target: target, defaultKey: loadKey)
    o.speed = speed
    o.connections = connections
    o.maxWallSeconds = 60
    o.requestTimeout = 5
    return o
}

let repeatedDeny = """
    name: load-repeated-deny
    description: a load test fixture
    seed: 3
    duration: 20m
    agents:
      - {group: at, name: at-1, runtime: custom, arrivals: {constant: 0.01/h}, mix: [{op: github.list_prs}]}
      - {group: below, name: below-1, runtime: custom, arrivals: {constant: 0.01/h}, mix: [{op: github.list_prs}]}
    timeline:
      - {at: 1m, scan: {agent: at-1, op: gdrive.share_file_external, data: [PII], risk: 0.6, count: 5, every: 1m}}
      - {at: 1m, scan: {agent: below-1, op: gdrive.share_file_external, data: [PII], risk: 0.6, count: 3, every: 1m}}
    expect:
      - incident: {trigger: repeated_deny, agent: at-1, count: 1}
      - no_incident: {trigger: repeated_deny, agent: below-1}
      - decisions: {agent: below-1, DENY: 3}
    """

@Suite("Load against a live gateway", .serialized)
struct LoadTests {
    // At 150x the 5-minute matching tolerance is 2 s of wall time: room for a loaded machine.
    @Test func timelineScenarioPassesAndAgreesWithTheSimulation() async throws {
        let s = try scenario(repeatedDeny)
        let report = try await withServe(speed: 150) { url in await LoadTest.run(scenario: s, options: options(url, speed: 150)) }
        #expect(report.errors == 0)
        #expect(report.scanCount == 8)
        #expect(report.verdicts.map(\.status) == [.passed, .passed, .notJudged])
        #expect(report.comparison.matched >= 1)
        #expect(report.comparison.missing.isEmpty && report.comparison.extra.isEmpty)
        #expect(report.exitCode == 0)
        // The results directory holds every file, written at once.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("load-out-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try LoadTest.write(report, to: dir)
        let names = try FileManager.default.contentsOfDirectory(atPath: dir)
        for f in ["load.json", "expectations.json", "comparison.json", "junit.xml", "latency-scan.hgrm", "latency-scan.hlog",
                  "latency-scan-naive.hlog", "latency-scan-deny.hlog"] { #expect(names.contains(f)) }
        // The interval log holds every scan once, in intervals that follow each other.
        let log = try HdrLogReader.read(try String(contentsOfFile: dir + "/latency-scan.hlog", encoding: .utf8))
        #expect(log.startTime != nil)
        #expect(log.intervals.reduce(0) { $0 + $1.histogram.totalCount } == 8)
        #expect(zip(log.intervals, log.intervals.dropFirst()).allSatisfy { $0.start + $0.length <= $1.start + 0.0005 })
    }

    @Test func theAnalystTriagesIncidentsThroughTheAPIAsTheSimulationDoes() async throws {
        // The repeated-deny fixture with an analyst who triages: the leaker's incident is marked
        // investigating, then closed with the resolution the simulation's analyst draws.
        // (Accuracy 1: the verdict does not depend on the draw, which a late scan on a loaded machine could move.)
        // Two analysts and 35 quiet minutes after the last incident (14 s of wall time at 150x), so
        // a machine busy with the whole suite still leaves the live analyst time to close both.
        let s = try scenario(repeatedDeny
            .replacingOccurrences(of: "agents:\n", with: "analyst: {headcount: 2, response_time: 2m, accuracy: 1.0}\nagents:\n")
            .replacingOccurrences(of: "duration: 20m", with: "duration: 40m"))
        #expect(s.analyst?.triagesIncidents == true)
        // Incidents are matched within 20 virtual minutes (8 s of wall time) instead of 5: with the
        // whole suite running, the load generator was once held up 5 s, which moved the incident
        // 12 virtual minutes. The fixture has one incident, on one agent, so the match still pins it.
        let report = try await withServe(speed: 150) { url in
            await LoadTest.run(scenario: s, options: options(url, speed: 150), incidentTolerance: .minutes(20))
        }
        #expect(report.errors == 0)
        let incident = try #require(report.incidents.first { $0.agent == "at-1" && $0.trigger == "repeated_deny" })
        #expect(incident.status == "closed")
        #expect(incident.resolution != nil)
        #expect(report.comparison.matched >= 1)
        #expect(report.comparison.statusDifferences.isEmpty, "\(report.comparison.statusDifferences)")
        // Each matched incident taken once, marked investigating then closed: two transitions each.
        let n = report.comparison.matched
        #expect(report.text.contains("analyst: \(n) approvals and incidents taken, \(2 * n) decisions and transitions sent, 0 refused"))
    }

    // The scan at 1 min leaves 7 min (7 s of wall time) for its answer, the analyst's 30 s and the
    // polls, even on a machine busy with the whole test suite.
    @Test func approvalsArePolledAndRetried() async throws {
        let s = try scenario("""
            name: load-approvals
            description: a load test fixture
            seed: 5
            duration: 8m
            analyst: {headcount: 1, response_time: 30s, accuracy: 1.0}
            agents:
              - {group: merge, name: merger-1, runtime: cursor, arrivals: {constant: 0.01/h}, mix: [{op: github.list_prs}]}
            timeline:
              - {at: 1m, scan: {agent: merger-1, op: github.merge_pr, risk: 0.1, variants: 1}}
            """)
        let report = try await withServe(speed: 60) { url in await LoadTest.run(scenario: s, options: options(url, speed: 60)) }
        #expect(report.errors == 0)
        #expect(report.polls >= 1)
        #expect(report.retriesAfterApproval == 1)
    }
}
