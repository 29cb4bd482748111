import IntervenCore
import IntervenLoading
import IntervenTesting
import Testing

@Suite("--set overrides")
struct OverrideTests {
    @Test("scalars, flow lists and single feed switches override the defaults")
    func succeed() throws {
        let r = try RulesFile.load(path: nil, overrides: [
            "triggers.repeated_deny.count=6",
            "scrutiny.verbs=[WRITE]",
            "threat_intel.feeds.urlhaus.enabled=false",
            "scrutiny.min_band=none",
            "approvals.grant_window = 2m",
        ])
        var expected = try RulesFile.defaults()
        expected.triggers.repeatedDenyCount = 6
        expected.scrutiny.verbs = VerbSet([.write])
        expected.threatIntel.feeds[0].enabled = false
        expected.scrutiny.minBand = nil
        expected.approvals.grantWindow = .minutes(2)
        #expect(r == expected)
    }

    @Test("overrides lie over the file, and a later override wins over an earlier one")
    func order() throws {
        let text = "triggers:\n  repeated_deny:\n    count: 3\n    window: 30m\n"
        let r = try RulesFile.load(text: text, source: "f.yaml",
                                   overrides: ["triggers.repeated_deny.count=7", "triggers.repeated_deny.count=8"])
        #expect(r.triggers.repeatedDenyCount == 8)
        #expect(r.triggers.repeatedDenyWindow == .minutes(30))
    }

    @Test("a flow mapping value merges like a file section")
    func flowMapping() throws {
        let r = try RulesFile.load(path: nil, overrides: ["trust.clean_streak={length: 10}"])
        #expect(r.trust.cleanStreakLength == 10)
        #expect(r.trust.cleanStreakReward == Score.parse("0.05"))
    }

    @Test("a value that is not a YAML scalar is refused without touching the rest",
          arguments: [
              ("triggers.repeated_deny.cont=6", LoadError.Code.unknownKey, "unknown key 'cont' in triggers.repeated_deny; did you mean 'count'?"),
              ("threat_intel.feeds.urlhaus.enabld=false", .unknownKey, "did you mean 'enabled'?"),
              ("trsut.initial=0.9", .unknownKey, "did you mean 'trust'?"),
              ("nonsense", .invalidOverride, "expected path.to.key=value"),
              ("=5", .invalidOverride, "expected a key path"),
              ("a..b=1", .invalidOverride, "expected a key path"),
              ("scrutiny.verbs=[WRITE", .invalidOverride, "scrutiny.verbs: the value is not a YAML scalar or flow collection"),
              ("trust.initial=abc", .wrongType, "trust.initial: expected a trust score in [0, 1]; found 'abc'"),
              ("trust.initial=2", .outOfRange, "trust.initial"),
              ("policies.0.action=DENY", .wrongType, "--set cannot reach into a list"),
              ("scrutiny.verbs=[WRITE, ADMN]", .invalidValue, "did you mean 'ADMIN'?"),
              ("triggers.repeated_deny.count=", .missingValue, "triggers.repeated_deny.count"),
              ("triggers.repeated_deny.window=-5m", .outOfRange, "negative durations are not allowed"),
          ] as [(String, LoadError.Code, String)])
    func refused(_ argument: String, _ code: LoadError.Code, _ fragment: String) throws {
        let error = try #require(throws: LoadError.self) {
            try RulesFile.load(path: nil, overrides: [argument])
        }
        #expect(error.code == code, "\(error)")
        #expect(error.file == "--set \(argument)")
        #expect(error.line == 0 && error.column == 0)
        #expect(error.message.contains(fragment), "\(error)")
        #expect(error.description.hasPrefix("--set \(argument): "))
    }

    @Test("a bad value in the file is refused even when an override hides it")
    func fileFirst() throws {
        let error = try #require(throws: LoadError.self) {
            try RulesFile.load(text: "trust:\n  initial: 2\n", source: "f.yaml", overrides: ["trust.initial=0.5"])
        }
        #expect(error.file == "f.yaml")
        // The same holds for a list that an override replaces whole.
        let hidden = try #require(throws: LoadError.self) {
            try RulesFile.load(text: "policies:\n  - {rule_id: A, action: DENY}\n", source: "p.yaml", overrides: ["policies=[]"])
        }
        #expect(hidden.file == "p.yaml")
        #expect(hidden.code == .missingValue)
    }
}
