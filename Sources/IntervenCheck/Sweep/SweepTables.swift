import IntervenCore
public import IntervenSimulation

/// What one run of a sweep contributed: its cell, seed, scans and every agent's detection.
public struct SweepRun: Sendable {
    public var cell: Int
    public var seed: UInt64
    public var scans: UInt64
    public var detection: GroupDetection
    public var wallSeconds: Double

    public init(cell: Int, seed: UInt64, scans: UInt64, detection: GroupDetection, wallSeconds: Double) {
        self.cell = cell; self.seed = seed; self.scans = scans; self.detection = detection; self.wallSeconds = wallSeconds
    }
}

/// A parsed CSV table: a header and rows of fields.
public struct CSVTable: Sendable, Equatable {
    public var header: [String]
    public var rows: [[String]]

    public init(header: [String], rows: [[String]]) { self.header = header; self.rows = rows }

    public func column(_ name: String) -> Int? { header.firstIndex(of: name) }

    /// The table as CSV text: `\n` line ends, fields with `,`, `"` or a line break quoted.
    public var text: String {
        var out = ""
        for r in [header] + rows { out += r.map(Self.quote).joined(separator: ",") + "\n" }
        return out
    }

    static func quote(_ f: String) -> String {
        guard f.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return f }
        return "\"" + f.replacingAll("\"", "\"\"") + "\""
    }

    /// Parses what `text` writes; nil for malformed text.
    public static func parse(_ text: String) -> CSVTable? {
        var rows: [[String]] = [], row: [String] = [], field = "", quoted = false, afterQuote = false
        var chars = text.makeIterator()
        var pending: Character? = nil
        while let c = pending ?? chars.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let n = chars.next() {
                        if n == "\"" { field.append("\"") } else { quoted = false; afterQuote = true; pending = n }
                    } else { quoted = false; afterQuote = true }
                } else { field.append(c) }
                continue
            }
            switch c {
            case "\"" where field.isEmpty && !afterQuote: quoted = true
            case ",": row.append(field); field = ""; afterQuote = false
            case "\n": row.append(field); rows.append(row); row = []; field = ""; afterQuote = false
            default:
                if afterQuote { return nil }
                field.append(c)
            }
        }
        if quoted { return nil }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        guard let header = rows.first else { return nil }
        let body = Array(rows.dropFirst())
        guard body.allSatisfy({ $0.count == header.count }) else { return nil }
        return CSVTable(header: header, rows: body)
    }
}

extension String {
    func replacingAll(_ a: Character, _ b: String) -> String {
        var out = ""
        for c in self { if c == a { out += b } else { out.append(c) } }
        return out
    }
}

/// The metrics of a sweep's tables, in column order.
public enum SweepMetric: Int, CaseIterable, Sendable {
    case detectionRate, falsePositiveRatio, precision, falsePositivesPerDay, timeToDetectP50, timeToDetectP95,
         incidents, falsePositives, approvalsRequested, scrutinyAgentHours, suspendedAgents

    /// The runs.csv column it comes from (and the stem of its cells.csv columns).
    public var column: String {
        ["detection_rate", "false_positive_ratio", "precision", "false_positives_per_1000_agent_days", "time_to_detect_p50_ms",
         "time_to_detect_p95_ms", "incidents", "false_positives", "approvals_requested", "scrutiny_agent_hours",
         "suspended_agents"][rawValue]
    }
}

/// The runs and cells tables of a sweep, built so that a sweep run in slices and merged gives
/// the same bytes: cells are computed from the runs table's text, never from the numbers before
/// they were written.
public enum SweepTables {
    /// The trigger rows of each run: `any`, then each trigger but `manual`.
    public static let triggerNames: [String] = ["any"] + DetectionMetrics.triggers.map(\.description)

    static let runMetricColumns = [
        "scans", "agents", "malicious_agents", "detected_agents", "incidents", "true_positives", "false_positives",
        "detection_rate", "precision", "false_positive_ratio", "false_positives_per_1000_agent_days",
        "time_to_detect_p50_ms", "time_to_detect_p95_ms", "approvals_requested", "scrutiny_agent_hours", "suspended_agents",
    ]

    /// The runs.csv header: cell, seed, one column per varied path, trigger, then the metrics.
    public static func runsHeader(_ grid: SweepGrid) -> [String] {
        ["cell", "seed"] + grid.dimensions.map(\.path) + ["trigger"] + runMetricColumns
    }

