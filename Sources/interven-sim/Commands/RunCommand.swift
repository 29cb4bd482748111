import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import IntervenCore
import IntervenLoading
import IntervenSimulation

/// `interven-sim run SCENARIO.yaml`: simulate a scenario and write its results directory.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a scenario and write its results (summary, incidents, agents, trust series).",
        discussion: """
            Writes summary.json, incidents.json, agents.json and trust.csv to --out (default \
            Results/<scenario name>/), all at once: a failed run leaves no directory that looks \
            complete, and an earlier results directory there is replaced. The same scenario and \
            seed give byte-identical files for every --shards (only shards, wall_seconds \
            and scans_per_wall_second in summary.json differ). Progress goes to stderr: a bar on a \
            terminal, a line every 10% otherwise. Exit codes: 2 for a bad scenario, rules file or \
            flag; 3 when the results cannot be written.
            """
    )

    @Argument(help: "The scenario file (YAML).", transform: ArgumentValues.path("a scenario file"))
    var scenario: String

    @Option(parsing: .unconditional, help: "Seed of every random stream, 0 to 18446744073709551615 (replaces the scenario's seed).",
            transform: ArgumentValues.seed)
    var seed: UInt64?

    @Option(parsing: .unconditional, help: "Workers the agents are spread over, 1 to \(RunCommand.maxShards) (default: the active processors). The results do not depend on it.")
    var shards: Int?

    @Option(help: "Rules file (replaces the one the scenario names; default: the scenario's, else the shipped rules).",
            transform: ArgumentValues.path("a rules file"))
    var rules: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override one rules value (after the scenario's own set:), e.g. triggers.repeated_deny.count=6.", valueName: "PATH=VALUE"))
    var overrides: [String] = []

    @Option(help: "Results directory (default: Results/<scenario name>).")
    var out: String?

    @Flag(help: "Print no progress on stderr.")
    var quiet = false

    /// The most workers a run may ask for.
    static let maxShards = 256

    func validate() throws {
        if let shards, !(1...Self.maxShards).contains(shards) {
            throw ValidationError("--shards must be from 1 to \(Self.maxShards) (got \(shards))")
        }
    }

    func run() async throws {
        var loaded: Scenario
        do {
            loaded = try ScenarioFile.load(path: scenario, rulesPath: rules, overrides: overrides)
        } catch {
            throw CLIFailure.invalidInput(error.description)
        }
        if let seed { loaded.seed = seed }
        // `run` does not judge expectations (`check` does), so the shards need not observe for them.
        loaded.expectations = []
        let simulation = Simulation(scenario: loaded, shards: shards ?? Self.defaultShards)
        let display = ProgressDisplay(style: .forStandardError(quiet: quiet))
        let progress = display.callback
        // Off the main actor: every hop from it costs microseconds, and the coordinator awaits a lot.
        let result = await Task.detached { await simulation.run(progress: progress) }.value
        display.finish()

        let directory = out ?? "Results/" + Self.directoryName(for: loaded.name)
        do {
            try ResultsWriter().write(result, to: directory)
        } catch {
            throw CLIFailure.runtime(error.description)
        }
        print(RunSummary.text(result, directory: directory), terminator: "")
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
