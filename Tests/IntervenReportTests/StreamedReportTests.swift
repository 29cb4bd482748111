import Foundation
import IntervenCore
@testable import IntervenReport
import IntervenResults
import IntervenScenario
import IntervenSimulation
import Testing

/// `run` draws report.html after the streamed results files, from the small files as written
/// and the agents the page lists: never from a whole agents.json or trust.csv in memory.
@Suite("Report after the streamed results")
struct StreamedReportTests {
    /// The mixed tenant's run widened to 2,500 agents: more than the page lists.
    static func bigRun() async throws -> RunResult {
        var result = try await ReportPageTests.mixedRun().result
        let template = result.agents[0]
        result.agents = AgentRows((0..<2_500).map { k in
            var a = template
            a.name = "agent-\(k)"
            a.trust.score = Score(micros: Int32(1_000_000 - k * 100))
            return a
        })
        result.groups = [RunGroup(name: "all", label: .benign, runtime: .langchain, count: 2_500)]
        return result
    }

    @Test("the report written after the streamed files is byte for byte the one drawn from every file in memory; the other files are unchanged")
    func sameBytes() async throws {
        for result in [try await ReportPageTests.mixedRun().result, try await Self.bigRun()] {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("interven-streamed-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: dir) }
            var given: [[String]] = []
            try ResultsWriter().write(result, to: dir, adding: [ReportPage.fileName]) { name, small in
                given.append([name] + small.keys.sorted())
                return ReportPage(input: try! ReportInput(result: result, files: small)).html()
            }
            #expect(given == [["report.html", "incidents.json", "series.json", "summary.json"]], "neither agents.json nor trust.csv is handed over")
            let inMemory = ReportPage(input: try ReportInput(files: ReportPageTests.files(result))).html()
            #expect(Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/report.html"))) == inMemory)
            for file in ResultsWriter().files(for: result) {
                #expect(Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/" + file.name))) == file.bytes, "\(file.name)")
            }
        }
    }

    @Test("only the agents series.json lists are rendered for the page, and the page still counts them all")
    func onlyListedAgents() async throws {
        let result = try await Self.bigRun()
        let files = ReportPageTests.files(result)
        let series = try #require(ReportPageTests.json(files["series.json"]!) as? [String: Any])
        let listed = Set((series["agents"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String })
        #expect(listed.count == 2_000)
        var asked: Set<String> = []
        let input = try ReportInput(files: files.filter { $0.key != "agents.json" && $0.key != "trust.csv" }, agents: { names in
            asked = names
            return ResultsWriter.agentsJSON(result.agents.filter { names.contains($0.name) })
        }, agentsTotal: result.agents.count)
        #expect(asked == listed)
        #expect(input.agents.count == 2_000 && input.agentsTotal == 2_500)
        #expect(String(decoding: ReportPage(input: input).html(), as: UTF8.self).contains("Showing 2,000 of 2,500 agents"))
    }
}
