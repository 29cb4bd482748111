import Foundation
import IntervenCore
@testable import IntervenReport
import IntervenResults
import IntervenScenario
import IntervenSimulation
import IntervenTesting
import Testing

/// report.html and the series it is drawn from.
@Suite("Report page")
struct ReportPageTests {
    /// One run of the mixed tenant, and its results files by name.
    static func mixedRun() async throws -> (result: RunResult, files: [String: [UInt8]]) {
        let result = await Simulation(scenario: try mixedTenant(), shards: 2).run()
        return (result, files(result))
    }

    static func files(_ result: RunResult) -> [String: [UInt8]] {
        Dictionary(ResultsWriter().files(for: result).map { ($0.name, $0.bytes) }, uniquingKeysWith: { a, _ in a })
    }

    static func json(_ bytes: [UInt8]) -> Any { try! JSONSerialization.jsonObject(with: Data(bytes)) }

    @Test("series.json: each group's mean trust at the last checkpoint is the mean of its agents' final trust")
    func groupMeansMatchAgents() async throws {
        let (result, files) = try await Self.mixedRun()
        let series = try #require(Self.json(files["series.json"]!) as? [String: Any])
        let groups = try #require(series["groups"] as? [[String: Any]])
        #expect(groups.map { $0["name"] as? String } == ["workers", "noisy", "fin"])
        var first = 0
        for (g, group) in groups.enumerated() {
            let count = result.groups[g].count
            let agents = result.agents[first..<(first + count)]
            first += count
            let mean = agents.reduce(0.0) { $0 + $1.trust.score.doubleValue } / Double(count)
            let means = try #require(group["trust_mean"] as? [Double])
            #expect(means.count == 145)
            #expect(abs(means.last! - mean) < 0.000_001, "\(result.groups[g].name): \(means.last!) vs \(mean)")
            let lows = try #require(group["trust_min"] as? [Double])
            let lowest = agents.map(\.trust.score.doubleValue).min()!
            #expect(abs(lows.last! - lowest) <= 0.0005, "\(result.groups[g].name) lowest")
        }
        // Decisions per hour add up to the run's decisions.
        let hours = try #require(series["decisions_per_hour"] as? [[Int]])
        #expect(hours.count == 6)
        for (d, decision) in [Decision.allow, .requireApproval, .sanitize, .deny].enumerated() {
            #expect(UInt64(hours.reduce(0) { $0 + $1[d] }) == result.decisions[decision] ?? 0, "\(decision)")
        }
    }

    @Test("the page has every section and chart, its data parses, and it loads nothing from the network")
    func pageStructure() async throws {
        let run = try await Self.mixedRun()
        let html = String(decoding: ReportPage(input: try ReportInput(files: run.files)).html(), as: UTF8.self)
        for id in ["overview", "charts", "agents", "incidents", "chart-trust-groups", "chart-trust-agents", "chart-incidents-time",
                   "chart-decisions", "chart-decisions-nonallow", "chart-ttd", "agents-table", "incidents-table", "report-data"] {
            #expect(html.contains("id=\"\(id)\""), "missing #\(id)")
        }
        #expect(!html.contains("src=\"http") && !html.contains("href=\"http") && !html.contains("@import"), "no network")
        #expect(html.contains("scrutiny threshold 0.6"))
        let start = try #require(html.range(of: "<script id=\"report-data\" type=\"application/json\">"))
        let end = try #require(html.range(of: "</script>", range: start.upperBound..<html.endIndex))
        let data = try #require(Self.json(Array(html[start.upperBound..<end.lowerBound].utf8)) as? [String: Any])
        #expect((data["agents"] as? [Any])?.count == run.result.agents.count)
        #expect((data["incidents"] as? [Any])?.count == run.result.incidents.count)
        #expect(!run.result.incidents.isEmpty)
    }

    @Test("a results directory gives the same page as the files in memory")
    func fromDirectory() async throws {
        let run = try await Self.mixedRun()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("interven-report-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try ResultsWriter().write(run.result, to: dir)
        let fromDisk = ReportPage(input: try ReportInput(directory: dir)).html()
        #expect(fromDisk == ReportPage(input: try ReportInput(files: run.files)).html())
        #expect(throws: ReportError.self) { try ReportInput(directory: dir + "/missing") }
    }

    @Test("a tenant larger than the page's agent limit lists the most relevant agents and says so")
    func bigTenant() async throws {
        var result = try await Self.mixedRun().result
        let template = result.agents[0]
        result.agents = AgentRows((0..<2_500).map { k in
            var a = template
            a.name = "agent-\(k)"
            a.trust.score = Score(micros: Int32(1_000_000 - (k == 1_234 ? 500_000 : 0)))
            return a
        })
        result.groups = [RunGroup(name: "all", label: .benign, runtime: .langchain, count: 2_500)]
        result.trust = []
        result.incidents = Array(result.incidents.prefix(1)).map { var i = $0; i.agent = "agent-2400"; return i }
        let input = try ReportInput(files: Self.files(result))
        #expect(input.agents.count == 2_000)
        let names = Set(input.agents.compactMap { $0["name"] as? String })
        #expect(names.contains("agent-2400"), "the agent with an incident is kept")
        #expect(names.contains("agent-1234"), "the agent with the lowest trust is kept")
        let html = String(decoding: ReportPage(input: input).html(), as: UTF8.self)
        #expect(html.contains("Showing 2,000 of 2,500 agents"))
    }
}
