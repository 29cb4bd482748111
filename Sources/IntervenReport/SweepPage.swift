import Foundation
public import IntervenCheck

/// `sweep.html`: a sweep on one self-contained page (inline CSS, script and SVG; no network),
/// drawn from its `sweep.json` alone: the question, the answer, detection against false
/// positives per cell, a heat map (or a line with one varied value) and the table of cells.
public enum SweepPage {
    /// The file name inside a sweep's output directory.
    public static let fileName = "sweep.html"

    /// The page of the sweep whose `sweep.json` is `sweepJSON` (deterministic for the same bytes).
    public static func html(sweepJSON: [UInt8]) throws(ReportError) -> [UInt8] {
        Array(SweepPageText(data: try SweepData(bytes: sweepJSON)).text().utf8)
    }

    /// The page of a sweep's output, as the sweep writes it beside its other files.
    public static func html(_ output: SweepOutput) -> [UInt8] {
        guard let json = output.files().first(where: { $0.name == "sweep.json" }), let page = try? html(sweepJSON: json.bytes) else {
            // sweep.json was just rendered by this program: a failure here is a bug, not bad input.
            preconditionFailure("sweep page of a fresh sweep")
        }
        return page
    }
}

/// The heat maps show these metrics (and the objective's, when another); the first shown is
/// the objective's.
private let heatMetrics: [SweepMetric] = [.detectionRate, .falsePositiveRatio, .falsePositivesPerDay, .precision, .timeToDetectP95]
/// Small multiples shown at most (one per combination of the values not on the map).
private let panelLimit = 24

struct SweepPageText {
    let data: SweepData

    func text() -> String {
        let runs = number(data.json["runs"]).map { Int($0) } ?? 0
        var h = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        h += "<title>sweep \(esc(data.scenario)) — interven-sim</title>\n<style>\n\(ReportAssets.css)\n\(Self.css)</style>\n</head>\n<body>\n"
        h += "<header><h1>sweep \(esc(data.scenario))</h1><p class=\"sub\">interven-sim sweep · \(data.cells.count) cells × \(data.seeds.count) seeds · \(group(runs)) runs · judged on \(esc(on))</p>\n"
        h += "<nav><a href=\"#question\">Question</a><a href=\"#answer\">Answer</a><a href=\"#tradeoff\">Trade-off</a><a href=\"#grid\">\(data.dimensions.count == 1 ? "By value" : "Heat map")</a><a href=\"#cells\">Cells</a></nav></header>\n<main>\n"
        h += question() + answer() + tradeoff() + grid() + table()
        h += "</main>\n<footer>Written by interven-sim from sweep.json (rebuild with <code>interven-sim report DIR</code>). Intervals are 95% confidence intervals of the mean across seeds.</footer>\n"
        h += "<script>\n\(Self.script)\n</script>\n</body>\n</html>\n"
        return h
    }

    var on: String { data.criteria.trigger == "any" ? "any trigger" : data.criteria.trigger }

    // MARK: Sections

