import IntervenCheck

/// The charts of a sweep's page, each an `<svg>` string.
struct SweepCharts {
    let data: SweepData

    static let meetColor = "#3b7dd8", paretoColor = "#e07b29", recommendedColor = "#1d2330"

    /// Detection rate against false-positive ratio per cell, 95% intervals as whiskers on both
    /// axes, the Pareto front, the constraints and the recommended cell.
    func scatter() -> String {
        var p = Plot(width: 1000, height: 460)
        p.right = 230
        p.bottom = 48
        let points = data.cells.compactMap { c -> (SweepData.Cell, Double, Double)? in
            guard let f = c.mean(.falsePositiveRatio), let d = c.mean(.detectionRate) else { return nil }
            return (c, f, d)
        }
        guard !points.isEmpty else {
            p.add("<text class=\"empty\" x=\"385\" y=\"230\" text-anchor=\"middle\">no cell has both a detection rate and a false-positive ratio</text>")
            return p.svg(label: "Detection rate against false-positive ratio per cell", id: "chart-sweep-scatter")
        }
        var xs = points.flatMap { [$0.1 - ($0.0.halfWidth(.falsePositiveRatio) ?? 0), $0.1 + ($0.0.halfWidth(.falsePositiveRatio) ?? 0)] }
        var ys = points.flatMap { [$0.2 - ($0.0.halfWidth(.detectionRate) ?? 0), $0.2 + ($0.0.halfWidth(.detectionRate) ?? 0)] }
        if let x = data.criteria.maxFPRatio { xs.append(x) }
        if let y = data.criteria.minDetection { ys.append(y) }
        let (x0, x1, xt) = ratioAxis(xs.min()!, xs.max()!)
        let (y0, y1, yt) = ratioAxis(ys.min()!, ys.max()!)
        (p.x0, p.x1, p.y0, p.y1) = (x0, x1, y0, y1)
        p.axes(xTicks: xt, yTicks: yt, xTitle: "false-positive ratio (share of the incidents on benign agents; lower is better)",
               yTitle: "detection rate (share of malicious agents)")
        func cx(_ v: Double) -> String { fmt(p.x(min(max(v, x0), x1))) }
        func cy(_ v: Double) -> String { fmt(p.y(min(max(v, y0), y1))) }
        // The region meeting the constraints, then the constraint lines.
        let minD = data.criteria.minDetection, maxF = data.criteria.maxFPRatio
        if minD != nil || maxF != nil {
            let left = p.x(x0), right = p.x(min(maxF ?? x1, x1)), top = p.y(y1), bottom = p.y(max(minD ?? y0, y0))
            if right > left, bottom > top {
                p.add("<rect class=\"feasible\" x=\"\(fmt(left))\" y=\"\(fmt(top))\" width=\"\(fmt(right - left))\" height=\"\(fmt(bottom - top))\"><title>cells here meet the constraints</title></rect>")
            }
        }
        if let minD {
            p.add("<line class=\"threshold\" x1=\"\(fmt(p.left))\" x2=\"\(fmt(p.left + p.plotWidth))\" y1=\"\(cy(minD))\" y2=\"\(cy(minD))\"/>")
            p.add("<text class=\"note\" x=\"\(fmt(p.left + p.plotWidth - 4))\" y=\"\(fmt(p.y(minD) - 5))\" text-anchor=\"end\">min detection \(trim(minD))</text>")
        }
        if let maxF {
            p.add("<line class=\"threshold\" x1=\"\(cx(maxF))\" x2=\"\(cx(maxF))\" y1=\"\(fmt(p.top))\" y2=\"\(fmt(p.top + p.plotHeight))\"/>")
            p.add("<text class=\"note\" x=\"\(fmt(p.x(maxF) + 5))\" y=\"\(fmt(p.top + p.plotHeight - 6))\">max FP ratio \(trim(maxF))</text>")
        }
        // Whiskers first, so every dot stays on top.
        for (c, f, d) in points {
            if let h = c.halfWidth(.falsePositiveRatio), h > 0 {
                p.add("<line class=\"whisker\" x1=\"\(cx(f - h))\" x2=\"\(cx(f + h))\" y1=\"\(cy(d))\" y2=\"\(cy(d))\"/>")
            }
            if let h = c.halfWidth(.detectionRate), h > 0 {
                p.add("<line class=\"whisker\" x1=\"\(cx(f))\" x2=\"\(cx(f))\" y1=\"\(cy(d - h))\" y2=\"\(cy(d + h))\"/>")
            }
        }
        let front = points.filter { $0.0.pareto }.sorted { ($0.1, -$0.2) < ($1.1, -$1.2) }
        if front.count > 1 {
            p.add("<polyline class=\"line\" stroke=\"\(Self.paretoColor)\" points=\"\(front.map { "\(cx($0.1)),\(cy($0.2))" }.joined(separator: " "))\"/>")
        }
        // Labels of the front's cells and the recommended one, each where it overlaps no dot
        // and no other label (the first free of four places around its dot).
        var taken: [(Double, Double, Double, Double)] = points.map { (p.x($0.1) - 6, p.y($0.2) - 6, p.x($0.1) + 6, p.y($0.2) + 6) }
        var labels: [String] = []
        for (c, f, d) in points where c.pareto || c.cell == data.recommended {
            let text = "\(c.cell)", w = Double(text.count) * 7 + 2, px = p.x(f), py = p.y(d)
            let places: [(Double, Double, Bool)] = [(8, 14, true), (8, -6, true), (-8, -6, false), (-8, 14, false), (0, 20, true), (0, -12, true)]
            func box(_ q: (Double, Double, Bool)) -> (Double, Double, Double, Double) {
                let x = q.2 ? px + q.0 : px + q.0 - w
                return (x, py + q.1 - 10, x + w, py + q.1 + 1)
            }
            let free = places.first { q in
                let b = box(q)
                return !taken.contains { b.0 < $0.2 && $0.0 < b.2 && b.1 < $0.3 && $0.1 < b.3 }
            } ?? places[0]
            taken.append(box(free))
            labels.append("<text class=\"label\" x=\"\(fmt(px + free.0))\" y=\"\(fmt(py + free.1))\"\(free.2 ? "" : " text-anchor=\"end\"")>\(text)</text>")
        }
        for (c, f, d) in points {
            let fill = c.meets ? Self.meetColor : "#fff"
            let stroke = c.pareto ? Self.paretoColor : (c.meets ? Self.meetColor : "#98a2b3")
            let tip = "cell \(c.cell) (\(data.setting(c))): detection \(SweepFormat.estimate(c, .detectionRate)), FP ratio \(SweepFormat.estimate(c, .falsePositiveRatio))"
                + (c.meets ? "; meets the constraints" : "") + (c.pareto ? "; on the Pareto front" : "")
            p.add("<circle class=\"cell\" data-cell=\"\(c.cell)\" cx=\"\(cx(f))\" cy=\"\(cy(d))\" r=\"5\" fill=\"\(fill)\" stroke=\"\(stroke)\" stroke-width=\"2\"><title>\(esc(tip))</title></circle>")
        }
        for l in labels { p.add(l) }
        if let r = data.recommendedCell, let f = r.mean(.falsePositiveRatio), let d = r.mean(.detectionRate) {
            p.add("<circle id=\"recommended-mark\" cx=\"\(cx(f))\" cy=\"\(cy(d))\" r=\"10\" fill=\"none\" stroke=\"\(Self.recommendedColor)\" stroke-width=\"2.5\"><title>recommended: cell \(r.cell) (\(esc(data.setting(r))))</title></circle>")
        }
        var legend: [(String, String, Plot.Swatch)] = minD == nil && maxF == nil && data.criteria.maxTTDp95 == nil
            ? [(Self.meetColor, "cell (no constraint)", .box)]
            : [(Self.meetColor, "meets the constraints", .box), ("#98a2b3", "does not", .hollow)]
        legend.append((Self.paretoColor, "Pareto front (\(front.count) cells)", .line))
        if data.recommendedCell != nil { legend.append((Self.recommendedColor, "recommended cell", .ring)) }
        if minD != nil || maxF != nil { legend.append(("#c62828", "constraint", .threshold)) }
        p.legend(legend, note: "whiskers: 95% interval across \(data.seeds.count) seeds on both axes; numbers: cells on the front")
        return p.svg(label: "Detection rate against false-positive ratio per cell", id: "chart-sweep-scatter")
    }

