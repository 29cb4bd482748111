import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import IntervenCheck
import IntervenReport
import IntervenResults
import IntervenScenario
import IntervenSimulation

/// `interven-sim merge DIRS... --out DIR`: joins the slices of a sweep, or of a run.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the slices of a sweep (sweep --slice i/N) or of a run (run --slice i/N) into the whole output.",
        discussion: """
            Sweep slices: reads each slice directory's sweep.json and runs.csv and writes \
            runs.csv, cells.csv, sweep.json and sweep.html of the whole sweep to --out: runs.csv and \
            cells.csv are byte for byte those of the sweep run in one piece. Run slices: reads \
            each slice's slice.json and part.bin, loads the run's scenario again from the file \
            the slices ran (it and its rules must be unchanged), and writes the results \
            directory of the whole run to --out: every file byte for byte what `run` writes \
            unsliced (only shards, wall_seconds and scans_per_wall_second in summary.json, and \
            the report's wall time, speed and shard count, say how the slices ran). Refuses \
            slices of different sweeps or runs, sweep and run slices together, a slice given \
            twice and a missing slice (exit 2); exit 3 when the output cannot be written.
            """
    )

    @Argument(help: "The slices' output directories.")
    var directories: [String] = []

    @Option(help: "Output directory of the merged sweep or run.")
    var out: String

    func run() throws {
        guard !directories.isEmpty else {
            throw CLIFailure.invalidInput("merge: expected the directories of a sweep's or a run's slices; found none")
        }
        let runSlices = directories.filter { Self.isRunSlice($0) }
        if runSlices.isEmpty { return try mergeSweep() }
        if let other = directories.first(where: { !Self.isRunSlice($0) }) {
            let what = Self.isSweepSlice(other) ? "a sweep's slice" : "not the slice of a run"
            throw CLIFailure.invalidInput("merge: \(other) is \(what), but \(runSlices[0]) is a run's slice; merge the slices of one run, or of one sweep")
        }
        try mergeRun()
    }

    static func isRunSlice(_ d: String) -> Bool { FileManager.default.fileExists(atPath: d + "/" + RunSliceIdentity.fileName) }
    static func isSweepSlice(_ d: String) -> Bool { FileManager.default.fileExists(atPath: d + "/sweep.json") }

    func mergeSweep() throws {
        let output: SweepOutput
        do { output = try SweepMerge.merge(directories) } catch { throw CLIFailure.invalidInput(error.description) }
        do { try output.write(to: out, adding: [.init(name: SweepPage.fileName, bytes: SweepPage.html(output))]) }
        catch { throw CLIFailure.runtime(error.description) }
        print(output.table(), terminator: "")
        print("merged \(directories.count) slices, \(output.runCount) runs; results: \(out)")
    }

    func mergeRun() throws {
        if let why = ResultsWriter.refusal(for: out) { throw CLIFailure.invalidInput(why) }
        let merged: (scenario: Scenario, result: RunResult, identity: RunSliceIdentity)
        do { merged = try RunSliceMerge.merge(directories) } catch { throw CLIFailure.invalidInput(error.description) }
        let result = merged.result, identity = merged.identity
        do {
            try ResultsWriter().write(result, to: out, adding: [ReportPage.fileName]) { _, small in
                RunCommand.report(for: result, small: small)
            }
        } catch {
            throw CLIFailure.output(error)
        }
        try output(RunSummary.text(result, directory: out)
            + "merged \(directories.count) slices of run \(identity.runID)\n", terminator: "")
    }
}
