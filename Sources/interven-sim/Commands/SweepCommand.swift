import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import IntervenCheck
import IntervenResults
import IntervenSimulation
import IntervenCore
import IntervenLoading
import IntervenReport
import Synchronization

/// `interven-sim sweep SCENARIO --vary PATH=VALUES ...`: a scenario over a grid of rules values
/// and seeds, scored against its ground truth.
struct SweepCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run a scenario over a grid of rules values and seeds, score detection, and recommend a cell.",
        discussion: """
            Every cell (a combination of the --vary values) runs once per seed, each run on one \
            shard, --jobs at a time; every cell of one seed sees the same per-agent random \
            streams. Each run is scored against the scenario's ground-truth labels (as the \
            detection expectation and summary.json's detection section). Writes runs.csv (one \
            row per cell, seed and trigger, `any` included), cells.csv (per cell and trigger: \
            mean and 95% interval across seeds), sweep.json (the same, the command, the grid, \
            each cell's overrides, wall time) and sweep.html (the sweep on one self-contained \
            page: question, answer, charts, cells) to --out, all at once; prints the cells sorted by \
            the objective, the Pareto front of detection rate against false-positive ratio and \
            the recommended cell. runs.csv and cells.csv are byte-identical for the same inputs \
            at any --jobs. VALUES: 3,5,8 | 2..10 | 0.02..0.10/0.02 | 30m,1h,2h | 30m..2h/30m | \
            true,false. Exit codes: 2 for a bad scenario, path, value or flag (nothing runs); 3 \
            when the output cannot be written.
            """
    )

    @Argument(help: "The scenario file (YAML).")
    var scenario: String

    @Option(name: .customLong("vary"), help: ArgumentHelp("A rules path and its values, e.g. triggers.repeated_deny.count=2..10 (repeatable).", valueName: "PATH=VALUES"))
    var vary: [String] = []

    @Option(help: ArgumentHelp("Seeds, as a range or a list (default 1..5).", valueName: "A..B"))
    var seeds: String = "1..5"

    @Option(help: "Runs at once (default: the active processors).")
    var jobs: Int?

    @Option(help: "Output directory (default: Results/sweep-<scenario name>).")
    var out: String?

    @Option(help: ArgumentHelp("What to optimise: \(SweepObjective.allCases.map(\.rawValue).joined(separator: ", ")) (default fp-ratio).", valueName: "OBJECTIVE"))
    var objective: String = "fp-ratio"

    @Option(help: ArgumentHelp("The trigger the objective and constraints are judged on (default any: every trigger but manual).", valueName: "TRIGGER"))
    var trigger: String = "any"

    @Option(name: .customLong("max-fp-ratio"), help: ArgumentHelp("Constraint: mean false-positive ratio at most X.", valueName: "X"))
    var maxFPRatio: Double?

    @Option(name: .customLong("min-detection"), help: ArgumentHelp("Constraint: mean detection rate at least X.", valueName: "X"))
    var minDetection: Double?

    @Option(name: .customLong("max-ttd-p95"), help: ArgumentHelp("Constraint: mean p95 time to detect at most D (e.g. 30m).", valueName: "D"))
    var maxTTDp95: String?

    @Option(help: ArgumentHelp("Run slice i of N of the cells (cell k belongs to slice k mod N, i from 0); default from JOB_COMPLETION_INDEX/JOB_COMPLETION_COUNT or SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT. Join slices with `merge`.", valueName: "i/N"))
    var slice: String?


    @OptionGroup var rulesOptions: RulesOptions
    var rules: String? { rulesOptions.rules }
    var overrides: [String] { rulesOptions.overrides }

    @Flag(help: "Print no progress on stderr.")
    var quiet = false

    func run() async throws {
        let started = Stopwatch.nanoseconds()
        let (plan, header) = try prepare()
        let total = plan.runCount
        let jobs = self.jobs ?? RunCommand.defaultShards
        let progress = SweepProgress(style: quiet ? .silent : isatty(2) != 0 ? .terminal : .lines, seeds: plan.seeds.count)
        let runs: [SweepRun]
        do {
            runs = try await Task.detached {
                try await SweepRunner.run(plan, jobs: jobs, progress: progress.callback)
            }.value
        } catch let error as SweepInputError {
            progress.finish()
            throw CLIFailure.invalidInput(error.description)
        }
        progress.finish()
        let wall = Double(Stopwatch.nanoseconds() - started) / 1e9
        let output = SweepOutput(header: header, slice: plan.slice, runs: runs, wallSeconds: wall, jobs: jobs)
        let directory = out ?? "Results/sweep-" + RunCommand.directoryName(for: header.scenario)
            + (plan.slice.map { "/slice-\($0.index)-of-\($0.count)" } ?? "")
        do { try output.write(to: directory, adding: [.init(name: SweepPage.fileName, bytes: SweepPage.html(output))]) }
        catch { throw CLIFailure.runtime(error.description) }
        print(output.table(), terminator: "")
        let scans = runs.reduce(UInt64(0)) { $0 + $1.scans }
        print("\(total) runs in \(SweepStats.fixed(wall, places: 1)) s (\(SweepStats.fixed(Double(total) / max(wall, 1e-9), places: 1)) runs/s, \(ProgressDisplay.rate(perSecond: Double(scans) / max(wall, 1e-9))) scans/s on \(jobs) jobs); results: \(directory)")
    }

    /// Parses and checks every input; nothing runs on an error.
    func prepare() throws -> (SweepPlan, SweepOutput.Header) {
        func bad(_ message: String) -> CLIFailure { .invalidInput(message) }
        do {
            if let jobs, !(1...1024).contains(jobs) { throw SweepInputError("--jobs: expected 1 to 1024; found \(jobs)") }
            guard let objective = SweepObjective(rawValue: objective) else {
                throw SweepInputError("--objective: expected one of \(SweepObjective.allCases.map(\.rawValue).joined(separator: ", ")); found '\(self.objective)'")
            }
            let triggers = ["any"] + DetectionMetricsNames.triggers
            guard triggers.contains(trigger) else {
                throw SweepInputError("--trigger: expected one of \(triggers.joined(separator: ", ")); found '\(trigger)'")
            }
            if let x = maxFPRatio, !(0...1).contains(x) { throw SweepInputError("--max-fp-ratio: expected a ratio from 0 to 1; found \(x)") }
            if let x = minDetection, !(0...1).contains(x) { throw SweepInputError("--min-detection: expected a ratio from 0 to 1; found \(x)") }
            var ttd: SimDuration? = nil
            if let text = maxTTDp95 {
                guard let d = SimDuration.parse(text), d.milliseconds >= 0 else {
                    throw SweepInputError("--max-ttd-p95: expected a duration like 30m or 1h30m; found '\(text)'")
                }
                ttd = d
            }
            let seedList = try SeedList.parse(seeds)
            var dims: [SweepDimension] = []
            for v in vary {
                let d = try SweepDimension.parse(v)
                if dims.contains(where: { $0.path == d.path }) { throw SweepInputError("--vary \(v): \(d.path) is varied twice; give its values in one --vary") }
                dims.append(d)
            }
            if dims.isEmpty { throw SweepInputError("--vary: expected at least one --vary PATH=VALUES; the grid is empty (0 cells)") }
            let grid = SweepGrid(dimensions: dims)
            let cells = grid.cellCount
            let runs = cells.multipliedReportingOverflow(by: seedList.count)
            if runs.overflow || runs.partialValue > SweepGrid.maxRuns {
                throw SweepInputError("--vary: the grid has \(cells) cells x \(seedList.count) seeds = \(runs.overflow ? "too many" : "\(runs.partialValue)") runs; at most \(SweepGrid.maxRuns) are allowed")
            }
            if runs.partialValue == 0 { throw SweepInputError("--vary: the grid is empty (0 runs)") }
            let slice = try sliceOption()
            let source: ScenarioSource
            do { source = try ScenarioSource(path: scenario, rulesPath: rules, overrides: overrides) }
            catch { throw bad(error.description) }
            let plan = SweepPlan(source: source, grid: grid, seeds: seedList, slice: slice)
            try plan.validate()
            let criteria = SweepCriteria(objective: objective, trigger: trigger, minDetection: minDetection, maxFPRatio: maxFPRatio, maxTTDp95: ttd)
            var identity = [source.text, rules ?? "", (try? String(contentsOfFile: rules ?? "", encoding: .utf8)) ?? ""]
            identity += overrides
            let header = SweepOutput.Header(version: IntervenSim.configuration.version, command: Array(CommandLine.arguments.dropFirst()),
                                            scenario: source.base.name, scenarioFile: scenario, grid: grid, seeds: seedList,
                                            criteria: criteria, identity: identity)
            return (plan, header)
        } catch let e as SweepInputError {
            throw bad(e.description)
        }
    }

    /// `--slice`, else the Kubernetes Indexed Job or Slurm array environment, else none.
    func sliceOption() throws(SweepInputError) -> SweepSlice? { try SliceOption.resolve(slice) }
}

