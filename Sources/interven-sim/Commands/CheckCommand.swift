import ArgumentParser
import Foundation
import IntervenCheck
import IntervenCore
import IntervenLoading
import IntervenSimulation

/// `interven-sim check [PATHS...]`: run scenarios with expectations and judge them.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Run scenarios in parallel and check their expectations (and baselines).",
        discussion: """
            Runs every scenario file under PATHS (default Scenarios/; directories are searched \
            recursively for *.yaml, skipping rules/ and baseline/), several at once, evaluates each \
            expect: entry, and prints a table and every failure with its evidence. Writes a JSON \
            report (--report) and, with --junit, a JUnit XML file with one testcase per \
            expectation. --baseline DIR also compares each run with DIR/<scenario>.json (incidents \
            added, removed or moved; trust and decision mixes beyond the tolerances); \
            --update-baseline rewrites those files instead. Exit codes: 0 every expectation held \
            (and no baseline changed); 1 an expectation failed or a baseline changed; 2 invalid \
            input (every invalid file is listed, nothing runs); 3 an output could not be written.
            """
    )

    @Argument(help: "Scenario files or directories (default: Scenarios).", transform: ArgumentValues.path("a scenario file or directory"))
    var paths: [String] = []

    @Option(help: "Rules file every scenario runs against instead of its own (the rule-change case).",
            transform: ArgumentValues.path("a rules file"))
    var rules: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override one rules value in every scenario, e.g. triggers.repeated_deny.count=6.", valueName: "PATH=VALUE"))
    var overrides: [String] = []

    @Option(parsing: .unconditional, help: "Scenarios run at once (default: the active processors).")
    var jobs: Int?

    @Option(help: "Compare each run with DIR/<scenario>.json.")
    var baseline: String?

    @Flag(help: "Rewrite the baseline files in --baseline (default Results/baseline) instead of comparing.")
    var updateBaseline = false

    @Option(help: "Trust at a checkpoint may move this much before it counts as a baseline change.")
    var trustTolerance: String = "0.05"

    @Option(help: "A decision's share of a group's scans may move this much (0.02 = 2 points).")
    var mixTolerance: String = "0.02"

    @Option(help: "Where the JSON report goes.")
    var report: String = "Results/check.json"

    @Option(help: "Also write a JUnit XML report here.")
    var junit: String?

    @Option(help: "Also write each scenario's results directory under DIR (DIR/<scenario>/).")
    var results: String?

    @Flag(help: "Print no per-scenario progress on stderr.")
    var quiet = false

    func validate() throws {
        if let jobs, !(1...256).contains(jobs) { throw ValidationError("--jobs must be from 1 to 256 (got \(jobs))") }
        for (name, text) in [("--trust-tolerance", trustTolerance), ("--mix-tolerance", mixTolerance)] {
            guard let s = Score.parse(text), s >= .zero, s <= .one else {
                throw ValidationError("\(name) must be a number from 0 to 1 (got '\(text)')")
            }
        }
    }

    func run() async throws {
        let clock = ContinuousClock()
        let started = clock.now
        let baselineDir = baseline ?? (updateBaseline ? "Results/baseline" : nil)
        let options = CheckOptions(paths: paths.isEmpty ? ["Scenarios"] : paths, rulesPath: rules, overrides: overrides,
                                   jobs: jobs ?? RunCommand.defaultShards, baselineDirectory: baselineDir,
                                   updateBaseline: updateBaseline,
                                   tolerance: BaselineTolerance(trust: Score.parse(trustTolerance)!, mix: Score.parse(mixTolerance)!),
                                   resultsDirectory: results)
        let plan = CheckRunner.load(options)
        if !plan.errors.isEmpty {
            for e in plan.errors { printError(e) }
            throw CLIFailure(message: "\(Phrase.plural(plan.errors.count, "error")) in the scenarios; nothing was run", exitCode: ExitStatus.invalidInput)
        }
        let quiet = self.quiet
        let checks = await Task.detached {
            await CheckRunner.run(plan, options: options) { c, done, total in
                guard !quiet else { return }
                writeStandardError("[\(done)/\(total)] \(c.passed ? "PASS" : "FAIL") \(c.name) (\(String(format: "%.2f", c.wallSeconds))s)\n")
            }
        }.value
        let elapsed = clock.now - started
        let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(CheckReport.table(checks, wallSeconds: wall), terminator: "")
        do {
            try AtomicFile.write(CheckReport.json(checks, wallSeconds: wall), to: report)
            if let junit { try AtomicFile.write(CheckReport.junit(checks, wallSeconds: wall), to: junit) }
        } catch {
            throw CLIFailure.runtime(error.description)
        }
        if updateBaseline, let baselineDir {
            print("baselines written to \(baselineDir)/")
        }
        if let failure = checks.flatMap(\.writeErrors).first { throw CLIFailure.runtime(failure) }
        if !checks.allSatisfy(\.passed) { exitProcess(ExitStatus.checkFailed) }
    }
}

/// `interven-sim validate FILES...`: load scenario and rules files without running them.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check scenario and rules files without running them.",
        discussion: """
            Loads every file and prints every error as FILE:LINE:COLUMN: message, with a "did you \
            mean" for unknown keys and agent names. A file given by name is a scenario when its top \
            level has a scenario's keys (name, duration, agents, timeline or expect), else a rules \
            file (an empty one changes nothing); the files found in a directory are scenarios, as \
            for check. Exit codes: 0 every file is valid; 2 at least one is not.
            """
    )

    @Argument(help: "Scenario or rules files (YAML), or directories of scenarios (searched as check does).",
              transform: ArgumentValues.path("a scenario or rules file"))
    var files: [String]

    @Option(help: "Rules file the scenarios are checked against instead of their own.", transform: ArgumentValues.path("a rules file"))
    var rules: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override one rules value, e.g. triggers.repeated_deny.count=6.", valueName: "PATH=VALUE"))
    var overrides: [String] = []

    func run() throws {
        // A directory stands for the scenarios below it; a file (even a missing one) for itself.
        // A file reached twice (by two paths, or a link) is loaded once, at its first path.
        var discovery = ScenarioDiscovery()
        var named: Set<String> = []
        for path in files {
            if case .directory = InputFile.kind(of: path) {
                discovery.add(path)
            } else if discovery.addFile(path) {
                named.insert(path)
            }
        }
        for e in discovery.errors { printError(e) }
        var bad = discovery.errors.count
        let found = discovery.files
        for file in found {
            do {
                let isScenario = named.contains(file) ? try ScenarioFile.isScenario(path: file) : true
                if isScenario {
                    let s = try ScenarioFile.load(path: file, rulesPath: rules, overrides: overrides)
                    let agents = s.groups.reduce(0) { $0 + $1.count }
                    print("ok \(Escaping.escaped(file)): scenario '\(s.name)', \(Phrase.plural(agents, "agent")), \(s.duration), \(Phrase.plural(s.expectations.count, "expectation"))")
                } else {
                    let empty = try RulesFile.isEmpty(path: file)
                    _ = try RulesFile.load(path: file, overrides: overrides)
                    print("ok \(Escaping.escaped(file)): rules file" + (empty ? " (empty: changes nothing)" : ""))
                }
            } catch {
                bad += 1
                for e in error.all { printError(e.description) }
            }
        }
        if bad > 0 {
            throw CLIFailure(message: "\(bad) of \(Phrase.plural(found.count + discovery.errors.count, "file")) invalid", exitCode: ExitStatus.invalidInput)
        }
    }
}
