import IntervenCore
import IntervenScenario
import IntervenResults
import IntervenLoading
import IntervenSimulation

/// The human, JUnit and JSON renderings of a check.
public enum CheckReport {
    // MARK: Table

    /// The table (scenario, result, virtual duration, wall time, incidents, failed expectations),
    /// a totals line, then every failure with its evidence and every baseline change.
    public static func table(_ checks: [ScenarioCheck], wallSeconds: Double) -> String {
        var rows: [[String]] = [["scenario", "result", "virtual", "wall", "scans", "incidents", "failed"]]
        for c in checks {
            let failed = c.failedExpectations
            let baseline = c.baselineDiffers ? (c.baselineWarnOnly ? " +baseline (warn)" : " +baseline") : ""
            let flaky = !c.passed && c.outcomes.contains(where: \.flaky) && c.outcomes.allSatisfy { $0.passed || $0.flaky } && !c.baselineDiffers
            rows.append([c.name, c.passed ? "PASS" : flaky ? "FLAKY" : "FAIL", c.duration.description, seconds(c.wallSeconds), grouped(c.scans),
                         "\(c.incidents)", "\(failed)/\(c.outcomes.count)" + baseline])
        }
        let widths = rows[0].indices.map { k in rows.map { $0[k].count }.max()! }
        let rightAligned: Set<Int> = [3, 4, 5]
        var out = ""
        for (r, row) in rows.enumerated() {
            let cells = row.enumerated().map { k, cell in
                let pad = String(repeating: " ", count: widths[k] - cell.count)
                return rightAligned.contains(k) ? pad + cell : cell + pad
            }
            out += cells.joined(separator: "  ").trimmedRight + "\n"
            if r == 0 { out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n" }
        }
        let failed = checks.filter { !$0.passed }.count
        let expectations = checks.reduce(0) { $0 + $1.outcomes.count }
        let failedExpectations = checks.reduce(0) { $0 + $1.failedExpectations }
        out += "\n\(Phrase.plural(checks.count, "scenario")): \(checks.count - failed) passed, \(failed) failed; "
            + "\(failedExpectations) of \(Phrase.plural(expectations, "expectation")) failed; \(seconds(wallSeconds)) wall\n"
        for c in checks where !c.passed || c.baselineDiffers {
            for o in c.outcomes where !o.passed {
                out += "\n\(o.flaky ? "FLAKY" : "FAIL") \(c.name) (\(Escaping.escaped(o.location.isEmpty ? c.path : o.location)))\n  \(o.message)\n"
            }
            let label = c.baselineWarnOnly ? "BASELINE (warning)" : "BASELINE"
            switch c.baseline {
            case .changed(let diff, let path)?:
                out += "\n\(label) \(c.name): \(diff.summary) against \(path)\n"
                for r in c.ruleChanges {
                    out += "  likely cause: \(r.path): \(r.before) → \(r.after)\(r.file.map { " (\($0):\(r.line))" } ?? " (--set)")\n"
                }
                for line in diff.lines() { out += "  \(line)\n" }
            case .missing(let path)?:
                out += "\n\(label) \(c.name): no baseline at \(path) (write one with --update-baseline)\n"
            case .unreadable(let why)?:
                out += "\n\(label) \(c.name): \(why)\n"
            default: break
            }
        }
        return out
    }

    static func seconds(_ s: Double) -> String {
        let tenths = Int((s * 100).rounded())
        return "\(tenths / 100).\(String(tenths % 100 + 100).dropFirst())s"
    }

    static func grouped(_ n: UInt64) -> String {
        let digits = Array(String(n))
        var out = ""
        for (k, d) in digits.enumerated() {
            if k > 0 && (digits.count - k) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return out
    }

    // MARK: JUnit

    /// JUnit XML: a suite per scenario, a testcase per expectation (and one for the baseline).
    public static func junit(_ checks: [ScenarioCheck], wallSeconds: Double) -> [UInt8] {
        var cases = 0, failures = 0
        var suites = ""
        for c in checks {
            var body = ""
            var suiteFailures = 0
            var count = 0
            for o in c.outcomes {
                count += 1
                let (file, line) = split(o.location, fallback: c.path)
                body += "    <testcase classname=\(attr(c.name)) name=\(attr(o.id)) file=\(attr(file))"
                    + (line.map { " line=\"\($0)\"" } ?? "") + " time=\"\(micro(o.seconds))\""
                if o.passed {
                    body += "/>\n"
                } else {
                    suiteFailures += 1
                    body += ">\n      <failure type=\"\(o.flaky ? "flaky" : "expectation")\" message=\(attr(o.message))>\(text(([o.title, "observed: " + o.observed] + o.evidence).joined(separator: "\n")))</failure>\n    </testcase>\n"
                }
            }
            if let b = c.baseline {
                count += 1
                body += "    <testcase classname=\(attr(c.name)) name=\"baseline\" file=\(attr(c.path)) time=\"\(micro(c.baselineSeconds))\""
                switch b {
                case .unchanged, .updated: body += "/>\n"
                case _ where c.baselineWarnOnly:
                    // Warn-only: reported in the system output, not as a failure.
                    body += ">\n      <system-out>\(text(CheckReport.baselineText(c)))</system-out>\n    </testcase>\n"
                case .changed(let diff, let path):
                    suiteFailures += 1
                    body += ">\n      <failure type=\"baseline\" message=\(attr("\(diff.summary) against \(path)"))>\(text(diff.lines(limit: 50).joined(separator: "\n")))</failure>\n    </testcase>\n"
                case .missing(let path):
                    suiteFailures += 1
                    body += ">\n      <failure type=\"baseline\" message=\(attr("no baseline at \(path)"))/>\n    </testcase>\n"
                case .unreadable(let why):
                    suiteFailures += 1
                    body += ">\n      <failure type=\"baseline\" message=\(attr(why))/>\n    </testcase>\n"
                }
            }
            cases += count
            failures += suiteFailures
            suites += "  <testsuite name=\(attr(c.name)) tests=\"\(count)\" failures=\"\(suiteFailures)\" errors=\"0\" skipped=\"0\" time=\"\(seconds(c.wallSeconds).dropLast())\" file=\(attr(c.path))>\n"
                + body + "  </testsuite>\n"
        }
        let head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"interven-sim check\" tests=\"\(cases)\" failures=\"\(failures)\" errors=\"0\" time=\"\(seconds(wallSeconds).dropLast())\">\n"
        return Array((head + suites + "</testsuites>\n").utf8)
    }

    /// Seconds with six decimals (evaluation of one expectation takes microseconds).
    static func micro(_ s: Double) -> String {
        let us = Int64((s * 1_000_000).rounded())
        return "\(us / 1_000_000).\(String(us % 1_000_000 + 1_000_000).dropFirst())"
    }

    /// The baseline status of a check as plain text (for JUnit output and summaries).
    static func baselineText(_ c: ScenarioCheck) -> String {
        switch c.baseline {
        case .changed(let diff, let path)?: return "\(diff.summary) against \(path)\n" + diff.lines(limit: 50).joined(separator: "\n")
        case .missing(let path)?: return "no baseline at \(path)"
        case .unreadable(let why)?: return why
        default: return ""
        }
    }

    static func split(_ location: String, fallback: String) -> (String, Int?) {
        guard let colon = location.lastIndex(of: ":"), let line = Int(location[location.index(after: colon)...]) else {
            return (location.isEmpty ? fallback : location, nil)
        }
        return (String(location[..<colon]), line)
    }

    static func attr(_ s: String) -> String { "\"" + escape(s, attribute: true) + "\"" }
    static func text(_ s: String) -> String { escape(s, attribute: false) }

    static func escape(_ s: String, attribute: Bool) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where attribute: out += "&quot;"
            case "\n" where attribute: out += "&#10;"
            case "\t", "\n", "\r": out.unicodeScalars.append(u)
            default:
                // XML 1.0 forbids other control characters even as references.
                if u.value < 0x20 || (0xFFFE...0xFFFF).contains(u.value) { out += "?" } else { out.unicodeScalars.append(u) }
            }
        }
        return out
    }

    // MARK: JSON

    /// The JSON report: every scenario with its run figures, expectations and baseline status.
    public static func json(_ checks: [ScenarioCheck], wallSeconds: Double) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.field("passed", checks.allSatisfy(\.passed))
        w.field("scenarios_total", checks.count)
        w.field("scenarios_failed", checks.filter { !$0.passed }.count)
        w.field("expectations_total", checks.reduce(0) { $0 + $1.outcomes.count })
        w.field("expectations_failed", checks.reduce(0) { $0 + $1.failedExpectations })
        w.key("wall_seconds"); w.number(seconds(wallSeconds).dropLast().description)
        w.array("scenarios", of: checks) { w, c in
            w.field("name", c.name)
            w.field("file", c.path)
            w.field("passed", c.passed)
            w.field("seed", c.seed)
            if !c.seeds.isEmpty { w.key("seeds"); w.beginArray(); for s in c.seeds { w.int(s) }; w.endArray() }
            w.field("virtual_duration", c.duration.description)
            w.field("virtual_duration_ms", c.duration.milliseconds)
            w.key("wall_seconds"); w.number(seconds(c.wallSeconds).dropLast().description)
            w.field("agents", c.agents)
            w.field("scans", c.scans)
            w.field("incidents", c.incidents)
            w.field("fingerprint", c.fingerprint)
            w.field("results", c.resultsDirectory)
            w.array("expectations", of: c.outcomes) { w, o in
                w.field("index", o.index + 1)
                w.field("id", o.id)
                w.field("location", o.location)
                w.field("title", o.title)
                w.field("passed", o.passed)
                if o.seedsJudged.count > 1 {
                    w.field("flaky", o.flaky)
                    w.key("failing_seeds"); w.beginArray(); for s in o.failingSeeds { w.int(s) }; w.endArray()
                }
                w.field("observed", o.observed)
                w.key("evidence"); w.beginArray(); for e in o.evidence { w.string(e) }; w.endArray()
                w.field("message", o.message)
            }
            w.key("baseline")
            switch c.baseline {
            case nil: w.null()
            case .unchanged?: w.beginObject(); w.field("status", "unchanged"); w.endObject()
            case .updated(let path)?: w.beginObject(); w.field("status", "updated"); w.field("path", path); w.endObject()
            case .missing(let path)?: w.beginObject(); w.field("status", "missing"); w.field("path", path); w.endObject()
            case .unreadable(let why)?: w.beginObject(); w.field("status", "unreadable"); w.field("reason", why); w.endObject()
            case .changed(let diff, let path)?:
                w.beginObject()
                w.field("status", "changed"); w.field("path", path); w.field("summary", diff.summary)
                w.field("mode", c.baselineWarnOnly ? "warn" : "fail")
                w.array("metrics", of: diff.metrics) { w, m in
                    w.field("name", m.name); w.field("before", m.before); w.field("after", m.after)
                    w.field("threshold", m.threshold); w.field("counts", m.counts)
                }
                w.array("likely_causes", of: c.ruleChanges) { w, r in
                    w.field("path", r.path); w.field("before", r.before); w.field("after", r.after)
                    w.field("file", r.file); w.field("line", r.line)
                }
                for (key, items) in [("incidents_added", diff.added), ("incidents_removed", diff.removed), ("incidents_moved", diff.moved),
                                     ("incidents_changed", diff.changed), ("trust_moved", diff.trust), ("mix_shifted", diff.mix),
                                     ("notes", diff.notes)] {
                    w.key(key); w.beginArray(); for s in items { w.string(s) }; w.endArray()
                }
                w.endObject()
            }
        }
        w.endObject()
        return w.document
    }
}

extension String {
    var trimmedRight: String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
