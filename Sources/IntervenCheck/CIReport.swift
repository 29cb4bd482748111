import IntervenCore
import IntervenLoading
import IntervenResults

/// How `check` speaks to a CI system.
public enum CheckFormat: String, Sendable, CaseIterable {
    /// The table and failures only.
    case plain
    /// Also GitHub Actions workflow commands (`::error file=...,line=...::message`), which
    /// GitHub shows as annotations on the lines of the pull request.
    case github
    /// The plain output; GitLab reads the Code Quality report (`--codequality FILE`).
    case gitlab
}

/// Renderings of a check for CI systems: GitHub annotations, a GitLab Code Quality report and
/// a Markdown summary (for `$GITHUB_STEP_SUMMARY` or a merge-request comment).
public enum CIReport {
    // MARK: GitHub

    /// One workflow command per failed expectation (at its scenario line), per scenario whose
    /// baseline differs (at the rules line the change is most likely due to, when it can be
    /// located; else at the scenario file), `::warning` instead of `::error` when baselines
    /// only warn.
    public static func githubAnnotations(_ checks: [ScenarioCheck]) -> String {
        var out = ""
        for c in checks {
            for o in c.outcomes where !o.passed {
                let (file, line) = CheckReport.split(o.location, fallback: c.path)
                out += command("error", file: file, line: line, column: o.column > 0 ? o.column : nil,
                               title: "\(c.name): \(o.id)", message: o.message)
            }
        }
        // Rule changes behind baseline changes, one annotation per rules value (with the
        // scenarios it moved), then scenarios whose baseline changed without one.
        struct Cause { var difference: RulesDifference; var scenarios: [String] }
        var causes: [Cause] = []
        for c in checks where c.baselineDiffers {
            for r in c.ruleChanges {
                if let k = causes.firstIndex(where: { $0.difference == r }) { causes[k].scenarios.append(c.name) }
                else { causes.append(Cause(difference: r, scenarios: [c.name])) }
            }
        }
        for cause in causes {
            let r = cause.difference
            let level = checks.contains { cause.scenarios.contains($0.name) && !$0.baselineWarnOnly } ? "error" : "warning"
            let moved = cause.scenarios.map { name -> String in
                guard let c = checks.first(where: { $0.name == name }), case .changed(let diff, _)? = c.baseline else { return name }
                return "\(name) (\(diff.summary))"
            }
            out += command(level, file: r.file, line: r.file == nil ? nil : r.line, column: r.file == nil ? nil : r.column,
                           title: "baseline changed by \(r.path)",
                           message: "\(r.path): \(r.before) → \(r.after)\(r.file == nil ? " (--set)" : ""); baselines changed: " + moved.joined(separator: "; "))
        }
        for c in checks where c.baselineDiffers && c.ruleChanges.isEmpty {
            let level = c.baselineWarnOnly ? "warning" : "error"
            let headline: String
            switch c.baseline {
            case .changed(let diff, _)?: headline = ([diff.summary] + diff.lines(limit: 5).prefix(8)).joined(separator: "\n")
            default: headline = CheckReport.baselineText(c)
            }
            out += command(level, file: c.path, line: 1, column: nil, title: "\(c.name): baseline", message: headline)
        }
        return out
    }

    /// `::error file=F,line=L,col=C,title=T::MESSAGE` with GitHub's escapes.
    static func command(_ level: String, file: String?, line: Int?, column: Int?, title: String, message: String) -> String {
        var properties: [String] = []
        if let file { properties.append("file=" + escapeProperty(file)) }
        if let line { properties.append("line=\(line)") }
        if let column { properties.append("col=\(column)") }
        properties.append("title=" + escapeProperty(title))
        return "::\(level) \(properties.joined(separator: ","))::\(escapeData(message))\n"
    }

    static func escapeData(_ s: String) -> String {
        s.replacingAll("%", "%25").replacingAll("\r", "%0D").replacingAll("\n", "%0A")
    }

    static func escapeProperty(_ s: String) -> String {
        escapeData(s).replacingAll(":", "%3A").replacingAll(",", "%2C")
    }

    // MARK: GitLab

    /// A GitLab Code Quality report: one issue per failed expectation and per differing
    /// baseline, each with a fingerprint that stays the same while the problem does.
    public static func codeQuality(_ checks: [ScenarioCheck]) -> [UInt8] {
        var w = JSONWriter()
        w.beginArray()
        func issue(_ check: String, _ description: String, _ severity: String, _ path: String, _ line: Int, _ identity: String) {
            w.beginObject()
            w.field("type", "issue")
            w.field("check_name", check)
            w.field("description", description)
            w.field("severity", severity)
            w.field("fingerprint", fingerprint(identity))
            w.key("location"); w.beginObject()
            w.field("path", path)
            w.key("lines"); w.beginObject(); w.field("begin", max(1, line)); w.endObject()
            w.endObject()
            w.endObject()
        }
        for c in checks {
            for o in c.outcomes where !o.passed {
                let (file, line) = CheckReport.split(o.location, fallback: c.path)
                issue("interven-sim/expectation", "\(c.name): \(o.message)", "major", file, line ?? 1, "expectation\u{0}\(c.name)\u{0}\(o.id)")
            }
            guard c.baselineDiffers else { continue }
            let severity = c.baselineWarnOnly ? "minor" : "major"
            let text = "\(c.name): baseline " + (c.baseline.flatMap { b -> String? in
                if case .changed(let diff, _) = b { return diff.summary } else { return nil }
            } ?? CheckReport.baselineText(c))
            if let r = c.ruleChanges.first(where: { $0.file != nil }), let file = r.file {
                issue("interven-sim/baseline", text + "; likely cause \(r.path): \(r.before) → \(r.after)", severity, file, r.line,
                      "baseline\u{0}\(c.name)\u{0}\(r.path)")
            } else {
                issue("interven-sim/baseline", text, severity, c.path, 1, "baseline\u{0}\(c.name)")
            }
        }
        w.endArray()
        return w.document
    }

