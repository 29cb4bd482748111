import Foundation
import IntervenCore

/// Joins the slices of one sweep (`sweep --slice i/N`) into the output of the whole sweep.
public enum SweepMerge {
    /// One slice directory as read back.
    struct Part {
        var directory: String
        var header: SweepOutput.Header
        var slice: SweepSlice
        var runs: CSVTable
        var wall: Double
        var scans: UInt64
        var runCount: Int
        var jobs: Int
    }

    /// The merged output; refuses directories that are not slices, slices of different sweeps,
    /// a slice given twice and a missing slice, naming it.
    public static func merge(_ directories: [String]) throws(SweepInputError) -> SweepOutput {
        guard !directories.isEmpty else { throw SweepInputError("merge: expected the directories of a sweep's slices; found none") }
        var parts: [Part] = []
        for d in directories { parts.append(try read(d)) }
        let first = parts[0]
        for p in parts.dropFirst() {
            if p.header.sweepID != first.header.sweepID || p.slice.count != first.slice.count {
                throw SweepInputError("merge: \(p.directory) is a slice of another sweep (sweep_id \(p.header.sweepID), \(p.slice.count) slices) than \(first.directory) (sweep_id \(first.header.sweepID), \(first.slice.count) slices)")
            }
        }
        var byIndex: [Int: Part] = [:]
        for p in parts {
            if let other = byIndex[p.slice.index] {
                throw SweepInputError("merge: slice \(p.slice.index)/\(p.slice.count) is given twice (\(other.directory) and \(p.directory))")
            }
            byIndex[p.slice.index] = p
        }
        let missing = (0..<first.slice.count).filter { byIndex[$0] == nil }
        if !missing.isEmpty {
            throw SweepInputError("merge: missing slice\(missing.count == 1 ? "" : "s") \(missing.map { "\($0)/\(first.slice.count)" }.joined(separator: ", ")) of sweep \(first.header.sweepID) (run `sweep ... --slice \(missing[0])/\(first.slice.count)`)")
        }
        let ordered = (0..<first.slice.count).map { byIndex[$0]! }
        guard ordered.allSatisfy({ $0.runs.header == first.runs.header }) else {
            throw SweepInputError("merge: the slices' runs.csv headers differ")
        }
        let rows = SweepTables.canonical(ordered.flatMap(\.runs.rows))
        return SweepOutput(header: first.header, slice: nil, table: CSVTable(header: first.runs.header, rows: rows),
                           wallSeconds: ordered.map(\.wall), runCount: ordered.reduce(0) { $0 + $1.runCount },
                           scans: ordered.reduce(0) { $0 + $1.scans }, jobs: first.jobs)
    }

    static func read(_ directory: String) throws(SweepInputError) -> Part {
        let dir = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        func fail(_ why: String) -> SweepInputError { SweepInputError("merge: \(directory): \(why)") }
        guard let data = FileManager.default.contents(atPath: dir + "/sweep.json") else {
            throw fail("no sweep.json (expected the output directory of `sweep --slice i/N`)")
        }
        guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw fail("sweep.json is not a JSON object") }
        guard let slice = json["slice"] as? [String: Any], let index = slice["index"] as? Int, let count = slice["count"] as? Int else {
            throw fail("not a slice (sweep.json has no slice; it is a whole sweep already)")
        }
        guard let version = json["version"] as? String, let command = json["command"] as? [String],
              let id = json["sweep_id"] as? String, let scenario = json["scenario"] as? String,
              let file = json["scenario_file"] as? String, let seeds = json["seeds"] as? [NSNumber],
              let grid = json["grid"] as? [[String: Any]], let criteria = json["criteria"] as? [String: Any],
              let objectiveName = criteria["objective"] as? String, let objective = SweepObjective(rawValue: objectiveName),
              let trigger = criteria["trigger"] as? String
        else { throw fail("sweep.json lacks a field of a sweep slice") }
        var dims: [SweepDimension] = []
        for g in grid {
            guard let path = g["path"] as? String, let values = g["values"] as? [String], let arg = g["vary"] as? String else {
                throw fail("sweep.json has a malformed grid")
            }
            dims.append(SweepDimension(path: path, values: values, argument: arg))
        }
        let k = SweepCriteria(objective: objective, trigger: trigger, minDetection: (criteria["min_detection"] as? NSNumber)?.doubleValue,
                              maxFPRatio: (criteria["max_fp_ratio"] as? NSNumber)?.doubleValue,
                              maxTTDp95: (criteria["max_ttd_p95_ms"] as? NSNumber).map { SimDuration(milliseconds: $0.int64Value) })
        let header = SweepOutput.Header(version: version, command: command, scenario: scenario, scenarioFile: file,
                                        grid: SweepGrid(dimensions: dims), seeds: seeds.map(\.uint64Value), criteria: k, sweepID: id)
        guard let runsData = FileManager.default.contents(atPath: dir + "/runs.csv"),
              let table = CSVTable.parse(String(decoding: runsData, as: UTF8.self)) else { throw fail("no readable runs.csv") }
        return Part(directory: directory, header: header, slice: SweepSlice(index: index, count: count), runs: table,
                    wall: (json["wall_seconds"] as? NSNumber)?.doubleValue ?? 0, scans: (json["scans"] as? NSNumber)?.uint64Value ?? 0,
                    runCount: (json["runs"] as? NSNumber)?.intValue ?? 0, jobs: (json["jobs"] as? NSNumber)?.intValue ?? 1)
    }
}
