import IntervenCore
import IntervenLoading
import IntervenTesting
import Testing

@Suite("Shipped defaults")
struct DefaultsTests {
    @Test("the defaults load and carry the documented values")
    func specValues() throws {
        let r = try RulesFile.defaults()
        #expect(r.riskBands.medium == Score.parse("0.25"))
        #expect(r.riskBands.high == Score.parse("0.5"))
        #expect(r.riskBands.critical == Score.parse("0.75"))
        #expect(r.band(of: Score.parse("0.24")!) == .low)
        #expect(r.band(of: Score.parse("0.75")!) == .critical)

        #expect(r.trust.initial == .one)
        #expect(r.trust.scrutinyThreshold == Score.parse("0.6"))
        #expect(r.trust.deny == Score.parse("-0.05"))
        #expect(r.trust.criticalDeny == Score.parse("-0.15"))
        #expect(r.trust.threatIntel == Score.parse("-0.2"))
        #expect(r.trust.analystDeny == Score.parse("-0.1"))
        #expect(r.trust.cleanStreakLength == 50)
        #expect(r.trust.cleanStreakReward == Score.parse("0.05"))
        #expect(r.trust.approvalRetry == Score.parse("0.02"))
        #expect(r.trust.idlePeriod == .hours(1))
        #expect(r.trust.idleReward == Score.parse("0.01"))
        #expect(r.trust.gateDeniesLowerTrust == false)

        #expect(r.scrutiny.verbs == VerbSet([.write, .admin]))
        #expect(r.scrutiny.external)
        #expect(r.scrutiny.minBand == .medium)
        #expect(r.counters.deny == .hours(24))
        #expect(r.counters.highRisk == .hours(1))
        #expect(r.counters.highRiskBand == .high)

        #expect(r.triggers.criticalDeny.enabled && r.triggers.criticalDeny.severity == .critical)
        #expect(r.triggers.criticalBand == .critical)
        #expect(r.triggers.repeatedDeny.severity == .high)
        #expect(r.triggers.repeatedDenyCount == 5)
        #expect(r.triggers.repeatedDenyWindow == .hours(1))
        #expect(r.triggers.countGateDenies == false)
        #expect(r.triggers.readThenWriteWindow == .minutes(5))
        #expect(r.triggers.sensitiveClasses == [.secrets, .pii, .phi])
        #expect(r.triggers.writeVerbs == VerbSet([.write]))
        #expect(r.triggers.trustCollapse.severity == .medium)
        #expect(r.triggers.trustCollapseDrop == Score.parse("0.3"))
        #expect(r.triggers.trustCollapseWindow == .hours(1))
        #expect(r.triggers.ephemeralScope.enabled)

        #expect(r.correlation.privilegeEscalationWindow == .minutes(2))
        #expect(r.correlation.escalationCreates == [OperationRef(tool: "aws", operation: "create_user"),
                                                     OperationRef(tool: "aws", operation: "create_role")])
        #expect(r.correlation.massActionCount == 10)
        #expect(r.correlation.massActionWindow == .minutes(1))

        #expect(r.autoResponse.lowerTrust && r.autoResponse.pinScrutiny && r.autoResponse.alert)
        #expect(r.autoResponse.pinDuration == .hours(24))
        #expect(r.approvals.pendingTTL == .minutes(10))
        #expect(r.approvals.grantWindow == .minutes(10))
        #expect(r.approvals.denyWindow == .minutes(10))
    }

    @Test("the six default feeds come in file order, all enabled")
    func feeds() throws {
        let ti = try RulesFile.defaults().threatIntel
        #expect(ti.feeds.map(\.name) == ["urlhaus", "urlabuse", "openphish", "phishtank", "abuseipdb-free", "alienvault-otx"])
        #expect(ti.feeds.allSatisfy { $0.enabled })
        #expect(ti.feeds[0].indicators == ["malware-drop.example", "198.51.100.23"])
        #expect(ti.allowlist.isEmpty)
        #expect(ti.denylist == ["attacker.example"])
    }

    @Test("the nine default policies P1..P9, P3 denies Slack secrets")
    func policies() throws {
        let r = try RulesFile.defaults()
        #expect(r.policies.map(\.id) == (1...9).map { "P\($0)" })
        #expect(r.policies.map(\.priority) == (1...9).map { $0 * 10 })
        let p3 = try #require(r.policies.first { $0.id == "P3" })
        #expect(p3.action == .deny)
        #expect(p3.reasonCode == "SECRET_DETECTED")
        #expect(p3.match.toolNames == ["slack"])
        #expect(p3.match.operations == ["post_message", "update_message"])
        #expect(p3.condition.hasDataClass == .secrets)
        let p7 = try #require(r.policies.first { $0.id == "P7" })
        #expect(p7.match.principalPatterns == ["*AdministratorAccess*"])
        #expect(r.policies[1].reasonCode == nil)
        #expect(r.agentOverrides.isEmpty)
    }

    @Test("loading with no file and no overrides gives the defaults")
    func noFile() throws {
        #expect(try RulesFile.load(path: nil) == RulesFile.defaults())
        #expect(try RulesFile.load(text: "", source: "empty.yaml") == RulesFile.defaults())
        #expect(try RulesFile.load(text: "# only a comment\n", source: "c.yaml") == RulesFile.defaults())
    }

    @Test("the defaults differ from the neutral Rules()")
    func notNeutral() throws {
        #expect(try RulesFile.defaults() != Rules())
    }
}
