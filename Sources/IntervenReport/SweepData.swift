import Foundation
import IntervenCore
import IntervenCheck

/// A sweep's `sweep.json`, read back for its page.
struct SweepData {
    /// One varied rules path.
    struct Dimension {
        var path: String
        var values: [String]
        /// The last one or two components of the path (`repeated_deny.count`).
        var short: String { path.split(separator: ".").suffix(2).joined(separator: ".") }
    }

    /// One cell of the judged trigger, over its seeds.
    struct Cell {
        var cell: Int
        /// The value index in each dimension.
        var indexes: [Int]
        var values: [String]
        var meets: Bool
        var pareto: Bool
        var seeds: Int
        var means: [Double?]
        var halfWidths: [Double?]

        func mean(_ m: SweepMetric) -> Double? { means[m.rawValue] }
        func halfWidth(_ m: SweepMetric) -> Double? { halfWidths[m.rawValue] }
    }

    var json: [String: Any]
    var dimensions: [Dimension]
    var cells: [Cell]
    var criteria: SweepCriteria
    var recommended: Int?
    var seeds: [UInt64]
    /// The slice this page covers (`index`, `count`), for a slice's directory.
    var slice: (Int, Int)?

    var scenario: String { json["scenario"] as? String ?? "sweep" }
    var recommendedCell: Cell? { recommended.flatMap { r in cells.first { $0.cell == r } } }

    init(bytes: [UInt8]) throws(ReportError) {
        guard let o = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] else {
            throw ReportError("sweep.json: expected a JSON object")
        }
        guard (o["tool"] as? String) == "interven-sim", let grid = o["grid"] as? [[String: Any]], let list = o["cells"] as? [[String: Any]],
              let k = o["criteria"] as? [String: Any], let objective = SweepObjective(rawValue: k["objective"] as? String ?? "")
        else { throw ReportError("sweep.json: expected the sweep.json of 'interven-sim sweep' (with grid, criteria and cells)") }
        json = o
        dimensions = grid.map { Dimension(path: $0["path"] as? String ?? "", values: $0["values"] as? [String] ?? []) }
        guard !dimensions.isEmpty, dimensions.allSatisfy({ !$0.values.isEmpty }) else { throw ReportError("sweep.json: the grid is empty") }
        criteria = SweepCriteria(objective: objective, trigger: k["trigger"] as? String ?? "any",
                                 minDetection: number(k["min_detection"]), maxFPRatio: number(k["max_fp_ratio"]),
                                 maxTTDp95: number(k["max_ttd_p95_ms"]).map { SimDuration(milliseconds: Int64($0)) })
        recommended = number(o["recommended_cell"]).map { Int($0) }
        seeds = (o["seeds"] as? [Any] ?? []).compactMap { ($0 as? NSNumber)?.uint64Value }
        if let s = o["slice"] as? [String: Any], let i = number(s["index"]), let n = number(s["count"]) { slice = (Int(i), Int(n)) }
        let g = SweepGrid(dimensions: dimensions.map { SweepDimension(path: $0.path, values: $0.values, argument: "") })
        let total = g.cellCount
        cells = list.compactMap { c -> Cell? in
            guard let k = number(c["cell"]).map({ Int($0) }), k >= 0, k < total, number(c["seeds"]) != nil else { return nil }
            let metrics = SweepMetric.allCases.map { c[$0.column] as? [String: Any] ?? [:] }
            return Cell(cell: k, indexes: g.indexes(of: k), values: g.values(of: k), meets: flag(c["meets_constraints"]),
                        pareto: flag(c["pareto"]), seeds: Int(number(c["seeds"]) ?? 0),
                        means: metrics.map { number($0["mean"]) }, halfWidths: metrics.map { number($0["ci95"]) })
        }
    }

    /// The cell's setting: `triggers.repeated_deny.count=4, trust.deny=-0.1`.
    func setting(_ c: Cell) -> String {
        zip(dimensions, c.values).map { "\($0.path)=\($1)" }.joined(separator: ", ")
    }

    /// Best first, as the command ranks them: by the objective (undefined last), then higher
    /// detection, lower false-positive ratio, then cell number.
    var ranked: [Cell] {
        let metric = criteria.objective.metric
        func key(_ c: Cell) -> (Int, Double, Double, Double, Int) {
            let v = c.mean(metric)
            return (v == nil ? 1 : 0, criteria.objective.maximises ? -(v ?? 0) : (v ?? 0),
                    -(c.mean(.detectionRate) ?? -1), c.mean(.falsePositiveRatio) ?? 2, c.cell)
        }
        return cells.sorted { key($0) < key($1) }
    }

    /// The two dimensions a heat map spans (most values first; the earlier on a tie), as
    /// indexes: columns, then rows (nil with one dimension).
    var heatDimensions: (columns: Int, rows: Int?) {
        let order = dimensions.indices.sorted { (-dimensions[$0].values.count, $0) < (-dimensions[$1].values.count, $1) }
        return (order[0], order.count > 1 ? order[1] : nil)
    }
}

/// How the page writes a metric's value: ratios with three decimals, times as durations.
enum SweepFormat {
    static func value(_ v: Double?, _ m: SweepMetric) -> String {
        guard let v else { return "–" }
        switch m {
        case .timeToDetectP50, .timeToDetectP95: return shortDuration(v)
        case .falsePositivesPerDay, .scrutinyAgentHours, .incidents, .falsePositives, .approvalsRequested, .suspendedAgents:
            return SweepStats.fixed(v, places: 1)
        default: return SweepStats.fixed(v, places: 3)
        }
    }

    /// `0.942 ± 0.028` (no interval for one seed).
    static func estimate(_ c: SweepData.Cell, _ m: SweepMetric) -> String {
        guard c.mean(m) != nil else { return "–" }
        return value(c.mean(m), m) + (c.halfWidth(m).map { " ± " + value($0, m) } ?? "")
    }

    static func name(_ m: SweepMetric) -> String {
        switch m {
        case .detectionRate: "detection rate"
        case .falsePositiveRatio: "false-positive ratio"
        case .precision: "precision"
        case .falsePositivesPerDay: "false positives per 1,000 agent-days"
        case .timeToDetectP50: "p50 time to detect"
        case .timeToDetectP95: "p95 time to detect"
        case .incidents: "incidents"
        case .falsePositives: "false positives"
        case .approvalsRequested: "approvals requested"
        case .scrutinyAgentHours: "agent-hours in scrutiny"
        case .suspendedAgents: "suspended agents"
        }
    }

    /// Whether a larger value is better.
    static func higherIsBetter(_ m: SweepMetric) -> Bool { m == .detectionRate || m == .precision }
}
