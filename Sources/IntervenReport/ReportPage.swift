import Foundation

/// `report.html`: one self-contained page (inline CSS, script and SVG; no network) that shows a
/// run: overview, charts, the Agents page and the incidents with their timelines.
public struct ReportPage: Sendable {
    /// The file name inside a results directory.
    public static let fileName = "report.html"

    let input: ReportInput

    public init(input: ReportInput) { self.input = input }

    /// The page's bytes (deterministic for the same input).
    public func html() -> [UInt8] { Array(text().utf8) }

    func text() -> String {
        let s = input.summary
        let scenario = s["scenario"] as? String ?? "run"
        let charts = Charts(input: input)
        var h = ""
        h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        h += "<title>\(esc(scenario)) — interven-sim report</title>\n<style>\n\(ReportAssets.css)\n</style>\n</head>\n<body>\n"
        h += "<header><h1>\(esc(scenario))</h1><p class=\"sub\">interven-sim run report · seed \(esc(text(s["seed"]))) · \(esc(text(s["virtual_duration"]))) virtual · \(esc(group(s["agents"]))) agents · \(esc(group(s["scans"]))) scans</p>\n"
        h += "<nav><a href=\"#overview\">Overview</a><a href=\"#charts\">Charts</a><a href=\"#agents\">Agents</a><a href=\"#incidents\">Incidents</a></nav></header>\n<main>\n"
        h += overview()
        h += "<section id=\"charts\"><h2>Charts</h2>\n"
        h += figure(charts.trustByGroup(), "Trust over time per group")
        if let agents = charts.trustOfIncidentAgents() { h += figure(agents, "Trust of the agents with the most incidents (exact trajectory)") }
        h += figure(charts.incidentsOverTime(), "Incidents opened over time, by trigger")
        h += figure(charts.decisionsPerHour(nonAllow: false), "Decisions over time, stacked")
        h += figure(charts.decisionsPerHour(nonAllow: true), "Decisions other than ALLOW over time, stacked")
        h += figure(charts.timeToDetect(), "Time to detect (any trigger)")
        h += "</section>\n"
        h += agentsSection()
        h += incidentsSection()
        h += "</main>\n<footer>Written by interven-sim. Times are virtual (hh:mm:ss from the start of the run).</footer>\n"
        h += "<script id=\"report-data\" type=\"application/json\">\(PageData(input: input).json())</script>\n"
        h += "<script>\n\(ReportAssets.script)\n</script>\n</body>\n</html>\n"
        return h
    }

    // MARK: Overview