/// Trigger names a sweep can be judged on.
enum DetectionMetricsNames {
    static let triggers = TriggerKind.allCases.filter { $0 != .manual }.map(\.description)
}

/// A sweep's progress on stderr: a redrawn line on a terminal (runs, cells, runs/s, ETA), a line
/// per tenth otherwise, nothing when quiet.
final class SweepProgress: Sendable {
    let style: ProgressDisplay.Style
    let seeds: Int
    private let started = Stopwatch.nanoseconds()
    private let state = Mutex<(lastDraw: UInt64, tenth: Int, drew: Bool)>((0, 0, false))

    init(style: ProgressDisplay.Style, seeds: Int) { self.style = style; self.seeds = seeds }

    var callback: SweepRunner.Progress? {
        guard style != .silent else { return nil }
        return { @Sendable [self] done, total, cellsDone, cells, scans in update(done, total, cellsDone, cells, scans) }
    }

    func update(_ done: Int, _ total: Int, _ cellsDone: Int, _ cells: Int, _ scans: UInt64) {
        let now = Stopwatch.nanoseconds()
        let elapsed = Double(now - started) / 1e9
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let eta = rate > 0 ? ProgressDisplay.wallDuration(Double(total - done) / rate) : "--"
        let text = "sweep: \(cellsDone)/\(cells) cells, \(done)/\(total) runs, \(SweepStats.fixed(rate, places: 1)) runs/s, \(ProgressDisplay.rate(perSecond: elapsed > 0 ? Double(scans) / elapsed : 0)) scans/s, ETA \(eta)"
        state.withLock { s in
            switch style {
            case .silent: return
            case .terminal:
                guard done == total || now - s.lastDraw >= 100_000_000 else { return }
                s.lastDraw = now; s.drew = true
                writeStandardError("\r" + text + "\u{1B}[K")
            case .lines:
                let tenth = done * 10 / max(1, total)
                guard tenth > s.tenth else { return }
                s.tenth = tenth
                writeStandardError(text + "\n")
            }
        }
    }

    func finish() {
        guard style == .terminal else { return }
        state.withLock { s in if s.drew { writeStandardError("\n") } }
    }
}
