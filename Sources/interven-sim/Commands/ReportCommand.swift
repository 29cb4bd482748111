import ArgumentParser
import IntervenReport
import IntervenResults

/// `interven-sim report DIR`: rebuild `report.html` from a results directory.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Rebuild report.html from a results directory.",
        discussion: """
            Reads summary.json, incidents.json, agents.json and series.json of a results directory \
            written by 'interven-sim run' (and activity.csv or activity.ndjson there, or --activity, \
            for the scans of incident timelines) and writes DIR/report.html (or --out): one \
            self-contained page with inline styles, script and SVG charts that opens from disk. \
            Exit codes: 2 when the directory is not a readable results directory; 3 when the page \
            cannot be written.
            """
    )

    @Argument(help: "A results directory written by 'interven-sim run'.")
    var directory: String

    @Option(help: "An activity log (.csv, .ndjson, .csv.gz or .ndjson.gz) of the run, for the scans of incident timelines.")
    var activity: String?

    @Option(help: "Where to write the page (default: DIR/report.html).")
    var out: String?

    func run() throws {
        let input: ReportInput
        do {
            if let activity, ActivityFile.compressed(activity) {
                input = try ReportInput(files: ReportInput.files(in: directory), activity: try ActivityFile.readForReport(activity))
            } else {
                input = try ReportInput(directory: directory, activity: activity)
            }
        } catch {
            throw CLIFailure.invalidInput(error.description)
        }
        let path = out ?? directory + "/" + ReportPage.fileName
        do {
            try AtomicFile.write(ReportPage(input: input).html(), to: path)
        } catch {
            throw CLIFailure.runtime(error.description)
        }
        print("report: \(path)")
    }
}
