import Foundation
import IntervenCore
import IntervenLoading
import IntervenSimulation
import IntervenScenario
import IntervenTesting
import Testing

@Suite("Scenario rules")
struct ScenarioRulesTests {
    static let strict = """
        triggers:
          repeated_deny:
            count: 3
        """

    @Test("rules: is relative to the scenario file, and set: lies over it")
    func relativeRulesFile() throws {
        let dir = try TemporaryDirectory()
        try dir.write("rules/strict.yaml", Self.strict)
        let path = try dir.write("scenarios/s.yaml", minimalScenario + "rules: ../rules/strict.yaml\nset: {approvals.deny_window: 1m}\n")
        let s = try ScenarioFile.load(path: path)
        #expect(s.rules.triggers.repeatedDenyCount == 3)
        #expect(s.rules.approvals.denyWindow == .minutes(1))
        #expect(s.rules.approvals.grantWindow == .minutes(10), "the rest are the defaults")
    }

    @Test("--rules replaces the file's rules:, and --set lies over everything")
    func rulesOption() throws {
        let dir = try TemporaryDirectory()
        try dir.write("strict.yaml", Self.strict)
        let other = try dir.write("other.yaml", "approvals: {grant_window: 2m}\n")
        let path = try dir.write("s.yaml", minimalScenario + "rules: strict.yaml\n")
        let s = try ScenarioFile.load(path: path, rulesPath: other, overrides: ["approvals.pending_ttl=3m"])
        #expect(s.rules.triggers.repeatedDenyCount == 5, "strict.yaml is not read")
        #expect(s.rules.approvals.grantWindow == .minutes(2))
        #expect(s.rules.approvals.pendingTTL == .minutes(3))
        // --rules replaces even a rules: that names a missing file.
        let missing = try dir.write("m.yaml", minimalScenario + "rules: nowhere.yaml\n")
        #expect(try ScenarioFile.load(path: missing, rulesPath: other).rules.approvals.grantWindow == .minutes(2))
    }

    @Test("a missing rules file is named as written, at the rules: line")
    func missingRulesFile() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("s.yaml", minimalScenario + "rules: rules/strict.yaml\n")
        let error = try #require(throws: LoadError.self) { try ScenarioFile.load(path: path) }
        #expect(error.code == .fileNotFound)
        #expect(error.file == path)
        #expect(error.line == 10 && error.column == 8, "\(error)")
        #expect(error.message.contains("rules: no such rules file 'rules/strict.yaml'"), "\(error)")
        #expect(error.message.contains("looked for \(dir.path)/rules/strict.yaml"), "\(error)")
    }

    @Test("a missing --rules file is named as given")
    func missingRulesOption() throws {
        let error = try #require(throws: LoadError.self) { try loadScenario(minimalScenario, rulesPath: "nope/strict.yaml") }
        #expect(error.code == .fileNotFound)
        #expect(error.file == "nope/strict.yaml")
    }

    @Test("an error inside the rules file keeps that file's name, line and column")
    func errorInRulesFile() throws {
        let dir = try TemporaryDirectory()
        try dir.write("rules/bad.yaml", "triggers:\n  repeated_deny:\n    count: many\n")
        let path = try dir.write("s.yaml", minimalScenario + "rules: rules/bad.yaml\n")
        let error = try #require(throws: LoadError.self) { try ScenarioFile.load(path: path) }
        #expect(error.code == .wrongType)
        #expect(error.file == "\(dir.path)/rules/bad.yaml")
        #expect(error.line == 3 && error.column == 12, "\(error)")
        #expect(error.message.contains("triggers.repeated_deny.count"))
    }

    @Test("a missing scenario file, and an empty one")
    func missingScenario() throws {
        let error = try #require(throws: LoadError.self) { try ScenarioFile.load(path: "no/such/scenario.yaml") }
        #expect(error.code == .fileNotFound)
        #expect(error.description == "no/such/scenario.yaml: no such scenario file")
        let empty = try #require(throws: LoadError.self) { try loadScenario("# nothing here\n") }
        #expect(empty.code == .missingValue)
        #expect(empty.message.contains("the scenario file is empty"))
    }
}
