@testable import IntervenCore
@testable import IntervenResults
@testable import IntervenSimulation
import IntervenScenario

/// A small hand-built run result that touches every field the writers print.
enum ResultsFixture {
    static func t(_ h: Int64, _ m: Int64 = 0, _ s: Int64 = 0, ms: Int64 = 0) -> SimTime {
        SimTime(milliseconds: ((h * 60 + m) * 60 + s) * 1000 + ms)
    }

    static let seen = AgentSnapshot(
        index: 0, id: "00000000-0000-4000-8000-000000000001", name: "fin-bot-1", runtime: .openaiAssistants,
        label: .compromised, keyPrefix: "iv_live_ab12", firstSeen: t(0, 0, 5), lastSeen: t(25, 0, 0, ms: 250),
        totalCalls: 12,
        recentDecisions: [.allow: 8, .deny: 3, .requireApproval: 1],
        topTools: [.init(tool: "github", calls: 9), .init(tool: "slack", calls: 3)],
        reasonCounts: [.init(code: "THREAT_INTEL_MATCH", count: 1), .init(code: "DENY_POLICY", count: 3)],
        trust: TrustState(score: Score(micros: 450_000), inScrutiny: true, scrutinyPinnedUntil: t(2),
                          suspended: true, cleanStreak: 0, counters: [.deny: 3, .threatIntel: 1]))

    static let idle = AgentSnapshot(
        index: 1, id: "00000000-0000-4000-8000-000000000002", name: "idle, \"quiet\" bot", runtime: .custom,
        label: .benign, keyPrefix: "iv_live_cd34", firstSeen: nil, lastSeen: nil, totalCalls: 0,
        recentDecisions: [:], topTools: [], reasonCounts: [],
        trust: TrustState(score: .one, inScrutiny: false, scrutinyPinnedUntil: nil, suspended: false,
                          cleanStreak: 0, counters: [:]))

    static let incident = IncidentRecord(
        id: "6f1c0d2e-0000-4000-8000-00000000000a", title: "threat_intel: evil.example (urlhaus)", severity: .critical,
        agent: "fin-bot-1", agentID: "00000000-0000-4000-8000-000000000001", trigger: .threatIntel, key: "urlhaus",
        openedBy: nil, openedAt: t(0, 10), status: .closed,
        statusChanges: [.init(status: .open, time: t(0, 10), actor: "auto"),
                        .init(status: .investigating, time: t(0, 12, 30), actor: "analyst-1"),
                        .init(status: .closed, time: t(1), actor: "analyst-1")],
        resolution: .agentCompromised, closedAt: t(1),
        traces: [TraceRef(trace: 17, time: t(0, 10)), TraceRef(trace: 18, time: t(0, 10, 0, ms: 5))],
        actions: [ResponseAction(kind: .lowerTrust, time: t(0, 10), actor: "auto", detail: "0.2"),
                  ResponseAction(kind: .suspendAgent, time: t(0, 15), actor: "analyst-1", detail: "")],
        notes: [Note(author: "analyst-1", time: t(0, 14), text: "Key leaked in \"build\" logs\nrotating")])

    static let manual = IncidentRecord(
        id: "6f1c0d2e-0000-4000-8000-00000000000b", title: "Manual review", severity: .low,
        agent: "fin-bot-1", agentID: "00000000-0000-4000-8000-000000000001", trigger: .manual, key: nil,
        openedBy: "alice", openedAt: t(26), status: .open,
        statusChanges: [.init(status: .open, time: t(26), actor: "alice")],
        resolution: nil, closedAt: nil, traces: [], actions: [], notes: [])

    static var result: RunResult {
        var fingerprint = Fingerprint()
        fingerprint.combine(UInt64(42))
        return RunResult(
            scenario: "demo", seed: 42, shards: 2, duration: .hours(24) + .minutes(30), agents: [seen, idle],
            scans: 12, decisions: [.allow: 8, .deny: 3, .requireApproval: 1],
            incidents: [incident, manual],
            trust: [TrustSample(time: t(0, 10), agent: "fin-bot-1", trust: Score(micros: 650_000), scrutiny: false,
                                suspended: false, cause: .threatIntel),
                    TrustSample(time: t(0, 15, 0, ms: 1), agent: "fin-bot-1", trust: Score(micros: 450_000), scrutiny: true,
                                suspended: true, cause: .incidentOpen),
                    TrustSample(time: t(1), agent: "idle, \"quiet\" bot", trust: .one, scrutiny: false,
                                suspended: false, cause: nil)],
            alerts: [AlertRecord(time: t(0, 10), agent: "fin-bot-1", incidentID: incident.id, severity: .critical,
                                 title: incident.title)],
            anomalies: [],
            approvals: [.approved: 1, .expired: 2],
            refusedActions: [RefusedAction(time: t(2), action: "transition fin-bot-1 threat_intel → investigating",
                                           reason: "incident is closed")],
            wallSeconds: 0.25, fingerprint: fingerprint)
    }
}
