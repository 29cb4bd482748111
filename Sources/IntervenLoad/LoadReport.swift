import Foundation
public import IntervenCore
public import IntervenScenario
public import IntervenResults
import IntervenSimulation
import Histogram

/// Incidents and trust of the live target against the simulation's prediction of the same
/// scenario and seed.
public struct Comparison: Sendable {
    public var matched = 0
    /// Incidents the simulation predicted that the target did not open (within the tolerance).
    public var missing: [String] = []
    /// Incidents the target opened that the simulation did not predict.
    public var extra: [String] = []
    public var trustCompared = 0
    public var trustDifferences: [String] = []
    /// Matched incidents whose status or resolution at the end differs (the analyst's triage;
    /// compared only when the whole scenario ran).
    public var statusDifferences: [String] = []
    public var agrees: Bool { missing.isEmpty && extra.isEmpty && trustDifferences.isEmpty && statusDifferences.isEmpty }
}

/// What a load test measured and judged.
public struct LoadReport: Sendable {
    public var scenario: String
    public var seed: UInt64
    public var speed: Double
    public var connections: Int
    public var wallSeconds: Double
    /// The generator's own CPU time (user and system, all its threads) while it ran the traffic.
    public var cpuSeconds: Double = 0
    public var interrupted: Bool
    /// The scenario time sending stopped at, when before the scenario's end (a bound or Ctrl-C).
    public var endedAt: SimTime?
    public var verdicts: [LiveVerdict]
    public var comparison: Comparison
    public var incidents: [LiveIncident]
    public var trust: [LiveTrust]
    public var readError: String?
    public var actions: [String]
    var stats: LoadStats.State
    /// The wall-clock start of the run (the `.hlog` files' start time).
    var startedAt = Date(timeIntervalSince1970: 0)
    /// What of the scenario the API cannot reproduce on the target.
    public var notMirrored: [String] = []

    public var sent: Int { stats.sent }
    public var completed: Int { stats.completed }
    public var errors: Int { stats.errorsByCause.values.reduce(0, +) }
    public var errorsByCause: [String: Int] { Dictionary(stats.errorsByCause.map { ($0.key.rawValue, $0.value) }, uniquingKeysWith: +) }
    public var behind: Int { stats.behind }
    public var scanCount: Int { Int(stats.allScans.totalCount) }
    public var polls: Int { stats.polls }
    public var retriesAfterApproval: Int { stats.retriesAfterApproval }

    /// Corrected and naive scan latency at a percentile, in microseconds.
    public func scanLatency(_ p: Double, corrected: Bool = true) -> UInt64 {
        let h = corrected ? stats.allScans : stats.naiveScans
        return h.totalCount == 0 ? 0 : (p >= 100 ? h.max : h.valueAtPercentile(p))
    }

    /// How many scans took at least `micros`, from the intended (or the actual) send time.
    public func scans(atLeast micros: UInt64, corrected: Bool = true) -> UInt64 {
        let h = corrected ? stats.allScans : stats.naiveScans
        return h.totalCount == 0 || micros > h.max ? 0 : h.count(within: micros...h.max)
    }

    /// 0: every judged expectation held, the target answered and agreed; 1: an expectation failed,
    /// requests failed (more than 1%) or the target could not be read back.
    public var exitCode: Int32 {
        if verdicts.contains(where: { $0.status == .failed }) { return 1 }
        if readError != nil { return 1 }
        if sent > 0 && Double(errors) / Double(sent) > 0.01 { return 1 }
        return 0
    }

