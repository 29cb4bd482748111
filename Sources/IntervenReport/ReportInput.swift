import Foundation
public import IntervenSimulation
import IntervenResults

/// What a report is drawn from: the files of a results directory, parsed.
///
/// `summary.json`, `incidents.json`, `agents.json` and `series.json` are required; an activity
/// log (`activity.csv` or `activity.ndjson`) gives the incident timelines their scans.
public struct ReportInput: @unchecked Sendable {
    /// `summary.json` as parsed JSON.
    var summary: [String: Any]
    /// `incidents.json`.
    var incidents: [[String: Any]]
    /// `agents.json`, only the agents `series.json` lists (all of them in small runs).
    var agents: [[String: Any]]
    /// `series.json`.
    var series: [String: Any]
    /// Agents in the run (may exceed `agents.count`).
    var agentsTotal: Int
    /// Activity records of incident-linked traces, by trace id (hex), when a log was given.
    var traces: [String: [String: String]] = [:]
    /// Whether an activity log was read.
    var hasActivity = false

    /// The largest activity log a report reads (bytes); a larger one is left out.
    public static let activityLimit = 512 << 20

    /// The files a report needs.
    public static let requiredFiles = ["summary.json", "incidents.json", "agents.json", "series.json"]

    /// A report input from file contents by name (e.g. a run's files, still in memory).
    /// `activity` is the text of an activity log and its format (`csv` or `ndjson`), if any.
    public init(files: [String: [UInt8]], activity: (text: [UInt8], format: String)? = nil) throws(ReportError) {
        for name in Self.requiredFiles where files[name] == nil { throw ReportError("missing \(name)") }
        var total = 0
        try self.init(files: files, agents: { (_: Set<String>) throws(ReportError) -> [[String: Any]] in
            let all = try Self.objects(files["agents.json"]!, "agents.json")
            total = all.count
            return all
        }, activity: activity)
        agentsTotal = total
    }

    /// A report input from `summary.json`, `incidents.json` and `series.json` by name, and the
    /// `agents.json` of only the agents `series.json` lists, made by `agents` given their names
    /// (so a big run's whole agents.json is never held in memory); `agentsTotal` is the number
    /// of agents in the run.
    public init(files: [String: [UInt8]], agents: (Set<String>) -> [UInt8], agentsTotal: Int,
                activity: (text: [UInt8], format: String)? = nil) throws(ReportError) {
        try self.init(files: files, agents: { (names: Set<String>) throws(ReportError) -> [[String: Any]] in
            try Self.objects(agents(names), "agents.json")
        }, activity: activity)
        self.agentsTotal = agentsTotal
    }

    /// The report input of a run just written: `files` holds `summary.json`, `incidents.json`
    /// and `series.json` as written (see `ResultsWriter.write(_:to:flag:adding:render:)`); the
    /// agents the page lists are rendered from `result`, never the whole `agents.json`.
    public init(result: RunResult, files: [String: [UInt8]], activity: (text: [UInt8], format: String)? = nil) throws(ReportError) {
        try self.init(files: files, agents: { names in
            // Rows are made for the listed agents only (a million rows would be built otherwise).
            ResultsWriter.agentsJSON(result.agents.indices.filter { names.contains(result.agents.name(at: $0)) }.map { result.agents[$0] })
        }, agentsTotal: result.agents.count, activity: activity)
    }

