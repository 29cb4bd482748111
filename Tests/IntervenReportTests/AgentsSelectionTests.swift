import Foundation
@testable import IntervenReport
import Testing

/// `report DIR` reads of `agents.json` only the agents its page lists, a piece at a time.
@Suite("report: agents read from agents.json piece by piece")
struct AgentsSelectionTests {
    /// Agents as `run` writes them (name first), one with the name later and escapes, braces and
    /// brackets inside strings.
    static let file = """
        [
          {
            "name": "a-1",
            "tags": ["x", {"y": 1}],
            "note": "brace } and { and ] inside, a quote \\" and a backslash \\\\"
          },
          {"id": "u2", "name": "a-\\u0032", "n": -1.5e3, "ok": true, "none": null},
          {
            "name": "a-3",
            "counters": {"deny": [1, 2, {"z": []}]}
          }
        ]
        """

    /// An object's JSON with sorted keys, to compare parsed objects.
    static func canonical(_ o: [String: Any]) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: o, options: [.sortedKeys])) ?? Data(), as: UTF8.self)
    }

    /// Feeds the scanner the text in pieces of `size` bytes.
    static func scan(_ text: String, wanted: Set<String>, size: Int) -> (json: String, total: Int)? {
        var scanner = AgentsSelection.Scanner(wanted: wanted)
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            let piece = Array(bytes[i..<min(bytes.count, i + size)])
            guard piece.withUnsafeBytes({ scanner.scan($0) }) else { return nil }
            i += size
        }
        guard scanner.finished else { return nil }
        return (String(decoding: scanner.output + [UInt8(ascii: "]")], as: UTF8.self), scanner.total)
    }

    @Test("the wanted agents are kept whole, in file order, and every agent is counted, in pieces of any size")
    func select() throws {
        let whole = try #require(JSONSerialization.jsonObject(with: Data(Self.file.utf8)) as? [[String: Any]])
        for size in [1, 2, 3, 7, 64, 1 << 20] {
            let r = try #require(Self.scan(Self.file, wanted: ["a-3", "a-2", "nobody"], size: size), "size \(size)")
            #expect(r.total == 3)
            let kept = try #require(JSONSerialization.jsonObject(with: Data(r.json.utf8)) as? [[String: Any]])
            #expect(kept.map { $0["name"] as? String } == ["a-2", "a-3"], "size \(size)")
            #expect(Self.canonical(kept[0]) == Self.canonical(whole[1]), "the object is kept as written")
            #expect(Self.canonical(kept[1]) == Self.canonical(whole[2]))
            let first = try #require(Self.scan(Self.file, wanted: ["a-1"], size: size))
            let one = try #require(JSONSerialization.jsonObject(with: Data(first.json.utf8)) as? [[String: Any]])
            #expect(one.count == 1 && Self.canonical(one[0]) == Self.canonical(whole[0]), "strings with braces, quotes")
        }
        #expect(Self.scan("[]", wanted: ["a"], size: 1).map { $0.total } == 0)
    }

    @Test("what is not a JSON array of agent objects is refused", arguments: [
        "", "{}", "[1]", "[\"a\"]", "[{\"name\": \"a\"}", "[{\"name\": \"a\"}] x", "[{\"name\": 3}]", "[{\"id\": \"a\"}]", "[[]]",
    ])
    func refused(_ text: String) {
        #expect(Self.scan(text, wanted: ["a"], size: 2) == nil, "\(text)")
    }

    @Test("a results directory's report reads agents.json through the selection, with a clear error for a damaged one")
    func directory() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("agents-selection-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("agents.json").path
        try Data(Self.file.utf8).write(to: URL(fileURLWithPath: path))
        let r = try AgentsSelection.select(path: path, wanted: ["a-1"])
        #expect(r.total == 3)
        #expect(String(decoding: r.json, as: UTF8.self).contains("\"a-1\""))
        try Data("[{\"name\": \"a\"},".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: ReportError.self) { try AgentsSelection.select(path: path, wanted: ["a"]) }
        #expect(throws: ReportError.self) { try AgentsSelection.select(path: dir.appendingPathComponent("none").path, wanted: []) }
    }
}