    func question() -> String {
        let j = data.json
        var h = "<section id=\"question\"><h2>Question</h2>\n"
        if let (i, n) = data.slice {
            h += "<p class=\"notice\">This is slice \(i) of \(n) (cells k with k mod \(n) = \(i)); join the slices with <code>interven-sim merge</code> for the whole sweep.</p>\n"
        }
        let command = (["interven-sim"] + (j["command"] as? [String] ?? [])).map(Self.shellWord).joined(separator: " ")
        h += "<p><code class=\"command\">\(esc(command))</code></p>\n<table class=\"kv\">"
        h += "<tr><th>Scenario</th><td>\(esc(data.scenario)) <span class=\"muted\">(\(esc(j["scenario_file"] as? String ?? "")))</span></td></tr>"
        for d in data.dimensions {
            h += "<tr><th>Varied</th><td><code>\(esc(d.path))</code> = \(esc(d.values.joined(separator: ", "))) <span class=\"muted\">(\(d.values.count) values)</span></td></tr>"
        }
        let gridCells = number(j["cells_in_grid"]).map { Int($0) } ?? data.cells.count
        h += "<tr><th>Grid</th><td>\(group(gridCells)) cells × \(data.seeds.count) seeds = \(group(gridCells * data.seeds.count)) runs</td></tr>"
        h += "<tr><th>Seeds</th><td>\(esc(Self.seedText(data.seeds)))</td></tr>"
        h += "<tr><th>Objective</th><td>\(esc(data.criteria.objective.phrase)) on \(esc(on))</td></tr>"
        let constraints = data.criteria.constraintsText
        h += "<tr><th>Constraints</th><td>\(constraints.isEmpty ? "<span class=\"muted\">none</span>" : esc(constraints)) <span class=\"muted\">(on the mean across seeds)</span></td></tr>"
        let wall = number(j["wall_seconds"]) ?? 0
        h += "<tr><th>Ran</th><td>\(group(j["runs"])) runs, \(group(j["scans"])) scans in \(SweepStats.fixed(wall, places: 1)) s wall on \(group(j["jobs"])) jobs</td></tr>"
        h += "<tr><th>Tool</th><td>interven-sim \(esc(j["version"] as? String ?? "")) · sweep id \(esc(j["sweep_id"] as? String ?? ""))</td></tr>"
        return h + "</table>\n</section>\n"
    }

    func answer() -> String {
        var h = "<section id=\"answer\"><h2>Answer</h2>\n"
        let meeting = data.cells.filter(\.meets).count
        if let r = data.recommendedCell {
            h += "<div class=\"cards\">\n"
            let cards: [(String, String, String)] = [
                ("Recommended", "cell \(r.cell)", zip(data.dimensions, r.values).map { "\($0.short) = \($1)" }.joined(separator: "\n")),
                ("Detection rate", SweepFormat.estimate(r, .detectionRate), "of the malicious agents"),
                ("False-positive ratio", SweepFormat.estimate(r, .falsePositiveRatio), "of the incidents, on benign agents"),
                ("FP / 1,000 agent-days", SweepFormat.estimate(r, .falsePositivesPerDay), "false positives"),
                ("p95 time to detect", SweepFormat.estimate(r, .timeToDetectP95), "virtual time"),
                ("Meeting the constraints", "\(meeting) of \(data.cells.count) cells", data.criteria.constraintsText.isEmpty ? "no constraint given" : data.criteria.constraintsText),
            ]
            for (title, value, note) in cards {
                h += "<div class=\"card\(title == "Recommended" ? " best" : "")\"><div class=\"card-title\">\(esc(title))</div><div class=\"card-value\">\(esc(value))</div><div class=\"card-note\">\(esc(note).replacingOccurrences(of: "\n", with: "<br>"))</div></div>\n"
            }
            h += "</div>\n"
        } else {
            h += "<p class=\"notice\">No cell meets the constraints (\(esc(data.criteria.constraintsText))).</p>\n"
        }
        h += "<p class=\"answer\">\(esc(data.json["answer"] as? String ?? ""))</p>\n"
        h += "<p class=\"muted\">Values are the mean ± the half-width of the 95% confidence interval across \(data.seeds.count) seeds (Student's t below 30 seeds).</p>\n"
        return h + "</section>\n"
    }

    func tradeoff() -> String {
        let charts = SweepCharts(data: data)
        return "<section id=\"tradeoff\"><h2>Detection against false positives</h2>\n"
            + figure(charts.scatter(), "Each dot is a cell: its mean detection rate against its mean false-positive ratio on \(on), whiskers spanning the 95% intervals. Up and left is better. The orange line joins the Pareto front (cells no other cell beats on both); the ring marks the recommended cell; dashed red lines are the constraints, the shaded region meets them.")
            + "</section>\n"
    }

    func grid() -> String {
        let charts = SweepCharts(data: data)
        guard data.dimensions.count > 1 else {
            return "<section id=\"grid\"><h2>By value of \(esc(data.dimensions[0].path))</h2>\n"
                + figure(charts.line(), "Detection rate and false-positive ratio on \(on) for each value, with 95% bands; the dotted line marks the recommended value.")
                + "</section>\n"
        }
        let (cd, rd) = data.heatDimensions
        let others = data.dimensions.indices.filter { $0 != cd && $0 != rd }
        var metrics = heatMetrics
        let objective = data.criteria.objective.metric
        metrics.removeAll { $0 == objective }
        metrics.insert(objective, at: 0)
        // Every combination of the values of the other dimensions, the last fastest.
        var combos: [[Int]] = [[Int](repeating: 0, count: data.dimensions.count)]
        for d in others {
            combos = combos.flatMap { c in data.dimensions[d].values.indices.map { v in var n = c; n[d] = v; return n } }
        }
        var h = "<section id=\"grid\"><h2>Heat map over \(esc(data.dimensions[cd].short)) and \(esc(data.dimensions[rd!].short))</h2>\n"
        h += "<div class=\"filters\"><label>Metric <select id=\"heat-metric\">"
        for m in metrics {
            h += "<option value=\"\(m.column)\">\(esc(SweepFormat.name(m)))\(m == objective ? " (objective)" : "")</option>"
        }
        h += "</select></label>"
        if !others.isEmpty {
            h += "<span class=\"muted\">One map per value of \(others.map { "<code>\(esc(data.dimensions[$0].path))</code>" }.joined(separator: ", ")).</span>"
        }
        h += "</div>\n"
        for (k, m) in metrics.enumerated() {
            h += "<div class=\"heat-metric\" data-metric=\"\(m.column)\"\(k == 0 ? "" : " hidden")>\(charts.heatKey(m))<div class=\"panels\">\n"
            for (i, combo) in combos.prefix(panelLimit).enumerated() {
                let title = others.map { "\(data.dimensions[$0].short) = \(data.dimensions[$0].values[combo[$0]])" }.joined(separator: ", ")
                h += "<figure class=\"panel\">" + (title.isEmpty ? "" : "<figcaption class=\"panel-title\">\(esc(title))</figcaption>")
                h += charts.heatMap(m, fixed: combo, id: "chart-heat-\(m.column)-\(i)") + "</figure>\n"
            }
            h += "</div></div>\n"
        }
        if combos.count > panelLimit {
            h += "<p class=\"notice\">Showing the first \(panelLimit) of \(combos.count) maps; the table below lists every cell.</p>\n"
        }
        h += "<p class=\"muted\">Each square is a cell: the mean across seeds and, below it, ± the 95% interval. Colour runs from the worst to the best value within each map.</p>\n"
        return h + "</section>\n"
    }

    func table() -> String {
        let ranked = data.ranked
        let metrics: [(SweepMetric, String)] = [(.detectionRate, "detection"), (.falsePositiveRatio, "FP ratio"),
                                                (.falsePositivesPerDay, "FP / 1,000 agent-days"), (.precision, "precision"),
                                                (.timeToDetectP95, "TTD p95"), (.scrutinyAgentHours, "scrutiny agent-hours")]
        var h = "<section id=\"cells\"><h2>Cells</h2>\n<p class=\"muted\">\(data.cells.count) cells on \(esc(on)), best first by the objective (\(esc(data.criteria.objective.phrase))). Click a column to sort; mean ± 95% interval across seeds.</p>\n"
        h += "<div class=\"scroll\"><table id=\"cells-table\" class=\"list sortable num\"><thead><tr><th data-key=\"rank\" class=\"asc\">#</th><th data-key=\"cell\">Cell</th>"
        for d in data.dimensions { h += "<th data-key=\"v\" title=\"\(esc(d.path))\">\(esc(d.short))</th>" }
        for (m, short) in metrics { h += "<th data-key=\"m\" title=\"\(esc(SweepFormat.name(m)))\">\(esc(short))</th>" }
        h += "<th data-key=\"meets\">Meets</th><th data-key=\"pareto\">Pareto</th></tr></thead><tbody>\n"
        for (k, c) in ranked.enumerated() {
            h += "<tr\(c.cell == data.recommended ? " class=\"recommended\"" : "")><td data-v=\"\(k + 1)\">\(k + 1)</td><td data-v=\"\(c.cell)\">\(c.cell)\(c.cell == data.recommended ? " ★" : "")</td>"
            for (d, v) in c.values.enumerated() {
                // Sorted by the value's place in the grid, so durations and lists sort as given.
                h += "<td data-v=\"\(c.indexes[d])\">\(esc(v))</td>"
            }
            for (m, _) in metrics {
                h += "<td data-v=\"\(c.mean(m).map { SweepStats.fixed($0, places: 6) } ?? "")\">\(esc(SweepFormat.estimate(c, m)))</td>"
            }
            h += "<td data-v=\"\(c.meets ? 1 : 0)\">\(c.meets ? "yes" : "no")</td><td data-v=\"\(c.pareto ? 1 : 0)\">\(c.pareto ? "◆" : "")</td></tr>\n"
        }
        return h + "</tbody></table></div>\n</section>\n"
    }

    // MARK: Pieces

    func figure(_ svg: String, _ caption: String) -> String {
        "<figure>\(svg)<figcaption>\(esc(caption))</figcaption></figure>\n"
    }

    /// An argument as a shell would need it.
    static func shellWord(_ s: String) -> String {
        let plain = !s.isEmpty && s.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "-_./=,:+@%".unicodeScalars.contains($0) }
        return plain ? s : "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// `1..5`, `1, 2, 7` or `1..100 (100 seeds)`.
    static func seedText(_ seeds: [UInt64]) -> String {
        guard let first = seeds.first, let last = seeds.last else { return "none" }
        if seeds.count > 1, SeedList.isRange(seeds) { return "\(first)..\(last) (\(seeds.count) seeds)" }
        let shown = seeds.prefix(20).map(String.init).joined(separator: ", ")
        return seeds.count > 20 ? shown + ", … (\(seeds.count) seeds)" : shown
    }

    func group(_ v: Any?) -> String { ReportPage.grouped(v) }

    static let css = #"""
