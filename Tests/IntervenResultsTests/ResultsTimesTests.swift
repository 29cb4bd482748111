import Foundation
import IntervenCore
import IntervenResults
import IntervenSimulation
import IntervenTesting
import Testing

/// RFC 3339 instants beside the offsets in incidents.json and trust.csv, from the scenario's `start:`.
@Suite("Results files: RFC 3339 times")
struct ResultsTimesTests {
    private func text(_ name: String, _ result: RunResult) throws -> String {
        let file = try #require(ResultsWriter().files(for: result).first { $0.name == name })
        return String(decoding: file.bytes, as: UTF8.self)
    }

    @Test("a scenario start moves every _utc field and the utc column; summary.json does not change")
    func start() throws {
        var moved = ResultsFixture.result
        // 2026-03-02T09:00:00Z
        moved.startUnixMilliseconds = 1_772_442_000_000
        let incidents = try text("incidents.json", moved)
        #expect(incidents.contains("\"opened_at_utc\": \"2026-03-02T09:10:00.000Z\""))
        #expect(incidents.contains("\"closed_at_utc\": \"2026-03-02T10:00:00.000Z\""))
        #expect(incidents.contains("\"time_utc\": \"2026-03-02T09:10:00.005Z\""))
        #expect(incidents.contains("\"opened_at_utc\": \"2026-03-03T11:00:00.000Z\""))
        #expect(incidents.contains("\"closed_at_utc\": null"))
        let trust = try text("trust.csv", moved)
        #expect(trust.contains("900001,00:15:00.001,2026-03-02T09:15:00.001Z,fin-bot-1,"))
        #expect(try text("summary.json", moved) == (try text("summary.json", ResultsFixture.result)))
        // Every _utc value is the instant of its _ms offset from the start.
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(incidents.utf8)) as? [[String: Any]])
        var checked = 0
        func check(_ o: [String: Any]) {
            for (k, v) in o where k.hasSuffix("_ms") {
                let base = String(k.dropLast(3))
                if let ms = v as? Int {
                    #expect(o[base + "_utc"] as? String == ActivityLog.rfc3339(moved.startUnixMilliseconds + Int64(ms)), "\(base)")
                    checked += 1
                } else {
                    #expect(o[base + "_utc"] is NSNull, "\(base)")
                }
            }
            for case let list as [[String: Any]] in o.values { list.forEach(check) }
        }
        doc.forEach(check)
        #expect(checked >= 10)
    }
}
