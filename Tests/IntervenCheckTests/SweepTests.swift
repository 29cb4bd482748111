import IntervenCore
@testable import IntervenCheck
import IntervenTesting
import Testing

@Suite("Sweep: statistics, grid, tables, recommendation")
struct SweepTests {
    @Test("mean and 95% interval of a known sample (Student t, 4 degrees of freedom)")
    func interval() {
        let (mean, half) = SweepStats.meanAndInterval([1, 2, 3, 4, 5])
        #expect(mean == 3)
        // s = sqrt(2.5), t(0.975, 4) = 2.776445: 2.776445 * sqrt(2.5) / sqrt(5) = 1.963243
        #expect(SweepStats.fixed(half!, places: 6) == "1.963243")
        let pair = SweepStats.meanAndInterval([0.8, 0.9])
        // s = 0.0707107, t(0.975, 1) = 12.706205: 12.706205 * 0.0707107 / sqrt(2) = 0.635310
        #expect(SweepStats.fixed(pair.halfWidth!, places: 6) == "0.635310")
        #expect(SweepStats.meanAndInterval([0.5]).halfWidth == nil)
        #expect(SweepStats.meanAndInterval([]).mean == nil)
        // From 30 values on, the normal quantile.
        #expect(SweepStats.quantile(30) == 1.959964 && SweepStats.quantile(29) == 2.048407 && SweepStats.quantile(2) == 12.706205)
        #expect(SweepStats.fixed(-0.0000001, places: 3) == "0.000" && SweepStats.fixed(2.5, places: 0) == "3")
    }

    @Test("values: lists, integer, decimal and duration ranges, flow lists")
    func values() throws {
        #expect(try SweepDimension.parse("triggers.repeated_deny.count=2..5").values == ["2", "3", "4", "5"])
        #expect(try SweepDimension.parse("trust.deny=-0.10..-0.02/0.04").values == ["-0.10", "-0.06", "-0.02"])
        #expect(try SweepDimension.parse("x.y=0.02..0.1/0.02").values == ["0.02", "0.04", "0.06", "0.08", "0.10"])
        #expect(try SweepDimension.parse("x.y=3,5,8").values == ["3", "5", "8"])
        #expect(try SweepDimension.parse("x.y=2..4,8").values == ["2", "3", "4", "8"])
        #expect(try SweepDimension.parse("x.y=30m..2h/30m").values == ["30m", "1h", "1h30m", "2h"])
        #expect(try SweepDimension.parse("x.y=30m,1h").values == ["30m", "1h"])
        #expect(try SweepDimension.parse("x.y=true,false").values == ["true", "false"])
        #expect(try SweepDimension.parse("x.y=[WRITE, ADMIN],[WRITE]").values == ["[WRITE, ADMIN]", "[WRITE]"])
    }

    @Test("bad grid inputs: one line naming the flag, what was expected and what was found",
          arguments: [
            ("triggers.repeated_deny.count", "expected PATH=VALUES"),
            ("=3", "expected a rules key path"),
            ("a..b=3", "expected a rules key path"),
            ("x.y=3,,4", "found an empty value"),
            ("x.y=10..2", "from low to high"),
            ("x.y=0.1..0.5", "expected a step for a decimal range"),
            ("x.y=1..5/0", "expected a positive step"),
            ("x.y=30m..2h", "duration step"),
            ("x.y=a..b", "expected a range like"),
            ("x.y=3,3", "found '3' twice"),
            ("x.y=0..1000000", "at most 100000 values"),
          ])
    func badValues(_ input: String, _ expected: String) {
        do {
            _ = try SweepDimension.parse(input)
            Issue.record("accepted \(input)")
        } catch {
            #expect(error.description.hasPrefix("--vary \(input): "))
            #expect(error.description.contains(expected), "\(error.description)")
            #expect(!error.description.contains("\n"))
        }
    }

