import Foundation
import IntervenCore
import IntervenLoading
import IntervenSimulation

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
    /// Write each scenario's results directory under this one.
    public var resultsDirectory: String?

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

    public var failedExpectations: Int { outcomes.filter { !$0.passed }.count }
    public var passed: Bool { failedExpectations == 0 && (baseline?.passed ?? true) }
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
                errors += error.all.map(\.description)
            }
        }
        return CheckPlan(scenarios: scenarios, errors: errors)
    }

    /// Runs the scenarios, `jobs` at a time (largest first), each on one shard: results do not
    /// depend on shards, and a scenario per core keeps the cores busy without coordination.
    /// `finished` is called as each completes, in completion order; the return is in plan order.
    public static func run(_ plan: CheckPlan, options: CheckOptions,
                           finished: (@Sendable (ScenarioCheck, Int, Int) -> Void)? = nil) async -> [ScenarioCheck] {
        let order = plan.scenarios.indices.sorted { a, b in
            let wa = weight(plan.scenarios[a].scenario), wb = weight(plan.scenarios[b].scenario)
            return wa != wb ? wa > wb : a < b
        }
        var out = [ScenarioCheck?](repeating: nil, count: plan.scenarios.count)
        var done = 0
        await withTaskGroup(of: (Int, ScenarioCheck).self) { group in
            var next = 0
            func start() {
                guard next < order.count else { return }
                let k = order[next]
                next += 1
                let entry = plan.scenarios[k]
                group.addTask { (k, await check(entry.scenario, path: entry.path, options: options)) }
            }
            for _ in 0..<min(options.jobs, order.count) { start() }
            for await (k, c) in group {
                out[k] = c
                done += 1
                finished?(c, done, order.count)
                start()
            }
        }
        return out.map { $0! }
    }

    /// A rough size of a scenario's work, to start the longest first.
    static func weight(_ s: Scenario) -> Int64 {
        Int64(s.groups.reduce(0) { $0 + $1.count }) * max(1, s.duration.milliseconds / 60_000)
    }

    /// Runs one scenario and judges it.
    public static func check(_ scenario: Scenario, path: String, options: CheckOptions) async -> ScenarioCheck {
        let result = await Simulation(scenario: scenario, shards: 1).run()
        var evaluator = Evaluator(scenario: scenario, result: result)
        var c = ScenarioCheck(path: path, name: scenario.name, duration: scenario.duration, seed: scenario.seed,
                              agents: result.agents.count, scans: result.scans, incidents: result.incidents.count,
                              wallSeconds: result.wallSeconds, fingerprint: result.fingerprint.description,
                              outcomes: evaluator.evaluate())
        if let dir = options.baselineDirectory {
            let file = (dir.hasSuffix("/") ? dir : dir + "/") + scenario.name + ".json"
            let now = Baseline(scenario: scenario, result: result)
            if options.updateBaseline {
                do { try AtomicFile.write(now.json, to: file); c.baseline = .updated(path: file) }
                catch { c.writeErrors.append(error.description) }
            } else if let text = try? String(contentsOfFile: file, encoding: .utf8) {
                do {
                    let old = try Baseline.parse(text, path: file)
                    let diff = BaselineComparison(old: old, new: now, tolerance: options.tolerance)
                    c.baseline = diff.isEmpty ? .unchanged(diff) : .changed(diff, path: file)
                } catch {
                    c.baseline = .unreadable(error.description)
                }
            } else {
                c.baseline = .missing(path: file)
            }
        }
        if let dir = options.resultsDirectory {
            let target = (dir.hasSuffix("/") ? dir : dir + "/") + scenario.name
            do { try ResultsWriter().write(result, to: target); c.resultsDirectory = target }
            catch { c.writeErrors.append(error.description) }
        }
        return c
    }
}
