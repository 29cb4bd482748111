import Foundation
import IntervenTesting
import Testing

@Suite("interven-sim schema")
struct SchemaCommandTests {
    @Test("prints exactly the committed Scenarios/scenario.schema.json and exits 0")
    func printsCommittedSchema() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let committed = try String(contentsOf: root.appendingPathComponent("Scenarios/scenario.schema.json"), encoding: .utf8)
        let r = try CLIProcess.run(["schema"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stderr.isEmpty)
        #expect(r.stdout == committed, "regenerate it: swift run interven-sim schema > Scenarios/scenario.schema.json")
        #expect(r.stdout.hasPrefix("{\n  \"$schema\": \"https://json-schema.org/draft/2020-12/schema\""))
    }

    @Test("is listed in the help")
    func listedInHelp() throws {
        let r = try CLIProcess.run(["--help"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("schema"))
    }

    @Test("takes no arguments")
    func refusesArguments() throws {
        let r = try CLIProcess.run(["schema", "extra.yaml"])
        #expect(r.status == 2)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.hasPrefix("error: "), "stderr: \(r.stderr)")
    }
}
