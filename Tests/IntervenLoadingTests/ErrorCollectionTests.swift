import IntervenLoading
import IntervenTesting
import Testing

/// A file with several mistakes reports every one of them in one load.
@Suite("Every error of a file at once")
struct ErrorCollectionTests {
    @Test("a rules file with three mistakes reports all three, in file order, each once")
    func threeMistakes() throws {
        let text = """
            trust:
              initial: 1.5
            triggers:
              repeated_deny:
                windw: 1h
                count: 6
            approvals:
              grant_window: -5m

            """
        let error = try #require(throws: LoadError.self) { try RulesFile.load(text: text, source: "strict.yaml") }
        let all = error.all
        #expect(all.map(\.line) == [2, 5, 8], "\(all.map(\.description))")
        #expect(all.map(\.code) == [.outOfRange, .unknownKey, .outOfRange])
        #expect(all[1].description == "strict.yaml:5:5: unknown key 'windw' in triggers.repeated_deny; did you mean 'window'?")
        #expect(Set(all.map(\.description)).count == all.count)
    }

    @Test("a single mistake is still one error")
    func oneMistake() throws {
        let error = try #require(throws: LoadError.self) {
            try RulesFile.load(text: "triggers:\n  repeated_deny:\n    count: 0\n", source: "r.yaml")
        }
        #expect(error.all.count == 1)
        #expect(error.line == 3 && error.column == 12)
    }

    @Test("a misspelt key is one error, not also the missing key it was meant to be")
    func misspeltRequiredKey() throws {
        let text = "policies:\n  - {rule_id: X, name: x, acton: DENY}\n"
        let error = try #require(throws: LoadError.self) { try RulesFile.load(text: text, source: "r.yaml") }
        #expect(error.all.count == 1, "\(error.all.map(\.description))")
        #expect(error.code == .unknownKey)
    }

    @Test("with every group valid, an unknown agent is reported beside the other errors")
    func unknownAgentBesideOthers() throws {
        let text = """
            name: two
            description: two mistakes
            seed: x
            duration: 8h
            agents:
              - {group: b, name: b-1, arrivals: {constant: 1/h}, mix: [{op: github.list_prs}]}
            timeline:
              - {at: 1h, suspend: b-2}

            """
        let error = try #require(throws: LoadError.self) {
            try ScenarioFile.load(text: text, source: "s.yaml", baseDirectory: ".")
        }
        #expect(error.all.map(\.line) == [3, 8], "\(error.all.map(\.description))")
        #expect(error.all.last?.code == .unknownAgent)
    }

    @Test("a bad --set is reported with the file's own errors")
    func overrideAndFile() throws {
        let error = try #require(throws: LoadError.self) {
            try RulesFile.load(text: "trust:\n  initial: 2\n", source: "r.yaml", overrides: ["triggers.repeated_deny.count=many"])
        }
        #expect(error.all.map(\.file) == ["r.yaml", "--set triggers.repeated_deny.count=many"], "\(error.all.map(\.description))")
    }

    @Test("a scenario reports every error of its non-expect sections, without errors that only follow from them")
    func scenarioSections() throws {
        let text = """
            name: many
            description: several mistakes
            seed: -1
            duration: 8h
            colour: blue
            agents:
              - {group: a, name: a-1, count: 0, arrivals: {constant: 1/h}, mix: [{op: github.list_prs}]}
              - {group: b, name: b-1, arrivals: {constant: 1/h}, mix: [{op: github.list_prs}]}
            timeline:
              - {at: 10m, suspend: a-1}
              - {at: 9h, suspend: b-1}
              - {at: 1h, suspend: b-2}
            analyst: {headcount: 0}
            expect:
              - incident: {trigger: nope}

            """
        let error = try #require(throws: LoadError.self) {
            try ScenarioFile.load(text: text, source: "s.yaml", baseDirectory: ".")
        }
        let lines = error.all.map(\.line)
        // seed, unknown key, group a's count, the time after the end, the analyst, the
        // expectation; not a-1 (its group is the error; while a group is broken no agent
        // name is judged, so b-2 waits for the next run).
        #expect(lines == [3, 5, 7, 11, 13, 15], "\(error.all.map(\.description))")
    }
}
