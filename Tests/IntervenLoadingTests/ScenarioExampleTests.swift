import Foundation
import IntervenCore
import IntervenLoading
import IntervenSimulation
import IntervenScenario
import IntervenTesting
import Testing

/// The repository's root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// The path of a file in the repository.
func repositoryPath(_ relative: String) -> String { repositoryRoot.appendingPathComponent(relative).path }

@Suite("Shipped example scenarios")
struct ScenarioExampleTests {
    static var exampleFiles: [String] {
        let dir = repositoryPath("Scenarios/examples")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { "Scenarios/examples/\($0)" }
    }

    @Test("the examples folder has scenarios")
    func examplesExist() {
        #expect(Self.exampleFiles.count >= 2)
    }

    @Test("every file under Scenarios/examples loads", arguments: exampleFiles)
    func loads(_ relative: String) throws {
        let scenario = try ScenarioFile.load(path: repositoryPath(relative))
        #expect(!scenario.description.isEmpty)
        #expect(scenario.description.last?.isNewline == false, "a folded description loses its final line break")
        #expect(relative.hasSuffix("/\(scenario.name).yaml"), "the file is named after the scenario")
        #expect(scenario.timeline.map(\.at) == scenario.timeline.map(\.at).sorted())
    }

    @Test("fin-exfiltration: benign groups across runtimes, and finance bots that turn compromised at 6h")
    func finExfiltration() throws {
        let s = try ScenarioFile.load(path: repositoryPath("Scenarios/examples/fin-exfiltration.yaml"))
        #expect(s.name == "fin-exfiltration")
        #expect(s.seed == 7)
        #expect(s.duration == .hours(24))
        #expect(s.trustSampleInterval == .minutes(5))
        #expect(s.effectLatency == .seconds(1))
        #expect(s.groups.map(\.name) == ["code-assistants", "ide-helpers", "support-bots", "sales-ops", "data-pipelines",
                                         "research", "shadow-it", "fin-bots"])
        #expect(s.groups.reduce(0) { $0 + $1.count } == 330)
        #expect(Set(s.groups.map(\.runtime)).count >= 6)

        let fin = try #require(s.groups.last)
        #expect(fin.count == 20)
        #expect(fin.agentNames.first == "fin-bot-01")
        #expect(fin.agentNames.last == "fin-bot-20")
        #expect(fin.label == .benign)
        #expect(fin.behavior.backoffPause == .minutes(10))
        #expect(fin.behavior.pollInterval == .seconds(2))
        let phase = try #require(fin.phases.first)
        #expect(fin.phases.count == 1)
        #expect(phase.at == .hours(6))
        #expect(phase.label == .compromised)
        #expect(phase.arrivals == Arrivals(.poisson(Rate("20/h")!)))
        let exfil = try #require(phase.mix?.last?.template)
        #expect(exfil.tool == "custom_proxy")
        #expect(exfil.operation == "upload_archive")
        #expect(exfil.host == .threatFeed("alienvault-otx"))
        #expect(exfil.external)
        #expect(exfil.dataClasses == [.pii, .internal])
        #expect(phase.mix?.first?.template.dataClasses == .pii)

        #expect(s.groups.first(where: { $0.name == "shadow-it" })?.label == .misbehaving)
        #expect(s.groups[0].arrivals.window == DailyWindow(start: .hours(7), end: .hours(20)))
        #expect(s.groups.first(where: { $0.name == "research" })?.arrivals.process
                == .bursts(rate: Rate("30/h")!, on: .minutes(20), off: .minutes(100)))

        #expect(s.rules.approvals.pendingTTL == .minutes(15), "set: applied")
        #expect(s.rules.triggers.repeatedDenyCount == 5)
        #expect(s.analyst == AnalystModel(headcount: 2, responseTime: .exponential(mean: .minutes(4), minimum: .seconds(30)),
                                          accuracy: Score.parse("0.95")!))
        #expect(s.timeline.map(\.actor) == ["alice", "alice"])
    }

    @Test("operator-timeline: every timeline action, sorted by time")
    func operatorTimeline() throws {
        let s = try ScenarioFile.load(path: repositoryPath("Scenarios/examples/operator-timeline.yaml"))
        #expect(s.analyst == nil)
        #expect(s.groups.flatMap(\.agentNames) == ["ops-bot-1", "ops-bot-2", "ops-bot-3", "pay-bot"])
        #expect(s.groups[1].key == .ephemeral(EphemeralScope(tools: ["stripe"], verbs: VerbSet([.write]), ttl: .hours(12), maxUses: 100)))
        #expect(s.rules.triggers.repeatedDenyWindow == .minutes(30))

        let kinds = s.timeline.map { TimelineKind($0.action) }
        #expect(Set(kinds) == Set(TimelineKind.allCases), "missing: \(Set(TimelineKind.allCases).subtracting(kinds))")
        #expect(s.timeline.map(\.at) == s.timeline.map(\.at).sorted())

        guard case .setRules(let rules, let change)? = s.timeline.first(where: { TimelineKind($0.action) == .setRules })?.action else {
            Issue.record("no rules change")
            return
        }
        #expect(change == "triggers.repeated_deny.count=3")
        #expect(rules.triggers.repeatedDenyCount == 3)
        #expect(rules.triggers.repeatedDenyWindow == .minutes(30), "keeps the scenario's set:")
        #expect(s.rules.triggers.repeatedDenyCount == 5, "the rules at the start are unchanged")
    }
}

/// The kind of a timeline action, to compare actions without their payloads.
enum TimelineKind: CaseIterable, Hashable {
    case scan, suspend, reactivate, resetTrust, rotateKey, approve, deny, transition, close, note, respond, manualIncident, override,
         indicator, setRules

    init(_ action: TimelineAction) {
        switch action {
        case .scan: self = .scan
        case .suspend: self = .suspend
        case .reactivate: self = .reactivate
        case .resetTrust: self = .resetTrust
        case .rotateKey: self = .rotateKey
        case .decideApproval(_, let approve): self = approve ? .approve : .deny
        case .transition(_, let to, _): self = to == .closed ? .close : .transition
        case .addNote: self = .note
        case .respond: self = .respond
        case .openManualIncident: self = .manualIncident
        case .addOverride: self = .override
        case .addIndicator: self = .indicator
        case .setRules: self = .setRules
        }
    }
}
