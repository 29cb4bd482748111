import Foundation
public import IntervenCore
public import IntervenScenario
public import IntervenLoading
public import IntervenResults
import Synchronization
public import IntervenSimulation

/// What `interven-sim check` runs and how.
public struct CheckOptions: Sendable {
    /// Scenario files and directories (searched recursively for `*.yaml` / `*.yml`, skipping
    /// directories named `rules` and `baseline`).
    public var paths: [String]
    /// `--rules`: replaces every scenario's rules file.
    public var rulesPath: String?
    /// `--set PATH=VALUE` on every scenario's rules.
    public var overrides: [String]
    /// Scenarios run at once.
    public var jobs: Int
    /// Compare with (or, with `updateBaseline`, rewrite) `DIR/<scenario>.json`.
    public var baselineDirectory: String?
    public var updateBaseline: Bool
    public var tolerance: BaselineTolerance
    /// `--baseline-mode warn`: a baseline change is reported but does not fail the check.
    public var baselineWarnOnly = false
    /// Write each scenario's results directory under this one.
    public var resultsDirectory: String?
    /// The machine's available memory in bytes: a scenario that records every trust change is
    /// stopped when its series outgrows its share (this divided by `jobs`). Nil: no limit.
    public var availableMemory: Double?
    /// More files for each results directory, made from the run and its files (the report page).
    public var extraFiles: (@Sendable (RunResult, [ResultsWriter.File]) -> [ResultsWriter.File])? = nil

    public init(paths: [String], rulesPath: String? = nil, overrides: [String] = [], jobs: Int = 1, baselineDirectory: String? = nil,
                updateBaseline: Bool = false, tolerance: BaselineTolerance = BaselineTolerance(), resultsDirectory: String? = nil) {
        self.paths = paths; self.rulesPath = rulesPath; self.overrides = overrides; self.jobs = max(1, jobs)
        self.baselineDirectory = baselineDirectory; self.updateBaseline = updateBaseline; self.tolerance = tolerance
        self.resultsDirectory = resultsDirectory
    }
}

/// How a run compared with its stored baseline.
public enum BaselineStatus: Sendable, Equatable {
    case unchanged(BaselineComparison)
    case changed(BaselineComparison, path: String)
    case missing(path: String)
    case unreadable(String)
    case updated(path: String)

    public var passed: Bool {
        switch self {
        case .unchanged, .updated: true
        case .changed, .missing, .unreadable: false
        }
    }
}

/// The check of one scenario.
public struct ScenarioCheck: Sendable {
    public var path: String
    public var name: String
    public var duration: SimDuration
    public var seed: UInt64
    /// With `check --seed` or `--seeds`: every seed the scenario was judged at (`seed` is the first).
    public var seeds: [UInt64] = []
    public var agents: Int
    public var scans: UInt64
    public var incidents: Int
    public var wallSeconds: Double
    public var fingerprint: String
    public var outcomes: [ExpectationOutcome]
    public var baseline: BaselineStatus?
    /// Results directory written, if any.
    public var resultsDirectory: String?
    /// Outputs that could not be written (a baseline, a results directory): exit code 3.
    public var writeErrors: [String] = []
    /// An output refused because its path names something that must not be replaced: exit code 2.
    public var writeRefusal: String?
    /// Set when the run was stopped because its trust series outgrew the memory (then nothing
    /// was judged or written): exit code 2.
    public var stopped: RunStopped?
    /// When the baseline changed under `--rules` or `--set`: the rules values that differ from
    /// the scenario's own, the likeliest causes (with where the `--rules` file sets each).
    public var ruleChanges: [RulesDifference] = []
    /// Wall seconds spent on the baseline (building, reading, comparing); reports only.
    public var baselineSeconds: Double = 0
    /// Whether a baseline change only warns (`--baseline-mode warn`).
    public var baselineWarnOnly = false

    public var failedExpectations: Int { outcomes.filter { !$0.passed }.count }
    /// Whether the baseline differs (changed, missing or unreadable), failing or warning.
    public var baselineDiffers: Bool { !(baseline?.passed ?? true) }
    public var passed: Bool { failedExpectations == 0 && (baselineWarnOnly || !baselineDiffers) && stopped == nil }
}

/// Every scenario a check found, with the invalid ones' errors.
public struct CheckPlan: Sendable {
    public var scenarios: [(path: String, scenario: Scenario)]
    public var errors: [String]
}

/// Finds, loads, runs and judges scenarios (the engine of `interven-sim check`).
public enum CheckRunner {
    /// The scenario files under `paths`, in a stable order (each path's files sorted); see
    /// `ScenarioDiscovery` for what is searched and how links are followed.
    public static func discover(_ paths: [String]) -> (files: [String], errors: [String]) {
        var discovery = ScenarioDiscovery()
        for path in paths { discovery.add(path) }
        return (discovery.files, discovery.errors)
    }

