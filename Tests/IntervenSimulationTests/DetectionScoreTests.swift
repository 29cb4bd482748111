@testable import IntervenCore
import IntervenLoading
@testable import IntervenSimulation
import IntervenScenario
import IntervenTesting
import Testing

@Suite("Detection scoring against ground truth")
struct DetectionScoreTests {
    static let yaml = """
        name: scoring
        description: two benign agents, two that turn compromised at 1h
        duration: 4h
        agents:
          - {group: good, count: 2, name: "good-{n}", arrivals: {poisson: 1/h}, mix: [{op: github.list_prs}]}
          - group: bad
            count: 2
            name: "bad-{n}"
            arrivals: {poisson: 1/h}
            mix: [{op: github.list_prs}]
            phases: [{at: 1h, label: compromised}]
        """

    static func t(_ minutes: Int64) -> SimTime { SimTime(milliseconds: minutes * 60_000) }

    static func agent(_ k: Int, _ name: String, _ label: GroundTruth) -> AgentSnapshot {
        AgentSnapshot(index: AgentIndex(k), id: "id-\(k)", name: name, runtime: .custom, label: label, keyPrefix: "iv",
                      firstSeen: nil, lastSeen: nil, totalCalls: 0, recentDecisions: [:], topTools: [], reasonCounts: [],
                      trust: TrustState(score: .one, inScrutiny: false, scrutinyPinnedUntil: nil, suspended: false,
                                        cleanStreak: 0, counters: [:]))
    }

    static func incident(_ agent: String, _ trigger: TriggerKind, at: SimTime) -> IncidentRecord {
        IncidentRecord(id: "\(agent)-\(at.milliseconds)", title: "", severity: .high, agent: agent, agentID: "", trigger: trigger,
                       key: nil, openedBy: nil, openedAt: at, status: .open, statusChanges: [], resolution: nil, closedAt: nil,
                       traces: [], actions: [], notes: [])
    }

    static func fixture() throws -> (Scenario, RunResult) {
        let s = try ScenarioFile.load(text: yaml, source: "scoring.yaml", baseDirectory: ".")
        let incidents = [
            incident("bad-1", .repeatedDeny, at: t(90)),    // detected 30 min after turning compromised
            incident("good-1", .repeatedDeny, at: t(120)),  // a false positive
            incident("bad-1", .threatIntel, at: t(150)),
            incident("bad-2", .manual, at: t(60)),          // manual incidents are not detections
        ]
        let trust = [TrustSample(time: t(120), agent: "good-1", trust: Score(micros: 900_000), scrutiny: true, suspended: false,
                                 cause: .scrutinyPinned),
                     TrustSample(time: t(200), agent: "bad-2", trust: Score(micros: 500_000), scrutiny: true, suspended: true,
                                 cause: .deny)]
        let r = RunResult(scenario: "scoring", seed: 1, shards: 1, duration: .hours(4),
                          agents: [agent(0, "good-1", .benign), agent(1, "good-2", .benign), agent(2, "bad-1", .compromised),
                                   agent(3, "bad-2", .compromised)],
                          scans: 0, decisions: [:], incidents: incidents, trust: trust, alerts: [], anomalies: [], approvals: [:],
                          refusedActions: [], wallSeconds: 0, fingerprint: Fingerprint())
        return (s, r)
    }

    @Test("rates, false positives, exposure and time to detect of a hand-made run")
    func tally() throws {
        let (s, r) = try Self.fixture()
        let scorer = DetectionScorer(scenario: s, result: r)
        let any = scorer.tally(agents: [0, 1, 2, 3], trigger: nil)
        #expect(any.maliciousAgents == 2 && any.detectedAgents == 1)
        #expect(any.detectionRate == Score(micros: 500_000))
        #expect(any.incidents == 3 && any.truePositives == 2 && any.falsePositives == 1)
        #expect(any.falsePositiveRatio == Score(micros: 333_333))
        #expect(any.precision == Score(micros: 666_667))
        #expect(any.timesToDetect == [.minutes(30)])
        #expect(any.missed.map(\.agent) == [3])
        // Benign exposure: 2 agents x 4 h + 2 agents x 1 h = 10 h; one false positive in 10/24 agent-days.
        #expect(any.benignAgentMilliseconds == 10 * 3_600_000)
        #expect(any.falsePositivesPer1000AgentDays == 2400)
        let deny = scorer.tally(agents: [0, 1, 2, 3], trigger: .repeatedDeny)
        #expect(deny.incidents == 2 && deny.falsePositives == 1 && deny.timeToDetectP95 == .minutes(30))
        let intel = scorer.tally(agents: [2, 3], trigger: .threatIntel)
        #expect(intel.timesToDetect == [.minutes(90)] && intel.precision == .one)
        let none = scorer.tally(agents: [0, 1], trigger: .threatIntel)
        #expect(none.detectionRate == nil && none.precision == nil && none.falsePositiveRatio == .zero)
    }

    @Test("per group metrics: scrutiny from a pin and from a fall below the threshold, suspensions")
    func groups() throws {
        let (s, r) = try Self.fixture()
        var rules = s.rules
        #expect(rules.autoResponse.pinScrutiny)
        rules.autoResponse.pinDuration = .hours(1)
        var scenario = s
        scenario.rules = rules
        let m = DetectionScorer(scenario: scenario, result: r).metrics()
        #expect(m.groups.map(\.group) == ["good", "bad"])
        #expect(m.overall.triggers.count == 1 + DetectionMetrics.triggers.count)
        // good-1 pinned 1 h from 2h; bad-2 below the threshold from 3h20m to the end at 4h.
        #expect(m.groups[0].scrutinyAgentMilliseconds == 3_600_000)
        #expect(m.groups[1].scrutinyAgentMilliseconds == 40 * 60_000)
        #expect(m.overall.scrutinyAgentMilliseconds == 100 * 60_000)
        #expect(m.groups[1].suspendedAgents == 1 && m.groups[0].suspendedAgents == 0)
        #expect(m.groups[0].triggers[0].falsePositives == 1 && m.groups[1].triggers[0].falsePositives == 0)
    }
}