    /// The rows of one run, one per trigger.
    public static func rows(_ run: SweepRun, grid: SweepGrid) -> [[String]] {
        let values = grid.values(of: run.cell)
        let g = run.detection
        return g.triggers.map { t in
            ["\(run.cell)", "\(run.seed)"] + values + [t.trigger?.description ?? "any",
             "\(run.scans)", "\(t.agents)", "\(t.maliciousAgents)", "\(t.detectedAgents)", "\(t.incidents)",
             "\(t.truePositives)", "\(t.falsePositives)", t.detectionRate?.description ?? "", t.precision?.description ?? "",
             t.falsePositiveRatio.description, SweepStats.fixed(t.falsePositivesPer1000AgentDays, places: 3),
             t.timeToDetectP50.map { "\($0.milliseconds)" } ?? "", t.timeToDetectP95.map { "\($0.milliseconds)" } ?? "",
             "\(g.approvalsRequested)", SweepStats.fixed(Double(g.scrutinyAgentMilliseconds) / 3_600_000, places: 3),
             "\(g.suspendedAgents)"]
        }
    }

    /// The runs table in canonical order: cell, then seed, then trigger.
    public static func runs(_ runs: [SweepRun], grid: SweepGrid) -> CSVTable {
        let sorted = runs.sorted { ($0.cell, $0.seed) < ($1.cell, $1.seed) }
        return CSVTable(header: runsHeader(grid), rows: sorted.flatMap { rows($0, grid: grid) })
    }

    /// Sorts rows of runs tables (e.g. joined from slices) into canonical order.
    public static func canonical(_ rows: [[String]]) -> [[String]] {
        func key(_ r: [String]) -> (Int, UInt64, Int) {
            (Int(r[0]) ?? 0, UInt64(r[1]) ?? 0, triggerNames.firstIndex(of: r[r.count - runMetricColumns.count - 1]) ?? 0)
        }
        return rows.sorted { key($0) < key($1) }
    }

    /// One cell and trigger over its seeds.
    public struct CellSummary: Sendable {
        public var cell: Int
        public var values: [String]
        public var trigger: String
        public var seeds: Int
        /// Per `SweepMetric`: mean over the seeds where it is defined, and the 95% half-width.
        public var mean: [Double?]
        public var halfWidth: [Double?]

        public func mean(_ m: SweepMetric) -> Double? { mean[m.rawValue] }
        public func halfWidth(_ m: SweepMetric) -> Double? { halfWidth[m.rawValue] }
    }

    /// Per cell and trigger, the mean and 95% interval of every metric across seeds, from the
    /// runs table (in its order: cell, then trigger).
    public static func cells(_ runs: CSVTable, dimensions: Int) -> [CellSummary] {
        let trig = 2 + dimensions
        let metricColumns = SweepMetric.allCases.map { runs.column($0.column)! }
        var groups: [(key: String, rows: [[String]])] = []
        var index: [String: Int] = [:]
        for r in runs.rows {
            let key = r[0] + "|" + r[trig]
            if let k = index[key] { groups[k].rows.append(r) } else { index[key] = groups.count; groups.append((key, [r])) }
        }
        let ordered = groups.sorted { a, b in
            let (ra, rb) = (a.rows[0], b.rows[0])
            return (Int(ra[0]) ?? 0, triggerNames.firstIndex(of: ra[trig]) ?? 0) < (Int(rb[0]) ?? 0, triggerNames.firstIndex(of: rb[trig]) ?? 0)
        }
        return ordered.map { g in
            let first = g.rows[0]
            var means: [Double?] = [], widths: [Double?] = []
            for c in metricColumns {
                let xs = g.rows.compactMap { Double($0[c]) }
                let (m, h) = SweepStats.meanAndInterval(xs)
                means.append(m); widths.append(h)
            }
            return CellSummary(cell: Int(first[0]) ?? 0, values: Array(first[2..<trig]), trigger: first[trig],
                               seeds: g.rows.count, mean: means, halfWidth: widths)
        }
    }

    /// cells.csv: cell, the varied values, trigger, seeds, then `<metric>_mean` and `<metric>_ci95`
    /// (half-width of the 95% interval; empty for one seed or an undefined metric).
    public static func cellsTable(_ cells: [CellSummary], grid: SweepGrid) -> CSVTable {
        let header = ["cell"] + grid.dimensions.map(\.path) + ["trigger", "seeds"]
            + SweepMetric.allCases.flatMap { [$0.column + "_mean", $0.column + "_ci95"] }
        let rows = cells.map { c in
            ["\(c.cell)"] + c.values + [c.trigger, "\(c.seeds)"]
                + SweepMetric.allCases.flatMap { m in
                    [c.mean(m).map { SweepStats.fixed($0, places: 6) } ?? "", c.halfWidth(m).map { SweepStats.fixed($0, places: 6) } ?? ""]
                }
        }
        return CSVTable(header: header, rows: rows)
    }
}