    @Test("seeds and slices")
    func seedsAndSlices() throws {
        #expect(try SeedList.parse("1..5") == [1, 2, 3, 4, 5])
        #expect(try SeedList.parse("7,3") == [7, 3])
        #expect(throws: SweepInputError.self) { try SeedList.parse("5..1") }
        // The whole seed range is refused with its count, not an arithmetic overflow.
        let whole = #expect(throws: SweepInputError.self) { try SeedList.parse("0..18446744073709551615") }
        #expect(whole?.description.hasSuffix("gives 18446744073709551616") == true)
        #expect(throws: SweepInputError.self) { try SeedList.parse("x") }
        #expect(try SweepSlice.parse("1/4", source: "--slice").cells(of: 10) == [1, 5, 9])
        #expect(throws: SweepInputError.self) { try SweepSlice.parse("4/4", source: "--slice") }
        #expect(throws: SweepInputError.self) { try SweepSlice.parse("1", source: "--slice") }
    }

    @Test("cells enumerate the grid with the last dimension fastest")
    func grid() throws {
        let g = SweepGrid(dimensions: [try SweepDimension.parse("a.b=1..3"), try SweepDimension.parse("c.d=x,y")])
        #expect(g.cellCount == 6)
        #expect(g.values(of: 0) == ["1", "x"] && g.values(of: 1) == ["1", "y"] && g.values(of: 5) == ["3", "y"])
        #expect(g.overrides(of: 3) == ["a.b=2", "c.d=y"])
        #expect(SweepGrid(dimensions: []).cellCount == 1)
    }

    @Test("CSV text round-trips quoted fields")
    func csv() {
        let t = CSVTable(header: ["a", "b"], rows: [["[WRITE, ADMIN]", "say \"hi\""], ["1", ""]])
        #expect(t.text == "a,b\n\"[WRITE, ADMIN]\",\"say \"\"hi\"\"\"\n1,\n")
        #expect(CSVTable.parse(t.text) == t)
    }

    static func cell(_ k: Int, detection: [Double], fp: [Double]) -> SweepTables.CellSummary {
        var mean = [Double?](repeating: nil, count: SweepMetric.allCases.count), half = mean
        let d = SweepStats.meanAndInterval(detection), f = SweepStats.meanAndInterval(fp)
        mean[SweepMetric.detectionRate.rawValue] = d.mean; half[SweepMetric.detectionRate.rawValue] = d.halfWidth
        mean[SweepMetric.falsePositiveRatio.rawValue] = f.mean; half[SweepMetric.falsePositiveRatio.rawValue] = f.halfWidth
        return SweepTables.CellSummary(cell: k, values: ["\(k)"], trigger: "any", seeds: detection.count, mean: mean, halfWidth: half)
    }

    @Test("the recommendation is the best cell by the objective among those meeting the constraints")
    func recommendation() {
        let cells = [
            Self.cell(0, detection: [1.0, 1.0, 0.95], fp: [0.40, 0.45, 0.50]),   // detects all, many false positives
            Self.cell(1, detection: [0.90, 0.95, 0.95], fp: [0.20, 0.25, 0.20]), // meets 0.9, fewer false positives
            Self.cell(2, detection: [0.70, 0.80, 0.75], fp: [0.05, 0.05, 0.10]), // fewest false positives, misses
            Self.cell(3, detection: [0.85, 0.90, 0.90], fp: [0.30, 0.30, 0.35]), // dominated by 1
        ]
        let k = SweepAnalysis(cells: cells, criteria: SweepCriteria(objective: .fpRatio, minDetection: 0.9))
        #expect(k.ranked.map(\.cell) == [2, 1, 3, 0])
        #expect(k.meeting == [0, 1])
        #expect(k.recommended?.cell == 1)
        #expect(k.pareto == [0, 1, 2])
        let answer = k.answer { "x=\($0.values[0])" }
        #expect(answer.hasPrefix("Recommended: cell 1 (x=1): detection 0.933 ± "))
        #expect(answer.contains("of the 2 of 4 cells with detection rate >= 0.900"))
        // Cell 1's detection interval reaches below 0.9: said so.
        #expect(answer.contains("Not certain: its detection interval reaches"))
        // With a false-positive cap too strict for any cell meeting the detection floor: none.
        let none = SweepAnalysis(cells: cells, criteria: SweepCriteria(objective: .fpRatio, minDetection: 0.9, maxFPRatio: 0.1))
        #expect(none.recommended == nil)
        #expect(none.answer { "x=\($0.values[0])" }.hasPrefix("No cell meets detection rate >= 0.900, false-positive ratio <= 0.100"))
        // Maximising detection without constraints picks the cell detecting most.
        #expect(SweepAnalysis(cells: cells, criteria: SweepCriteria(objective: .detection)).recommended?.cell == 0)
    }
}
