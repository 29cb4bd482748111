import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import IntervenCore
import IntervenLoading
import IntervenScenario
import IntervenResults
import IntervenSimulation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `interven-sim bench`: the whole simulation at scale, against the single-threaded reference loop.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmark the whole simulation on a synthetic tenant, against a single-threaded reference loop.",
        discussion: """
            Builds a tenant of --agents agents (about 95% benign, 4% misbehaving, 1% turning \
            compromised; every automatic trigger and anomaly pattern fires), each scanning at \
            --rate for --hours of virtual time, and runs it first as the reference (the same \
            windows on one thread, no actors), then in the actor engine on each --shards count. \
            Each run is a separate process of this binary, so its peak memory is its own. Reports \
            per run: wall time, scans per second, virtual-to-wall ratio, the ratio to the reference, \
            time per stage, allocations per scan (whole run; the engine also in steady state) and \
            max RSS; the fingerprint (equal in every run, else MISMATCH and exit 1); sampled \
            latencies of Gateway.process as HdrHistogram percentiles; and the performance targets, met \
            or not. --scenario benchmarks a scenario file instead. --activity FILE also runs each \
            engine configuration with the activity log of every scan written to FILE (.csv, .ndjson, \
            .csv.gz or .ndjson.gz; the last run's log is left there) and reports records per second \
            and the cost against the same run without the log. Build with -c release.
            """
    )

    @Option(parsing: .unconditional, help: "Agents in the synthetic tenant (1 to 20,000,000; default 100000).")
    var agents: Int?

    @Option(parsing: .unconditional, help: "Virtual duration: hours (24, 0.5) or a duration (24h, 90m, 1h30m); default 24.")
    var hours: String?

    @Option(parsing: .unconditional, help: "Scans per agent, like 1/min, 30/h, 2/s (default 1/min).")
    var rate: String?

    @Option(parsing: .unconditionalSingleValue, help: ArgumentHelp(
        "Shard counts of the engine runs, e.g. 2 or 1,2 (repeatable; default: 1 and the active processors).", valueName: "K,..."))
    var shards: [String] = []

    @Option(parsing: .unconditional, help: "Seed of every random stream, 0 to 18446744073709551615.", transform: ArgumentValues.seed)
    var seed: UInt64?


    @OptionGroup var rulesOptions: RulesOptions
    var rules: String? { rulesOptions.rules }
    var overrides: [String] { rulesOptions.overrides }

    @Option(name: .customLong("trust-sample"), help: "One trust sample per agent per interval (default 6h).")
    var trustSample: String?

    @Option(name: .customLong("latency-sample"), help: "Time one scan in N through Gateway.process (0: none; default 64).")
    var latencySample = 64

    @Flag(name: .customLong("no-reference"), help: "Skip the reference run.")
    var noReference = false

    @Option(help: "Benchmark this scenario file instead of the synthetic tenant (no --agents, --hours, --rate or --trust-sample).",
            transform: ArgumentValues.path("a scenario file"))
    var scenario: String?

    @Option(help: "Also write the figures to this JSON file (atomically; a link is followed, a device or FIFO written through).")
    var json: String?

    @Option(help: ArgumentHelp("Also run each engine configuration writing the activity log of every scan to FILE (.csv, .ndjson, .csv.gz, .ndjson.gz).",
                               valueName: "FILE"))
    var activity: String?

    @Option(name: .customLong("max-scans"), help: ArgumentHelp(RunBudget.maxScansHelp, valueName: "N"))
    var maxScans: UInt64 = RunBudget.defaultMaxScans

    /// Set in the child processes: run this one configuration and print its figures as JSON.
    @Option(name: .customLong("child-run"), help: .hidden)
    var childRun: String?

    static let maxAgents = 20_000_000
    static let defaultAgents = 100_000
    static let defaultRate = "1/min"
    static let defaultTrustSample = SimDuration.hours(6)
    /// The most trust samples a run may keep (as for scenario files).
    static let maxTrustRows: Int64 = 50_000_000

    func validate() throws {
        if scenario != nil {
            for (given, flag) in [(agents != nil, "--agents"), (hours != nil, "--hours"), (rate != nil, "--rate"),
                                  (trustSample != nil, "--trust-sample")] where given {
                throw ValidationError("\(flag) cannot be used with --scenario (the scenario file sets it)")
            }
        }
        let n = agents ?? Self.defaultAgents
        guard (1...Self.maxAgents).contains(n) else {
            throw ValidationError("--agents must be from 1 to \(Self.maxAgents) (got \(n))")
        }
        let duration = try Self.duration(hours)
        let r = try Self.rate(rate)
        _ = try shardCounts()
        guard (0...1_000_000).contains(latencySample) else {
            throw ValidationError("--latency-sample must be from 0 (none) to 1000000 (got \(latencySample))")
        }
        let sample = try Self.trustSampleInterval(trustSample)
        let rows = Int64(n) * (duration.milliseconds / sample.milliseconds + 1)
        guard scenario != nil || rows <= Self.maxTrustRows else {
            throw ValidationError("--trust-sample \(sample) would keep \(rows) trust samples (at most \(Self.maxTrustRows)); sample less often")
        }
        if maxScans == 0 { throw ValidationError("--max-scans must be at least 1") }
        if let json {
            if let why = AtomicFile.refusal(json, flag: "--json") { throw ValidationError(why) }
        }
        if let childRun, BenchConfiguration(argument: childRun) == nil {
            throw ValidationError("--child-run expects reference, engine:K or engine:K:activity (got '\(childRun)')")
        }
        if let activity {
            do { _ = try ActivityFile.options(path: activity, filters: []) } catch { throw ValidationError(error.message) }
        }
        _ = r
    }

    /// `--hours`: a number of hours or a duration, positive and at most 366 days.
    static func duration(_ text: String?) throws -> SimDuration {
        guard let text else { return .hours(24) }
        let ms: Int64?
        if let h = Double(text), h.isFinite {
            ms = h * 3_600_000 >= 1 && h <= 366 * 24 ? Int64((h * 3_600_000).rounded()) : (h > 0 ? Int64.max : 0)
        } else {
            ms = SimDuration.parse(text)?.milliseconds
        }
        guard let ms else {
            throw ValidationError("--hours expects hours (24, 0.5) or a duration (24h, 90m, 1h30m); found '\(text)'")
        }
        guard ms > 0 else { throw ValidationError("--hours must be positive (got '\(text)')") }
        guard ms <= SimDuration.hours(366 * 24).milliseconds else {
            throw ValidationError("--hours must be at most 366 days (got '\(text)')")
        }
        return SimDuration(milliseconds: ms)
    }

    /// `--rate`: scans per agent, positive and at most 1000/s (as in scenario files).
    static func rate(_ text: String?) throws -> Rate {
        let text = text ?? defaultRate
        guard let r = Rate(text) else {
            throw ValidationError("--rate expects a rate like 1/min, 30/h or 2/s; found '\(text)'")
        }
        guard r.perMillisecond > 0 else { throw ValidationError("--rate must be positive (got '\(text)')") }
        guard r.perMillisecond <= 1, r.perMillisecond >= 1 / 31_622_400_000 else {
            throw ValidationError("--rate must be from 1 per 366 days to 1000/s (got '\(text)')")
        }
        return r
    }

    /// `--trust-sample`: a positive duration.
    static func trustSampleInterval(_ text: String?) throws -> SimDuration {
        guard let text else { return defaultTrustSample }
        guard let d = SimDuration.parse(text), d.milliseconds > 0 else {
            throw ValidationError("--trust-sample expects a positive duration like 1h or 6h; found '\(text)'")
        }
        return d
    }

    /// The engine runs' shard counts, in the order given, without repeats.
    func shardCounts() throws -> [Int] {
        var counts: [Int] = []
        for item in shards.flatMap({ $0.split(separator: ",", omittingEmptySubsequences: false) }) {
            let text = String(item.filter { $0 != " " })
            guard let k = Int(text), (1...RunCommand.maxShards).contains(k) else {
                throw ValidationError("--shards expects shard counts from 1 to \(RunCommand.maxShards), like 2 or 1,2; found '\(text)'")
            }
            if !counts.contains(k) { counts.append(k) }
        }
        if shards.isEmpty {
            counts = [1]
            if RunCommand.defaultShards > 1 { counts.append(RunCommand.defaultShards) }
        }
        return counts
    }

    /// The scenario to run: the synthetic tenant, or the scenario file.
    func loadScenario() throws -> (scenario: Scenario, tenant: BenchTenant?) {
        if let path = scenario {
            var loaded: Scenario
            do {
                loaded = try ScenarioFile.load(path: path, rulesPath: rules, overrides: overrides)
            } catch {
                throw CLIFailure.invalidInput(error)
            }
            if let seed { loaded.seed = seed }
            loaded.expectations = []
            return (loaded, nil)
        }
        let loadedRules: Rules
        do { loadedRules = try RulesFile.load(path: rules, overrides: overrides) } catch {
            throw CLIFailure.invalidInput(error)
        }
        let tenant = BenchTenant(agents: agents ?? Self.defaultAgents, duration: try Self.duration(hours),
                                 rate: try Self.rate(rate), seed: seed ?? 1,
                                 trustSample: try Self.trustSampleInterval(trustSample))
        return (tenant.scenario(rules: loadedRules), tenant)
    }

    func run() async throws {
        let (scenario, tenant) = try loadScenario()
        if let why = RunBudget.refusal(RunEstimate(scenario), scenario, maxScans: maxScans, available: MachineMemory.available()) {
            throw CLIFailure.invalidInput(why)
        }
        if let childRun, let configuration = BenchConfiguration(argument: childRun) {
            let figures = try await BenchRunner.measure(scenario, configuration, latencySampling: latencySample, activity: activity)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            try output(String(decoding: try encoder.encode(figures), as: UTF8.self))
            return
        }

        let report = BenchReport(command: Self.commandLine(), scenario: scenario, tenant: tenant, machine: .current(),
                                 latencySampling: latencySample, timerOverhead: LatencySummary.timerOverhead())
        try output(report.header, terminator: "")
        var configurations: [BenchConfiguration] = noReference ? [] : [.reference]
        for k in try shardCounts() {
            configurations.append(.engine(shards: k))
            if activity != nil { configurations.append(.logging(shards: k)) }
        }
        var runs: [RunFigures] = []
        for configuration in configurations {
            let figures = try Self.measureInChild(configuration)
            runs.append(figures)
            try output(report.row(figures, reference: runs.first { $0.configuration == "reference" }))
        }
        let done = report.finished(runs)
        // The figures file is written even when standard output fails; then the first failure counts.
        var failure: CLIFailure?
        do { try output(done.text, terminator: "") } catch { failure = error }
        if let json {
            do { try AtomicFile.write(done.json, to: json, flag: "--json") } catch {
                throw CLIFailure.output(error)
            }
        }
        if let failure { throw failure }
        if !done.fingerprintsAgree { exitProcess(ExitStatus.checkFailed) }
    }

    /// Runs one configuration in a child process of this binary (same arguments plus
    /// `--child-run`) and reads back its figures, with its peak memory from `wait4`.
    static func measureInChild(_ configuration: BenchConfiguration) throws -> RunFigures {
        if isatty(2) != 0 { writeStandardError("bench: running \(configuration.argument)...\n") }
        let arguments = Array(CommandLine.arguments.dropFirst()) + ["--child-run", configuration.argument]
        let outcome = try ChildProcess.runSelf(arguments)
        guard outcome.exitCode == 0 else {
            let how = outcome.signal.map { "was killed by signal \($0)" } ?? "exited with code \(outcome.exitCode ?? -1)"
            throw CLIFailure.runtime("the \(configuration.argument) run \(how)")
        }
        guard var figures = try? JSONDecoder().decode(RunFigures.self, from: Data(outcome.output)) else {
            throw CLIFailure.runtime("the \(configuration.argument) run printed no figures")
        }
        figures.maxResidentBytes = outcome.maxResidentBytes
        return figures
    }

    /// The command as typed (program name shortened), for the report.
    static func commandLine() -> String {
        (["interven-sim"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
    }
}
