import IntervenCore
import IntervenScenario
import IntervenResults
import IntervenSimulation

/// What `bench` prints and writes: a header before the runs, a row per run as it finishes, then
/// the fingerprint check, the run's outcome, latency, allocations, memory and the performance targets.
struct BenchReport {
    let command: String
    let scenario: Scenario
    /// The synthetic tenant, or nil for a scenario file.
    let tenant: BenchTenant?
    let machine: Machine
    let latencySampling: Int
    /// The median cost of an empty pair of clock readings, in nanoseconds.
    let timerOverhead: UInt64

    var agentCount: Int { scenario.groups.reduce(0) { $0 + $1.count } }
    var everyTriggerOn: Bool { TriggerKind.automatic.allSatisfy { scenario.rules.triggers.switch($0).enabled } }

    // MARK: Text

    var header: String {
        var lines: [String] = []
        if let t = tenant {
            lines.append("interven-sim bench: synthetic tenant, \(t.agents) agents, \(scenario.duration.hoursText) virtual, "
                         + "\(t.rate) per agent (seed \(scenario.seed))")
            lines.append("tenant:      \(t.summary); no analyst; trust sampled every \(scenario.trustSampleInterval.map(\.description) ?? "change")")
            let (low, high) = t.expectedScans
            let burst = t.burstAt == nil ? "" : ", plus a scripted burst of \(BenchTenant.burstCount)"
            lines.append("expected:    \(low == high ? "\(low)" : "\(low) to \(high)") scans (agents x rate x duration\(burst))")
        } else {
            lines.append("interven-sim bench: scenario \(scenario.name), \(agentCount) agents, \(scenario.duration.hoursText) virtual "
                         + "(seed \(scenario.seed))")
        }
        let off = TriggerKind.automatic.filter { !scenario.rules.triggers.switch($0).enabled }
        lines.append("triggers:    " + (off.isEmpty ? "all six automatic triggers on" : "off: " + off.map(\.description).joined(separator: ", ")))
        lines.append("machine:     \(machine.description)")
        if machine.build != "release" { lines.append("note:        a \(machine.build) build; the targets are for release builds") }
        lines.append("command:     \(command)")
        lines.append("")
        lines.append("runs (each in its own process; wall = setup + simulate + finish + merge):")
        lines.append(Self.columns.enumerated().map { i, c in i < 1 ? pad(c.title, c.width, right: false) : pad(c.title, c.width) }
            .joined(separator: " "))
        return lines.joined(separator: "\n") + "\n"
    }

    private static let columns: [(title: String, width: Int)] = [
        ("  run", 11), ("shards", 6), ("wall s", 9), ("scans/s", 9), ("virtual:wall", 12), ("vs ref", 6), ("setup s", 8),
        ("simulate s", 10), ("finish s", 8), ("merge s", 8), ("allocs/scan", 11), ("steady", 9), ("max RSS", 10),
    ]

    /// One run's row of the table.
    func row(_ r: RunFigures, reference: RunFigures?) -> String {
        let ratio = reference.map { fmt(r.scansPerSecond / max($0.scansPerSecond, 1e-9), 2) } ?? "n/a"
        let cells = [
            "  " + (r.configuration == "reference" ? "reference" : r.logsActivity ? "engine+log" : "engine"), "\(r.shards)",
            fmt(r.wallSeconds, 3),
            Self.rate(r.scansPerSecond), "\(Int(r.virtualToWall.rounded()))x", ratio, fmt(r.setupSeconds, 3),
            fmt(r.simulateSeconds, 3), fmt(r.finishSeconds, 3), fmt(r.mergeSeconds, 3),
            r.allocationsPerScan.map { fmt($0, 5) } ?? "n/a", r.steady?.perScan.map { fmt($0, 5) } ?? "n/a",
            Self.mebibytes(r.maxResidentBytes),
        ]
        return zip(cells, Self.columns).enumerated().map { i, p in pad(p.0, p.1.width, right: i > 0) }.joined(separator: " ")
    }

