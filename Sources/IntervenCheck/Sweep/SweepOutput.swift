import Foundation
import IntervenCore
public import IntervenResults

/// Everything a sweep (or a merge of its slices) writes and prints.
public struct SweepOutput: Sendable {
    /// What identifies the sweep and how it was asked for: the same in every slice.
    public struct Header: Sendable, Equatable {
        public var version: String
        public var command: [String]
        public var scenario: String
        public var scenarioFile: String
        public var grid: SweepGrid
        public var seeds: [UInt64]
        public var criteria: SweepCriteria
        /// A hash of the scenario text, the rules options, the grid, the seeds and the criteria.
        public var sweepID: String

        public init(version: String, command: [String], scenario: String, scenarioFile: String, grid: SweepGrid,
                    seeds: [UInt64], criteria: SweepCriteria, identity: [String]) {
            self.version = version; self.command = command; self.scenario = scenario; self.scenarioFile = scenarioFile
            self.grid = grid; self.seeds = seeds; self.criteria = criteria
            var f = Fingerprint()
            for s in identity { f.combine(s) }
            f.combine(version)
            for d in grid.dimensions { f.combine(d.path); for v in d.values { f.combine(v) }; f.combine(UInt64(d.values.count)) }
            for s in seeds { f.combine(s) }
            f.combine(criteria.objective.rawValue); f.combine(criteria.trigger); f.combine(criteria.constraintsText)
            sweepID = f.description
        }

        /// A header read back from a slice's sweep.json.
        public init(version: String, command: [String], scenario: String, scenarioFile: String, grid: SweepGrid,
                    seeds: [UInt64], criteria: SweepCriteria, sweepID: String) {
            self.version = version; self.command = command; self.scenario = scenario; self.scenarioFile = scenarioFile
            self.grid = grid; self.seeds = seeds; self.criteria = criteria; self.sweepID = sweepID
        }
    }

    public var header: Header
    public var slice: SweepSlice?
    public var runs: CSVTable
    public var cells: [SweepTables.CellSummary]
    public var analysis: SweepAnalysis
    /// Wall seconds of each part (one, or one per merged slice), runs, scans.
    public var wallSeconds: [Double]
    public var runCount: Int
    public var scans: UInt64
    public var jobs: Int

    /// From the runs of a sweep (or a slice).
    public init(header: Header, slice: SweepSlice?, runs: [SweepRun], wallSeconds: Double, jobs: Int) {
        let table = SweepTables.runs(runs, grid: header.grid)
        self.init(header: header, slice: slice, table: table, wallSeconds: [wallSeconds], runCount: runs.count,
                  scans: runs.reduce(0) { $0 + $1.scans }, jobs: jobs)
    }

    /// From a runs table (e.g. joined from slices). The cells come from the table's text.
    public init(header: Header, slice: SweepSlice?, table: CSVTable, wallSeconds: [Double], runCount: Int, scans: UInt64, jobs: Int) {
        self.header = header; self.slice = slice; self.wallSeconds = wallSeconds; self.runCount = runCount
        self.scans = scans; self.jobs = jobs
        // Round-trip through the text, so cells never depend on how the rows were produced.
        runs = CSVTable.parse(table.text) ?? table
        cells = SweepTables.cells(runs, dimensions: header.grid.dimensions.count)
        analysis = SweepAnalysis(cells: cells, criteria: header.criteria)
    }

    public var totalWall: Double { wallSeconds.reduce(0, +) }

    /// `triggers.repeated_deny.count=4, trust.deny=-0.05`.
    public func setting(_ c: SweepTables.CellSummary) -> String {
        zip(header.grid.dimensions, c.values).map { "\($0.path)=\($1)" }.joined(separator: ", ")
    }

    public var answer: String { analysis.answer(setting: setting) }

    // MARK: Files

    public static let fileNames = ["runs.csv", "cells.csv", "sweep.json"]

    public func files() -> [ResultsWriter.File] {
        [ResultsWriter.File(name: "runs.csv", bytes: Array(runs.text.utf8)),
         ResultsWriter.File(name: "cells.csv", bytes: Array(SweepTables.cellsTable(cells, grid: header.grid).text.utf8)),
         ResultsWriter.File(name: "sweep.json", bytes: json())]
    }

    /// Writes the three files and `extra` (the page, `sweep.html`) as one directory (replacing
    /// an earlier sweep's).
    public func write(to directory: String, adding extra: [ResultsWriter.File] = []) throws(ResultsWriteError) {
        try FileSetDirectory.write(files() + extra, to: directory, kind: .sweep)
    }

