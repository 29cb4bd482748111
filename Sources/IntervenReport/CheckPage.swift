import Foundation
public import IntervenCheck

/// `check --html FILE`: the scenario library on one page: a table of scenarios, every failure
/// with its evidence, baseline changes, and a link to each scenario's report.
public enum CheckPage {
    /// The page; `path` is where it will be written (links to reports are relative to it).
    public static func html(_ checks: [ScenarioCheck], wallSeconds: Double, path: String) -> [UInt8] {
        let failed = checks.filter { !$0.passed }.count
        var h = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        h += "<title>interven-sim check</title>\n<style>\n\(ReportAssets.css)\n.pass{color:#3a9a5b;font-weight:600}.fail{color:#c62828;font-weight:600}\n.evidence{margin:2px 0 8px 18px;color:#344054}\n</style>\n</head>\n<body>\n"
        h += "<header><h1>interven-sim check</h1><p class=\"sub\">\(checks.count) scenarios · \(failed == 0 ? "all passed" : "\(failed) failed") · \(String(format: "%.2f", wallSeconds)) s wall</p>"
        h += "<nav><a href=\"#scenarios\">Scenarios</a><a href=\"#failures\">Failures</a></nav></header>\n<main>\n"
        h += "<section id=\"scenarios\"><h2>Scenarios</h2><table class=\"list\"><thead><tr><th>Result</th><th>Scenario</th><th>File</th><th class=\"n\">Virtual</th><th class=\"n\">Wall</th><th class=\"n\">Agents</th><th class=\"n\">Scans</th><th class=\"n\">Incidents</th><th class=\"n\">Failed</th><th>Baseline</th><th>Report</th></tr></thead><tbody>\n"
        for c in checks {
            h += "<tr><td class=\"\(c.passed ? "pass" : "fail")\">\(c.passed ? "PASS" : "FAIL")</td><td>"
            h += c.passed ? esc(c.name) : "<a href=\"#fail-\(esc(c.name))\">\(esc(c.name))</a>"
            h += "</td><td><code>\(esc(c.path))</code></td><td class=\"n\">\(esc(c.duration.description))</td><td class=\"n\">\(String(format: "%.2f s", c.wallSeconds))</td>"
            h += "<td class=\"n\">\(c.agents)</td><td class=\"n\">\(c.scans)</td><td class=\"n\">\(c.incidents)</td><td class=\"n\">\(c.failedExpectations) of \(c.outcomes.count)</td>"
            h += "<td>\(esc(baselineText(c.baseline)))</td><td>"
            if let dir = c.resultsDirectory {
                h += "<a href=\"\(esc(relative(dir + "/" + ReportPage.fileName, from: path)))\">report</a>"
            } else {
                h += "<span class=\"muted\">–</span>"
            }
            h += "</td></tr>\n"
        }
        h += "</tbody></table>"
        if checks.allSatisfy({ $0.resultsDirectory == nil }) {
            h += "<p class=\"muted\">Run check with <code>--results DIR</code> to write each scenario's results and link its report here.</p>"
        }
        h += "</section>\n<section id=\"failures\"><h2>Failures</h2>\n"
        if failed == 0 { h += "<p class=\"muted\">None: every expectation held\(checks.contains { $0.baseline != nil } ? " and no baseline moved" : "").</p>\n" }
        for c in checks where !c.passed {
            h += "<h3 id=\"fail-\(esc(c.name))\" class=\"fail\">FAIL \(esc(c.name)) <span class=\"muted\">(\(esc(c.path)))</span></h3>\n"
            for o in c.outcomes where !o.passed {
                h += "<p><code>\(esc(o.location))</code> \(esc(o.message))</p>"
                if !o.evidence.isEmpty { h += "<ul class=\"evidence\">" + o.evidence.map { "<li>\(esc($0))</li>" }.joined() + "</ul>" }
                h += "\n"
            }
            if case .changed(let diff, let path)? = c.baseline {
                h += "<p><b>Baseline</b> \(esc(diff.summary)) against <code>\(esc(path))</code></p><ul class=\"evidence\">"
                for item in diff.added + diff.removed + diff.moved + diff.changed + diff.trust + diff.mix + diff.notes {
                    h += "<li>\(esc(item))</li>"
                }
                h += "</ul>\n"
            }
            for e in c.writeErrors { h += "<p class=\"fail\">\(esc(e))</p>\n" }
        }
        h += "</section>\n</main>\n<footer>Written by interven-sim check.</footer>\n</body>\n</html>\n"
        return Array(h.utf8)
    }

    static func baselineText(_ b: BaselineStatus?) -> String {
        switch b {
        case nil: "–"
        case .unchanged?: "unchanged"
        case .updated?: "updated"
        case .missing?: "missing"
        case .unreadable?: "unreadable"
        case .changed(let diff, _)?: diff.summary
        }
    }

    /// `target` relative to the directory of `from` (both as given, made absolute against the
    /// current directory).
    static func relative(_ target: String, from file: String) -> String {
        let cwd = FileManager.default.currentDirectoryPath
        func parts(_ p: String) -> [Substring] {
            (p.hasPrefix("/") ? p : cwd + "/" + p).split(separator: "/").filter { $0 != "." }
        }
        let t = parts(target), f = parts(file).dropLast()
        var common = 0
        while common < min(t.count, f.count), t[common] == f[common] { common += 1 }
        return (Array(repeating: "..", count: f.count - common) + t[common...].map(String.init)).joined(separator: "/")
    }
}