    /// The rest of the report, the JSON document, and whether every run had the same fingerprint.
    func finished(_ runs: [RunFigures]) -> (text: String, json: [UInt8], fingerprintsAgree: Bool) {
        let agree = Set(runs.map(\.fingerprint)).count <= 1
        var lines = [""]
        if agree {
            lines.append("fingerprint: \(runs.first?.fingerprint ?? "none"), equal in all \(runs.count) run\(runs.count == 1 ? "" : "s")")
        } else {
            lines.append("fingerprint: MISMATCH: " + runs.map { "\(label($0)) \($0.fingerprint)" }.joined(separator: ", "))
        }
        if let r = runs.first {
            let decisions = Decision.allCases.map { "\($0) \(r.decisions[Int($0.rawValue)])" }.joined(separator: ", ")
            var scans = "scans:       \(r.scans) (\(decisions))"
            if let (low, high) = tenant?.expectedScans, !(low...high).contains(r.scans) { scans += "; NOT the expected count" }
            lines.append(scans)
            let fired = TriggerKind.allCases.filter { r.incidents[Int($0.rawValue)] > 0 }
            let silent = TriggerKind.automatic.filter { r.incidents[Int($0.rawValue)] == 0 }
            lines.append("incidents:   \(r.incidents.reduce(0, +)) ("
                         + fired.map { "\($0) \(r.incidents[Int($0.rawValue)])" }.joined(separator: ", ") + "); "
                         + (silent.isEmpty ? "every automatic trigger fired" : "never fired: " + silent.map(\.description).joined(separator: ", ")))
            lines.append("anomalies:   \(r.anomalies.reduce(0, +)) ("
                         + AnomalyKind.allCases.map { "\($0) \(r.anomalies[Int($0.rawValue)])" }.joined(separator: ", ") + ")")
        }
        lines.append(contentsOf: activityLines(runs))
        lines.append(contentsOf: latencyLines(runs))
        lines.append(contentsOf: allocationLines(runs))
        lines.append("memory:      max RSS is the peak resident set of each run's own process (wait4), setup and results included")
        lines.append("")
        let targets = self.targets(runs, fingerprintsAgree: agree)
        lines.append("targets (release build, 2-core machine):")
        let width = (targets.map(\.status.rawValue.count).max() ?? 0) + 2
        for t in targets { lines.append("  " + pad(t.status.rawValue, width, right: false) + t.goal + ": " + t.figure) }
        return (lines.joined(separator: "\n") + "\n", json(runs, targets: targets, fingerprintsAgree: agree), agree)
    }

    private func latencyLines(_ runs: [RunFigures]) -> [String] {
        guard latencySampling > 0 else { return ["latency:     not sampled (--latency-sample 0)"] }
        var lines = ["latency:     Gateway.process, 1 scan in \(latencySampling), HdrHistogram percentiles (3 significant digits);",
                     "             each sample includes one clock reading: an empty pair of readings takes \(timerOverhead) ns (median)"]
        for r in runs {
            let text = r.latency.map { "\($0.samples) samples: \($0.text)" } ?? "no samples"
            lines.append("  " + pad(label(r), 11, right: false) + text)
        }
        return lines
    }

    private func allocationLines(_ runs: [RunFigures]) -> [String] {
        guard runs.contains(where: { $0.allocations != nil }) else {
            return ["allocations: n/a: \(machine.allocator) keeps no request counts (jemalloc builds count them)"]
        }
        let threads = runs.map(\.flushedThreads).max() ?? 0
        var lines = [
            "allocations: jemalloc requests (small + large), read after flushing the thread caches of the calling thread and",
            "             of \(threads) pool thread\(threads == 1 ? "" : "s"). allocs/scan: the whole run (setup, simulate, finish, merge) over its scans.",
            "             steady: the engine's simulation from \(BenchRunner.steadyFrom)% to \(BenchRunner.steadyTo)% of virtual time, read at progress reports",
            "             (the reference run has no mid-run hook, so it has no steady figure).",
        ]
        for r in runs {
            guard let a = r.allocations else { continue }
            var text = "  " + pad(label(r), 11, right: false) + "\(a) over \(r.scans) scans"
            if let s = r.steady, let sa = s.allocations {
                text += "; steady \(sa) over \(s.scans) scans (\(SimTime(milliseconds: s.from)) to \(SimTime(milliseconds: s.to)))"
                    + ", probe time inside the run \(fmt(r.probeSeconds * 1000, 1)) ms"
            }
            lines.append(text)
        }
        return lines
    }

    /// `reference`, `engine 2`.
    func label(_ r: RunFigures) -> String {
        r.configuration == "reference" ? "reference" : "engine \(r.shards)" + (r.logsActivity ? "+log" : "")
    }

    // MARK: Targets

    /// One performance target and what this run measured for it.
    struct Target {
        enum Status: String { case met = "met", notMet = "not met", notMeasured = "not measured" }
        var goal: String
        var figure: String
        var status: Status
    }

