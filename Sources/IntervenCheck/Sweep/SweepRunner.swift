import IntervenCore
public import IntervenLoading
public import IntervenScenario
import IntervenSimulation

/// A sweep to run: the scenario (read once), the grid, the seeds and the cells of this slice.
public struct SweepPlan: Sendable {
    public var source: ScenarioSource
    public var grid: SweepGrid
    public var seeds: [UInt64]
    public var slice: SweepSlice?
    /// The cells this process runs.
    public var cells: [Int]

    public init(source: ScenarioSource, grid: SweepGrid, seeds: [UInt64], slice: SweepSlice?) {
        self.source = source; self.grid = grid; self.seeds = seeds; self.slice = slice
        cells = slice?.cells(of: grid.cellCount) ?? Array(0..<grid.cellCount)
    }

    public var runCount: Int { cells.count * seeds.count }

    /// Checks every value of every dimension alone over the scenario, so a bad path or value
    /// is reported (one line, naming the `--vary`) before anything runs.
    public func validate() throws(SweepInputError) {
        for d in grid.dimensions {
            for v in d.values {
                do { _ = try source.load(adding: ["\(d.path)=\(v)"]) }
                catch { throw Self.explain(error, dimension: d, value: v) }
            }
        }
    }

    /// A load error of one `--vary` value as one line naming the flag: an unknown path with
    /// the nearest valid paths, a bad value with the expected form.
    static func explain(_ error: LoadError, dimension d: SweepDimension, value v: String) -> SweepInputError {
        let flag = "--vary \(d.argument)"
        if error.code == .unknownKey || error.code == .invalidOverride, !RulesPaths.contains(d.path) {
            let near = RulesPaths.nearest(d.path)
            return SweepInputError("\(flag): unknown rules path '\(d.path)'; nearest valid paths: \(near.joined(separator: ", "))")
        }
        var message = error.message
        let prefix = d.path + ": "
        if message.hasPrefix(prefix) { message = String(message.dropFirst(prefix.count)) }
        let at = error.file.hasPrefix("--set ") ? "" : " (\(error.description.hasPrefix("error: ") ? String(error.description.dropFirst(7)) : error.description))"
        return SweepInputError("\(flag): value '\(v)': \(at.isEmpty ? message : "the scenario does not load with it" + at)")
    }

    /// The scenario of cell `k` with `seed`.
    public func scenario(cell k: Int) throws(SweepInputError) -> Scenario {
        do {
            var s = try source.load(adding: grid.overrides(of: k))
            s.expectations = []
            return s
        } catch {
            throw SweepInputError("--vary: cell \(k) (\(grid.overrides(of: k).joined(separator: ", "))) is not valid: \(error.description)")
        }
    }
}

/// Runs a sweep's runs, `jobs` at a time, each on one shard.
public enum SweepRunner {
    /// Progress after each run: runs done, runs in all, cells with every seed done, cells in
    /// all, scans so far.
    public typealias Progress = @Sendable (_ done: Int, _ total: Int, _ cellsDone: Int, _ cells: Int, _ scans: UInt64) -> Void

    /// Every run of the plan (in completion order; the tables sort them).
    public static func run(_ plan: SweepPlan, jobs: Int, progress: Progress? = nil) async throws(SweepInputError) -> [SweepRun] {
        let total = plan.runCount
        var out: [SweepRun] = []
        out.reserveCapacity(total)
        var failure: SweepInputError? = nil
        await withTaskGroup(of: SweepRun.self) { group in
            var nextCell = 0, nextSeed = 0
            var current: Scenario? = nil
            var scans: UInt64 = 0
            var remaining: [Int: Int] = [:], cellsDone = 0
            func start() -> Bool {
                guard failure == nil, nextCell < plan.cells.count else { return false }
                let cell = plan.cells[nextCell]
                if current == nil {
                    do { current = try plan.scenario(cell: cell) } catch { failure = error; return false }
                }
                var s = current!
                let seed = plan.seeds[nextSeed]
                s.seed = seed
                nextSeed += 1
                if nextSeed == plan.seeds.count { nextSeed = 0; nextCell += 1; current = nil }
                group.addTask {
                    let r = await Simulation(scenario: s, shards: 1).run()
                    return SweepRun(cell: cell, seed: seed, scans: r.scans, detection: r.detection!.overall, wallSeconds: r.wallSeconds)
                }
                return true
            }
            for _ in 0..<max(1, jobs) where start() {}
            for await run in group {
                out.append(run)
                scans += run.scans
                let left = (remaining[run.cell] ?? plan.seeds.count) - 1
                remaining[run.cell] = left
                if left == 0 { cellsDone += 1; remaining[run.cell] = nil }
                progress?(out.count, total, cellsDone, plan.cells.count, scans)
                _ = start()
            }
        }
        if let failure { throw failure }
        return out
    }
}
