import IntervenLoading
import IntervenTesting
import Testing

@Suite("Load errors as users see them")
struct LoadErrorTests {
    @Test("description is one line: file:line:column: message")
    func format() throws {
        let error = try #require(throws: LoadError.self) {
            try RulesFile.load(text: "\n\ntriggers:\n  repeated_deny:\n    windw: 5m\n", source: "rules/strict.yaml")
        }
        #expect(error.description == "rules/strict.yaml:5:5: unknown key 'windw' in triggers.repeated_deny; did you mean 'window'?")
        #expect(error.code == .unknownKey)
        #expect(error.code.description == "unknownKey")
    }

    @Test("a value that spans lines still gives a one-line description")
    func multiLineValue() throws {
        let error = try #require(throws: LoadError.self) {
            try RulesFile.load(text: "triggers:\n  threat_intel:\n    severity: |\n      HI\n      GH\n", source: "b.yaml")
        }
        #expect(error.code == .invalidValue)
        #expect(!error.description.contains("\n"))
        #expect(error.description.hasPrefix("b.yaml:3:15: triggers.threat_intel.severity"))
    }

    @Test("syntax errors keep Yams' line and column")
    func syntaxPosition() throws {
        let error = try #require(throws: LoadError.self) {
            try RulesFile.load(text: "trust:\n  initial: 1\n  deny: [unclosed\n", source: "s.yaml")
        }
        #expect(error.code == .syntax)
        #expect(error.line == 4 && error.column == 1)
        #expect(error.description.hasPrefix("s.yaml:4:1: invalid YAML: "))
        #expect(!error.description.contains("\n"))
    }

    @Test("control characters are refused with their position")
    func controlCharacter() throws {
        let error = try #require(throws: LoadError.self) {
            try RulesFile.load(text: "trust:\n  initial: 1\u{07}\n", source: "c.yaml")
        }
        #expect(error.code == .syntax)
        #expect(error.line == 2)
    }

    @Test("codes compare by kind")
    func codes() {
        #expect(LoadError.Code.syntax == .syntax)
        #expect(LoadError.Code.syntax != .wrongType)
        let all: Set<LoadError.Code> = [.syntax, .unknownKey, .wrongType, .invalidValue, .outOfRange, .missingValue,
                                        .duplicateKey, .fileNotFound, .unreadableFile, .invalidOverride]
        #expect(all.count == 10)
    }
}
