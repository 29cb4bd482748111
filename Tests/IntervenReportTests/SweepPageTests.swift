import Foundation
@testable import IntervenReport
import Testing

/// sweep.html, drawn from a sweep.json alone.
@Suite("Sweep page")
struct SweepPageTests {
    /// A sweep.json over `dims` (path and values), 3 seeds: detection rises and the false-positive
    /// ratio falls with the first value; cells with detection 0.9 or more meet the constraint.
    static func sweepJSON(_ dims: [(String, [String])], recommended: Int? = nil, minDetection: Double? = 0.9) -> [UInt8] {
        let cells = dims.reduce(1) { $0 * $1.1.count }
        let first = dims[0].1.count, inner = cells / first
        func esc(_ s: String) -> String { "\"" + s + "\"" }
        var cellTexts: [String] = []
        for k in 0..<cells {
            let i = Double(k / inner)
            let d = min(1, 0.6 + 0.1 * i), f = max(0, 0.6 - 0.05 * i - 0.01 * Double(k % inner))
            let meets = minDetection.map { d >= $0 } ?? true
            let metric = { (m: Double, h: Double?) in "{\"mean\":\(m),\"ci95\":\(h.map { "\($0)" } ?? "null")}" }
            cellTexts.append("""
                {"cell":\(k),"set":[],"meets_constraints":\(meets),"pareto":\(k % inner == inner - 1),"trigger":"any","seeds":3,
                 "detection_rate":\(metric(d, 0.05)),"false_positive_ratio":\(metric(f, 0.04)),"precision":\(metric(1 - f, 0.04)),
                 "false_positives_per_1000_agent_days":\(metric(100 * f, 12.5)),"time_to_detect_p50_ms":\(metric(600_000, nil)),
                 "time_to_detect_p95_ms":\(metric(3_600_000 - 60_000 * i, 300_000)),"incidents":\(metric(20, 2)),
                 "false_positives":\(metric(8, 1)),"approvals_requested":\(metric(4, 1)),"scrutiny_agent_hours":\(metric(12, 3)),
                 "suspended_agents":\(metric(0, 0))}
                """)
        }
        let grid = dims.map { "{\"path\":\(esc($0.0)),\"vary\":\"\",\"values\":[\($0.1.map(esc).joined(separator: ","))]}" }
        let text = """
            {"tool":"interven-sim","version":"1.0.0","command":["sweep","s.yaml","--vary","x=1..3","--min-detection","0.9"],
             "sweep_id":"abc","scenario":"unit-sweep","scenario_file":"s.yaml","seeds":[1,2,3],"slice":null,
             "grid":[\(grid.joined(separator: ","))],"cells_in_grid":\(cells),
             "criteria":{"objective":"fp-ratio","trigger":"any","min_detection":\(minDetection.map { "\($0)" } ?? "null"),"max_fp_ratio":null,"max_ttd_p95_ms":null},
             "recommended_cell":\(recommended.map { "\($0)" } ?? "null"),"pareto_cells":[],"answer":"Recommended: the unit test's answer.",
             "cells":[\(cellTexts.joined(separator: ","))],
             "runs":\(cells * 3),"scans":1000,"jobs":2,"wall_seconds":1.5,"part_wall_seconds":[1.5],"runs_per_wall_second":1.0,"scans_per_wall_second":600}
            """
        return Array(text.utf8)
    }

    static func page(_ json: [UInt8]) throws -> String { String(decoding: try SweepPage.html(sweepJSON: json), as: UTF8.self) }

    static func count(_ s: String, _ part: String) -> Int { s.components(separatedBy: part).count - 1 }

