import Foundation
import Hummingbird
import HummingbirdTesting
import IntervenCore
import IntervenServer
import IntervenTesting
import Testing

@Suite("HTTP API, in process")
struct EndpointTests {
    static let secretToSlack = scanBody(url: "https://slack.com/api/chat.postMessage", body: #"{"text":"key AKIAIOSFODNN7EXAMPLE"}"#)
    static let listPRs = scanBody(method: "GET", url: "https://api.github.com/repos/acme/app/pulls")
    static let mergePR = scanBody(method: "PUT", url: "https://api.github.com/repos/acme/app/pulls/7/merge")
    static let threat = scanBody(method: "GET", url: "https://malware-drop.example/payload")

    @Test func scanAnswersTheProductFields() async throws {
        let t = try TestServer()
        try await t.withRouter { api in
            let allow = try await api.scan(Self.listPRs)
            #expect(allow.status == 200)
            let j = allow.json
            #expect(j["decision"]?.stringValue == "ALLOW")
            #expect(j["tool_name"]?.stringValue == "github")
            #expect(j["operation"]?.stringValue == "list_prs")
            #expect(j["risk_band"]?.stringValue == "LOW")
            #expect(j["reason_codes"] == .array([]))
            #expect(j["classifications"] == .array([]))
            #expect(j["trace_id"]?.stringValue?.count == 36)
            #expect(j["approval_id"] == nil)
            #expect(j["agent_id"]?.stringValue == "acme-bot")

            let deny = try await api.scan(Self.secretToSlack).json
            #expect(deny["decision"]?.stringValue == "DENY")
            #expect(deny["reason_codes"] == .array([.string("SECRET_DETECTED")]))
            #expect(deny["classifications"] == .array([.string("SECRETS")]))
            #expect(deny["operation"]?.stringValue == "post_message")

            let approval = try await api.scan(Self.mergePR).json
            #expect(approval["decision"]?.stringValue == "REQUIRE_APPROVAL")
            #expect(approval["approval_id"]?.stringValue != nil)
        }
    }

    @Test func malformedScansAre400WithTheField() async throws {
        let t = try TestServer()
        try await t.withRouter { api in
            let notJSON = try await api.scan("{\"method\": ")
            #expect(notJSON.status == 400)
            #expect(notJSON.json["error"]?.stringValue == "INVALID_REQUEST")
            let noURL = try await api.scan(#"{"method":"GET"}"#)
            #expect(noURL.status == 400)
            #expect(noURL.json["field"]?.stringValue == "url")
            let badMethod = try await api.scan(#"{"method":"FETCH","url":"https://x.example/"}"#)
            #expect(badMethod.json["field"]?.stringValue == "method")
            let badRuntime = try await api.scan(#"{"method":"GET","url":"https://x.example/","runtime_type":"emacs"}"#)
            #expect(badRuntime.status == 400)
            #expect(badRuntime.json["field"]?.stringValue == "runtime_type")
            let array = try await api.scan("[1]")
            #expect(array.status == 400)
        }
    }

    @Test func keysAreRequired401() async throws {
        let t = try TestServer()
        try await t.withRouter { api in
            let none = try await api.call(.post, "/v1/scan", key: nil, body: Self.listPRs)
            #expect(none.status == 401)
            #expect(none.json["error"]?.stringValue == "INVALID_KEY")
            let wrong = try await api.call(.post, "/v1/scan", key: "iv_live_nope", body: Self.listPRs)
            #expect(wrong.status == 401)
            let incidents = try await api.call(.get, "/v1/incidents", key: "iv_live_nope")
            #expect(incidents.status == 401)
        }
    }

    @Test func bodiesOver256KBAre413WithTheSize() async throws {
        let t = try TestServer()
        try await t.withRouter { api in
            let big = String(repeating: "a", count: 300_000)
            let r = try await api.scan(scanBody(url: "https://slack.com/api/chat.postMessage", body: "\"\(big)\""))
            #expect(r.status == 413)
            #expect(r.json["error"]?.stringValue == "PAYLOAD_TOO_LARGE")
            #expect(r.json["size"]?.intValue == Int64(300_000 + 74))
            #expect(r.json["limit"]?.intValue == 262_144)
        }
    }

    @Test func aKeyOverItsRateIs429WithRetryAfter() async throws {
        let t = try TestServer()
        try await t.withRouter { api in
            let first = try await api.scan(Self.listPRs, key: TestKeys.acmeLimited)
            #expect(first.status == 200)
            let second = try await api.scan(Self.listPRs, key: TestKeys.acmeLimited)
            #expect(second.status == 429)
            #expect(second.json["error"]?.stringValue == "RATE_LIMITED")
            let retry = Int(second.headers[.retryAfter] ?? "") ?? 0
            #expect(retry >= 1)
            // Another key is not limited by it.
            #expect(try await api.scan(Self.listPRs).status == 200)
        }
    }

    @Test func approvalsArePolledAndDecided() async throws {
        let t = try TestServer()
        try await t.withRouter { api in
            let id = try #require(try await api.scan(Self.mergePR).json["approval_id"]?.stringValue)
            let status = try await api.call(.get, "/v1/approvals/\(id)/status")
            #expect(status.status == 200)
            #expect(status.json["status"]?.stringValue == "pending")
            let bad = try await api.call(.post, "/v1/approvals/\(id)/decision", body: #"{"approve":"yes"}"#)
            #expect(bad.status == 400)
            #expect(bad.json["field"]?.stringValue == "approve")
            t.clock.advance(by: .seconds(30))
            let decided = try await api.call(.post, "/v1/approvals/\(id)/decision", body: #"{"approve":true}"#)
            #expect(decided.status == 200)
            #expect(decided.json["status"]?.stringValue == "approved")
            #expect(try await api.call(.get, "/v1/approvals/\(id)/status").json["status"]?.stringValue == "approved")
            // The identical retry goes through on the grant.
            t.clock.advance(by: .seconds(2))
            let retry = try await api.scan(Self.mergePR).json
            #expect(retry["decision"]?.stringValue == "ALLOW")
            #expect(retry["reason_codes"] == .array([.string("RECENT_APPROVAL_GRANT")]))
            let again = try await api.call(.post, "/v1/approvals/\(id)/decision", body: #"{"approve":false}"#)
            #expect(again.status == 409)
            #expect(try await api.call(.get, "/v1/approvals/00000000-0000-4000-8000-000000000000/status").status == 404)
        }
    }

    @Test func pendingApprovalsExpireWithGatewayTime() async throws {
        let t = try TestServer()
        try await t.withRouter { api in
            let id = try #require(try await api.scan(Self.mergePR).json["approval_id"]?.stringValue)
            t.clock.advance(by: .minutes(10) + SimDuration(milliseconds: 1))
            #expect(try await api.call(.get, "/v1/approvals/\(id)/status").json["status"]?.stringValue == "expired")
            #expect(try await api.call(.post, "/v1/approvals/\(id)/decision", body: #"{"approve":true}"#).status == 409)
        }
    }

    @Test func tracesAreStored() async throws {
        let t = try TestServer()
        try await t.withRouter { api in
            let scan = try await api.scan(Self.secretToSlack).json
            let id = try #require(scan["trace_id"]?.stringValue)
            let trace = try await api.call(.get, "/v1/traces/\(id)")
            #expect(trace.status == 200)
            #expect(trace.json["decision"]?.stringValue == "DENY")
            #expect(trace.json["request"]?["url"]?.stringValue == "https://slack.com/api/chat.postMessage")
            #expect(trace.json["agent_id"]?.stringValue == "acme-bot")
            #expect(try await api.call(.get, "/v1/traces/00000000-0000-4000-8000-000000000000").status == 404)
        }
    }

    @Test func incidentsListFilterPageAndMove() async throws {
        let t = try TestServer()
        try await t.withRouter { api in
            let trace = try #require(try await api.scan(Self.threat).json["trace_id"]?.stringValue)   // a threat_intel incident
            t.clock.advance(by: .seconds(1))
            let manual = try await api.call(.post, "/v1/incidents", body: #"{"trace_ids":["\#(trace)"],"severity":"LOW"}"#)
            #expect(manual.status == 201)
            let list = try await api.call(.get, "/v1/incidents?severity=CRITICAL&status=open&agent=acme-bot").json
            let incidents = try #require(list["incidents"]?.arrayValue)
            let ti = try #require(incidents.first { $0["trigger"]?.stringValue == "threat_intel" })
            #expect(ti["trigger_key"]?.stringValue == "urlhaus")
            #expect(ti["severity"]?.stringValue == "CRITICAL")
            let id = try #require(ti["incident_id"]?.stringValue)

            let all = try await api.call(.get, "/v1/incidents").json
            #expect(all["total"]?.intValue == 2)
            #expect(all["incidents"]?.arrayValue?.first?["trigger"]?.stringValue == "manual")   // newest first
            let page = try await api.call(.get, "/v1/incidents?limit=1").json
            #expect(page["incidents"]?.arrayValue?.count == 1)
            #expect(page["next_offset"]?.intValue == 1)
            #expect(try await api.call(.get, "/v1/incidents?severity=SEVERE").status == 400)
            #expect(try await api.call(.get, "/v1/incidents?since=yesterday").status == 400)
            #expect(try await api.call(.get, "/v1/incidents?status=").status == 400)
            // RFC 3339 times: any number of fraction digits, Z or an offset.
            #expect(try await api.call(.get, "/v1/incidents?since=2026-01-02T03:04:05.123456Z").status == 200)
            #expect(try await api.call(.get, "/v1/incidents?until=2999-01-02T03:04:05%2B05:30").json["total"]?.intValue == 2)
            #expect(try await api.call(.get, "/v1/incidents?since=2999-01-02T03:04:05.1-01:00").json["total"]?.intValue == 0)

            let detail = try await api.call(.get, "/v1/incidents/\(id)").json
            #expect(detail["timeline"]?.arrayValue?.isEmpty == false)
            #expect(detail["trace_ids"]?.arrayValue?.count == 1)

            let illegal = try await api.call(.post, "/v1/incidents/\(id)/transition", body: #"{"status":"open"}"#)
            #expect(illegal.status == 409)
            let noResolution = try await api.call(.post, "/v1/incidents/\(id)/transition", body: #"{"status":"closed"}"#)
            #expect(noResolution.status == 400)
            let inv = try await api.call(.post, "/v1/incidents/\(id)/transition", body: #"{"status":"investigating"}"#)
            #expect(inv.status == 200)
            #expect(inv.json["status"]?.stringValue == "investigating")
            let note = try await api.call(.post, "/v1/incidents/\(id)/notes", body: #"{"text":"looked at it","author":"alice"}"#)
            #expect(note.status == 201)
            #expect(note.json["notes"]?.arrayValue?.first?["author"]?.stringValue == "alice")
            #expect(try await api.call(.post, "/v1/incidents/\(id)/notes", body: #"{"text":"   "}"#).status == 400)
            let closed = try await api.call(.post, "/v1/incidents/\(id)/transition",
                                            body: #"{"status":"closed","resolution":"agent_compromised"}"#)
            #expect(closed.json["status"]?.stringValue == "closed")
            #expect(closed.json["resolution"]?.stringValue == "agent_compromised")
            #expect(try await api.call(.post, "/v1/incidents/\(id)/transition", body: #"{"status":"investigating"}"#).status == 409)
            #expect(try await api.call(.get, "/v1/incidents/nope").status == 404)
        }
    }

    @Test func manualIncidentsFromTraces() async throws {
        let t = try TestServer()
        try await t.withRouter { api in
            let a = try #require(try await api.scan(Self.listPRs).json["trace_id"]?.stringValue)
            let b = try #require(try await api.scan(Self.listPRs).json["trace_id"]?.stringValue)
            let r = try await api.call(.post, "/v1/incidents", body: #"{"trace_ids":["\#(a)","\#(b)"],"severity":"HIGH","title":"Looks odd"}"#)
            #expect(r.status == 201)
            #expect(r.json["trigger"]?.stringValue == "manual")
            #expect(r.json["title"]?.stringValue == "Looks odd")
            #expect(r.json["trace_count"]?.intValue == 2)
            #expect(r.json["opened_by"]?.stringValue == "key:acme-main")
            #expect(try await api.call(.post, "/v1/incidents", body: #"{"trace_ids":[]}"#).status == 400)
            #expect(try await api.call(.post, "/v1/incidents", body: #"{"trace_ids":["00000000-0000-4000-8000-000000000000"]}"#).status == 404)
        }
    }

    @Test func agentsPageTrustAndOperatorActions() async throws {
        let t = try TestServer()
        try await t.withRouter { api in
            _ = try await api.scan(scanBody(method: "GET", url: "https://api.github.com/repos/a/b/pulls", agent: "lc-1"))
            _ = try await api.scan(#"{"method":"GET","url":"https://api.notion.com/v1/search","agent_id":"cc-1","runtime_type":"claude_code"}"#)
            let agents = try await api.call(.get, "/api/telemetry/agents").json
            #expect(agents["total"]?.intValue == 2)
            let cc = try await api.call(.get, "/api/telemetry/agents?runtime=claude_code").json
            #expect(cc["agents"]?.arrayValue?.map { $0["agent_id"]?.stringValue } == ["cc-1"])
            #expect(try await api.call(.get, "/api/telemetry/agents?trust_band=high").json["total"]?.intValue == 2)
            #expect(try await api.call(.get, "/api/telemetry/agents?activity=idle").json["total"]?.intValue == 0)
            #expect(try await api.call(.get, "/api/telemetry/agents?trust_band=purple").status == 400)
            let states = try await api.call(.get, "/api/telemetry/agents/trust-states").json
            #expect(states["trust_states"]?.arrayValue?.count == 2)

            let suspended = try await api.call(.post, "/api/telemetry/agents/lc-1/suspend")
            #expect(suspended.status == 200)
            #expect(suspended.json["suspended"] == .bool(true))
            #expect(try await api.call(.post, "/api/telemetry/agents/lc-1/suspend").status == 409)
            let gate = try await api.scan(scanBody(method: "GET", url: "https://api.github.com/repos/a/b/pulls", agent: "lc-1")).json
            #expect(gate["reason_codes"] == .array([.string("AGENT_SUSPENDED")]))
            #expect(try await api.call(.get, "/api/telemetry/agents?activity=suspended").json["total"]?.intValue == 1)
            let reset = try await api.call(.post, "/api/telemetry/agents/lc-1/trust/reset")
            #expect(reset.status == 409)
            #expect(try await api.call(.post, "/api/telemetry/agents/lc-1/reactivate").status == 200)
            #expect(try await api.call(.post, "/api/telemetry/agents/lc-1/reactivate").status == 409)
            #expect(try await api.call(.post, "/api/telemetry/agents/lc-1/trust/reset").status == 200)
            #expect(try await api.call(.post, "/api/telemetry/agents/ghost/suspend").status == 404)
        }
    }

    @Test func deletingAnAgentCascades() async throws {
        let t = try TestServer()
        try await t.withRouter { api in
            let scan = try await api.scan(scanBody(method: "GET", url: "https://malware-drop.example/x", agent: "doomed")).json
            let trace = try #require(scan["trace_id"]?.stringValue)
            let incidents = try #require(try await api.call(.get, "/v1/incidents?agent=doomed").json["incidents"]?.arrayValue)
            let incident = try #require(incidents.first?["incident_id"]?.stringValue)
            #expect(try await api.call(.delete, "/api/telemetry/agents/doomed").status == 204)
            #expect(try await api.call(.get, "/v1/traces/\(trace)").status == 404)
            #expect(try await api.call(.get, "/v1/incidents/\(incident)").status == 404)
            #expect(try await api.call(.get, "/v1/incidents?agent=doomed").json["total"]?.intValue == 0)
            #expect(try await api.call(.get, "/api/telemetry/agents").json["agents"]?.arrayValue?.contains { $0["agent_id"]?.stringValue == "doomed" } == false)
            #expect(try await api.call(.delete, "/api/telemetry/agents/doomed").status == 404)
            // The same id later is a new agent at full trust.
            _ = try await api.scan(scanBody(method: "GET", url: "https://api.github.com/repos/a/b/pulls", agent: "doomed"))
            let states = try await api.call(.get, "/api/telemetry/agents/trust-states").json["trust_states"]?.arrayValue ?? []
            #expect(states.first { $0["agent_id"]?.stringValue == "doomed" }?["trust_score"]?.doubleValue == 1.0)
        }
    }

    @Test func tenantsNeverSeeEachOther() async throws {
        let t = try TestServer()
        try await t.withRouter { api in
            for (own, other, agent) in [(TestKeys.acme, TestKeys.globex, "acme-bot"), (TestKeys.globex, TestKeys.acme, "globex-bot")] {
                let trace = try #require(try await api.scan(Self.threat, key: own).json["trace_id"]?.stringValue)
                let approval = try #require(try await api.scan(Self.mergePR, key: own).json["approval_id"]?.stringValue)
                let incident = try #require(try await api.call(.get, "/v1/incidents", key: own).json["incidents"]?.arrayValue?.first?["incident_id"]?.stringValue)
                #expect(try await api.call(.get, "/v1/traces/\(trace)", key: other).status == 404)
                #expect(try await api.call(.get, "/v1/approvals/\(approval)/status", key: other).status == 404)
                #expect(try await api.call(.post, "/v1/approvals/\(approval)/decision", key: other, body: #"{"approve":true}"#).status == 404)
                #expect(try await api.call(.get, "/v1/incidents/\(incident)", key: other).status == 404)
                #expect(try await api.call(.post, "/v1/incidents/\(incident)/notes", key: other, body: #"{"text":"x"}"#).status == 404)
                #expect(try await api.call(.post, "/v1/incidents", key: other, body: #"{"trace_ids":["\#(trace)"]}"#).status == 404)
                #expect(try await api.call(.post, "/api/telemetry/agents/\(agent)/suspend", key: other).status == 404)
                #expect(try await api.call(.delete, "/api/telemetry/agents/\(agent)", key: other).status == 404)
                let otherAgents = try #require(try await api.call(.get, "/api/telemetry/agents", key: other).json["agents"]?.arrayValue)
                #expect(!otherAgents.contains { $0["agent_id"]?.stringValue == agent })
                // Still there for its own tenant.
                #expect(try await api.call(.get, "/v1/traces/\(trace)", key: own).status == 200)
            }
        }
    }

    @Test func healthMetricsAndOpenAPI() async throws {
        let t = try TestServer()
        try await t.withRouter { api in
            #expect(try await api.call(.get, "/healthz", key: nil).status == 200)
            let unknown = try await api.call(.get, "/v1/nothing-here")
            #expect(unknown.status == 404)
            #expect(unknown.json["error"]?.stringValue == "NOT_FOUND")
            let wrongMethod = try await api.call(.put, "/api/telemetry/agents/trust-states")
            #expect(wrongMethod.status == 405)
            #expect(wrongMethod.headers[.allow] == "GET")
            for _ in 0..<3 { _ = try await api.scan(Self.listPRs) }
            _ = try await api.scan(Self.secretToSlack)
            let metrics = try await api.call(.get, "/metrics", key: nil).text
            #expect(metrics.contains(#"interven_scans_total{decision="ALLOW"} 3"#))
            #expect(metrics.contains(#"interven_scans_total{decision="DENY"} 1"#))
            #expect(metrics.contains("interven_scan_duration_seconds_count 4"))
            #expect(metrics.contains("interven_open_incidents"))
            let spec = try await api.call(.get, "/openapi.yaml", key: nil)
            #expect(spec.status == 200)
            #expect(spec.text.hasPrefix("openapi: 3"))
        }
    }
}