    func overview() -> String {
        let s = input.summary
        var h = "<section id=\"overview\"><h2>Overview</h2>\n<div class=\"cards\">\n"
        let incidents = Int(number(s["incidents_total"]) ?? 0)
        let detection = (s["detection"] as? [[String: Any]])?.first
        let any = (detection?["triggers"] as? [[String: Any]])?.first
        var cards: [(String, String, String)] = [
            ("Virtual duration", text(s["virtual_duration"]), ""),
            ("Agents", group(s["agents"]), ""),
            ("Scans", group(s["scans"]), ""),
            ("Incidents", group(incidents), ""),
            ("Wall time", "\(text(s["wall_seconds"])) s", ""),
            ("Scans per second", group(s["scans_per_wall_second"]), "wall clock"),
        ]
        if let any, let rate = number(any["detection_rate"]) {
            cards.append(("Detection rate", percent(rate), "\(text(any["detected_agents"])) of \(text(any["malicious_agents"])) malicious agents"))
        }
        if let any, number(any["incidents"]) ?? 0 > 0 {
            cards.append(("False-positive ratio", percent(number(any["false_positive_ratio"]) ?? 0), "\(text(any["false_positives"])) of \(text(any["incidents"])) incidents"))
        }
        for (title, value, note) in cards {
            h += "<div class=\"card\"><div class=\"card-title\">\(esc(title))</div><div class=\"card-value\">\(esc(value))</div>"
            h += note.isEmpty ? "" : "<div class=\"card-note\">\(esc(note))</div>"
            h += "</div>\n"
        }
        h += "</div>\n<div class=\"columns\">\n"

        // Run settings and rules.
        h += "<div><h3>Run</h3><table class=\"kv\">"
        h += row("Scenario", text(s["scenario"])) + row("Seed", text(s["seed"])) + row("Shards", text(s["shards"]))
        h += row("Fingerprint", text(s["fingerprint"]))
        let rulesFile = input.series["rules_file"] as? String
        h += row("Rules", rulesFile ?? "the shipped defaults")
        h += "</table>"
        let diffs = input.series["rules_differences"] as? [String] ?? []
        h += diffs.isEmpty ? "<p class=\"muted\">Every rules value is the shipped default.</p>"
            : "<p>Rules values that differ from the shipped defaults:</p><ul class=\"diffs\">" + diffs.map { "<li><code>\(esc($0))</code></li>" }.joined() + "</ul>"
        h += "</div>\n"

        // Decision split.
        let decisions = s["decisions"] as? [String: Any] ?? [:]
        let scans = max(1, number(s["scans"]) ?? 1)
        h += "<div><h3>Decisions</h3><div class=\"splitbar\" role=\"img\" aria-label=\"decision split\">"
        for d in Palette.decisionOrder {
            let n = number(decisions[d]) ?? 0
            guard n > 0 else { continue }
            h += "<span style=\"width:\(fmt(max(0.4, 100 * n / scans)))%;background:\(Palette.decisions[d]!)\" title=\"\(d) \(group(n))\"></span>"
        }
        h += "</div><table class=\"num\"><tr><th>decision</th><th>scans</th><th>share</th></tr>"
        for d in Palette.decisionOrder {
            let n = number(decisions[d]) ?? 0
            h += "<tr><td>\(badge(d, Palette.decisions[d]!))</td><td>\(group(n))</td><td>\(percent(n / scans))</td></tr>"
        }
        h += "</table>"
        let approvals = s["approvals"] as? [String: Any] ?? [:]
        h += "<p class=\"muted\">Approvals: " + ["pending", "approved", "denied", "expired"].map { "\($0) \(group(approvals[$0]))" }.joined(separator: ", ")
        h += ". Alerts \(group(s["alerts"])), anomaly signals \(group(s["anomalies"])).</p></div>\n"

        // Incidents by trigger and severity.
        h += "<div><h3>Incidents</h3><table class=\"num\"><tr><th>trigger</th><th>incidents</th></tr>"
        let byTrigger = s["incidents_by_trigger"] as? [String: Any] ?? [:]
        for t in Palette.triggerOrder where (number(byTrigger[t]) ?? 0) > 0 {
            h += "<tr><td>\(badge(t, Palette.triggers[t]!))</td><td>\(group(byTrigger[t]))</td></tr>"
        }
        if incidents == 0 { h += "<tr><td colspan=\"2\" class=\"muted\">none</td></tr>" }
        h += "</table><table class=\"num\"><tr><th>severity</th><th>incidents</th></tr>"
        let bySeverity = s["incidents_by_severity"] as? [String: Any] ?? [:]
        for sev in ["CRITICAL", "HIGH", "MEDIUM", "LOW"] {
            h += "<tr><td>\(badge(sev, Palette.severities[sev]!))</td><td>\(group(bySeverity[sev]))</td></tr>"
        }
        h += "</table></div>\n</div>\n"

        // Refused actions.
        let refused = s["refused_actions"] as? [[String: Any]] ?? []
        h += "<h3>Refused timeline actions</h3>"
        if refused.isEmpty {
            h += "<p class=\"muted\">None: the gateway accepted every operator action of the timeline.</p>\n"
        } else {
            h += "<table class=\"list\"><tr><th>time</th><th>action</th><th>reason</th></tr>"
            for r in refused { h += "<tr><td>\(esc(text(r["time"])))</td><td>\(esc(text(r["action"])))</td><td>\(esc(text(r["reason"])))</td></tr>" }
            h += "</table>\n"
        }
        h += detectionTables()
        h += "</section>\n"
        return h
    }