    @Test("two varied values: question, answer, scatter with whiskers, front, constraint and recommended ring, a heat map per metric, every cell in the table")
    func twoDimensions() throws {
        let json = Self.sweepJSON([("triggers.repeated_deny.count", ["2", "3", "4", "5"]), ("trust.deny", ["-0.05", "-0.1"])], recommended: 7)
        let html = try Self.page(json)
        for id in ["question", "answer", "tradeoff", "grid", "cells", "chart-sweep-scatter", "recommended-mark", "cells-table", "heat-metric"] {
            #expect(html.contains("id=\"\(id)\""), "missing #\(id)")
        }
        #expect(html.contains("interven-sim sweep s.yaml --vary x=1..3 --min-detection 0.9"))
        #expect(html.contains("detection rate &gt;= 0.900"))
        #expect(html.contains("Recommended: the unit test's answer."))
        let scatter = html.components(separatedBy: "id=\"chart-sweep-scatter\"")[1].components(separatedBy: "</svg>")[0]
        #expect(Self.count(scatter, "class=\"cell\"") == 8)
        #expect(Self.count(scatter, "class=\"whisker\"") == 16, "both axes of every cell")
        #expect(scatter.contains("class=\"threshold\""), "the min-detection line")
        #expect(scatter.contains("<polyline class=\"line\" stroke=\"\(SweepCharts.paretoColor)\""), "the Pareto front")
        #expect(scatter.contains("min detection 0.9"))
        // The heat maps span the dimension with most values (columns) and the other (rows).
        #expect(html.contains("Heat map over repeated_deny.count and trust.deny"))
        #expect(html.contains("id=\"chart-heat-false_positive_ratio-0\""), "the objective's map")
        #expect(html.contains("id=\"chart-heat-detection_rate-0\""))
        #expect(Self.count(html, "class=\"heat-metric\"") == 5)
        #expect(Self.count(html, "<g class=\"heat\" data-cell=\"7\">") == 5, "the recommended cell in every map")
        #expect(!html.contains("id=\"chart-sweep-line\""))
        // The table: every cell, best first by the objective (lowest FP ratio: cell 7), recommended marked.
        let rows = html.components(separatedBy: "<tbody>")[1].components(separatedBy: "</tbody>")[0]
        #expect(Self.count(rows, "<tr") == 8)
        #expect(rows.hasPrefix("\n<tr class=\"recommended\"><td data-v=\"1\">1</td><td data-v=\"7\">7 ★</td>"), "\(rows.prefix(200))")
        #expect(html.contains("0.900 ± 0.050"))
        #expect(!html.contains("src=\"http") && !html.contains("href=\"http"), "nothing loaded from the network")
        #expect(try SweepPage.html(sweepJSON: json) == SweepPage.html(sweepJSON: json))
    }

    @Test("one varied value: a line chart with 95% bands instead of a heat map")
    func oneDimension() throws {
        let html = try Self.page(Self.sweepJSON([("triggers.repeated_deny.count", ["2", "3", "4", "5", "6"])], recommended: 3))
        #expect(html.contains("id=\"chart-sweep-line\""))
        #expect(Self.count(html, "<polygon class=\"band\"") == 2, "detection and FP ratio bands")
        #expect(html.contains("recommended: 5"))
        #expect(!html.contains("chart-heat-"))
        #expect(!html.contains("id=\"heat-metric\""))
    }

    @Test("three varied values: small multiples over the third, the heat maps over the two with most values")
    func threeDimensions() throws {
        let html = try Self.page(Self.sweepJSON([("correlation.window", ["10m", "30m"]), ("triggers.repeated_deny.count", ["2", "3", "4"]),
                                                 ("trust.deny", ["-0.05", "-0.075", "-0.1", "-0.2"])], recommended: 0))
        #expect(html.contains("Heat map over trust.deny and repeated_deny.count"))
        #expect(html.contains("One map per value of <code>correlation.window</code>"))
        #expect(Self.count(html, "class=\"panel-title\">correlation.window = ") == 2 * 5, "2 panels for each of 5 metrics")
        #expect(html.contains("id=\"chart-heat-detection_rate-1\""))
        #expect(!html.contains("id=\"chart-heat-detection_rate-2\""))
    }

    @Test("no cell meets the constraints: the page says so and rings no cell")
    func noRecommendation() throws {
        let html = try Self.page(Self.sweepJSON([("a.b", ["1", "2"]), ("c.d", ["x", "y"])], recommended: nil, minDetection: 1))
        #expect(html.contains("No cell meets the constraints (detection rate &gt;= 1.000)."))
        #expect(!html.contains("id=\"recommended-mark\""))
        #expect(!html.contains("class=\"recommended\""))
    }

    @Test("a file that is not a sweep's sweep.json is refused with one line")
    func refused() {
        #expect(throws: ReportError.self) { try SweepPage.html(sweepJSON: Array("[]".utf8)) }
        #expect(throws: ReportError.self) { try SweepPage.html(sweepJSON: Array("{\"tool\":\"interven-sim\"}".utf8)) }
    }
}
