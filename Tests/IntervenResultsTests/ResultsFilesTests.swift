import Foundation
import IntervenCore
@testable import IntervenResults
import IntervenSimulation
import IntervenScenario
import IntervenTesting
import Testing

/// The exact bytes of every results file for a small hand-built run.
@Suite("Results files")
struct ResultsFilesTests {
    private func text(_ name: String, _ result: RunResult = ResultsFixture.result) throws -> String {
        let file = try #require(ResultsWriter().files(for: result).first { $0.name == name })
        return String(decoding: file.bytes, as: UTF8.self)
    }

    @Test("the five files, in order")
    func names() {
        #expect(ResultsWriter().files(for: ResultsFixture.result).map(\.name)
                == ["summary.json", "incidents.json", "agents.json", "trust.csv", "series.json"])
        #expect(ResultsWriter.fileNames == ["summary.json", "incidents.json", "agents.json", "trust.csv", "series.json"])
    }

    @Test("summary.json")
    func summary() throws {
        #expect(try text("summary.json") == Self.summary)
    }

    @Test("incidents.json")
    func incidents() throws {
        #expect(try text("incidents.json") == Self.incidents)
    }

    @Test("agents.json")
    func agents() throws {
        #expect(try text("agents.json") == Self.agents)
    }

    @Test("trust.csv quotes agent names with commas and quotes")
    func trust() throws {
        #expect(try text("trust.csv") == Self.trust)
    }

    @Test("the same result gives the same bytes, however its dictionaries were filled")
    func deterministic() {
        var other = ResultsFixture.result
        other.decisions = [:]
        for d in Decision.allCases.reversed() { other.decisions[d] = ResultsFixture.result.decisions[d] }
        other.approvals = [:]
        for a in ApprovalStatus.allCases.reversed() { other.approvals[a] = ResultsFixture.result.approvals[a] }
        var rows = Array(other.agents)
        rows[0].reasonCounts.reverse()
        rows[0].recentDecisions = [.deny: 3, .requireApproval: 1, .allow: 8]
        rows[0].trust.counters = [.threatIntel: 1, .deny: 3]
        other.agents = AgentRows(rows)
        #expect(ResultsWriter().files(for: ResultsFixture.result) == ResultsWriter().files(for: other))
        #expect(ResultsWriter().files(for: ResultsFixture.result) == ResultsWriter().files(for: ResultsFixture.result))
    }

    @Test("an empty run lists every closed-set key with zeros and writes empty arrays")
    func emptyRun() throws {
        var empty = ResultsFixture.result
        empty.agents = []; empty.incidents = []; empty.trust = []; empty.alerts = []; empty.anomalies = []
        empty.decisions = [:]; empty.approvals = [:]; empty.refusedActions = []; empty.scans = 0; empty.wallSeconds = 0
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(try text("summary.json", empty).utf8)) as? [String: Any])
        #expect((summary["decisions"] as? [String: Int]) == ["ALLOW": 0, "REQUIRE_APPROVAL": 0, "SANITIZE": 0, "DENY": 0])
        #expect((summary["incidents_by_trigger"] as? [String: Int])?.count == TriggerKind.allCases.count)
        #expect((summary["incidents_by_severity"] as? [String: Int]) == ["LOW": 0, "MEDIUM": 0, "HIGH": 0, "CRITICAL": 0])
        #expect((summary["approvals"] as? [String: Int]) == ["pending": 0, "approved": 0, "denied": 0, "expired": 0])
        #expect(try text("summary.json", empty).contains("\"refused_actions\": [],\n  \"wall_seconds\": 0.000,\n  \"scans_per_wall_second\": 0,"))
        #expect(try text("incidents.json", empty) == "[]\n")
        #expect(try text("agents.json", empty) == "[]\n")
        #expect(try text("trust.csv", empty) == "time_ms,time,utc,agent,trust,scrutiny,suspended,cause\n")
    }

    @Test("the JSON files parse, and escaped text reads back as it was")
    func parses() throws {
        let incidents = try #require(try JSONSerialization.jsonObject(with: Data(try text("incidents.json").utf8)) as? [[String: Any]])
        let notes = try #require(incidents.first?["notes"] as? [[String: Any]])
        #expect(notes.first?["text"] as? String == ResultsFixture.incident.notes[0].text)
        let agents = try #require(try JSONSerialization.jsonObject(with: Data(try text("agents.json").utf8)) as? [[String: Any]])
        #expect(agents.map { $0["name"] as? String } == ["fin-bot-1", "idle, \"quiet\" bot"])
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(try text("summary.json").utf8)) as? [String: Any])
        let refused = try #require(summary["refused_actions"] as? [[String: Any]])
        #expect(refused.first?["action"] as? String == "transition fin-bot-1 threat_intel → investigating")
    }

    // MARK: Golden files

    static let summary = #"""
        {
          "scenario": "demo",
          "seed": 42,
          "shards": 2,
          "virtual_duration": "24h30m",
          "virtual_duration_ms": 88200000,
          "agents": 2,
          "scans": 12,
          "decisions": {
            "ALLOW": 8,
            "REQUIRE_APPROVAL": 1,
            "SANITIZE": 0,
            "DENY": 3
          },
          "incidents_total": 2,
          "incidents_by_trigger": {
            "critical_deny": 0,
            "repeated_deny": 0,
            "threat_intel": 1,
            "read_then_write": 0,
            "trust_collapse": 0,
            "ephemeral_scope": 0,
            "policy": 0,
            "manual": 1
          },
          "incidents_by_severity": {
            "LOW": 1,
            "MEDIUM": 0,
            "HIGH": 0,
            "CRITICAL": 1
          },
          "alerts": 1,
          "anomalies": 0,
          "approvals": {
            "pending": 0,
            "approved": 1,
            "denied": 0,
            "expired": 2
          },
          "refused_actions": [
            {
              "time": "02:00:00",
              "time_ms": 7200000,
              "action": "transition fin-bot-1 threat_intel → investigating",
              "reason": "incident is closed"
            }
          ],
          "wall_seconds": 0.250,
          "scans_per_wall_second": 48,
          "fingerprint": "35e9741e764e9985"
        }

        """#

    static let incidents = #"""
        [
          {
            "id": "6f1c0d2e-0000-4000-8000-00000000000a",
            "title": "threat_intel: evil.example (urlhaus)",
            "severity": "CRITICAL",
            "agent": "fin-bot-1",
            "agent_id": "00000000-0000-4000-8000-000000000001",
            "trigger": "threat_intel",
            "key": "urlhaus",
            "opened_by": null,
            "opened_at": "00:10:00",
            "opened_at_ms": 600000,
            "opened_at_utc": "2026-01-01T00:10:00.000Z",
            "status": "closed",
            "resolution": "agent_compromised",
            "closed_at": "01:00:00",
            "closed_at_ms": 3600000,
            "closed_at_utc": "2026-01-01T01:00:00.000Z",
            "status_changes": [
              {
                "status": "open",
                "time": "00:10:00",
                "time_ms": 600000,
                "time_utc": "2026-01-01T00:10:00.000Z",
                "actor": "auto"
              },
              {
                "status": "investigating",
                "time": "00:12:30",
                "time_ms": 750000,
                "time_utc": "2026-01-01T00:12:30.000Z",
                "actor": "analyst-1"
              },
              {
                "status": "closed",
                "time": "01:00:00",
                "time_ms": 3600000,
                "time_utc": "2026-01-01T01:00:00.000Z",
                "actor": "analyst-1"
              }
            ],
            "traces": [
              {
                "trace": 17,
                "time": "00:10:00",
                "time_ms": 600000,
                "time_utc": "2026-01-01T00:10:00.000Z"
              },
              {
                "trace": 18,
                "time": "00:10:00.005",
                "time_ms": 600005,
                "time_utc": "2026-01-01T00:10:00.005Z"
              }
            ],
            "actions": [
              {
                "kind": "lower_trust",
                "time": "00:10:00",
                "time_ms": 600000,
                "time_utc": "2026-01-01T00:10:00.000Z",
                "actor": "auto",
                "detail": "0.2"
              },
              {
                "kind": "suspend_agent",
                "time": "00:15:00",
                "time_ms": 900000,
                "time_utc": "2026-01-01T00:15:00.000Z",
                "actor": "analyst-1",
                "detail": ""
              }
            ],
            "notes": [
              {
                "author": "analyst-1",
                "time": "00:14:00",
                "time_ms": 840000,
                "time_utc": "2026-01-01T00:14:00.000Z",
                "text": "Key leaked in \"build\" logs\nrotating"
              }
            ]
          },
          {
            "id": "6f1c0d2e-0000-4000-8000-00000000000b",
            "title": "Manual review",
            "severity": "LOW",
            "agent": "fin-bot-1",
            "agent_id": "00000000-0000-4000-8000-000000000001",
            "trigger": "manual",
            "key": null,
            "opened_by": "alice",
            "opened_at": "1d 02:00:00",
            "opened_at_ms": 93600000,
            "opened_at_utc": "2026-01-02T02:00:00.000Z",
            "status": "open",
            "resolution": null,
            "closed_at": null,
            "closed_at_ms": null,
            "closed_at_utc": null,
            "status_changes": [
              {
                "status": "open",
                "time": "1d 02:00:00",
                "time_ms": 93600000,
                "time_utc": "2026-01-02T02:00:00.000Z",
                "actor": "alice"
              }
            ],
            "traces": [],
            "actions": [],
            "notes": []
          }
        ]

        """#

    static let agents = #"""
        [
          {
            "name": "fin-bot-1",
            "id": "00000000-0000-4000-8000-000000000001",
            "runtime": "openai_assistants",
            "label": "compromised",
            "key_prefix": "iv_live_ab12",
            "first_seen": "00:00:05",
            "first_seen_ms": 5000,
            "last_seen": "1d 01:00:00.250",
            "last_seen_ms": 90000250,
            "total_calls": 12,
            "decisions_24h": {
              "ALLOW": 8,
              "REQUIRE_APPROVAL": 1,
              "SANITIZE": 0,
              "DENY": 3
            },
            "top_tools": [
              {
                "tool": "github",
                "calls": 9
              },
              {
                "tool": "slack",
                "calls": 3
              }
            ],
            "reason_codes": {
              "DENY_POLICY": 3,
              "THREAT_INTEL_MATCH": 1
            },
            "trust": 0.45,
            "scrutiny": true,
            "scrutiny_pinned_until": "02:00:00",
            "scrutiny_pinned_until_ms": 7200000,
            "suspended": true,
            "clean_streak": 0,
            "counters": {
              "deny": 3,
              "approval": 0,
              "high_risk": 0,
              "threat_intel": 1,
              "anomaly": 0,
              "critical": 0
            }
          },
          {
            "name": "idle, \"quiet\" bot",
            "id": "00000000-0000-4000-8000-000000000002",
            "runtime": "custom",
            "label": "benign",
            "key_prefix": "iv_live_cd34",
            "first_seen": null,
            "first_seen_ms": null,
            "last_seen": null,
            "last_seen_ms": null,
            "total_calls": 0,
            "decisions_24h": {
              "ALLOW": 0,
              "REQUIRE_APPROVAL": 0,
              "SANITIZE": 0,
              "DENY": 0
            },
            "top_tools": [],
            "reason_codes": {},
            "trust": 1,
            "scrutiny": false,
            "scrutiny_pinned_until": null,
            "scrutiny_pinned_until_ms": null,
            "suspended": false,
            "clean_streak": 0,
            "counters": {
              "deny": 0,
              "approval": 0,
              "high_risk": 0,
              "threat_intel": 0,
              "anomaly": 0,
              "critical": 0
            }
          }
        ]

        """#

    static let trust = #"""
        time_ms,time,utc,agent,trust,scrutiny,suspended,cause
        600000,00:10:00,2026-01-01T00:10:00.000Z,fin-bot-1,0.65,false,false,threat_intel
        900001,00:15:00.001,2026-01-01T00:15:00.001Z,fin-bot-1,0.45,true,true,incident_open
        3600000,01:00:00,2026-01-01T01:00:00.000Z,"idle, ""quiet"" bot",1,false,false,

        """#
}