    /// With one varied value: detection rate and false-positive ratio against it, with their
    /// 95% bands, the constraints and the recommended value.
    func line() -> String {
        let dim = data.dimensions[0]
        var p = Plot(width: 1000, height: 340)
        p.right = 230
        let byIndex = Dictionary(data.cells.map { ($0.indexes[0], $0) }, uniquingKeysWith: { a, _ in a })
        let n = dim.values.count
        p.x0 = -0.5; p.x1 = Double(n) - 0.5
        let metrics: [(SweepMetric, String)] = [(.detectionRate, Self.meetColor), (.falsePositiveRatio, Self.paretoColor)]
        var all: [Double] = [data.criteria.minDetection, data.criteria.maxFPRatio].compactMap { $0 }
        for c in data.cells { for (m, _) in metrics { if let v = c.mean(m) { all += [v - (c.halfWidth(m) ?? 0), v + (c.halfWidth(m) ?? 0)] } } }
        let (y0, y1, yt) = ratioAxis(all.min() ?? 0, all.max() ?? 1)
        (p.y0, p.y1) = (y0, y1)
        let every = max(1, n / 12)
        let xt = stride(from: 0, to: n, by: every).map { (Double($0), dim.values[$0]) }
        p.axes(xTicks: xt, yTicks: yt, xTitle: dim.path, yTitle: "ratio (0 to 1)")
        func cy(_ v: Double) -> String { fmt(p.y(min(max(v, y0), y1))) }
        if let r = data.recommendedCell {
            let x = fmt(p.x(Double(r.indexes[0])))
            p.add("<line id=\"recommended-mark\" class=\"marker\" x1=\"\(x)\" x2=\"\(x)\" y1=\"\(fmt(p.top))\" y2=\"\(fmt(p.top + p.plotHeight))\"/>")
            p.add("<text class=\"note\" x=\"\(fmt(p.x(Double(r.indexes[0])) + 4))\" y=\"\(fmt(p.top + p.plotHeight - 6))\">recommended: \(esc(dim.values[r.indexes[0]]))</text>")
        }
        for (v, label) in [(data.criteria.minDetection, "min detection"), (data.criteria.maxFPRatio, "max FP ratio")] {
            guard let v else { continue }
            p.add("<line class=\"threshold\" x1=\"\(fmt(p.left))\" x2=\"\(fmt(p.left + p.plotWidth))\" y1=\"\(cy(v))\" y2=\"\(cy(v))\"/>")
            p.add("<text class=\"note\" x=\"\(fmt(p.left + p.plotWidth - 4))\" y=\"\(fmt(p.y(v) - 5))\" text-anchor=\"end\">\(label) \(trim(v))</text>")
        }
        var legend: [(String, String, Plot.Swatch)] = []
        for (m, color) in metrics {
            let pts = (0..<n).compactMap { i -> (Double, Double, Double)? in
                guard let c = byIndex[i], let v = c.mean(m) else { return nil }
                return (Double(i), v, c.halfWidth(m) ?? 0)
            }
            guard !pts.isEmpty else { continue }
            let upper = pts.map { "\(fmt(p.x($0.0))),\(cy($0.1 + $0.2))" }, lower = pts.reversed().map { "\(fmt(p.x($0.0))),\(cy($0.1 - $0.2))" }
            p.add("<polygon class=\"band\" fill=\"\(color)\" points=\"\((upper + lower).joined(separator: " "))\"/>")
            p.add("<polyline class=\"line\" stroke=\"\(color)\" points=\"\(pts.map { "\(fmt(p.x($0.0))),\(cy($0.1))" }.joined(separator: " "))\"/>")
            for (x, v, h) in pts {
                p.add("<circle cx=\"\(fmt(p.x(x)))\" cy=\"\(cy(v))\" r=\"3.5\" fill=\"\(color)\"><title>\(esc(dim.path))=\(esc(dim.values[Int(x)])): \(SweepFormat.name(m)) \(SweepFormat.value(v, m))\(h > 0 ? " ± " + SweepFormat.value(h, m) : "")</title></circle>")
            }
            legend.append((color, SweepFormat.name(m), .line))
        }
        if data.criteria.minDetection != nil || data.criteria.maxFPRatio != nil { legend.append(("#c62828", "constraint", .threshold)) }
        p.legend(legend, note: "line: mean across \(data.seeds.count) seeds; band: 95% interval")
        return p.svg(label: "Detection rate and false-positive ratio against \(dim.path)", id: "chart-sweep-line")
    }