    func json() -> [UInt8] {
        var w = JSONWriter()
        let h = header
        w.beginObject()
        w.field("tool", "interven-sim")
        w.field("version", h.version)
        w.key("command"); w.beginArray(); for a in h.command { w.string(a) }; w.endArray()
        w.field("sweep_id", h.sweepID)
        w.field("scenario", h.scenario)
        w.field("scenario_file", h.scenarioFile)
        w.key("seeds"); w.beginArray(); for s in h.seeds { w.int(s) }; w.endArray()
        if let slice { w.object("slice") { w in w.field("index", slice.index); w.field("count", slice.count) } } else { w.key("slice"); w.null() }
        w.array("grid", of: h.grid.dimensions) { w, d in
            w.field("path", d.path); w.field("vary", d.argument)
            w.key("values"); w.beginArray(); for v in d.values { w.string(v) }; w.endArray()
        }
        w.field("cells_in_grid", h.grid.cellCount)
        w.object("criteria") { w in
            w.field("objective", h.criteria.objective.rawValue)
            w.field("trigger", h.criteria.trigger)
            w.key("min_detection"); if let x = h.criteria.minDetection { w.number(SweepStats.fixed(x, places: 6)) } else { w.null() }
            w.key("max_fp_ratio"); if let x = h.criteria.maxFPRatio { w.number(SweepStats.fixed(x, places: 6)) } else { w.null() }
            w.key("max_ttd_p95_ms"); if let x = h.criteria.maxTTDp95 { w.int(x.milliseconds) } else { w.null() }
        }
        w.key("recommended_cell"); if let r = analysis.recommended { w.int(r.cell) } else { w.null() }
        w.key("pareto_cells"); w.beginArray(); for c in analysis.pareto.sorted() { w.int(c) }; w.endArray()
        w.field("answer", answer)
        let byCell = Dictionary(analysis.ranked.map { ($0.cell, $0) }, uniquingKeysWith: { a, _ in a })
        let cellNumbers = Array(Set(cells.map(\.cell))).sorted()
        w.array("cells", of: cellNumbers) { w, k in
            w.field("cell", k)
            w.key("set"); w.beginArray(); for s in h.grid.overrides(of: k) { w.string(s) }; w.endArray()
            w.field("meets_constraints", analysis.meeting.contains(k))
            w.field("pareto", analysis.pareto.contains(k))
            if let c = byCell[k] {
                w.field("trigger", c.trigger)
                w.field("seeds", c.seeds)
                for m in SweepMetric.allCases {
                    w.object(m.column) { w in
                        w.key("mean"); if let x = c.mean(m) { w.number(SweepStats.fixed(x, places: 6)) } else { w.null() }
                        w.key("ci95"); if let x = c.halfWidth(m) { w.number(SweepStats.fixed(x, places: 6)) } else { w.null() }
                    }
                }
            }
        }
        w.field("runs", runCount)
        w.field("scans", scans)
        w.field("jobs", jobs)
        w.key("wall_seconds"); w.number(SweepStats.fixed(totalWall, places: 3))
        w.key("part_wall_seconds"); w.beginArray(); for s in wallSeconds { w.number(SweepStats.fixed(s, places: 3)) }; w.endArray()
        w.key("runs_per_wall_second"); w.number(SweepStats.fixed(totalWall > 0 ? Double(runCount) / totalWall : 0, places: 3))
        w.key("scans_per_wall_second"); w.number(SweepStats.fixed(totalWall > 0 ? Double(scans) / totalWall : 0, places: 0))
        w.endObject()
        return w.document
    }

    // MARK: Table

    /// The cells of the objective's trigger, best first (at most `limit`, plus the recommended
    /// one when it is further down), and the answer.
    public func table(limit: Int = 20) -> String {
        let dims = header.grid.dimensions
        var head = ["rank", "cell"] + dims.map { Self.shortName($0.path) } + ["detection", "fp ratio", "fp/1000 agent-days", "ttd p95", "meets", "pareto"]
        var rows: [[String]] = []
        for (k, c) in analysis.ranked.enumerated() where k < limit || c.cell == analysis.recommended?.cell {
            rows.append(["\(k + 1)", "\(c.cell)"] + c.values + [
                SweepAnalysis.estimate(c, .detectionRate), SweepAnalysis.estimate(c, .falsePositiveRatio),
                SweepAnalysis.estimate(c, .falsePositivesPerDay, places: 1), SweepAnalysis.estimate(c, .timeToDetectP95),
                analysis.meeting.contains(c.cell) ? "yes" : "no", analysis.pareto.contains(c.cell) ? "*" : ""])
        }
        head[0] = "#"
        var widths = head.map(\.count)
        for r in rows { for (i, f) in r.enumerated() { widths[i] = max(widths[i], f.count) } }
        func line(_ r: [String]) -> String {
            r.enumerated().map { i, f in f + String(repeating: " ", count: widths[i] - f.count) }.joined(separator: "  ")
                .replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        var out = "sweep \(header.scenario): \(analysis.ranked.count) cells x \(header.seeds.count) seeds on \(header.criteria.trigger == "any" ? "any trigger" : header.criteria.trigger), sorted by \(analysis.criteria.objective.phrase)\n"
        out += line(head) + "\n"
        for r in rows { out += line(r) + "\n" }
        if analysis.ranked.count > rows.count { out += "... \(analysis.ranked.count - rows.count) more cells in cells.csv\n" }
        let front = analysis.ranked.filter { analysis.pareto.contains($0.cell) }.sorted { ($0.mean(.detectionRate) ?? 0) < ($1.mean(.detectionRate) ?? 0) }
        out += "Pareto front (detection rate vs false-positive ratio): " + front.map {
            "cell \($0.cell) (\(SweepAnalysis.estimate($0, .detectionRate)) / \(SweepAnalysis.estimate($0, .falsePositiveRatio)))"
        }.joined(separator: ", ") + "\n"
        out += answer + "\n"
        return out
    }

    /// The last one or two components of a path (`repeated_deny.count`).
    static func shortName(_ path: String) -> String {
        let parts = path.split(separator: ".")
        return parts.suffix(2).joined(separator: ".")
    }
}
