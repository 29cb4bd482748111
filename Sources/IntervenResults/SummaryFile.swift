import IntervenCore
import IntervenScenario
import IntervenSimulation

/// `summary.json`: the run's settings and totals on one page.
///
/// Every count keyed by a closed set (decisions, triggers, severities, approval statuses) lists
/// all of its keys, zeros included, in the set's declaration order, so two summaries line up.
enum SummaryFile {
    static let name = "summary.json"

    static func render(_ r: RunResult) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.field("scenario", r.scenario)
        w.field("seed", r.seed)
        w.field("shards", r.shards)
        w.field("virtual_duration", r.duration.hoursText)
        w.field("virtual_duration_ms", r.duration.milliseconds)
        w.field("agents", r.agents.count)
        w.field("scans", r.scans)
        w.object("decisions") { w in
            for d in Decision.allCases { w.field(d.description, r.decisions[d] ?? 0) }
        }
        var byTrigger = [Int](repeating: 0, count: TriggerKind.allCases.count)
        var bySeverity = [Int](repeating: 0, count: Severity.allCases.count)
        for i in r.incidents {
            byTrigger[Int(i.trigger.rawValue)] += 1
            bySeverity[Int(i.severity.rawValue)] += 1
        }
        w.field("incidents_total", r.incidents.count)
        w.object("incidents_by_trigger") { w in
            for t in TriggerKind.allCases { w.field(t.description, byTrigger[Int(t.rawValue)]) }
        }
        w.object("incidents_by_severity") { w in
            for s in Severity.allCases { w.field(s.description, bySeverity[Int(s.rawValue)]) }
        }
        w.field("alerts", r.alerts.count)
        w.field("anomalies", r.anomalies.count)
        w.object("approvals") { w in
            for s in ApprovalStatus.allCases { w.field(s.description, r.approvals[s] ?? 0) }
        }
        w.array("refused_actions", of: r.refusedActions) { w, a in
            w.time("time", a.time)
            w.field("action", a.action)
            w.field("reason", a.reason)
        }
        w.key("wall_seconds"); w.number(decimal(r.wallSeconds, places: 3))
        w.field("scans_per_wall_second", wholeNumber(r.scansPerSecond))
        w.field("fingerprint", r.fingerprint.description)
        if let d = r.detection { detection(d, &w) }
        w.endObject()
        return w.document
    }

    /// The `detection` section: every agent (`group: null`), then each group; per trigger
    /// (`any` first) the counts and ratios, times to detect in milliseconds (null when nothing
    /// was detected), ratios null when undefined (no malicious agent, no incident).
    static func detection(_ d: DetectionMetrics, _ w: inout JSONWriter) {
        w.array("detection", of: [d.overall] + d.groups) { w, g in
            w.field("group", g.group)
            w.field("approvals_requested", g.approvalsRequested)
            w.key("scrutiny_agent_hours"); w.number(decimal(Double(g.scrutinyAgentMilliseconds) / 3_600_000, places: 3))
            w.field("suspended_agents", g.suspendedAgents)
            w.array("triggers", of: g.triggers) { w, t in tally(t, &w) }
        }
    }

    /// One trigger's tally as JSON fields.
    static func tally(_ t: DetectionTally, _ w: inout JSONWriter) {
        w.field("trigger", t.trigger?.description ?? "any")
        w.field("agents", t.agents)
        w.field("malicious_agents", t.maliciousAgents)
        w.field("detected_agents", t.detectedAgents)
        w.field("incidents", t.incidents)
        w.field("true_positives", t.truePositives)
        w.field("false_positives", t.falsePositives)
        score(w: &w, "detection_rate", t.detectionRate)
        score(w: &w, "precision", t.precision)
        w.field("false_positive_ratio", t.falsePositiveRatio)
        w.key("false_positives_per_1000_agent_days"); w.number(decimal(t.falsePositivesPer1000AgentDays, places: 3))
        milliseconds(w: &w, "time_to_detect_p50_ms", t.timeToDetectP50)
        milliseconds(w: &w, "time_to_detect_p95_ms", t.timeToDetectP95)
    }

    private static func score(w: inout JSONWriter, _ k: String, _ s: Score?) {
        if let s { w.field(k, s) } else { w.key(k); w.null() }
    }

    private static func milliseconds(w: inout JSONWriter, _ k: String, _ d: SimDuration?) {
        if let d { w.field(k, d.milliseconds) } else { w.key(k); w.null() }
    }

    /// `x` rounded to `places` decimals, always with that many (`1.500`); 0 for NaN, infinities and negatives.
    static func decimal(_ x: Double, places: Int) -> String {
        var scale: Int64 = 1
        for _ in 0..<places { scale *= 10 }
        let scaled = x * Double(scale)
        guard scaled.isFinite, scaled >= 0, scaled < 9e18 else { return "0." + String(repeating: "0", count: places) }
        let n = Int64(scaled.rounded())
        let frac = String(n % scale + scale).dropFirst()
        return places == 0 ? "\(n)" : "\(n / scale).\(frac)"
    }

    /// `x` rounded to an integer; 0 for NaN, infinities and negatives.
    static func wholeNumber(_ x: Double) -> Int64 {
        guard x.isFinite, x >= 0, x < 9e18 else { return 0 }
        return Int64(x.rounded())
    }
}