    /// A 32-hex-digit fingerprint of an issue's identity.
    static func fingerprint(_ identity: String) -> String {
        func hex(_ v: UInt64) -> String {
            let h = String(v, radix: 16)
            return String(repeating: "0", count: 16 - h.count) + h
        }
        return hex(stableHash(identity)) + hex(stableHash(identity, seed: 1))
    }

    // MARK: Markdown summary

    /// A Markdown summary: the verdict, the table, every failure, and per changed baseline its
    /// metric deltas (before → after, threshold) then its incident changes.
    public static func summary(_ checks: [ScenarioCheck], wallSeconds: Double) -> String {
        let failed = checks.filter { !$0.passed }
        let expectations = checks.reduce(0) { $0 + $1.outcomes.count }
        let failedExpectations = checks.reduce(0) { $0 + $1.failedExpectations }
        var out = "## interven-sim check: " + (failed.isEmpty ? "passed" : "failed") + "\n\n"
        out += "\(checks.count - failed.count) of \(Phrase.plural(checks.count, "scenario")) passed; "
            + "\(failedExpectations) of \(Phrase.plural(expectations, "expectation")) failed; \(CheckReport.seconds(wallSeconds)) wall.\n\n"
        out += "| scenario | result | virtual | wall | scans | incidents | failed | baseline |\n"
        out += "|---|---|---:|---:|---:|---:|---:|---|\n"
        for c in checks {
            let baseline: String = switch c.baseline {
            case nil: "–"
            case .unchanged?: "unchanged"
            case .updated?: "updated"
            case .changed(let diff, _)?: diff.summary + (c.baselineWarnOnly ? " (warning)" : "")
            case .missing?: "missing" + (c.baselineWarnOnly ? " (warning)" : "")
            case .unreadable?: "unreadable" + (c.baselineWarnOnly ? " (warning)" : "")
            }
            out += "| \(cell(c.name)) | \(c.passed ? "✅ pass" : "❌ fail") | \(c.duration) | \(CheckReport.seconds(c.wallSeconds)) | "
                + "\(CheckReport.grouped(c.scans)) | \(c.incidents) | \(c.failedExpectations)/\(c.outcomes.count) | \(cell(baseline)) |\n"
        }
        let failures = checks.flatMap { c in c.outcomes.filter { !$0.passed }.map { (c, $0) } }
        if !failures.isEmpty {
            out += "\n### Failed expectations\n\n"
            for (c, o) in failures {
                out += "- **\(cell(c.name))** `\(o.location.isEmpty ? c.path : o.location)` (\(cell(o.id))): \(cell(o.message))\n"
            }
        }
        let differing = checks.filter(\.baselineDiffers)
        if !differing.isEmpty {
            out += "\n### Baseline changes\n"
            for c in differing {
                out += "\n#### \(cell(c.name))\(c.baselineWarnOnly ? " (warning)" : "")\n\n"
                guard case .changed(let diff, let path)? = c.baseline else {
                    out += CheckReport.baselineText(c) + "\n"
                    continue
                }
                out += "\(diff.summary) against `\(path)`.\n"
                for n in diff.notes { out += "\n> \(cell(n))\n" }
                for r in c.ruleChanges {
                    out += "\nLikely cause: `\(r.path)` \(cell(r.before)) → \(cell(r.after))\(r.file.map { " (`\($0):\(r.line)`)" } ?? " (`--set`)")\n"
                }
                if !diff.metrics.isEmpty {
                    out += "\n| metric | before | after | threshold | counts |\n|---|---:|---:|---:|---|\n"
                    for m in diff.metrics {
                        out += "| \(cell(m.name)) | \(cell(m.before)) | \(cell(m.after)) | \(cell(m.threshold)) | \(m.counts ? "yes" : "within") |\n"
                    }
                }
                let rest = diff.lines(limit: 20).filter { !$0.hasPrefix("metric ") && !$0.hasPrefix("note: ") }
                if !rest.isEmpty {
                    out += "\n<details><summary>incidents, trust and decision mixes (\(rest.count) lines)</summary>\n\n"
                    for line in rest { out += "- \(cell(line))\n" }
                    out += "\n</details>\n"
                }
            }
        }
        return out
    }

    /// Text safe inside a Markdown table cell.
    static func cell(_ s: String) -> String { s.replacingAll("|", "\\|").replacingAll("\n", " ") }
}

extension String {
    func replacingAll(_ target: String, _ replacement: String) -> String {
        guard contains(target) else { return self }
        var out = ""
        var rest = Substring(self)
        while let r = rest.range(of: target) {
            out += rest[..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}