    /// Detection against the ground truth: every trigger for all agents, then `any` per group.
    func detectionTables() -> String {
        guard let detection = input.summary["detection"] as? [[String: Any]], let all = detection.first else {
            return "<h3>Detection</h3><p class=\"muted\">No detection section in summary.json.</p>\n"
        }
        var h = "<h3>Detection against the ground truth</h3>"
        h += "<p class=\"muted\">An agent is malicious while labelled misbehaving or compromised; it is detected when an incident of the trigger opens while it is malicious. An incident on a benign agent is a false positive. Times to detect are nearest-rank percentiles.</p>"
        let header = "<tr><th>%</th><th>malicious</th><th>detected</th><th>rate</th><th>incidents</th><th>true pos.</th><th>false pos.</th><th>precision</th><th>FP ratio</th><th>FP / 1000 agent-days</th><th>TTD p50</th><th>TTD p95</th></tr>"
        func cells(_ t: [String: Any]) -> String {
            let rate = number(t["detection_rate"]).map(percent) ?? "–"
            let precision = number(t["precision"]).map(percent) ?? "–"
            let p50 = number(t["time_to_detect_p50_ms"]).map(shortDuration) ?? "–"
            let p95 = number(t["time_to_detect_p95_ms"]).map(shortDuration) ?? "–"
            return "<td>\(group(t["malicious_agents"]))</td><td>\(group(t["detected_agents"]))</td><td>\(rate)</td><td>\(group(t["incidents"]))</td><td>\(group(t["true_positives"]))</td><td>\(group(t["false_positives"]))</td><td>\(precision)</td><td>\(percent(number(t["false_positive_ratio"]) ?? 0))</td><td>\(esc(text(t["false_positives_per_1000_agent_days"])))</td><td>\(p50)</td><td>\(p95)</td>"
        }
        h += "<table class=\"num detection\">" + header.replacingOccurrences(of: "%", with: "trigger (all agents)")
        for t in all["triggers"] as? [[String: Any]] ?? [] {
            let name = t["trigger"] as? String ?? ""
            if name != "any", (number(t["incidents"]) ?? 0) == 0, (number(t["detected_agents"]) ?? 0) == 0 { continue }
            h += "<tr><td>\(name == "any" ? "<b>any trigger</b>" : badge(name, Palette.triggers[name] ?? "#777"))</td>\(cells(t))</tr>"
        }
        h += "</table>"
        let groups = detection.dropFirst()
        if !groups.isEmpty {
            h += "<table class=\"num detection\">" + header.replacingOccurrences(of: "%", with: "group (any trigger)")
            for g in groups {
                guard let t = (g["triggers"] as? [[String: Any]])?.first else { continue }
                h += "<tr><td>\(esc(text(g["group"])))</td>\(cells(t))</tr>"
            }
            h += "</table>"
            h += "<table class=\"num\"><tr><th>group</th><th>approvals requested</th><th>scrutiny agent-hours</th><th>agents suspended</th></tr>"
            for g in groups {
                h += "<tr><td>\(esc(text(g["group"])))</td><td>\(group(g["approvals_requested"]))</td><td>\(esc(text(g["scrutiny_agent_hours"])))</td><td>\(group(g["suspended_agents"]))</td></tr>"
            }
            h += "</table>"
        }
        return h + "\n"
    }

    // MARK: Agents and incidents (filled by the script from the embedded data)

