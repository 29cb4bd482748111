import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import IntervenCheck
import IntervenCore
import IntervenLoading
import IntervenScenario
import IntervenReport
import IntervenResults
import IntervenSimulation

/// `interven-sim run SCENARIO.yaml`: simulate a scenario and write its results directory.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a scenario and write its results (summary, incidents, agents, trust series).",
        discussion: """
            Writes summary.json, incidents.json, agents.json, trust.csv, series.json and report.html \
            (a self-contained page to open in a browser) to --out (default \
            Results/<scenario name>/), all at once: a failed run leaves no directory that looks \
            complete, and an earlier results directory there is replaced. The same scenario and \
            seed give byte-identical files for every --shards (only shards, wall_seconds \
            and scans_per_wall_second in summary.json differ). Only a directory marked as results \
            (.interven-results) is replaced, or an empty one filled; anything else is refused. \
            The run is estimated first (scans, memory, output, ETA on stderr) and refused \
            beyond --max-scans or the machine's available memory. Progress goes to stderr: a bar \
            on a terminal, a line every 10% otherwise. Exit codes: 2 for a bad scenario, rules \
            file or flag, a refused --out, or a run too large; 3 when the results cannot be \
            written; 130/143 when interrupted (temporary files are removed). --slice i/N runs \
            only the agents k with k mod N = i (i from 0; default from JOB_COMPLETION_INDEX/\
            JOB_COMPLETION_COUNT or SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT) and writes \
            slice.json and part.bin to --out (default Results/<scenario name>-slice-<i>-of-<N>); \
            `merge` joins the slices into exactly the results of the whole run. A scenario with \
            an analyst cannot be sliced (exit 2).
            """
    )

    @Argument(help: "The scenario file (YAML).", transform: ArgumentValues.path("a scenario file"))
    var scenario: String

    @Option(parsing: .unconditional, help: "Seed of every random stream, 0 to 18446744073709551615 (replaces the scenario's seed).",
            transform: ArgumentValues.seed)
    var seed: UInt64?

    @Option(parsing: .unconditional, help: "Workers the agents are spread over, 1 to \(RunCommand.maxShards) (default: the active processors). The results do not depend on it.")
    var shards: Int?


    @OptionGroup var rulesOptions: RulesOptions
    var rules: String? { rulesOptions.rules }
    var overrides: [String] { rulesOptions.overrides }

    @Option(help: "Results directory (default: Results/<scenario name>).")
    var out: String?

    @Option(name: .customLong("max-scans"), help: ArgumentHelp(RunBudget.maxScansHelp, valueName: "N"))
    var maxScans: UInt64 = RunBudget.defaultMaxScans

    @Option(help: ArgumentHelp("Write the activity log: one record per scan (.csv, .ndjson, .csv.gz or .ndjson.gz by the file name; columns in the README).", valueName: "FILE"))
    var activity: String?

    @Option(name: .customLong("activity-filter"), help: ArgumentHelp("Log only some scans: decision=DENY,REQUIRE_APPROVAL, agent=GLOB, group=NAME, from=DURATION, to=DURATION (repeatable; all must hold).", valueName: "KEY=VALUE"))
    var activityFilters: [String] = []

    @Option(help: ArgumentHelp("Run slice i of N of the agents (agent k, in scenario order, belongs to slice k mod N, i from 0); default from JOB_COMPLETION_INDEX/JOB_COMPLETION_COUNT or SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT. Join slices with `merge`.", valueName: "i/N"))
    var slice: String?

    @Flag(help: "Print no estimate and no progress on stderr.")
    var quiet = false

    /// The most workers a run may ask for.
    static let maxShards = 256

    func validate() throws {
        if let shards, !(1...Self.maxShards).contains(shards) {
            throw ValidationError("--shards must be from 1 to \(Self.maxShards) (got \(shards))")
        }
        if out == "" { throw ValidationError("--out needs a directory name (got an empty string)") }
        if maxScans == 0 { throw ValidationError("--max-scans must be at least 1") }
    }

    func run() async throws {
        let part: SweepSlice?
        do { part = try SliceOption.resolve(slice) } catch { throw CLIFailure.invalidInput(error.description) }
        if let part { return try await runSlice(RunSlice(index: part.index, count: part.count)) }
        var loaded: Scenario
        do {
            loaded = try ScenarioFile.load(path: scenario, rulesPath: rules, overrides: overrides)
        } catch {
            throw CLIFailure.invalidInput(error)
        }
        if let seed { loaded.seed = seed }
        // `run` does not judge expectations (`check` does), so the shards need not observe for them.
        loaded.expectations = []
        let directory = out ?? "Results/" + Self.directoryName(for: loaded.name)
        // Refused before running: nothing is lost and no time is wasted.
        if let why = ResultsWriter.refusal(for: directory) { throw CLIFailure.invalidInput(why) }
        // Sized before it starts: refused beyond --max-scans or the machine's memory.
        let estimate = RunEstimate(loaded)
        let available = MachineMemory.available()
        if let why = RunBudget.refusal(estimate, loaded, maxScans: maxScans, available: available) { throw CLIFailure.invalidInput(why) }
        var simulation = Simulation(scenario: loaded, shards: shards ?? Self.defaultShards)
        simulation.trustRowLimit = RunBudget.trustRowLimit(estimate, available: available)
        if !quiet { writeStandardError(RunBudget.summary(estimate, loaded, shards: simulation.shards) + "\n") }
        if !activityFilters.isEmpty && activity == nil {
            throw CLIFailure.invalidInput("--activity-filter needs --activity FILE")
        }
        var log: ActivityFile? = nil
        if let activity {
            // The results directory is replaced as a whole: a log inside it would go with it.
            let logPath = URL(fileURLWithPath: activity).standardizedFileURL.path
            let out = URL(fileURLWithPath: directory).standardizedFileURL.path
            if logPath.hasPrefix(out + "/") {
                throw CLIFailure.invalidInput("--activity \(activity): inside the results directory \(directory), which is replaced as a whole; write the log beside it (report DIR --activity FILE reads it from anywhere)")
            }
            var options = try ActivityFile.options(path: activity, filters: activityFilters)
            if let group = options.group, !loaded.groups.contains(where: { $0.name == group }) {
                throw CLIFailure.invalidInput("--activity-filter group=\(group): no such group; expected one of \(loaded.groups.map(\.name).joined(separator: ", "))")
            }
            options.startUnixMilliseconds = loaded.startUnixMilliseconds
            simulation.activity = options
            log = try ActivityFile(path: activity, format: options.format, compressed: ActivityFile.compressed(activity))
        }
        let display = ProgressDisplay(style: .forStandardError(quiet: quiet))
        let progress = display.callback
        var sink: ActivitySink? = nil
        if let file = log { sink = { bytes in file.write(bytes) } }
        let activitySink = sink
        // Off the main actor: every hop from it costs microseconds, and the coordinator awaits a lot.
        let sim = simulation
        let result = await Task.detached { await sim.run(progress: progress, activity: activitySink) }.value
        display.finish()
        if let stop = result.stopped { throw CLIFailure.invalidInput(RunBudget.stopped(stop, loaded)) }

        var described = result
        described.rulesFile = rules
        described.rulesDifferences = RulesFile.differences(loaded.rules)
        // The log first, so the report's incident timelines can show the linked scans.
        try log?.commit()
        do {
            // The results files are streamed; the report is drawn after them from the small
            // files as written and the agents the page lists, never from a whole agents.json.
            try ResultsWriter().write(described, to: directory, adding: [ReportPage.fileName]) { _, small in
                Self.report(for: described, small: small, activity: activity)
            }
        } catch {
            throw CLIFailure.output(error)
        }
        try output(RunSummary.text(result, directory: directory), terminator: "")
    }

    /// The report of a run: drawn from `small` (summary.json, incidents.json and series.json as
    /// written) and the agents series.json lists. With an activity log, the incident timelines
    /// show each linked scan (logs over `ReportInput.activityLimit` bytes are left out of the page).
    static func report(for result: RunResult, small: [String: [UInt8]], activity: String? = nil) -> [UInt8] {
        do {
            var log: (text: [UInt8], format: String)? = nil
            if let activity, ActivityFile.compressed(activity) {
                log = try? ActivityFile.readForReport(activity)
            } else if let activity, let size = (try? FileManager.default.attributesOfItem(atPath: activity))?[.size] as? Int,
               size <= ReportInput.activityLimit, let data = FileManager.default.contents(atPath: activity) {
                log = (Array(data), activity.hasSuffix(".csv") ? "csv" : "ndjson")
            }
            let input = try ReportInput(result: result, files: small, activity: log)
            return ReportPage(input: input).html()
        } catch {
            // The files were just rendered by this program: a failure here is a bug, not bad input.
            preconditionFailure("report of a fresh run: \(error)")
        }
    }

    /// One worker per active processor, within the allowed range.
    static var defaultShards: Int { min(maxShards, max(1, ProcessInfo.processInfo.activeProcessorCount)) }

    /// The scenario name as one path component: `/` and NUL become `_`; an empty, `.` or `..`
    /// name becomes `scenario`.
    static func directoryName(for name: String) -> String {
        let cleaned = String(name.map { $0 == "/" || $0 == "\0" ? "_" : $0 })
        return cleaned.isEmpty || cleaned == "." || cleaned == ".." ? "scenario" : cleaned
    }
}