    private init(files: [String: [UInt8]], agents: (Set<String>) throws(ReportError) -> [[String: Any]],
                 activity: (text: [UInt8], format: String)?) throws(ReportError) {
        for name in ["summary.json", "incidents.json", "series.json"] where files[name] == nil { throw ReportError("missing \(name)") }
        summary = try Self.object(files["summary.json"]!, "summary.json")
        incidents = try IncidentsReading.incidents(files["incidents.json"]!, whole: PageData.incidentLimit)
        series = try Self.object(files["series.json"]!, "series.json")
        let shown = Set((series["agents"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String })
        self.agents = try agents(shown).filter { shown.contains($0["name"] as? String ?? "") }
        agentsTotal = self.agents.count
        if let activity {
            var wanted = Set<String>()
            for i in incidents { for t in i["traces"] as? [[String: Any]] ?? [] { if let id = t["trace"] { wanted.insert("\(id)") } } }
            traces = ActivityReader.records(activity.text, format: activity.format, traces: wanted)
            hasActivity = true
        }
    }

    /// The required files of a results directory (or those of `names`).
    public static func files(in directory: String, names: [String] = requiredFiles) throws(ReportError) -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        for name in names {
            let path = directory + "/" + name
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ReportError("\(path): cannot be read (expected a results directory written by 'interven-sim run')")
            }
            files[name] = Array(data)
        }
        return files
    }

    /// A report input from a results directory (`activity.csv`, `.ndjson` or a given path used
    /// for the incident timelines when present).
    public init(directory: String, activity: String? = nil) throws(ReportError) {
        var log: (text: [UInt8], format: String)? = nil
        let candidates = activity.map { [$0] } ?? [directory + "/activity.csv", directory + "/activity.ndjson"]
        for path in candidates {
            guard let data = FileManager.default.contents(atPath: path) else {
                if activity != nil { throw ReportError("\(path): cannot be read") }
                continue
            }
            log = (Array(data), path.hasSuffix(".ndjson") ? "ndjson" : "csv")
            break
        }
        try self.init(directory: directory, activityLog: log)
    }

    /// A report input from a results directory and an activity log's text, if any. Of
    /// `agents.json` only the agents the page lists are parsed (`AgentsSelection`).
    public init(directory: String, activityLog: (text: [UInt8], format: String)?) throws(ReportError) {
        let agentsPath = directory + "/agents.json"
        let files = try Self.files(in: directory, names: Self.requiredFiles.filter { $0 != "agents.json" })
        guard FileManager.default.isReadableFile(atPath: agentsPath) else {
            throw ReportError("\(agentsPath): cannot be read (expected a results directory written by 'interven-sim run')")
        }
        var total = 0
        try self.init(files: files, agents: { (names: Set<String>) throws(ReportError) -> [[String: Any]] in
            let (json, count) = try AgentsSelection.select(path: agentsPath, wanted: names)
            total = count
            return try Self.objects(json, "agents.json")
        }, activity: activityLog)
        agentsTotal = total
    }

    private static func object(_ bytes: [UInt8], _ name: String) throws(ReportError) -> [String: Any] {
        guard let o = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] else {
            throw ReportError("\(name): expected a JSON object")
        }
        return o
    }

    private static func objects(_ bytes: [UInt8], _ name: String) throws(ReportError) -> [[String: Any]] {
        guard let o = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [[String: Any]] else {
            throw ReportError("\(name): expected a JSON array of objects")
        }
        return o
    }
}

/// Why a report could not be made: one line.
public struct ReportError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ message: String) { description = message }
}

/// Reads the records of chosen traces out of an activity log.
enum ActivityReader {
    /// The columns the incident timeline shows.
    static let columns = ["time", "decision", "tool", "operation", "verb", "host", "risk", "band", "reasons", "policy",
                          "trust_before", "trust_after"]

    static func records(_ bytes: [UInt8], format: String, traces: Set<String>) -> [String: [String: String]] {
        guard !traces.isEmpty else { return [:] }
        var out: [String: [String: String]] = [:]
        let text = String(decoding: bytes, as: UTF8.self)
        if format == "ndjson" {
            for line in text.split(separator: "\n") {
                guard line.contains("\"trace\""),
                      let o = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any],
                      let trace = o["trace"] as? String, traces.contains(trace) else { continue }
                var r: [String: String] = [:]
                for (k, v) in o { r[k] = v is NSNull ? "" : (v as? [Any]).map { $0.map { "\($0)" }.joined(separator: " ") } ?? "\(v)" }
                out[trace] = r
            }
            return out
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).makeIterator()
        guard let header = lines.next()?.split(separator: ",", omittingEmptySubsequences: false).map(String.init),
              let traceColumn = header.firstIndex(of: "trace") else { return [:] }
        while let line = lines.next() {
            let fields = CSVLine.split(line)
            guard traceColumn < fields.count, traces.contains(fields[traceColumn]) else { continue }
            var r: [String: String] = [:]
            for (k, name) in header.enumerated() where k < fields.count { r[name] = fields[k] }
            out[fields[traceColumn]] = r
        }
        return out
    }
}

/// Splits one CSV line (RFC 4180 quoting).
enum CSVLine {
    static func split(_ line: Substring) -> [String] {
        var fields: [String] = [], field = "", quoted = false
        var it = line.makeIterator()
        while let c = it.next() {
            if quoted {
                if c == "\"" {
                    // A doubled quote is a literal quote; a single one ends the quoted part.
                    var peek = it
                    if peek.next() == "\"" { field.append("\""); it = peek } else { quoted = false }
                } else { field.append(c) }
            } else if c == "\"" { quoted = true }
            else if c == "," { fields.append(field); field = "" }
            else { field.append(c) }
        }
        fields.append(field)
        return fields
    }
}
