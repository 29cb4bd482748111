import Foundation
@testable import IntervenCheck
import IntervenCore
import IntervenLoading
import IntervenTesting
import Testing

/// The CI renderings against golden files (Tests/IntervenCheckTests/Golden/). To accept a
/// deliberate change, run with INTERVEN_UPDATE_GOLDEN=1 and review the diff.
@Suite("CI reports")
struct CIReportTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static func compare(_ text: String, to name: String) throws {
        let url = golden.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["INTERVEN_UPDATE_GOLDEN"] == "1" {
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(text == expected, "\(name) differs from the golden file:\n\(text)")
    }

    static func outcome(_ k: Int, line: Int, title: String, passed: Bool, id: String? = nil) -> ExpectationOutcome {
        var o = ExpectationOutcome(index: k, location: "Scenarios/triggers/rd.yaml:\(line)", title: title, passed: passed,
                                   observed: passed ? "found 1" : "found none",
                                   evidence: passed ? [] : ["at-1: at most 5 denies within 1h (threshold 6)"])
        o.column = 5
        o.id = id ?? title
        o.hasExplicitID = id != nil
        o.seconds = 0.000123
        return o
    }

    /// A failed expectation in one scenario; in another, a baseline changed by `--rules`.
    static func checks(warn: Bool = false) -> [ScenarioCheck] {
        let failing = ScenarioCheck(path: "Scenarios/triggers/rd.yaml", name: "trigger-repeated-deny", duration: .hours(3), seed: 1,
                                    agents: 2, scans: 23, incidents: 0, wallSeconds: 0.01, fingerprint: "0",
                                    outcomes: [outcome(0, line: 30, title: "exactly 1 repeated_deny incident for at-1", passed: false, id: "rd-opens"),
                                               outcome(1, line: 32, title: "no incident for \"other-*\"", passed: true)])
        func baseline(_ incidents: [Baseline.IncidentLine], mean: Score, rate: Score, detected: Int) -> Baseline {
            var b = Baseline(scenario: "fin", seed: 7, fingerprint: "0", scans: 100, initialTrust: .one, checkpoints: [1000, 2000],
                             incidents: incidents,
                             groups: [Baseline.GroupLine(group: "fin-bots", agents: 2, decisions: [80, 0, 10, 10],
                                                         trustMean: [.one, mean], trustMin: [.one, mean])],
                             agents: [])
            b.toolVersion = "0.1.0"
            b.metrics = Baseline.Metrics(malicious: 2, detected: detected, incidents: incidents.count, falsePositives: 0, rate: rate,
                                         falsePositiveRatio: .zero, p50: detected > 0 ? 60_000 : nil, p95: detected > 0 ? 60_000 : nil,
                                         incidentsByTrigger: TriggerKind.allCases.map { t in incidents.filter { $0.trigger == t.description }.count },
                                         decisions: [80, 0, 10, 10])
            return b
        }
        let line = Baseline.IncidentLine(agent: "fin-bot-01", trigger: "repeated_deny", key: nil, severity: "HIGH", openedAt: 1500,
                                         status: "open", resolution: nil)
        let old = baseline([line], mean: Score(micros: 550_000), rate: Score(micros: 500_000), detected: 1)
        let new = baseline([], mean: Score(micros: 750_000), rate: .zero, detected: 0)
        var changed = ScenarioCheck(path: "Scenarios/examples/fin.yaml", name: "fin", duration: .hours(24), seed: 7, agents: 2,
                                    scans: 100, incidents: 0, wallSeconds: 1.5, fingerprint: "0",
                                    outcomes: [outcome(0, line: 40, title: "at least 1 incident", passed: true)])
        changed.baseline = .changed(BaselineComparison(old: old, new: new), path: "Results/baseline/fin.json")
        changed.ruleChanges = [RulesDifference(path: "triggers.repeated_deny.count", before: "5", after: "6",
                                               file: "rules/strict.yaml", line: 4, column: 12)]
        changed.baselineWarnOnly = warn
        return [failing, changed]
    }

    @Test("GitHub annotations: the scenario line of each failed expectation, the rules line behind a baseline change")
    func github() throws {
        try Self.compare(CIReport.githubAnnotations(Self.checks()), to: "github-annotations.txt")
    }

    @Test("in warn mode a baseline change is a warning annotation; a failed expectation is still an error")
    func githubWarn() throws {
        let text = CIReport.githubAnnotations(Self.checks(warn: true))
        #expect(text.hasPrefix("::error file=Scenarios/triggers/rd.yaml,line=30,col=5,"))
        #expect(text.contains("\n::warning file=rules/strict.yaml,line=4,col=12,title=baseline changed by triggers.repeated_deny.count::"))
        #expect(!text.contains("::error file=rules"))
    }

    @Test("workflow command escapes: %, line breaks, and : , in properties")
    func escapes() {
        #expect(CIReport.command("error", file: "a,b:c.yaml", line: 3, column: nil, title: "t: 1, 2", message: "50% done\nnext\r")
                    == "::error file=a%2Cb%3Ac.yaml,line=3,title=t%3A 1%2C 2::50%25 done%0Anext%0D\n")
    }

    @Test("the Markdown summary: verdict, table, failures, metric deltas first, then incidents")
    func summary() throws {
        try Self.compare(CIReport.summary(Self.checks(), wallSeconds: 1.51), to: "summary.md")
    }

    @Test("the GitLab Code Quality report")
    func codeQuality() throws {
        try Self.compare(String(decoding: CIReport.codeQuality(Self.checks()), as: UTF8.self), to: "codequality.json")
    }

    @Test("the plain table leads a baseline change with its likely cause and metric deltas")
    func table() throws {
        try Self.compare(CheckReport.table(Self.checks(), wallSeconds: 1.51), to: "table.txt")
    }
}