code.command { display:block; white-space:pre-wrap; word-break:break-all; padding:6px 8px; }
.card.best { border-color:#1d2330; background:#fff; }
p.answer { font-size:15px; max-width:1000px; }
svg .feasible { fill:#3a9a5b; opacity:.07; } svg .whisker { stroke:#98a2b3; stroke-width:1.2; opacity:.6; }
#cells-table { font-size:13px; } #cells-table td { white-space:nowrap; } .scroll { overflow-x:auto; }
#cells-table th, #cells-table td { padding-left:10px; }
svg .label { font-size:11px; fill:#344054; font-weight:600; } svg .value { font-size:12px; font-weight:600; }
svg .ci, svg .mark { font-size:11px; } svg .value { font-size:13px; }
.panels { display:flex; flex-wrap:wrap; gap:6px 24px; } figure.panel { margin:6px 0 10px; }
.panel-title { font-size:12px; color:var(--fg); font-weight:600; }
.heat-key { display:flex; align-items:center; gap:8px; font-size:12px; margin:4px 0; flex-wrap:wrap; }
.heat-key .ramp { display:inline-block; width:120px; height:10px; border-radius:2px; }
#cells-table tr.recommended td { background:#eef4fc; font-weight:600; }
"""#

    /// Sorts the cells table by a clicked column and switches the heat map's metric.
    static let script = #"""
(function () {
  "use strict";
  var table = document.getElementById("cells-table"), state = {col: 0, dir: 1};
  function key(tr, col) { var v = tr.cells[col].getAttribute("data-v"); return v === "" ? null : Number(v); }
  table.querySelectorAll("th[data-key]").forEach(function (th, col) {
    th.addEventListener("click", function () {
      state.dir = state.col === col ? -state.dir : 1; state.col = col;
      table.querySelectorAll("th").forEach(function (o) { o.classList.remove("asc", "desc"); });
      th.classList.add(state.dir > 0 ? "asc" : "desc");
      var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = key(a, col), y = key(b, col);
        if (x === y) return key(a, 0) - key(b, 0);
        if (x === null) return 1;
        if (y === null) return -1;
        return (x < y ? -1 : 1) * state.dir;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
  var select = document.getElementById("heat-metric");
  if (select) select.addEventListener("change", function () {
    document.querySelectorAll(".heat-metric").forEach(function (d) { d.hidden = d.getAttribute("data-metric") !== select.value; });
  });
  table.setAttribute("data-ready", "true");
})();
"""#
}