    func targets(_ runs: [RunFigures], fingerprintsAgree: Bool) -> [Target] {
        let engines = runs.filter { $0.configuration != "reference" && !$0.logsActivity }
        let reference = runs.first { $0.configuration == "reference" }
        let hundredK = tenant?.agents == 100_000
        func engineList(_ f: (RunFigures) -> String) -> String {
            engines.map { "\($0.shards) shard\($0.shards == 1 ? "" : "s") \(f($0))" }.joined(separator: ", ")
        }
        var out: [Target] = []

        var t = Target(goal: ">= 10 M scans/s end to end, 100,000-agent synthetic tenant, every trigger on",
                       figure: engineList { Self.rate($0.scansPerSecond) + " scans/s" }, status: .notMeasured)
        if engines.isEmpty { t.figure = "no engine run" }
        else if !hundredK { t.figure += " (this run is not the synthetic tenant of 100000 agents)" }
        else if !everyTriggerOn { t.figure += " (some triggers are off)" }
        else { t.status = engines.contains { $0.scansPerSecond >= 10e6 } ? .met : .notMet }
        out.append(t)

        let day = tenant.map { $0.duration == .hours(24) && $0.periodMilliseconds == 60_000 } ?? false
        t = Target(goal: "100,000 agents at 1 scan/min for 24 virtual hours (144 M scans) in under 30 s",
                   figure: engineList { fmt($0.wallSeconds, 1) + " s" }, status: .notMeasured)
        if engines.isEmpty { t.figure = "no engine run" }
        else if !(hundredK && day) { t.figure += " (this run is not 100000 agents x 24h x 1/min)" }
        else { t.status = engines.contains { $0.wallSeconds < 30 } ? .met : .notMet }
        out.append(t)

        t = Target(goal: "1,000,000 agents in under 1 GiB max RSS",
                   figure: engineList { Self.mebibytes($0.maxResidentBytes) }, status: .notMeasured)
        if engines.isEmpty { t.figure = "no engine run" }
        else if agentCount != 1_000_000 { t.figure = "this run has \(agentCount) agents (use --agents 1000000)" }
        else {
            t.figure += " (\(scenario.duration.hoursText) virtual)"
            t.status = engines.allSatisfy { $0.maxResidentBytes < 1 << 30 } ? .met : .notMet
        }
        out.append(t)

        t = Target(goal: "the engine reaches >= 50% of the single-threaded reference loop (same run, same fingerprint)",
                   figure: "", status: .notMeasured)
        if let reference, !engines.isEmpty {
            t.figure = engineList { fmt($0.scansPerSecond / max(reference.scansPerSecond, 1e-9) * 100, 0) + "%" }
            t.status = !fingerprintsAgree ? .notMet : engines.allSatisfy { $0.scansPerSecond >= 0.5 * reference.scansPerSecond } ? .met : .notMet
            if !fingerprintsAgree { t.figure += " (fingerprints differ)" }
        } else {
            t.figure = reference == nil ? "no reference run (--no-reference)" : "no engine run"
        }
        out.append(t)

        let windows = engines.compactMap { r in r.steady.flatMap { s in s.perScan.map { (r, s, $0) } } }
        t = Target(goal: "zero allocations per scan in steady state (met: below 0.001 per scan)", figure: "", status: .notMeasured)
        if windows.isEmpty {
            t.figure = runs.contains { $0.allocations != nil } ? "no steady-state reading (no engine run, or too short)"
                : "not counted: \(machine.allocator) keeps no request counts"
        } else {
            t.figure = windows.map { r, s, per in "\(r.shards) shard\(r.shards == 1 ? "" : "s") \(fmt(per, 6)) (\(s.allocations ?? 0) in \(s.scans) scans)" }
                .joined(separator: ", ")
            t.status = windows.allSatisfy { $0.2 < 0.001 } ? .met : .notMet
        }
        out.append(t)
        if let logging = activityTarget(runs) { out.append(logging) }
        return out
    }

    // MARK: JSON

