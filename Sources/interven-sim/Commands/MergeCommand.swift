import ArgumentParser
import IntervenCheck
import IntervenReport

/// `interven-sim merge DIRS... --out DIR`: joins the slices of a sweep.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the slices of a sweep (sweep --slice i/N) into the whole sweep's output.",
        discussion: """
            Reads each slice directory's sweep.json and runs.csv and writes runs.csv, cells.csv, \
            sweep.json and sweep.html of the whole sweep to --out: runs.csv and cells.csv are byte for byte \
            those of the sweep run in one piece. Refuses slices of different sweeps, a slice \
            given twice and a missing slice (exit 2); exit 3 when the output cannot be written.
            """
    )

    @Argument(help: "The slices' output directories.")
    var directories: [String] = []

    @Option(help: "Output directory of the merged sweep.")
    var out: String

    func run() throws {
        let output: SweepOutput
        do { output = try SweepMerge.merge(directories) } catch { throw CLIFailure.invalidInput(error.description) }
        do { try output.write(to: out, adding: [.init(name: SweepPage.fileName, bytes: SweepPage.html(output))]) }
        catch { throw CLIFailure.runtime(error.description) }
        print(output.table(), terminator: "")
        print("merged \(directories.count) slices, \(output.runCount) runs; results: \(out)")
    }
}
