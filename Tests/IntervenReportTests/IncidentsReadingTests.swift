import Foundation
@testable import IntervenReport
import Testing

@Suite("Reading incidents.json for the page")
struct IncidentsReadingTests {
    @Test("elements of a top-level array: strings with commas, brackets and escaped quotes stay whole")
    func elements() throws {
        let text = #" [ {"a": "x, ]} \" [", "b": [1, {"c": 2}]} ,{"d":"\\"}, 3 ,"s,t"] "#
        let bytes = Array(text.utf8)
        let ranges = try #require(IncidentsReading.elements(bytes))
        let parts = ranges.map { String(decoding: bytes[$0], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }
        #expect(parts == [#"{"a": "x, ]} \" [", "b": [1, {"c": 2}]}"#, #"{"d":"\\"}"#, "3", #""s,t""#])
        #expect(IncidentsReading.elements(Array("[]".utf8)) == [])
    }

    @Test("not a whole array is refused", arguments: ["{}", "[1, 2", "[1,, 2]", "[1] x", "", "[1}"])
    func notAnArray(_ text: String) {
        #expect(IncidentsReading.elements(Array(text.utf8)) == nil)
    }

    @Test("incidents past the listed ones keep only what the charts read")
    func light() throws {
        let one = #"{"agent": "a", "trigger": "repeated_deny", "severity": "HIGH", "opened_at_ms": 5, "traces": [{"trace": "1"}]}"#
        let list = try IncidentsReading.incidents(Array("[\(one), \(one), \(one)]".utf8), whole: 2)
        #expect(list.count == 3)
        #expect(list[1]["traces"] != nil)
        #expect(list[2]["traces"] == nil)
        #expect(list[2]["agent"] as? String == "a" && list[2]["trigger"] as? String == "repeated_deny")
        #expect((list[2]["opened_at_ms"] as? NSNumber)?.intValue == 5)
        #expect(throws: ReportError.self) { try IncidentsReading.incidents(Array("[1, 2]".utf8), whole: 2) }
    }

    @Test("a listed incident keeps the linked scans its timeline shows, and their count")
    func listedTraces() throws {
        let traces = (0..<80).map { #"{"trace": "\#($0)"}"# }.joined(separator: ", ")
        let one = #"{"agent": "a", "traces": [\#(traces)]}"#
        let list = try IncidentsReading.incidents(Array("[\(one)]".utf8), whole: 1)
        #expect((list[0]["traces"] as? [Any])?.count == PageData.traceLimit(listing: 1))
        #expect(list[0]["traces_total"] as? Int == 80)
    }
}
