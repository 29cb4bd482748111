import Foundation
import IntervenCore
@testable import IntervenLoad
import IntervenScenario
import Testing

/// The scanner that reads scan and poll answers without parsing them whole.
@Suite("Top-level JSON string members")
struct JSONFieldsTests {
    static func find(_ key: String, _ text: String) -> String? { JSONFields.string(key, in: Array(text.utf8)) }

    @Test func findsStringMembersPastNestedValues() {
        let answer = """
            {"trace_id": "7f0c", "nested": {"decision": "DENY", "list": [1, {"a": "}"}, "]"]}, "n": -1.5e3,
             "ok": true, "none": null, "decision" : "SANITIZE", "approval_id":"a-1"}
            """
        #expect(Self.find("decision", answer) == "SANITIZE")
        #expect(Self.find("trace_id", answer) == "7f0c")
        #expect(Self.find("approval_id", answer) == "a-1")
        #expect(Self.find("missing", answer) == nil)
        #expect(Self.find("n", answer) == nil)   // not a string
    }

    @Test func escapesAreDecoded() {
        #expect(Self.find("s", #"{"x": "a\"b", "s": "tab\there \u00e9"}"#) == "tab\there é")
    }

    @Test func malformedBodiesGiveNothing() {
        for bad in ["", "[]", "{", #"{"decision""#, #"{"decision": "ALLOW"#, "not json"] { #expect(Self.find("decision", bad) == nil, "\(bad)") }
    }

    @Test func scanBodiesAreValidJSONWithTheTemplatesSize() throws {
        var rng = RandomStream(seed: 1, stream: 2)
        let t = ScanTemplate(try #require(ToolCatalogue.operation("slack.post_message")), dataClasses: [.pii], bodyBytes: 2000)
        let r = ScanRequest.make(agent: "odd \"name\"", runtime: .custom, template: t, feeds: [], anyFeed: [], feedNames: [], rng: &rng)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(r.json.utf8)) as? [String: Any])
        #expect(parsed["agent_id"] as? String == "odd \"name\"")
        let body = try #require(parsed["body"] as? [String: Any])
        #expect(body["email"] as? String == "jane.doe@example.com")
        let bodyText = try JSONSerialization.data(withJSONObject: body)
        #expect(abs(bodyText.count - 2000) < 40)
    }
}