    /// A heat map of `metric` over the two heat-map dimensions, the other dimensions fixed at
    /// `fixed` (value index per dimension; ignored for the two spanned).
    func heatMap(_ metric: SweepMetric, fixed: [Int], id: String) -> String {
        let (cd, rd) = data.heatDimensions
        let rdim = rd!
        let cols = data.dimensions[cd], rows = data.dimensions[rdim]
        let cellW = min(110.0, max(48.0, 900.0 / Double(cols.values.count))), cellH = 44.0
        var p = Plot(width: 0, height: 0)
        p.left = 96; p.top = 10; p.right = 16; p.bottom = 58
        p.width = p.left + cellW * Double(cols.values.count) + p.right
        p.height = p.top + cellH * Double(rows.values.count) + p.bottom
        let chosen = data.cells.filter { c in
            c.indexes.indices.allSatisfy { $0 == cd || $0 == rdim || c.indexes[$0] == fixed[$0] }
        }
        let values = chosen.compactMap { $0.mean(metric) }
        let lo = values.min() ?? 0, hi = values.max() ?? 1
        let good = SweepFormat.higherIsBetter(metric)
        for c in chosen {
            let x = p.left + Double(c.indexes[cd]) * cellW, y = p.top + Double(rows.values.count - 1 - c.indexes[rdim]) * cellH
            let v = c.mean(metric)
            // Darker is better, whichever way the metric points.
            let t = v.map { hi > lo ? ($0 - lo) / (hi - lo) : 0.5 }.map { good ? $0 : 1 - $0 }
            let fill = t.map(Self.shade) ?? "#f0f2f5"
            let ink = (t ?? 0) > 0.55 ? "#fff" : "#1d2330"
            let tip = "cell \(c.cell) (\(data.setting(c))): \(SweepFormat.name(metric)) \(SweepFormat.estimate(c, metric))" + (c.meets ? "; meets the constraints" : "")
            p.add("<g class=\"heat\" data-cell=\"\(c.cell)\"><title>\(esc(tip))</title>")
            p.add("<rect x=\"\(fmt(x + 1))\" y=\"\(fmt(y + 1))\" width=\"\(fmt(cellW - 2))\" height=\"\(fmt(cellH - 2))\" fill=\"\(fill)\"\(c.cell == data.recommended ? " stroke=\"\(Self.recommendedColor)\" stroke-width=\"3\"" : "")/>")
            p.add("<text class=\"value\" x=\"\(fmt(x + cellW / 2))\" y=\"\(fmt(y + 19))\" text-anchor=\"middle\" fill=\"\(ink)\">\(SweepFormat.value(v, metric))</text>")
            if let h = c.halfWidth(metric) {
                p.add("<text class=\"ci\" x=\"\(fmt(x + cellW / 2))\" y=\"\(fmt(y + 34))\" text-anchor=\"middle\" fill=\"\(ink)\">± \(SweepFormat.value(h, metric))</text>")
            }
            let mark = (c.cell == data.recommended ? "★" : "") + (c.meets ? "✓" : "")
            if !mark.isEmpty {
                p.add("<text class=\"mark\" x=\"\(fmt(x + cellW - 4))\" y=\"\(fmt(y + 12))\" text-anchor=\"end\" fill=\"\(ink)\">\(mark)</text>")
            }
            p.add("</g>")
        }
        for (i, v) in cols.values.enumerated() {
            p.add("<text class=\"tick\" x=\"\(fmt(p.left + (Double(i) + 0.5) * cellW))\" y=\"\(fmt(p.height - p.bottom + 16))\" text-anchor=\"middle\">\(esc(v))</text>")
        }
        for (i, v) in rows.values.enumerated() {
            p.add("<text class=\"tick\" x=\"\(fmt(p.left - 6))\" y=\"\(fmt(p.top + (Double(rows.values.count - 1 - i) + 0.5) * cellH))\" text-anchor=\"end\" dominant-baseline=\"middle\">\(esc(v))</text>")
        }
        p.add("<text class=\"title\" x=\"\(fmt(p.left + cellW * Double(cols.values.count) / 2))\" y=\"\(fmt(p.height - 8))\" text-anchor=\"middle\">\(esc(cols.path))</text>")
        p.add("<text class=\"title\" transform=\"translate(14 \(fmt(p.top + cellH * Double(rows.values.count) / 2))) rotate(-90)\" text-anchor=\"middle\">\(esc(rows.short))</text>")
        return p.svg(label: "\(SweepFormat.name(metric)) over \(cols.path) and \(rows.path)", id: id)
    }