    private func json(_ runs: [RunFigures], targets: [Target], fingerprintsAgree: Bool) -> [UInt8] {
        let reference = runs.first { $0.configuration == "reference" }
        var w = JSONWriter()
        w.beginObject()
        w.field("command", command)
        w.object("machine") { w in
            w.field("cpu", machine.cpu); w.field("processors", machine.processors)
            w.field("active_processors", machine.activeProcessors); w.field("memory_bytes", machine.memoryBytes)
            w.field("swift", machine.swift); w.field("build", machine.build); w.field("allocator", machine.allocator)
        }
        w.object("workload") { w in
            w.field("kind", tenant == nil ? "scenario" : "synthetic")
            w.field("scenario", scenario.name)
            w.field("agents", agentCount)
            w.key("virtual_seconds"); w.number(fmt(Double(scenario.duration.milliseconds) / 1000, 3))
            w.field("rate_per_agent", tenant.map { "\($0.rate)" })
            w.field("seed", scenario.seed)
            w.field("trust_sample", scenario.trustSampleInterval.map(\.description))
            w.field("every_trigger_on", everyTriggerOn)
            if let (low, high) = tenant?.expectedScans { w.field("expected_scans_low", low); w.field("expected_scans_high", high) }
            w.field("latency_sampling", latencySampling)
        }
        w.field("timer_overhead_ns", timerOverhead)
        w.key("runs"); w.beginArray()
        for r in runs {
            w.beginObject()
            w.field("configuration", r.configuration); w.field("shards", r.shards); w.field("scans", r.scans)
            w.key("wall_seconds"); w.number(fmt(r.wallSeconds, 6))
            w.key("scans_per_second"); w.number(fmt(r.scansPerSecond, 1))
            w.key("virtual_to_wall"); w.number(fmt(r.virtualToWall, 1))
            w.key("ratio_to_reference")
            if let reference { w.number(fmt(r.scansPerSecond / max(reference.scansPerSecond, 1e-9), 4)) } else { w.null() }
            w.object("stage_seconds") { w in
                for (k, v) in [("setup", r.setupSeconds), ("simulate", r.simulateSeconds), ("finish", r.finishSeconds),
                               ("merge", r.mergeSeconds)] { w.key(k); w.number(fmt(v, 6)) }
            }
            w.key("allocations"); if let a = r.allocations { w.int(a) } else { w.null() }
            w.key("allocations_per_scan"); if let a = r.allocationsPerScan { w.number(fmt(a, 8)) } else { w.null() }
            w.key("steady")
            if let s = r.steady {
                w.beginObject()
                w.field("from_ms", s.from); w.field("to_ms", s.to); w.field("scans", s.scans)
                w.key("allocations"); if let a = s.allocations { w.int(a) } else { w.null() }
                w.key("allocations_per_scan"); if let a = s.perScan { w.number(fmt(a, 8)) } else { w.null() }
                w.endObject()
            } else {
                w.null()
            }
            w.field("max_rss_bytes", r.maxResidentBytes)
            activityJSON(r, runs, &w)
            w.field("fingerprint", r.fingerprint)
            w.key("latency_ns")
            if let l = r.latency {
                w.beginObject()
                w.field("samples", l.samples); w.field("p50", l.p50); w.field("p90", l.p90); w.field("p99", l.p99)
                w.field("p99_9", l.p999); w.field("max", l.max); w.key("mean"); w.number(fmt(l.mean, 1))
                w.endObject()
            } else {
                w.null()
            }
            w.endObject()
        }
        w.endArray()
        w.field("fingerprints_equal", fingerprintsAgree)
        if let r = runs.first {
            w.object("decisions") { w in for d in Decision.allCases { w.field(d.description, r.decisions[Int(d.rawValue)]) } }
            w.object("incidents") { w in for k in TriggerKind.allCases { w.field(k.description, r.incidents[Int(k.rawValue)]) } }
            w.object("anomalies") { w in for k in AnomalyKind.allCases { w.field(k.description, r.anomalies[Int(k.rawValue)]) } }
        }
        w.array("targets", of: targets) { w, t in
            w.field("target", t.goal); w.field("figure", t.figure); w.field("status", t.status.rawValue)
        }
        w.endObject()
        return w.document
    }

    // MARK: Formatting

    /// `12.34 M`, `950.2 k`.
    static func rate(_ perSecond: Double) -> String {
        perSecond >= 1e6 ? fmt(perSecond / 1e6, 2) + " M" : fmt(perSecond / 1e3, 1) + " k"
    }

    /// `812 MiB`.
    static func mebibytes(_ bytes: UInt64) -> String { "\(bytes / 1_048_576) MiB" }
}

/// `text` padded with spaces to `width` (on the left when `right`).
private func pad(_ text: String, _ width: Int, right: Bool = true) -> String {
    let fill = String(repeating: " ", count: max(0, width - text.count))
    return right ? fill + text : text + fill
}
