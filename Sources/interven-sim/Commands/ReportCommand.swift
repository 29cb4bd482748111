import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import IntervenReport
import IntervenResults

/// `interven-sim report DIR`: rebuild `report.html` from a results directory, or `sweep.html`
/// from a sweep's output directory.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Rebuild report.html from a results directory, or sweep.html from a sweep's directory.",
        discussion: """
            Reads summary.json, incidents.json, agents.json and series.json of a results directory \
            written by 'interven-sim run' (and activity.csv or activity.ndjson there, or --activity, \
            for the scans of incident timelines) and writes DIR/report.html (or --out): one \
            self-contained page with inline styles, script and SVG charts that opens from disk. \
            Given the output directory of 'interven-sim sweep' or 'merge' (a directory with \
            sweep.json and no summary.json), writes DIR/sweep.html (or --out) from sweep.json. \
            Exit codes: 2 when the directory is neither a readable results directory nor a \
            sweep's; 3 when the page cannot be written.
            """
    )

    @Argument(help: "A results directory written by 'interven-sim run', or a sweep's output directory.")
    var directory: String

    @Option(help: "An activity log (.csv, .ndjson, .csv.gz or .ndjson.gz) of the run, for the scans of incident timelines.")
    var activity: String?

    @Option(help: "Where to write the page (default: DIR/report.html, or DIR/sweep.html for a sweep).")
    var out: String?

    func run() throws {
        let sweepJSON = directory + "/sweep.json"
        if !FileManager.default.fileExists(atPath: directory + "/summary.json"), FileManager.default.fileExists(atPath: sweepJSON) {
            return try sweepPage(sweepJSON)
        }
        let input: ReportInput
        do {
            if let activity, ActivityFile.compressed(activity) {
                input = try ReportInput(directory: directory, activityLog: try ActivityFile.readForReport(activity))
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

    /// `sweep.html` from a sweep's `sweep.json`.
    func sweepPage(_ json: String) throws {
        if activity != nil { throw CLIFailure.invalidInput("--activity: \(directory) is a sweep's directory; an activity log belongs to a run's results") }
        guard let data = FileManager.default.contents(atPath: json) else { throw CLIFailure.invalidInput("\(json): cannot be read") }
        let page: [UInt8]
        do { page = try SweepPage.html(sweepJSON: Array(data)) } catch { throw CLIFailure.invalidInput("\(json): \(error.description.hasPrefix("sweep.json: ") ? String(error.description.dropFirst(12)) : error.description)") }
        let path = out ?? directory + "/" + SweepPage.fileName
        do { try AtomicFile.write(page, to: path) } catch { throw CLIFailure.runtime(error.description) }
        print("report: \(path)")
    }
}