    /// Loads every scenario; collects every error (all of a file's expectation errors too) and
    /// refuses two scenarios with one name (their results and baselines would collide).
    public static func load(_ options: CheckOptions) -> CheckPlan {
        let (files, found) = discover(options.paths)
        var errors = found
        var scenarios: [(path: String, scenario: Scenario)] = []
        var byName: [String: String] = [:]
        for file in files {
            do {
                let s = try ScenarioFile.load(path: file, rulesPath: options.rulesPath, overrides: options.overrides)
                if let other = byName[s.name] {
                    errors.append("\(file): scenario name '\(s.name)' is also the name of \(other); names must be unique (they name results and baselines)")
                    continue
                }
                byName[s.name] = file
                scenarios.append((file, s))
            } catch {
                // A bad --set or --rules file fails every scenario the same way: report it once.
                for e in error.all.map(\.description) where !errors.contains(e) { errors.append(e) }
            }
        }
        return CheckPlan(scenarios: scenarios, errors: errors)
    }

    /// Runs the scenarios on `jobs` cores, largest first. A big scenario (at least
    /// `shardingAgents` agents) is split over every core free when it starts, the others run on
    /// one shard each, several at once; results never depend on shards. `finished` is called as
    /// each completes, in completion order; `progress` with each running big scenario's progress;
    /// the return is in plan order.
    public static func run(_ plan: CheckPlan, options: CheckOptions,
                           progress: (@Sendable (String, RunProgress) -> Void)? = nil,
                           finished: (@Sendable (ScenarioCheck, Int, Int) -> Void)? = nil) async -> [ScenarioCheck] {
        let order = plan.scenarios.indices.sorted { a, b in
            let wa = weight(plan.scenarios[a].scenario), wb = weight(plan.scenarios[b].scenario)
            return wa != wb ? wa > wb : a < b
        }
        var out = [ScenarioCheck?](repeating: nil, count: plan.scenarios.count)
        var done = 0
        await withTaskGroup(of: (Int, Int, ScenarioCheck).self) { group in
            var next = 0
            var free = options.jobs
            func start() {
                while free > 0, next < order.count {
                    let k = order[next]
                    next += 1
                    let entry = plan.scenarios[k]
                    let shards = shardCount(entry.scenario, freeCores: free)
                    free -= shards
                    var report: (@Sendable (RunProgress) -> Void)? = nil
                    if shards > 1, let progress {
                        let name = entry.scenario.name
                        report = { p in progress(name, p) }
                    }
                    group.addTask {
                        (k, shards, await check(entry.scenario, path: entry.path, options: options, shards: shards, progress: report))
                    }
                }
            }
            start()
            for await (k, shards, c) in group {
                out[k] = c
                done += 1
                free += shards
                finished?(c, done, order.count)
                start()
            }
        }
        return out.map { $0! }
    }

    /// Scenarios with at least this many agents are split over the free cores.
    public static let shardingAgents = 1000

    /// The shards a scenario runs on when `freeCores` are free: all of them for a big one (at
    /// most one per 100 agents), else one.
    static func shardCount(_ s: Scenario, freeCores: Int) -> Int {
        let agents = s.groups.reduce(0) { $0 + $1.count }
        guard agents >= shardingAgents else { return 1 }
        return max(1, min(freeCores, agents / 100, 256))
    }

    /// The rules values `--rules` and `--set` change for this scenario (against its own rules),
    /// each located in the `--rules` file when it sets it.
    static func ruleChanges(_ scenario: Scenario, path: String, options: CheckOptions) -> [RulesDifference] {
        guard options.rulesPath != nil || !options.overrides.isEmpty,
              let own = try? ScenarioFile.load(path: path) else { return [] }
        return RulesFile.differences(own.rules, scenario.rules).map { d in
            var d = d
            let bySet = options.overrides.contains { o in
                let key = o.split(separator: "=", maxSplits: 1).first.map(String.init) ?? o
                return d.path == key || d.path.hasPrefix(key + ".") || key.hasPrefix(d.path + ".")
            }
            if !bySet, let rules = options.rulesPath, let at = RulesFile.locate(d.path, inFile: rules) {
                d.file = rules; d.line = at.line; d.column = at.column
            }
            return d
        }
    }

    /// A rough size of a scenario's work, to start the longest first.
    static func weight(_ s: Scenario) -> Int64 {
        Int64(s.groups.reduce(0) { $0 + $1.count }) * max(1, s.duration.milliseconds / 60_000)
    }

