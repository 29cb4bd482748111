import Foundation

/// Colours shared by charts, badges and the page's script.
enum Palette {
    static let decisions = ["ALLOW": "#3a9a5b", "REQUIRE_APPROVAL": "#3b7dd8", "SANITIZE": "#d9a21b", "DENY": "#d64545"]
    /// Decisions in the order of `decisions_per_hour` (the gateway's declaration order).
    static let decisionOrder = ["ALLOW", "REQUIRE_APPROVAL", "SANITIZE", "DENY"]
    static let severities = ["LOW": "#8a94a6", "MEDIUM": "#d9a21b", "HIGH": "#e07b29", "CRITICAL": "#c62828"]
    static let triggers = ["critical_deny": "#c62828", "repeated_deny": "#e07b29", "threat_intel": "#8e44ad",
                           "read_then_write": "#3b7dd8", "trust_collapse": "#16a085", "ephemeral_scope": "#b5651d",
                           "policy": "#5d6d7e", "manual": "#2c3e50"]
    static let triggerOrder = ["critical_deny", "repeated_deny", "threat_intel", "read_then_write", "trust_collapse",
                               "ephemeral_scope", "policy", "manual"]
    static let series = ["#3b7dd8", "#e07b29", "#3a9a5b", "#c62828", "#8e44ad", "#16a085", "#b5651d", "#d63384",
                         "#5d6d7e", "#2c3e50"]
}

/// Reads a JSON number (integer, decimal or boolean) as a Double.
func number(_ v: Any?) -> Double? {
    switch v {
    case let i as Int: Double(i)
    case let d as Double: d
    case let n as NSNumber: n.doubleValue
    case let s as String: Double(s)
    default: nil
    }
}

func numbers(_ v: Any?) -> [Double] { (v as? [Any] ?? []).compactMap(number) }

/// The charts of a report, each an `<svg>` string.
struct Charts {
    let input: ReportInput
    var end: Double { number(input.summary["virtual_duration_ms"]) ?? 1 }
    var threshold: Double { number(input.series["scrutiny_threshold"]) ?? 0.6 }

    /// Incident openings as (time ms, severity, agent).
    var openings: [(Double, String, String)] {
        input.incidents.map { (number($0["opened_at_ms"]) ?? 0, $0["severity"] as? String ?? "", $0["agent"] as? String ?? "") }
    }

    /// Trust per group: mean line, 10th–90th percentile band, scrutiny threshold, incident openings.
    func trustByGroup(maxGroups: Int = 10) -> String {
        var p = Plot(width: 1000, height: 340)
        p.right = 190
        let times = numbers(input.series["checkpoints_ms"])
        p.x1 = end
        p.axes(xTicks: timeTicks(end: end), yTicks: stride(from: 0.0, through: 1.0, by: 0.2).map { ($0, String(format: "%.1f", $0)) },
               xTitle: "virtual time (hh:mm)", yTitle: "trust score")
        let groups = (input.series["groups"] as? [[String: Any]] ?? []).prefix(maxGroups)
        var legend: [(String, String, Bool)] = []
        for (g, group) in groups.enumerated() {
            let color = Palette.series[g % Palette.series.count]
            let mean = numbers(group["trust_mean"]), lo = numbers(group["trust_p10"]), hi = numbers(group["trust_p90"])
            guard mean.count == times.count, !times.isEmpty else { continue }
            let upper = zip(times, hi).map { "\(fmt(p.x($0))),\(fmt(p.y($1)))" }
            let lower = zip(times, lo).reversed().map { "\(fmt(p.x($0))),\(fmt(p.y($1)))" }
            p.add("<polygon class=\"band\" fill=\"\(color)\" points=\"\((upper + lower).joined(separator: " "))\"/>")
            p.add("<polyline class=\"line\" stroke=\"\(color)\" points=\"\(zip(times, mean).map { "\(fmt(p.x($0))),\(fmt(p.y($1)))" }.joined(separator: " "))\"/>")
            legend.append((color, "\(group["name"] as? String ?? "") (\(Int(number(group["agents"]) ?? 0)))", false))
        }
        thresholdLine(&p)
        openingMarks(&p)
        legend.append(("#c62828", "scrutiny threshold \(trim(threshold))", true))
        self.legend(&p, legend, note: "line: mean; band: 10th–90th percentile; ▲ incident opened (colour: severity)")
        var label = "Trust over time per group"
        let total = (input.series["groups"] as? [Any])?.count ?? 0
        if total > maxGroups { label += " (first \(maxGroups) of \(total) groups)" }
        return p.svg(label: label, id: "chart-trust-groups")
    }