    /// The colour scale's key: from worst (light) to best (dark) of `metric` in one heat map.
    func heatKey(_ metric: SweepMetric) -> String {
        let good = SweepFormat.higherIsBetter(metric)
        var h = "<div class=\"heat-key\"><span>worse</span><span class=\"ramp\" style=\"background:linear-gradient(90deg"
        for k in 0...4 { h += "," + Self.shade(Double(k) / 4) }
        h += ")\"></span><span>better (\(good ? "higher" : "lower") \(esc(SweepFormat.name(metric))))</span>"
        h += "<span class=\"muted\">★ recommended · ✓ meets the constraints · small number: ± 95% interval · each map's own range</span></div>"
        return h
    }

    /// A sequential blue from light (0) to dark (1).
    static func shade(_ t: Double) -> String {
        let a = (247.0, 251.0, 255.0), b = (8.0, 69.0, 148.0)
        let u = min(max(t, 0), 1)
        func c(_ x: Double, _ y: Double) -> String {
            let v = Int((x + (y - x) * u).rounded())
            let hex = String(v, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }
        return "#" + c(a.0, b.0) + c(a.1, b.1) + c(a.2, b.2)
    }

    /// A ratio axis around `lo`…`hi` within 0…1: round ends and about six ticks.
    func ratioAxis(_ lo: Double, _ hi: Double) -> (Double, Double, [(Double, String)]) {
        var a = max(0, min(lo, hi)), b = min(1, max(lo, hi))
        if b - a < 0.02 { a = max(0, a - 0.01); b = min(1, b + 0.01) }
        let step = [0.005, 0.01, 0.02, 0.025, 0.05, 0.1, 0.2, 0.25].first { (b - a) / $0 <= 7 } ?? 0.25
        a = max(0, (a / step - 1e-9).rounded(.down) * step)
        b = min(1, (b / step + 1e-9).rounded(.up) * step)
        if b <= a { b = min(1, a + step) }
        let places = step < 0.01 ? 3 : (step < 0.1 ? 2 : 1)
        var ticks: [(Double, String)] = []
        var v = a
        while v <= b + step / 2 { ticks.append((v, SweepStats.fixed(v, places: places))); v += step }
        return (a, b, ticks)
    }
}