    /// Runs one scenario and judges it.
    public static func check(_ scenario: Scenario, path: String, options: CheckOptions, shards: Int = 1,
                             progress: (@Sendable (RunProgress) -> Void)? = nil) async -> ScenarioCheck {
        var simulation = Simulation(scenario: scenario, shards: shards)
        let estimate = RunEstimate(scenario)
        if estimate.sampledTrustRows == nil, let memory = options.availableMemory {
            simulation.trustRowLimit = estimate.maxTrustRows(memory: memory / Double(options.jobs))
        }
        let result = await simulation.run(progress: progress)
        if let stop = result.stopped {
            var c = ScenarioCheck(path: path, name: scenario.name, duration: scenario.duration, seed: scenario.seed,
                                  agents: estimate.agents, scans: result.scans, incidents: 0, wallSeconds: result.wallSeconds,
                                  fingerprint: "", outcomes: [])
            c.stopped = stop
            return c
        }
        var evaluator = Evaluator(scenario: scenario, result: result)
        var c = ScenarioCheck(path: path, name: scenario.name, duration: scenario.duration, seed: scenario.seed,
                              agents: result.agents.count, scans: result.scans, incidents: result.incidents.count,
                              wallSeconds: result.wallSeconds, fingerprint: result.fingerprint.description,
                              outcomes: evaluator.evaluate())
        // A refused scripted action no refused: expectation covers fails the scenario.
        for a in evaluator.unexpectedRefusals() {
            var o = ExpectationOutcome(index: c.outcomes.count, location: a.line > 0 ? "\(path):\(a.line)" : path,
                                       title: "timeline action \(a.action) at \(a.time) takes effect", passed: false,
                                       observed: "refused: \(a.reason)",
                                       evidence: ["fix the timeline, or state the refusal with a refused: expectation"])
            o.id = "refused: \(a.action) at \(a.time)"
            o.column = 5
            c.outcomes.append(o)
        }
        c.baselineWarnOnly = options.baselineWarnOnly
        if let dir = options.baselineDirectory {
            let clock = ContinuousClock(), started = clock.now
            defer {
                let spent = (clock.now - started).components
                c.baselineSeconds = Double(spent.seconds) + Double(spent.attoseconds) / 1e18
            }
            let file = (dir.hasSuffix("/") ? dir : dir + "/") + scenario.name + ".json"
            let now = Baseline(scenario: scenario, result: result)
            if options.updateBaseline {
                do {
                    try BaselineDirectory.mark(dir)
                    try AtomicFile.write(now.json, to: file, flag: "--baseline")
                    c.baseline = .updated(path: file)
                } catch {
                    if error.refused { c.writeRefusal = error.description } else { c.writeErrors.append(error.description) }
                }
            } else if let text = try? String(contentsOfFile: file, encoding: .utf8) {
                do {
                    let old = try Baseline.parse(text, path: file)
                    let diff = BaselineComparison(old: old, new: now, tolerance: options.tolerance)
                    c.baseline = diff.isEmpty ? .unchanged(diff) : .changed(diff, path: file)
                    if !diff.isEmpty { c.ruleChanges = ruleChanges(scenario, path: path, options: options) }
                } catch {
                    c.baseline = .unreadable(error.description)
                }
            } else {
                c.baseline = .missing(path: file)
            }
        }
        if let dir = options.resultsDirectory {
            let target = (dir.hasSuffix("/") ? dir : dir + "/") + scenario.name
            var files = ResultsWriter().files(for: result)
            files += options.extraFiles?(result, files) ?? []
            do { try ResultsWriter().write(files: files, to: target, flag: "--results"); c.resultsDirectory = target }
            catch { if error.refused { c.writeRefusal = error.description } else { c.writeErrors.append(error.description) } }
        }
        return c
    }
}

/// A baseline directory carries the `ResultsMarker` of kind `baseline`: `--update-baseline`
/// writes only into such a directory, a new one or an empty one, never into another directory.
enum BaselineDirectory {
    /// Serialises marking, as the scenarios of a check finish concurrently.
    private static let lock = Mutex(())

    /// Makes sure `directory` carries the baseline marker (creating the directory if needed);
    /// throws a refusal when it is not a baseline directory.
    static func mark(_ directory: String) throws(ResultsWriteError) {
        try lock.withLock { (_: inout ()) throws(ResultsWriteError) in
            if ResultsMarker.kind(of: directory) == .baseline { return }
            if let why = ResultsMarker.refusal(directory, as: .baseline, flag: "--baseline") {
                throw ResultsWriteError(directory: directory, path: directory, reason: why, refused: true)
            }
            let marker = (directory.hasSuffix("/") ? directory : directory + "/") + ResultsMarker.name
            try AtomicFile.write(ResultsMarker.contents(.baseline), to: marker, flag: "--baseline")
        }
    }
}
