import ArgumentParser
import Synchronization
import Foundation
import IntervenCheck
import IntervenCore
import IntervenLoading
import IntervenScenario
import IntervenReport
import IntervenResults
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
            expectation (named by its id: or what it expects, timed). --baseline DIR also compares \
            each run with DIR/<scenario>.json: first the metrics that moved (detection rate, \
            false-positive ratio, time to detect, incidents per trigger, decision mix, trust by \
            group; before → after with the threshold that makes a move count), then incidents \
            added, removed or moved, trust and decision mixes beyond the tolerances; \
            --update-baseline rewrites those files instead (only in a directory marked as \
            baselines, a new one or an empty one); --baseline-mode warn reports changes without \
            failing. --seed N judges every scenario at seed N; --seeds A..B at each seed, and \
            reports an expectation that fails at some seeds and holds at others as flaky, with \
            the failing seeds (baselines and results directories hold one seed, so --seeds \
            refuses --baseline, --update-baseline and --results). Each scenario is sized first and refused beyond --max-scans or the machine's \
            available memory. CI: --format github (automatic when GITHUB_ACTIONS=true) adds \
            annotations on the scenario line of each failed expectation and on the rules line a \
            baseline change is most likely due to; --codequality FILE writes a GitLab Code Quality \
            report; --summary FILE a Markdown summary (e.g. $GITHUB_STEP_SUMMARY). Reports follow \
            a symbolic link and write through to a device or FIFO. Exit codes: 0 every expectation \
            held (and no baseline changed, or --baseline-mode warn); 1 an expectation failed or a \
            baseline changed; 2 invalid input (every invalid file is listed, a refused output or \
            run, a missing --baseline directory; nothing runs); 3 an output could not be written; \
            130/143 when interrupted.
            """
    )

    @Argument(help: "Scenario files or directories (default: Scenarios).", transform: ArgumentValues.path("a scenario file or directory"))
    var paths: [String] = []


    @OptionGroup var rulesOptions: RulesOptions
    var rules: String? { rulesOptions.rules }
    var overrides: [String] { rulesOptions.overrides }

    @Option(parsing: .unconditional, help: "Cores to use (default: the active processors): scenarios of 1,000 agents or more are split over the free ones, the others run one per core.")
    var jobs: Int?

    @Option(help: "Compare each run with DIR/<scenario>.json.")
    var baseline: String?

    @Flag(help: "Rewrite the baseline files in --baseline (default Results/baseline) instead of comparing.")
    var updateBaseline = false

    @Option(help: ArgumentHelp("What a baseline change does: fail (exit 1) or warn (reported, exit 0).", valueName: "fail|warn"))
    var baselineMode: String = "fail"

    @Option(help: ArgumentHelp("Output for a CI system: plain, github (annotations; the default when GITHUB_ACTIONS=true) or gitlab.", valueName: "plain|github|gitlab"))
    var format: String?

    @Option(help: "Also write a GitLab Code Quality report (JSON) here.")
    var codequality: String?

    @Option(help: "Also write a Markdown summary here (e.g. $GITHUB_STEP_SUMMARY); appended to when the file exists.")
    var summary: String?

    @Option(help: "Trust at a checkpoint may move this much before it counts as a baseline change.")
    var trustTolerance: String = "0.05"

    @Option(help: "A decision's share of a group's scans may move this much (0.02 = 2 points).")
    var mixTolerance: String = "0.02"

    @Option(help: "Where the JSON report goes.")
    var report: String = "Results/check.json"

    @Option(help: "Also write a JUnit XML report here.")
    var junit: String?

    @Option(help: "Also write each scenario's results directory (with its report.html) under DIR (DIR/<scenario>/; only a marked results directory there is replaced).")
    var results: String?

    @Option(help: ArgumentHelp("Also write one HTML page for the library: the scenario table, every failure with its evidence, a link to each scenario's report (with --results).", valueName: "FILE"))
    var html: String?

    @Option(name: .customLong("max-scans"), help: ArgumentHelp("Refuse (before anything runs) a scenario expected to send more scans than this (default 10,000,000,000).", valueName: "N"))
    var maxScans: UInt64 = RunBudget.defaultMaxScans

    @Option(parsing: .unconditional, help: "Judge every scenario at this seed (replaces each scenario's seed), 0 to 18446744073709551615.",
            transform: ArgumentValues.seed)
    var seed: UInt64?

    @Option(help: ArgumentHelp("Judge every scenario at each of these seeds (a range or a list, e.g. 1..20 or 1,2,7): an expectation that fails at some seeds and holds at others is reported as flaky with its failing seeds; exit 1 if any fails at any seed. Not with --baseline, --update-baseline or --results (a baseline and a results directory hold one seed: use --seed).", valueName: "A..B"))
    var seeds: String?

    @Flag(help: "Print no progress on stderr (a line per finished scenario; on a terminal, the running big scenarios' progress).")
    var quiet = false

    /// The seeds of --seed or --seeds, or nil for each scenario's own.
    func seedList() throws -> [UInt64]? {
        if let seed { return [seed] }
        guard let seeds else { return nil }
        do { return try SeedList.parse(seeds) } catch { throw ValidationError(error.description) }
    }

    /// The output format: --format, else github under GitHub Actions, else plain.
    var resolvedFormat: CheckFormat {
        if let format, let f = CheckFormat(rawValue: format) { return f }
        return ProcessInfo.processInfo.environment["GITHUB_ACTIONS"] == "true" ? .github : .plain
    }

    func validate() throws {
        if let format, CheckFormat(rawValue: format) == nil {
            throw ValidationError("--format must be plain, github or gitlab (got '\(format)')")
        }
        guard ["fail", "warn"].contains(baselineMode) else {
            throw ValidationError("--baseline-mode must be fail or warn (got '\(baselineMode)')")
        }
        if let jobs, !(1...256).contains(jobs) { throw ValidationError("--jobs must be from 1 to 256 (got \(jobs))") }
        for (name, text) in [("--trust-tolerance", trustTolerance), ("--mix-tolerance", mixTolerance)] {
            guard let s = Score.parse(text), s >= .zero, s <= .one else {
                throw ValidationError("\(name) must be a number from 0 to 1 (got '\(text)')")
            }
        }
        if maxScans == 0 { throw ValidationError("--max-scans must be at least 1") }
        if seed != nil && seeds != nil { throw ValidationError("--seed and --seeds: give one seed or a list of seeds, not both") }
        if let list = try seedList(), list.count > 1 {
            for (flag, given) in [("--baseline", baseline != nil), ("--update-baseline", updateBaseline), ("--results", results != nil)] where given {
                throw ValidationError("--seeds with \(flag): a baseline and a results directory hold one run of each scenario; compare or write them at one seed (--seed N, or the scenarios' own), and judge the expectations across seeds in a separate check --seeds")
            }
        }
        for (flag, value) in [("--results", results), ("--baseline", baseline)] where value == "" {
            throw ValidationError("\(flag) needs a directory name (got an empty string)")
        }
        for (flag, value) in [("--report", report), ("--junit", junit)] {
            if let value, let why = AtomicFile.refusal(value, flag: flag) { throw ValidationError(why) }
        }
    }

    /// Why the outputs cannot be written where they are asked for, or why the baseline cannot be
    /// read, before anything runs: a missing --baseline directory (unless --update-baseline makes
    /// it), a baseline directory that is not one, a results directory of a scenario that is not
    /// a results directory.
    func outputRefusals(_ plan: CheckPlan, baselineDirectory: String?) -> [String] {
        var refusals: [String] = []
        if let dir = baselineDirectory {
            if updateBaseline {
                if let why = ResultsMarker.refusal(dir, as: .baseline, flag: "--baseline") { refusals.append(why) }
            } else {
                var isDirectory: ObjCBool = false
                if !FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory) {
                    refusals.append("--baseline \(dir): no such directory (write one with --update-baseline)")
                } else if !isDirectory.boolValue {
                    refusals.append("--baseline \(dir) is not a directory")
                }
            }
        }
        if let results {
            for (_, scenario) in plan.scenarios {
                let target = (results.hasSuffix("/") ? results : results + "/") + scenario.name
                if let why = ResultsWriter.refusal(for: target, flag: "--results") { refusals.append(why) }
            }
        }
        return refusals
    }

    func run() async throws {
        let clock = ContinuousClock()
        let started = clock.now
        let baselineDir = baseline ?? (updateBaseline ? "Results/baseline" : nil)
        var options = CheckOptions(paths: paths.isEmpty ? ["Scenarios"] : paths, rulesPath: rules, overrides: overrides,
                                   jobs: jobs ?? RunCommand.defaultShards, baselineDirectory: baselineDir,
                                   updateBaseline: updateBaseline,
                                   tolerance: BaselineTolerance(trust: Score.parse(trustTolerance)!, mix: Score.parse(mixTolerance)!),
                                   resultsDirectory: results)
        let available = MachineMemory.available()
        options.baselineWarnOnly = baselineMode == "warn"
        let format = resolvedFormat
        options.extraFiles = { result, files in
            let byName = Dictionary(files.map { ($0.name, $0.bytes) }, uniquingKeysWith: { a, _ in a })
            guard let input = try? ReportInput(files: byName) else { return [] }
            return [.init(name: ReportPage.fileName, bytes: ReportPage(input: input).html())]
        }
        let plan = CheckRunner.load(options)
        let seedList = try self.seedList()
        if !plan.errors.isEmpty {
            for e in plan.errors { printError(e) }
            throw CLIFailure(message: "\(Phrase.plural(plan.errors.count, "error")) in the scenarios; nothing was run", exitCode: ExitStatus.invalidInput)
        }
        options.availableMemory = available
        // Every scenario is sized first: one beyond --max-scans or the memory stops the check.
        var refusals = plan.scenarios.compactMap { entry in
            RunBudget.refusal(RunEstimate(entry.scenario), entry.scenario, maxScans: maxScans, available: available)
        }
        refusals += outputRefusals(plan, baselineDirectory: baselineDir)
        if refusals.count == 1 { throw CLIFailure.invalidInput(refusals[0]) }
        if !refusals.isEmpty {
            for e in refusals { printError(e) }
            throw CLIFailure(message: "\(refusals.count) runs or outputs refused; nothing was run", exitCode: ExitStatus.invalidInput)
        }
        let runs = seedList.map { plan.expanded(seeds: $0) } ?? plan
        let display = CheckProgress(quiet: quiet, terminal: isatty(2) != 0, total: runs.scenarios.count, seeds: (seedList?.count ?? 0) > 1)
        var checks = await Task.detached { [options] in
            await CheckRunner.run(runs, options: options, progress: { name, p in display.update(name, p) }) { c, done, total in
                display.finished(c, done: done, total: total)
            }
        }.value
        if let seedList { checks = CheckRunner.joinSeeds(checks, seeds: seedList) }
        display.clear()
        let elapsed = clock.now - started
        let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        // The reports are written even when standard output fails; then that failure counts.
        var stdoutFailure: CLIFailure?
        do {
            try output(CheckReport.table(checks, wallSeconds: wall), terminator: "")
            if format == .github { try output(CIReport.githubAnnotations(checks), terminator: "") }
        } catch { stdoutFailure = error }
        do {
            try AtomicFile.write(CheckReport.json(checks, wallSeconds: wall), to: report, flag: "--report")
            if let junit { try AtomicFile.write(CheckReport.junit(checks, wallSeconds: wall), to: junit, flag: "--junit") }
            if let html { try AtomicFile.write(CheckPage.html(checks, wallSeconds: wall, path: html), to: html, flag: "--html") }
            if let codequality { try AtomicFile.write(CIReport.codeQuality(checks), to: codequality, flag: "--codequality") }
            if let summary { try Self.appendSummary(CIReport.summary(checks, wallSeconds: wall), to: summary) }
        } catch let e as CLIFailure {
            throw e
        } catch let e as ResultsWriteError {
            throw CLIFailure.output(e)
        } catch {
            throw CLIFailure.runtime(String(describing: error))
        }
        if let (check, stop) = checks.lazy.compactMap({ c in c.stopped.map { (c, $0) } }).first,
           let scenario = plan.scenarios.first(where: { $0.path == check.path })?.scenario {
            throw CLIFailure.invalidInput(RunBudget.stopped(stop, scenario))
        }
        if let failure = checks.compactMap(\.writeRefusal).first { throw CLIFailure.invalidInput(failure) }
        if let failure = checks.flatMap(\.writeErrors).first { throw CLIFailure.runtime(failure) }
        if let stdoutFailure { throw stdoutFailure }
        if updateBaseline, let baselineDir {
            try output("baselines written to \(baselineDir)/")
        }
        if !checks.allSatisfy(\.passed) { exitProcess(ExitStatus.checkFailed) }
    }
}

extension CheckCommand {
    /// Appends to an existing file (GitHub's step summary is one file per step that several
    /// writers share); writes a new one atomically.
    static func appendSummary(_ text: String, to path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            try AtomicFile.write(Array(text.utf8), to: path, flag: "--summary")
            return
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw CLIFailure.runtime("\(path): cannot open the summary file for appending")
        }
        defer { try? handle.close() }
        do {
            try handle.seekToEnd()
            try handle.write(contentsOf: Array(text.utf8))
        } catch {
            throw CLIFailure.runtime("\(path): cannot append the summary: \(error.localizedDescription)")
        }
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


    @OptionGroup var rulesOptions: RulesOptions
    var rules: String? { rulesOptions.rules }
    var overrides: [String] { rulesOptions.overrides }

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
        var reported: Set<String> = []
        for file in found {
            let line: String
            do {
                let isScenario = named.contains(file) ? try ScenarioFile.isScenario(path: file) : true
                if isScenario {
                    let s = try ScenarioFile.load(path: file, rulesPath: rules, overrides: overrides)
                    let agents = s.groups.reduce(0) { $0 + $1.count }
                    line = "ok \(Escaping.escaped(file)): scenario '\(s.name)', \(Phrase.plural(agents, "agent")), \(s.duration), \(Phrase.plural(s.expectations.count, "expectation"))"
                } else {
                    let empty = try RulesFile.isEmpty(path: file)
                    _ = try RulesFile.load(path: file, overrides: overrides)
                    line = "ok \(Escaping.escaped(file)): rules file" + (empty ? " (empty: changes nothing)" : "")
                }
            } catch {
                bad += 1
                // A bad --set or --rules file fails every file the same way: report it once.
                for e in error.all where reported.insert(e.description).inserted { printError(e.description) }
                continue
            }
            try output(line)
        }
        if bad > 0 {
            throw CLIFailure(message: "\(bad) of \(Phrase.plural(found.count + discovery.errors.count, "file")) invalid", exitCode: ExitStatus.invalidInput)
        }
    }
}

/// What `check` shows on stderr while it runs: a line per finished scenario and, on a terminal,
/// one redrawn line with the progress of the big scenarios still running (split over shards).
final class CheckProgress: Sendable {
    private let quiet: Bool
    private let terminal: Bool
    private let total: Int
    /// Whether each scenario runs at several seeds (`--seeds`): each finished line names its seed.
    private let seeds: Bool
    private let state = Mutex<(running: [String: RunProgress], done: Int, drawn: Bool)>(([:], 0, false))

    init(quiet: Bool, terminal: Bool, total: Int, seeds: Bool = false) {
        self.quiet = quiet; self.terminal = terminal; self.total = total; self.seeds = seeds
    }

    func update(_ name: String, _ p: RunProgress) {
        guard !quiet, terminal else { return }
        state.withLock { s in
            s.running[name] = p
            s.drawn = true
            writeStandardError("\r\u{1B}[K" + line(s))
        }
    }

    func finished(_ c: ScenarioCheck, done: Int, total: Int) {
        guard !quiet else { return }
        state.withLock { s in
            s.running[c.name] = nil
            s.done = done
            let head = s.drawn ? "\r\u{1B}[K" : ""
            var text = head + "[\(done)/\(total)] \(c.passed ? "PASS" : "FAIL") \(c.name)\(seeds ? " seed \(c.seed)" : "") (\(String(format: "%.2f", c.wallSeconds))s)\n"
            if terminal && !s.running.isEmpty { text += line(s) } else { s.drawn = false }
            writeStandardError(text)
        }
    }

    /// Clears the progress line, if one is drawn.
    func clear() {
        state.withLock { s in
            if s.drawn && terminal { writeStandardError("\r\u{1B}[K") }
            s.drawn = false
        }
    }

    /// `[3/14] running tenant-10k-24h 42% (10:04:00 of 24h)`.
    private func line(_ s: (running: [String: RunProgress], done: Int, drawn: Bool)) -> String {
        let parts = s.running.keys.sorted().map { name -> String in
            let p = s.running[name]!
            return "\(name) \(ProgressDisplay.percent(p))% (\(ProgressDisplay.clock(p.virtualTime.milliseconds)) of \(p.duration))"
        }
        return "[\(s.done)/\(total)] running " + parts.joined(separator: ", ")
    }
}