    /// The summary printed after a run.
    public var text: String {
        var out = "load \(scenario) (seed \(seed)) at \(fmt(speed))x, \(connections) connections: \(sent) requests in \(fmt(wallSeconds)) s"
            + (interrupted ? " (interrupted)" : "") + "\n"
        if let endedAt {
            out += "stopped at scenario time \(endedAt) (a bound or Ctrl-C): expectations are judged on what was sent, the comparison covers incidents up to then and no trust\n"
        }
        out += "latency from the intended send time (ms):\n"
        out += "  " + pad("", 26) + ["p50", "p90", "p99", "p99.9", "max", "count"].map { pad($0, 9) }.joined() + "\n"
        func row(_ name: String, _ h: Latency) {
            guard h.totalCount > 0 else { return }
            let cells = [50, 90, 99, 99.9].map { ms(h.valueAtPercentile($0)) } + [ms(h.max), "\(h.totalCount)"]
            out += "  " + pad(name, 26) + cells.map { pad($0, 9) }.joined() + "\n"
        }
        for (k, h) in stats.byEndpoint.sorted(by: { $0.key < $1.key }) { row(k, h) }
        for (k, h) in stats.byDecision.sorted(by: { $0.key < $1.key }) { row("scan " + k, h) }
        row("scan (naive, from send)", stats.naiveScans)
        let rate = wallSeconds > 0 ? Double(completed) / wallSeconds : 0
        out += "throughput: \(fmt(rate)) requests/s; behind schedule: \(behind)"
        if behind > 0 { out += " (lag p99 \(ms(stats.lag.valueAtPercentile(99))) ms, max \(ms(stats.lag.max)) ms)" }
        if wallSeconds > 0 {
            out += "\ngenerator CPU: \(String(format: "%.1f", cpuSeconds)) s user+sys in \(String(format: "%.1f", wallSeconds)) s "
                + "(\(Int((cpuSeconds / wallSeconds * 100).rounded()))% of one core)"
        }
        out += "\nerrors: \(errors)"
        if errors > 0 {
            out += " (" + stats.errorsByCause.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ")
            if !stats.errorsByStatus.isEmpty { out += "; status " + stats.errorsByStatus.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") }
            out += ")"
            if let first = stats.errorSamples.first { out += "; first: \(first)" }
        }
        out += "\nclosed loop: \(stats.polls) approval polls, \(stats.retriesAfterApproval) retries after approval, \(stats.backoffs) backoffs after denies\n"
        if stats.analystWork > 0 {
            out += "analyst: \(stats.analystWork) approvals and incidents taken, \(stats.analystActions) decisions and transitions sent, "
                + "\(stats.analystRefused) refused by the target (decided, expired or closed meanwhile)\n"
        }
        for n in notMirrored { out += "not mirrored: \(n)\n" }
        if let readError { out += "error: \(readError)\n" }
        out += "expectations (\(verdicts.count)):\n"
        for v in verdicts { out += "  \(v.status == .passed ? "PASS" : v.status == .failed ? "FAIL" : "N/J ") \(v.title): \(v.observed)\n" }
        out += "comparison with the simulation: \(comparison.matched) incidents matched, \(comparison.missing.count) missing, \(comparison.extra.count) extra; "
            + "trust of \(comparison.trustCompared) agents compared, \(comparison.trustDifferences.count) differ"
            + (endedAt == nil ? "; status of \(comparison.matched - comparison.statusDifferences.count) of \(comparison.matched) matched incidents agrees\n" : "\n")
        for d in (comparison.missing.map { "  missing: " + $0 } + comparison.extra.map { "  extra: " + $0 } + comparison.trustDifferences.map { "  trust: " + $0 }
                  + comparison.statusDifferences.map { "  status: " + $0 }).prefix(20) {
            out += d + "\n"
        }
        return out
    }

    // MARK: Files

    /// The output directory's files: load.json, expectations.json, comparison.json, junit.xml and
    /// a percentile distribution (HdrHistogram's `.hgrm` text, values in ms) per histogram.
    public func files() -> [ResultsWriter.File] {
        var files: [ResultsWriter.File] = []
        func json(_ name: String, _ value: Any) {
            let data = (try? JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys])) ?? Data("{}".utf8)
            files.append(ResultsWriter.File(name: name, bytes: Array(data) + [10]))
        }
        func figures(_ h: Latency) -> [String: Any] {
            ["count": h.totalCount, "p50_ms": msD(h.valueAtPercentile(50)), "p90_ms": msD(h.valueAtPercentile(90)),
             "p99_ms": msD(h.valueAtPercentile(99)), "p99_9_ms": msD(h.valueAtPercentile(99.9)), "max_ms": msD(h.max)]
        }
        let load: [String: Any] = [
            "scenario": scenario, "seed": seed, "speed": speed, "connections": connections, "wall_seconds": wallSeconds, "cpu_seconds": cpuSeconds,
            "interrupted": interrupted, "ended_at_scenario_ms": endedAt.map { $0.milliseconds } as Any? ?? NSNull(), "sent": sent, "completed": completed,
            "throughput_per_second": stats.perSecond,
            "latency_by_endpoint": stats.byEndpoint.mapValues(figures), "latency_by_decision": stats.byDecision.mapValues(figures),
            "scan_latency_naive": figures(stats.naiveScans), "scan_latency_corrected": figures(stats.allScans),
            "decisions": stats.decisions, "errors": errors, "errors_by_cause": errorsByCause,
            "errors_by_status": Dictionary(stats.errorsByStatus.map { (String($0.key), $0.value) }, uniquingKeysWith: +),
            "error_samples": stats.errorSamples,
            "behind_schedule": ["count": behind, "lag": figures(stats.lag)],
            "closed_loop": ["approval_polls": stats.polls, "retries_after_approval": stats.retriesAfterApproval,
                            "backoffs": stats.backoffs, "arrivals_skipped_while_blocked": stats.skippedWhileBlocked,
                            "analyst_work": stats.analystWork, "analyst_actions": stats.analystActions,
                            "analyst_refused": stats.analystRefused],
            "not_mirrored": notMirrored,
            "operator_actions": actions, "read_error": readError as Any? ?? NSNull(), "exit_code": Int(exitCode),
        ]
        json("load.json", load)
        json("expectations.json", verdicts.map { ["id": $0.id, "location": $0.location, "title": $0.title, "status": $0.status.rawValue, "observed": $0.observed] })
        json("comparison.json", ["incidents_matched": comparison.matched, "incidents_missing": comparison.missing,
                                 "incidents_extra": comparison.extra, "trust_compared": comparison.trustCompared,
                                 "trust_differences": comparison.trustDifferences, "status_differences": comparison.statusDifferences,
                                 "agrees": comparison.agrees])
        var junit = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"\(xml(scenario))\" tests=\"\(verdicts.count)\" failures=\"\(verdicts.filter { $0.status == .failed }.count)\" skipped=\"\(verdicts.filter { $0.status == .notJudged }.count)\">\n"
        for v in verdicts {
            junit += "  <testcase classname=\"load.\(xml(scenario))\" name=\"\(xml(v.id))\">"
            switch v.status {
            case .passed: break
            case .failed: junit += "<failure message=\"\(xml(v.observed))\"/>"
            case .notJudged: junit += "<skipped message=\"\(xml(v.observed))\"/>"
            }
            junit += "</testcase>\n"
        }
        junit += "</testsuite>\n"
        files.append(ResultsWriter.File(name: "junit.xml", bytes: Array(junit.utf8)))
        func hgrm(_ name: String, _ h: Latency) {
            guard h.totalCount > 0 else { return }
            var text = ""
            h.outputPercentileDistribution(to: &text, outputValueUnitScalingRatio: 1000)
            files.append(ResultsWriter.File(name: name, bytes: Array(text.utf8)))
        }
        hgrm("latency-scan.hgrm", stats.allScans)
        hgrm("latency-scan-naive.hgrm", stats.naiveScans)
        for (k, h) in stats.byEndpoint where k != "scan" { hgrm("latency-\(k).hgrm", h) }
        for (k, h) in stats.byDecision { hgrm("latency-scan-\(k.lowercased()).hgrm", h) }
        // The same latencies over time: one interval histogram per second in HdrHistogram's log format.
        for (name, lines) in stats.logs.lines {
            let what = name == "scan-naive" ? "scan latency from the actual send" : "\(name) latency from the intended send time"
            let text = IntervalLogs.text(lines, startedAt: startedAt,
                                         title: "interven-sim load \(scenario): \(what), recorded in microseconds, Interval_Max in milliseconds")
            files.append(ResultsWriter.File(name: "latency-\(name).hlog", bytes: Array(text.utf8)))
        }
        return files.sorted { $0.name < $1.name }
    }
}