    func agentsSection() -> String {
        let shown = input.agents.count, total = input.agentsTotal
        var h = "<section id=\"agents\"><h2>Agents</h2>\n"
        if shown < total {
            h += "<p class=\"notice\">Showing \(group(shown)) of \(group(total)) agents: the page keeps the most relevant (agents with incidents, suspended, in scrutiny, then lowest trust and most denies). agents.json lists them all.</p>\n"
        }
        h += """
            <div class="filters">
            <label>Runtime <select id="agent-runtime"><option value="">all</option></select></label>
            <label>Group <select id="agent-group"><option value="">all</option></select></label>
            <label>Trust <select id="agent-band"><option value="">all</option><option value="high">0.8 and above</option><option value="mid">threshold to 0.8</option><option value="low">below the scrutiny threshold</option></select></label>
            <label>Name <input id="agent-name" type="search" placeholder="filter by name"></label>
            <span id="agent-count" class="muted"></span>
            </div>
            <table id="agents-table" class="list sortable"><thead><tr>
            <th data-key="name">Agent</th><th data-key="group">Group</th><th data-key="runtime">Runtime</th>
            <th data-key="calls" class="n">Total calls</th><th data-key="d24">Decisions (24 h)</th>
            <th data-key="trust" class="n">Trust</th><th>Trend</th><th data-key="lastMs">Last seen</th><th data-key="incidents" class="n">Incidents</th><th>State</th>
            </tr></thead><tbody></tbody></table>
            <p id="agents-more" class="muted"></p>
            </section>

            """
        return h
    }

    func incidentsSection() -> String {
        let total = input.incidents.count
        var h = "<section id=\"incidents\"><h2>Incidents</h2>\n"
        if total > PageData.incidentLimit {
            h += "<p class=\"notice\">Showing the first \(group(PageData.incidentLimit)) of \(group(total)) incidents (in opening order); incidents.json lists them all.</p>\n"
        }
        if !input.hasActivity {
            h += "<p class=\"muted\">Incident timelines list the linked traces by id and time; run with <code>--activity</code> to see each linked scan's tool, operation, decision and reason codes.</p>\n"
        }
        h += """
            <div class="filters">
            <label>Severity <select id="inc-severity"><option value="">all</option></select></label>
            <label>Status <select id="inc-status"><option value="">all</option></select></label>
            <label>Trigger <select id="inc-trigger"><option value="">all</option></select></label>
            <label>Agent <input id="inc-agent" type="search" placeholder="filter by agent"></label>
            <span id="inc-count" class="muted"></span>
            </div>
            <table id="incidents-table" class="list sortable"><thead><tr>
            <th data-key="openedMs">Opened</th><th data-key="title">Title</th><th data-key="severity">Severity</th><th data-key="agent">Agent</th>
            <th data-key="trigger">Trigger</th><th data-key="status">Status</th><th data-key="traces" class="n">Traces</th>
            </tr></thead><tbody></tbody></table>
            </section>

            """
        return h
    }

    // MARK: Pieces

    func figure(_ svg: String, _ caption: String) -> String {
        "<figure>\(svg)<figcaption>\(esc(caption))</figcaption></figure>\n"
    }

    func row(_ k: String, _ v: String) -> String { "<tr><th>\(esc(k))</th><td>\(esc(v))</td></tr>" }

    func badge(_ text: String, _ color: String) -> String {
        "<span class=\"badge\" style=\"background:\(color)\">\(esc(text))</span>"
    }

    /// A JSON value as text.
    func text(_ v: Any?) -> String {
        switch v {
        case nil, is NSNull: "–"
        case let s as String: s
        case let n as NSNumber: n.description
        default: "\(v!)"
        }
    }

    /// An integer with thousands separators.
    func group(_ v: Any?) -> String { Self.grouped(v) }

    /// An integer with thousands separators.
    static func grouped(_ v: Any?) -> String {
        guard let d = number(v) else { return "–" }
        let n = Int64(d.rounded())
        let digits = String(n.magnitude)
        var out = ""
        for (k, c) in digits.enumerated() {
            if k > 0 && (digits.count - k) % 3 == 0 { out += "," }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    func percent(_ v: Double) -> String {
        if v > 0 && v < 0.001 { return "<0.1%" }
        return String(format: "%.1f%%", v * 100)
    }
}