    /// The exact trust trajectories of the agents with the most incidents, their incidents marked.
    func trustOfIncidentAgents() -> String? {
        let list = input.series["trajectories"] as? [[String: Any]] ?? []
        guard !list.isEmpty else { return nil }
        var p = Plot(width: 1000, height: 340)
        p.right = 190
        p.x1 = end
        p.axes(xTicks: timeTicks(end: end), yTicks: stride(from: 0.0, through: 1.0, by: 0.2).map { ($0, String(format: "%.1f", $0)) },
               xTitle: "virtual time (hh:mm)", yTitle: "trust score")
        thresholdLine(&p)
        var legend: [(String, String, Bool)] = []
        for (k, t) in list.enumerated() {
            let color = Palette.series[k % Palette.series.count]
            let agent = t["agent"] as? String ?? ""
            let points = (t["points"] as? [[Any]] ?? []).compactMap { pair -> (Double, Double)? in
                guard pair.count == 2, let a = number(pair[0]), let b = number(pair[1]) else { return nil }
                return (a, b)
            }
            guard !points.isEmpty else { continue }
            // A step line: trust holds its value until the next change.
            var d = "M\(fmt(p.x(points[0].0))),\(fmt(p.y(points[0].1)))"
            for q in points.dropFirst() { d += "H\(fmt(p.x(q.0)))V\(fmt(p.y(q.1)))" }
            d += "H\(fmt(p.x(end)))"
            p.add("<path class=\"line thin\" stroke=\"\(color)\" d=\"\(d)\"><title>\(esc(agent))</title></path>")
            for (time, severity, who) in openings where who == agent {
                let value = points.last { $0.0 <= time }?.1 ?? points[0].1
                p.add("<circle cx=\"\(fmt(p.x(time)))\" cy=\"\(fmt(p.y(value)))\" r=\"4\" fill=\"\(Palette.severities[severity] ?? "#555")\" stroke=\"#fff\"><title>\(esc(agent)): \(esc(severity)) incident at \(clock(time))</title></circle>")
            }
            legend.append((color, agent, false))
        }
        legend.append(("#c62828", "scrutiny threshold \(trim(threshold))", true))
        self.legend(&p, legend, note: "● incident opened (colour: severity)")
        return p.svg(label: "Trust of the agents with the most incidents", id: "chart-trust-agents")
    }

    /// Incidents opened per bar (an hour, or more in long runs), stacked by trigger.
    func incidentsOverTime() -> String {
        let width = barWidth
        let bars = Int((end / width).rounded(.up)).clamped(1, 2_000)
        var counts = [[Double]](repeating: [Double](repeating: 0, count: Palette.triggerOrder.count), count: bars)
        for i in input.incidents {
            let b = min(bars - 1, Int((number(i["opened_at_ms"]) ?? 0) / width))
            if let t = Palette.triggerOrder.firstIndex(of: i["trigger"] as? String ?? "") { counts[b][t] += 1 }
        }
        let present = Palette.triggerOrder.indices.filter { t in counts.contains { $0[t] > 0 } }
        return stackedBars(counts, keys: Palette.triggerOrder, colors: Palette.triggers, show: present, barWidth: width,
                           yTitle: "incidents opened per \(shortDuration(width))", id: "chart-incidents-time",
                           label: "Incidents over time by trigger", empty: "no incident opened")
    }

    /// Decisions per bar (an hour, or more in long runs), stacked; `nonAllow` leaves ALLOW out.
    func decisionsPerHour(nonAllow: Bool) -> String {
        let hourly = (input.series["decisions_per_hour"] as? [Any] ?? []).map(numbers)
        let per = max(1, Int((barWidth / 3_600_000).rounded()))
        var counts: [[Double]] = []
        for (h, row) in hourly.enumerated() {
            if h % per == 0 { counts.append([0, 0, 0, 0]) }
            for d in 0..<min(4, row.count) { counts[counts.count - 1][d] += row[d] }
        }
        let show = nonAllow ? [1, 2, 3] : [0, 1, 2, 3]
        let unit = per == 1 ? "hour" : shortDuration(Double(per) * 3_600_000)
        return stackedBars(counts, keys: Palette.decisionOrder, colors: Palette.decisions, show: show,
                           barWidth: Double(per) * 3_600_000,
                           yTitle: (nonAllow ? "non-ALLOW decisions per " : "scans per ") + unit,
                           id: nonAllow ? "chart-decisions-nonallow" : "chart-decisions",
                           label: nonAllow ? "Non-ALLOW decisions per \(unit), stacked" : "Decisions per \(unit), stacked",
                           empty: nonAllow ? "every scan was allowed" : "no scan")
    }

    /// Histogram of the time to detect of every detected malicious agent (any trigger).
    func timeToDetect() -> String {
        let entries = input.series["time_to_detect_ms"] as? [[String: Any]] ?? []
        let times = numbers(entries.first { ($0["trigger"] as? String) == "any" }?["times"])
        var p = Plot(width: 1000, height: 280)
        p.right = 190
        guard let maxTime = times.max(), maxTime > 0 else {
            p.add("<text class=\"empty\" x=\"500\" y=\"140\" text-anchor=\"middle\">no malicious agent was detected</text>")
            return p.svg(label: "Time to detect", id: "chart-ttd")
        }
        let steps: [Double] = [1_000, 5_000, 10_000, 30_000, 60_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000,
                               7_200_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000]
        let width = steps.first { maxTime / $0 < 24 } ?? 86_400_000
        let bins = Int(maxTime / width) + 1
        var counts = [Double](repeating: 0, count: bins)
        for t in times { counts[min(bins - 1, Int(t / width))] += 1 }
        let (top, yTicks) = countTicks(max: counts.max() ?? 1)
        p.x1 = Double(bins) * width
        p.y1 = top
        var xTicks: [(Double, String)] = []
        let every = max(1, bins / 8)
        for b in stride(from: 0, through: bins, by: every) { xTicks.append((Double(b) * width, shortDuration(Double(b) * width))) }
        p.axes(xTicks: xTicks, yTicks: yTicks, xTitle: "time to detect (from turning malicious to the first incident)",
               yTitle: "detected agents")
        for (b, c) in counts.enumerated() where c > 0 {
            let x0 = p.x(Double(b) * width) + 1, x1 = p.x(Double(b + 1) * width) - 1
            p.add("<rect x=\"\(fmt(x0))\" y=\"\(fmt(p.y(c)))\" width=\"\(fmt(max(1, x1 - x0)))\" height=\"\(fmt(p.y(0) - p.y(c)))\" fill=\"#3b7dd8\"><title>\(shortDuration(Double(b) * width))–\(shortDuration(Double(b + 1) * width)): \(Int(c)) agents</title></rect>")
        }
        let sorted = times.sorted()
        for (q, name) in [(50, "p50"), (95, "p95")] {
            let rank = max(1, (sorted.count * q + 99) / 100)
            let v = sorted[min(rank, sorted.count) - 1]
            p.add("<line class=\"marker\" x1=\"\(fmt(p.x(v)))\" x2=\"\(fmt(p.x(v)))\" y1=\"\(fmt(p.top))\" y2=\"\(fmt(p.y(0)))\"/>")
            p.add("<text class=\"tick\" x=\"\(fmt(p.x(v) + 4))\" y=\"\(fmt(p.top + 10 + (q == 95 ? 14 : 0)))\">\(name) \(shortDuration(v))</text>")
        }
        legend(&p, [("#3b7dd8", "\(times.count) detected agents", false)], note: "bin width \(shortDuration(width))")
        return p.svg(label: "Time to detect, every detected malicious agent (any trigger)", id: "chart-ttd")
    }

    // MARK: Pieces

    /// An hour per bar up to 8 days, then wider bars (at most about 200).
    var barWidth: Double {
        let hours = (end / 3_600_000).rounded(.up)
        return hours <= 200 ? 3_600_000 : (hours / 200).rounded(.up) * 3_600_000
    }

    private func stackedBars(_ counts: [[Double]], keys: [String], colors: [String: String], show: [Int], barWidth: Double,
                             yTitle: String, id: String, label: String, empty: String) -> String {
        var p = Plot(width: 1000, height: 280)
        p.right = 190
        let totals = counts.map { row in show.reduce(0) { $0 + row[$1] } }
        let (top, yTicks) = countTicks(max: totals.max() ?? 0)
        p.x1 = max(end, Double(counts.count) * barWidth)
        p.y1 = top
        p.axes(xTicks: timeTicks(end: p.x1), yTicks: yTicks, xTitle: "virtual time (hh:mm)", yTitle: yTitle)
        if totals.allSatisfy({ $0 == 0 }) {
            p.add("<text class=\"empty\" x=\"\(fmt(p.left + p.plotWidth / 2))\" y=\"\(fmt(p.top + p.plotHeight / 2))\" text-anchor=\"middle\">\(esc(empty))</text>")
        }
        for (b, row) in counts.enumerated() where totals[b] > 0 {
            let x0 = p.x(Double(b) * barWidth) + 0.5, x1 = p.x(Double(b + 1) * barWidth) - 0.5
            var base = 0.0
            let tip = show.filter { row[$0] > 0 }.map { "\(keys[$0]) \(Int(row[$0]))" }.joined(separator: ", ")
            for k in show where row[k] > 0 {
                p.add("<rect x=\"\(fmt(x0))\" y=\"\(fmt(p.y(base + row[k])))\" width=\"\(fmt(max(0.8, x1 - x0)))\" height=\"\(fmt(max(0.5, p.y(base) - p.y(base + row[k]))))\" fill=\"\(colors[keys[k]] ?? "#999")\"><title>\(clock(Double(b) * barWidth))–\(clock(Double(b + 1) * barWidth)): \(esc(tip))</title></rect>")
                base += row[k]
            }
        }
        legend(&p, show.map { (colors[keys[$0]] ?? "#999", keys[$0], false) }, note: nil)
        return p.svg(label: label, id: id)
    }

    private func thresholdLine(_ p: inout Plot) {
        let y = fmt(p.y(threshold))
        p.add("<line class=\"threshold\" x1=\"\(fmt(p.left))\" x2=\"\(fmt(p.left + p.plotWidth))\" y1=\"\(y)\" y2=\"\(y)\"><title>scrutiny threshold \(trim(threshold))</title></line>")
    }

    private func openingMarks(_ p: inout Plot) {
        let base = p.y(0)
        for (time, severity, agent) in openings.prefix(2_000) {
            let x = p.x(time)
            p.add("<path d=\"M\(fmt(x - 4)),\(fmt(base))L\(fmt(x)),\(fmt(base - 8))L\(fmt(x + 4)),\(fmt(base))Z\" fill=\"\(Palette.severities[severity] ?? "#555")\" opacity=\"0.85\"><title>\(esc(severity)) incident on \(esc(agent)) at \(clock(time))</title></path>")
        }
    }

    /// A legend in the right margin: colour, label, dashed (the threshold's line) or a box.
    private func legend(_ p: inout Plot, _ items: [(String, String, Bool)], note: String?) {
        p.legend(items.map { ($0.0, $0.1, $0.2 ? .threshold : .box) }, note: note)
    }
}

/// Words of `s` in lines of at most `width` characters.
func wrap(_ s: String, _ width: Int) -> [String] {
    var lines: [String] = [], line = ""
    for word in s.split(separator: " ") {
        if !line.isEmpty && line.count + 1 + word.count > width { lines.append(line); line = "" }
        line += (line.isEmpty ? "" : " ") + word
    }
    if !line.isEmpty { lines.append(line) }
    return lines
}

/// A trust value without trailing zeros.
func trim(_ v: Double) -> String {
    var s = String(format: "%.6f", v)
    while s.hasSuffix("0") { s.removeLast() }
    if s.hasSuffix(".") { s.removeLast() }
    return s
}

extension Int {
    func clamped(_ lo: Int, _ hi: Int) -> Int { Swift.min(Swift.max(self, lo), hi) }
}
