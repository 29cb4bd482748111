/// The page's stylesheet and script, inlined so the file opens from disk with no network.
enum ReportAssets {
    static let css = #"""
:root { --fg:#1d2330; --muted:#667085; --line:#e3e6ec; --bg:#f6f7f9; --accent:#3b7dd8; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color:var(--fg); background:var(--bg); }
header { background:#1d2330; color:#fff; padding:16px 28px 0; }
header h1 { margin:0; font-size:22px; }
header .sub { margin:4px 0 10px; color:#c8cfdb; }
nav a { color:#c8cfdb; text-decoration:none; display:inline-block; padding:8px 14px 10px 0; margin-right:8px; }
nav a:hover { color:#fff; }
main { padding:8px 28px 28px; max-width:1320px; }
section { background:#fff; border:1px solid var(--line); border-radius:8px; padding:8px 20px 18px; margin-top:18px; }
h2 { font-size:18px; margin:10px 0 12px; }
h3 { font-size:15px; margin:18px 0 8px; }
.cards { display:flex; flex-wrap:wrap; gap:12px; }
.card { border:1px solid var(--line); border-radius:8px; padding:10px 14px; min-width:150px; background:#fbfcfd; }
.card-title { color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.03em; }
.card-value { font-size:22px; font-weight:600; }
.card-note { color:var(--muted); font-size:12px; }
.columns { display:grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap:10px 28px; }
table { border-collapse:collapse; margin:6px 0 10px; }
th, td { padding:4px 10px 4px 0; text-align:left; vertical-align:top; }
table.num td, table.num th { text-align:right; padding-left:12px; }
table.num td:first-child, table.num th:first-child { text-align:left; padding-left:0; }
table.list { width:100%; }
table.list th { border-bottom:2px solid var(--line); font-size:12px; color:var(--muted); text-transform:uppercase; letter-spacing:.03em; }
table.list td { border-bottom:1px solid var(--line); }
table.kv th { color:var(--muted); font-weight:normal; }
th.n, td.n { text-align:right; white-space:nowrap; }
.sortable th[data-key] { cursor:pointer; user-select:none; }
.sortable th[data-key]:hover { color:var(--fg); }
.sortable th.asc::after { content:" ▲"; } .sortable th.desc::after { content:" ▼"; }
.badge { display:inline-block; color:#fff; border-radius:10px; padding:0 8px; font-size:12px; line-height:18px; white-space:nowrap; }
.badge.outline { background:#fff !important; color:var(--fg); border:1px solid #aab; }
.muted { color:var(--muted); }
.notice { background:#fff8e1; border:1px solid #f3d37a; border-radius:6px; padding:6px 10px; }
code { background:#f0f2f5; padding:1px 4px; border-radius:3px; font-size:12px; }
ul.diffs { margin:4px 0; padding-left:18px; }
.splitbar { display:flex; height:16px; border-radius:4px; overflow:hidden; margin:4px 0 8px; background:#eee; }
.splitbar span { display:block; height:100%; }
figure { margin:10px 0 22px; }
figcaption { color:var(--muted); font-size:12px; margin-top:2px; }
svg.chart { max-width:100%; height:auto; display:block; font-family:inherit; }
svg .grid { stroke:#eceef2; } svg .axis { stroke:#98a2b3; } svg .tickline { stroke:#98a2b3; }
svg .tick { font-size:11px; fill:#475467; } svg .title { font-size:12px; fill:#344054; }
svg .legend { font-size:12px; fill:#344054; } svg .note { font-size:11px; fill:#667085; }
svg .empty { font-size:14px; fill:#98a2b3; }
svg .band { opacity:.16; stroke:none; } svg .line { fill:none; stroke-width:2; } svg .line.thin { stroke-width:1.5; }
svg .threshold { stroke:#c62828; stroke-width:1.5; stroke-dasharray:6 4; }
svg .marker { stroke:#344054; stroke-dasharray:3 3; }
.filters { display:flex; flex-wrap:wrap; gap:14px; align-items:center; margin:6px 0 8px; }
.filters select, .filters input { font:inherit; padding:2px 4px; }
.stack { display:flex; width:140px; height:10px; border-radius:3px; overflow:hidden; background:#eee; }
.stack span { display:block; height:100%; }
.trust { font-weight:600; font-variant-numeric:tabular-nums; }
tr.incident { cursor:pointer; } tr.incident:hover { background:#f5f8ff; }
tr.detail td { background:#fafbfc; }
ol.timeline { list-style:none; margin:4px 0 8px; padding:0 0 0 14px; border-left:2px solid var(--line); }
ol.timeline li { margin:4px 0; }
ol.timeline .t { color:var(--muted); font-variant-numeric:tabular-nums; margin-right:8px; }
.scanline { font-size:12px; color:#344054; }
footer { color:var(--muted); font-size:12px; padding:0 28px 24px; }
"""#

    static let script = #"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var dc = data.colors.decisions, sc = data.colors.severities;
  var decisions = ["ALLOW", "REQUIRE_APPROVAL", "SANITIZE", "DENY"];
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function badge(text, color, cls) { var b = el("span", {"class": "badge" + (cls ? " " + cls : "")}, text); if (color) b.style.background = color; return b; }
  function fmtInt(n) { return (n === null || n === undefined) ? "–" : Math.round(n).toLocaleString("en-US"); }
  function options(select, values) { values.forEach(function (v) { select.appendChild(el("option", {value: v}, v)); }); }
  function uniq(list) { var s = {}; list.forEach(function (v) { if (v !== null && v !== undefined) s[v] = true; }); return Object.keys(s).sort(); }
  function trustColor(t) { return t < data.threshold ? "#c62828" : (t < 0.8 ? "#d9a21b" : "#3a9a5b"); }
  function spark(points) {
    var w = 110, h = 24, svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("width", w); svg.setAttribute("height", h); svg.setAttribute("viewBox", "0 0 " + w + " " + h);
    if (!points.length) return svg;
    var line = document.createElementNS(svg.namespaceURI, "line");
    var ty = (h - 2) - data.threshold * (h - 4);
    line.setAttribute("x1", 0); line.setAttribute("x2", w); line.setAttribute("y1", ty); line.setAttribute("y2", ty);
    line.setAttribute("stroke", "#e3a0a0"); line.setAttribute("stroke-dasharray", "2 2");
    svg.appendChild(line);
    var pts = points.map(function (v, i) { return (i * w / Math.max(1, points.length - 1)).toFixed(1) + "," + ((h - 2) - v * (h - 4)).toFixed(1); });
    var pl = document.createElementNS(svg.namespaceURI, "polyline");
    pl.setAttribute("points", pts.join(" ")); pl.setAttribute("fill", "none");
    pl.setAttribute("stroke", trustColor(points[points.length - 1])); pl.setAttribute("stroke-width", "1.5");
    svg.appendChild(pl);
    return svg;
  }
  function stack(counts) {
    var total = counts.reduce(function (a, b) { return a + b; }, 0), d = el("div", {"class": "stack"});
    d.title = decisions.map(function (k, i) { return k + " " + fmtInt(counts[i]); }).join(", ");
    if (!total) return d;
    counts.forEach(function (n, i) {
      if (!n) return;
      var s = el("span"); s.style.width = Math.max(1.5, 100 * n / total) + "%"; s.style.background = dc[decisions[i]]; d.appendChild(s);
    });
    return d;
  }
  function sortable(table, state, render) {
    table.querySelectorAll("th[data-key]").forEach(function (th) {
      th.addEventListener("click", function () {
        var key = th.getAttribute("data-key");
        state.dir = (state.key === key) ? -state.dir : 1; state.key = key;
        table.querySelectorAll("th").forEach(function (o) { o.classList.remove("asc", "desc"); });
        th.classList.add(state.dir > 0 ? "asc" : "desc");
        render();
      });
    });
  }
  function compare(key, dir) {
    return function (a, b) {
      var x = a[key], y = b[key];
      if (key === "d24") { x = a.d24[3] * 1e9 + a.d24[1]; y = b.d24[3] * 1e9 + b.d24[1]; }
      if (x === y) return 0;
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      return (x < y ? -1 : 1) * dir;
    };
  }

  // Agents
  var agentTable = document.getElementById("agents-table");
  // Lowest trust first: the agents worth a look come first, as on the product's Agents page.
  var aState = {key: "trust", dir: 1};
  agentTable.querySelector("th[data-key=trust]").classList.add("asc");
  var fRuntime = document.getElementById("agent-runtime"), fGroup = document.getElementById("agent-group");
  var fBand = document.getElementById("agent-band"), fName = document.getElementById("agent-name");
  options(fRuntime, uniq(data.agents.map(function (a) { return a.runtime; })));
  options(fGroup, uniq(data.agents.map(function (a) { return a.group; })));
  var agentLimit = 500;
  function renderAgents() {
    var rows = data.agents.filter(function (a) {
      if (fRuntime.value && a.runtime !== fRuntime.value) return false;
      if (fGroup.value && a.group !== fGroup.value) return false;
      if (fBand.value === "high" && !(a.trust >= 0.8)) return false;
      if (fBand.value === "mid" && !(a.trust >= data.threshold && a.trust < 0.8)) return false;
      if (fBand.value === "low" && !(a.trust < data.threshold)) return false;
      if (fName.value && a.name.indexOf(fName.value) < 0) return false;
      return true;
    });
    if (aState.key) rows.sort(compare(aState.key, aState.dir));
    var body = agentTable.tBodies[0]; body.textContent = "";
    rows.slice(0, agentLimit).forEach(function (a) {
      var tr = el("tr");
      tr.appendChild(el("td", null, a.name));
      tr.appendChild(el("td", null, a.group));
      tr.appendChild(el("td", null, a.runtime));
      tr.appendChild(el("td", {"class": "n"}, fmtInt(a.calls)));
      var td = el("td"); td.appendChild(stack(a.d24)); tr.appendChild(td);
      var t = el("td", {"class": "n trust"}, a.trust.toFixed(3)); t.style.color = trustColor(a.trust); tr.appendChild(t);
      td = el("td"); td.appendChild(spark(a.spark)); tr.appendChild(td);
      tr.appendChild(el("td", null, a.last || "never"));
      tr.appendChild(el("td", {"class": "n"}, a.incidents ? fmtInt(a.incidents) : ""));
      td = el("td");
      if (a.suspended) td.appendChild(badge("suspended", "#c62828"));
      if (a.scrutiny) td.appendChild(badge(a.pinned ? "scrutiny (pinned)" : "scrutiny", "#e07b29"));
      if (a.label !== "benign") td.appendChild(badge(a.label, null, "outline"));
      tr.appendChild(td);
      body.appendChild(tr);
    });
    document.getElementById("agent-count").textContent = fmtInt(rows.length) + " agents";
    document.getElementById("agents-more").textContent = rows.length > agentLimit ? "First " + agentLimit + " rows shown; narrow the filters to see others." : "";
  }
  [fRuntime, fGroup, fBand].forEach(function (s) { s.addEventListener("change", renderAgents); });
  fName.addEventListener("input", renderAgents);
  sortable(agentTable, aState, renderAgents);
  renderAgents();

  // Incidents
  var incTable = document.getElementById("incidents-table");
  var iState = {key: null, dir: 1};
  var fSev = document.getElementById("inc-severity"), fStatus = document.getElementById("inc-status");
  var fTrig = document.getElementById("inc-trigger"), fAgent = document.getElementById("inc-agent");
  options(fSev, ["CRITICAL", "HIGH", "MEDIUM", "LOW"].filter(function (s) { return data.incidents.some(function (i) { return i.severity === s; }); }));
  options(fStatus, uniq(data.incidents.map(function (i) { return i.status; })));
  options(fTrig, uniq(data.incidents.map(function (i) { return i.trigger; })));
  var open = {};
  function timeline(i) {
    var ol = el("ol", {"class": "timeline"});
    i.timeline.forEach(function (e) {
      var li = el("li");
      li.appendChild(el("span", {"class": "t"}, e.time));
      if (e.kind === "scan") {
        if (e.scan) {
          var s = e.scan;
          li.appendChild(badge(s.decision, dc[s.decision]));
          li.appendChild(el("span", {"class": "scanline"}, " " + s.tool + "." + s.operation + " (" + s.verb + ") → " + (s.host || "–") +
            " · risk " + s.risk + " " + s.band + (s.reasons ? " · " + s.reasons : "") + (s.policy ? " · policy " + s.policy : "") +
            " · trust " + s.trust_before + " → " + s.trust_after + " · trace " + e.trace));
        } else {
          li.appendChild(el("span", {"class": "scanline"}, "linked scan, trace " + e.trace));
        }
      } else {
        li.appendChild(badge(e.kind, e.kind === "status" ? "#5d6d7e" : (e.kind === "action" ? "#8e44ad" : "#16a085")));
        li.appendChild(el("span", null, " " + e.text));
      }
      ol.appendChild(li);
    });
    if (i.traces > i.timeline.filter(function (e) { return e.kind === "scan"; }).length) {
      ol.appendChild(el("li", {"class": "muted"}, "… " + (i.traces - data.traceLimit) + " more linked traces in incidents.json"));
    }
    return ol;
  }
  function renderIncidents() {
    var rows = data.incidents.filter(function (i) {
      if (fSev.value && i.severity !== fSev.value) return false;
      if (fStatus.value && i.status !== fStatus.value) return false;
      if (fTrig.value && i.trigger !== fTrig.value) return false;
      if (fAgent.value && i.agent.indexOf(fAgent.value) < 0) return false;
      return true;
    });
    if (iState.key) rows.sort(compare(iState.key, iState.dir));
    var body = incTable.tBodies[0]; body.textContent = "";
    rows.forEach(function (i) {
      var tr = el("tr", {"class": "incident", "data-id": i.id});
      tr.appendChild(el("td", null, i.opened));
      var title = el("td", null, (open[i.id] ? "▾ " : "▸ ") + i.title);
      if (i.fp) { title.appendChild(el("span", null, " ")); title.appendChild(badge("benign agent", null, "outline")); }
      tr.appendChild(title);
      var td = el("td"); td.appendChild(badge(i.severity, sc[i.severity])); tr.appendChild(td);
      tr.appendChild(el("td", null, i.agent));
      tr.appendChild(el("td", null, i.trigger + (i.key ? " (" + i.key + ")" : "")));
      tr.appendChild(el("td", null, i.status + (i.resolution ? ": " + i.resolution : "")));
      tr.appendChild(el("td", {"class": "n"}, fmtInt(i.traces)));
      tr.addEventListener("click", function () { open[i.id] = !open[i.id]; renderIncidents(); });
      body.appendChild(tr);
      if (open[i.id]) {
        var d = el("tr", {"class": "detail"}), c = el("td", {colspan: "7"});
        c.appendChild(el("div", {"class": "muted"}, "Incident " + i.id + (i.closed ? " · closed at " + i.closed : "")));
        c.appendChild(timeline(i));
        d.appendChild(c); body.appendChild(d);
      }
    });
    document.getElementById("inc-count").textContent = fmtInt(rows.length) + " of " + fmtInt(data.incidentsTotal) + " incidents";
    if (!data.incidents.length) {
      var tr = el("tr"); tr.appendChild(el("td", {colspan: "7", "class": "muted"}, "No incident opened in this run.")); body.appendChild(tr);
    }
  }
  [fSev, fStatus, fTrig].forEach(function (s) { s.addEventListener("change", renderIncidents); });
  fAgent.addEventListener("input", renderIncidents);
  sortable(incTable, iState, renderIncidents);
  // report.html#incident-<id> opens that incident's timeline.
  var wanted = decodeURIComponent(location.hash.slice(1));
  if (wanted.indexOf("incident-") === 0) open[wanted.slice(9)] = true;
  renderIncidents();
  if (wanted.indexOf("incident-") === 0) {
    var row = incTable.querySelector("tr[data-id=\"" + wanted.slice(9) + "\"]");
    if (row) row.scrollIntoView();
  }
})();
"""#
}
