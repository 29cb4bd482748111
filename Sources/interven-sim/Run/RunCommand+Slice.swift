import IntervenCore
import IntervenLoading
import IntervenResults
import IntervenScenario
import IntervenSimulation

extension RunCommand {
    /// `run --slice i/N`: simulates the slice's agents and writes `slice.json` (which run, which
    /// slice) and `part.bin` (the slice's part of the result) for `merge`.
    func runSlice(_ slice: RunSlice) async throws {
        if activity != nil || !activityFilters.isEmpty {
            throw CLIFailure.invalidInput("--activity is not available with --slice: a slice holds only some agents' scans; run the scenario whole for the activity log")
        }
        let source: ScenarioSource
        do { source = try ScenarioSource(path: scenario, rulesPath: rules, overrides: overrides) } catch { throw CLIFailure.invalidInput(error) }
        var loaded = source.base
        if let seed { loaded.seed = seed }
        loaded.expectations = []
        if let why = RunSlice.refusal(loaded, slices: slice.count) { throw CLIFailure.invalidInput("--slice \(slice): \(why)") }
        let directory = out ?? "Results/" + Self.directoryName(for: loaded.name) + "-slice-\(slice.index)-of-\(slice.count)"
        if let why = FileSetDirectory.refusal(directory, kind: .runSlice) { throw CLIFailure.invalidInput(why) }
        let total = loaded.groups.reduce(0) { $0 + max(1, $1.count) }
        let share = Double(slice.agents(of: total)) / Double(max(1, total))
        var estimate = RunEstimate(loaded)
        estimate.agents = slice.agents(of: total)
        estimate.scans *= share
        estimate.sampledTrustRows = estimate.sampledTrustRows.map { $0 * share }
        estimate.memoryBytes = RunEstimate.memoryBase + (estimate.memoryBytes - RunEstimate.memoryBase) * share
        estimate.outputBytes *= share
        let available = MachineMemory.available()
        if let why = RunBudget.refusal(estimate, loaded, maxScans: maxScans, available: available) { throw CLIFailure.invalidInput(why) }
        var simulation = Simulation(scenario: loaded, shards: shards ?? Self.defaultShards, slice: slice)
        simulation.trustRowLimit = RunBudget.trustRowLimit(estimate, available: available)
        if !quiet { writeStandardError("slice \(slice): " + RunBudget.summary(estimate, loaded, shards: simulation.shards) + "\n") }
        let display = ProgressDisplay(style: .forStandardError(quiet: quiet))
        let progress = display.callback
        let sim = simulation
        let part = await Task.detached { await sim.runSlice(progress: progress) }.value
        display.finish()
        if let stop = part.stopped { throw CLIFailure.invalidInput(RunBudget.stopped(stop, loaded)) }
        let identity = RunSliceIdentity(source: source, scenario: loaded, rulesFile: rules, slice: slice)
        let files = [ResultsWriter.File(name: RunSliceIdentity.fileName, bytes: identity.json(part, agentsTotal: total)),
                     ResultsWriter.File(name: RunSliceIdentity.partName, bytes: part.bytes())]
        do { try FileSetDirectory.write(files, to: directory, kind: .runSlice) } catch { throw CLIFailure.output(error) }
        try output("""
            interven-sim run: \(loaded.name) slice \(slice) (seed \(loaded.seed), \(part.shards) shard\(part.shards == 1 ? "" : "s"), \
            \(part.agents) of \(total) agents)
            scans:       \(part.scans)
            wall time:   \(fmt(part.wallSeconds, 3)) s
            run id:      \(identity.runID)
            results:     \(directory) (join the slices with `interven-sim merge`)

            """, terminator: "")
    }
}