/// User plus system CPU time of this process so far, in seconds.
func processCPUSeconds() -> Double {
    var u = rusage()
    #if os(Linux)
    let who = __rusage_who_t(RUSAGE_SELF.rawValue)
    #else
    let who = RUSAGE_SELF
    #endif
    guard getrusage(who, &u) == 0 else { return 0 }
    return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
}

func ms(_ micros: UInt64) -> String { String(format: "%.2f", Double(micros) / 1000) }
func msD(_ micros: UInt64) -> Double { (Double(micros) / 10).rounded() / 100 }
func fmt(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e12 ? String(Int64(x)) : String(format: "%.1f", x) }
func pad(_ s: String, _ w: Int) -> String { s.count >= w ? s + " " : s + String(repeating: " ", count: w - s.count) }
func xml(_ s: String) -> String {
    s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
}

/// A load test: the scenario's traffic against the target, then judging and comparing.
public enum LoadTest {
    /// Runs it; `runner` is given out through `started` so a signal handler can stop it.
    public static func run(scenario: Scenario, options: LoadOptions, incidentTolerance: SimDuration = .minutes(5),
                           trustTolerance: Double = 0.05, started: @Sendable (LoadRunner) -> Void = { _ in }) async -> LoadReport {
        let runner = LoadRunner(scenario: scenario, options: options)
        started(runner)
        let clock = ContinuousClock.now
        let cpu = processCPUSeconds()
        await runner.run()
        let cpuSeconds = processCPUSeconds() - cpu
        let wall = clock.duration(to: .now)
        let interrupted = runner.stopped
        let ended = runner.endedAt.load(ordering: .relaxed)
        let endedAt: SimTime? = ended >= 0 ? SimTime(milliseconds: ended) : nil
        let back = await runner.readBack()
        runner.stats.closeIntervals(atMicros: runner.elapsedMicros())
        await runner.shutdown()
        let stats = runner.stats.snapshot()
        let verdicts = back.error == nil
            ? LiveJudge.judge(scenario, incidents: back.incidents, trust: back.trust, scans: Int(stats.allScans.totalCount))
            : scenario.expectations.map { LiveJudge.notJudged($0, LiveJudge.title($0.kind), back.error ?? "") }
        // The simulation's prediction of the same scenario and seed, in process.
        let predicted = await Simulation(scenario: scenario, shards: 1).run()
        let comparison = compare(predicted, back.incidents, back.trust, tolerance: incidentTolerance, trustTolerance: trustTolerance,
                                 until: endedAt)
        return LoadReport(scenario: scenario.name, seed: scenario.seed, speed: options.speed, connections: options.connections,
                          wallSeconds: Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18, cpuSeconds: cpuSeconds,
                          interrupted: interrupted, endedAt: endedAt, verdicts: verdicts, comparison: comparison, incidents: back.incidents,
                          trust: back.trust, readError: back.error, actions: runner.actionLog.withLock { $0 }, stats: stats,
                          startedAt: runner.startedAt, notMirrored: notMirrored(scenario))
    }

    /// What of the scenario the load generator cannot reproduce through the API.
    static func notMirrored(_ scenario: Scenario) -> [String] {
        scenario.groups.compactMap { g in
            guard case .ephemeral = g.key else { return nil }
            return "group \(g.name) uses ephemeral keys, which the API cannot mint: its agents scan with the live key, so the "
                + "scope violations the simulation predicts (DENY EPHEMERAL_SCOPE_VIOLATION, ephemeral_scope incidents, their trust) "
                + "do not happen on the target"
        }
    }

    static func compare(_ sim: RunResult, _ incidents: [LiveIncident], _ trust: [LiveTrust], tolerance: SimDuration,
                        trustTolerance: Double, until: SimTime?) -> Comparison {
        var c = Comparison()
        var unmatched = incidents
        for i in sim.incidents where i.trigger != .manual {
            if let until, i.openedAt > until { continue }
            if let k = unmatched.firstIndex(where: { $0.agent == i.agent && $0.trigger == i.trigger.description
                && abs($0.openedAt - i.openedAt.milliseconds) <= tolerance.milliseconds }) {
                let l = unmatched.remove(at: k); c.matched += 1
                let resolution = i.resolution.map { "\($0)" }
                if until == nil, l.status != "\(i.status)" || l.resolution != resolution {
                    c.statusDifferences.append("\(i.agent) \(i.trigger) at \(i.openedAt): target \(l.status)\(l.resolution.map { " " + $0 } ?? ""), "
                        + "simulation \(i.status)\(resolution.map { " " + $0 } ?? "")")
                }
            } else {
                c.missing.append("\(i.agent) \(i.trigger) at \(i.openedAt)")
            }
        }
        c.extra = unmatched.filter { $0.trigger != "manual" }.map { "\($0.agent) \($0.trigger) at \(SimTime(milliseconds: $0.openedAt))" }
        if until == nil {
            let live = Dictionary(trust.map { ($0.agent, $0.score) }, uniquingKeysWith: { a, _ in a })
            for a in sim.agents {
                guard let score = live[a.name] else { continue }
                c.trustCompared += 1
                let predicted = a.trust.score.doubleValue
                if abs(predicted - score) > trustTolerance {
                    c.trustDifferences.append("\(a.name): target \(String(format: "%.3f", score)), simulation \(String(format: "%.3f", predicted))")
                }
            }
        }
        return c
    }

    /// Writes the report's files to `directory` atomically.
    public static func write(_ report: LoadReport, to directory: String) throws(ResultsWriteError) {
        try FileSetDirectory.write(report.files(), to: directory, kind: .load)
    }
}
