/// Small SVG building blocks: a plot area with axes, and text escaping.
struct Plot {
    /// Overall size and margins, in pixels.
    var width = 900.0, height = 300.0
    var left = 64.0, right = 16.0, top = 16.0, bottom = 44.0
    /// Data ranges.
    var x0 = 0.0, x1 = 1.0, y0 = 0.0, y1 = 1.0
    var body = ""

    var plotWidth: Double { width - left - right }
    var plotHeight: Double { height - top - bottom }

    func x(_ v: Double) -> Double { left + (x1 > x0 ? (v - x0) / (x1 - x0) : 0) * plotWidth }
    func y(_ v: Double) -> Double { top + plotHeight - (y1 > y0 ? (v - y0) / (y1 - y0) : 0) * plotHeight }

    mutating func add(_ s: String) { body += s; body += "\n" }

    /// Axes with ticks: `xTicks` and `yTicks` as (value, label); axis titles with units.
    mutating func axes(xTicks: [(Double, String)], yTicks: [(Double, String)], xTitle: String, yTitle: String) {
        for (v, label) in yTicks {
            let py = fmt(y(v))
            add("<line class=\"grid\" x1=\"\(fmt(left))\" x2=\"\(fmt(left + plotWidth))\" y1=\"\(py)\" y2=\"\(py)\"/>")
            add("<text class=\"tick\" x=\"\(fmt(left - 6))\" y=\"\(py)\" text-anchor=\"end\" dominant-baseline=\"middle\">\(esc(label))</text>")
        }
        for (v, label) in xTicks {
            let px = fmt(x(v))
            add("<line class=\"tickline\" x1=\"\(px)\" x2=\"\(px)\" y1=\"\(fmt(top + plotHeight))\" y2=\"\(fmt(top + plotHeight + 5))\"/>")
            add("<text class=\"tick\" x=\"\(px)\" y=\"\(fmt(top + plotHeight + 18))\" text-anchor=\"middle\">\(esc(label))</text>")
        }
        add("<line class=\"axis\" x1=\"\(fmt(left))\" x2=\"\(fmt(left + plotWidth))\" y1=\"\(fmt(top + plotHeight))\" y2=\"\(fmt(top + plotHeight))\"/>")
        add("<line class=\"axis\" x1=\"\(fmt(left))\" x2=\"\(fmt(left))\" y1=\"\(fmt(top))\" y2=\"\(fmt(top + plotHeight))\"/>")
        add("<text class=\"title\" x=\"\(fmt(left + plotWidth / 2))\" y=\"\(fmt(height - 6))\" text-anchor=\"middle\">\(esc(xTitle))</text>")
        add("<text class=\"title\" transform=\"translate(14 \(fmt(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">\(esc(yTitle))</text>")
    }

    /// How a legend entry shows its colour.
    enum Swatch { case box, threshold, line, ring, hollow }

    /// A legend in the right margin: colour, label and swatch; an optional note below.
    mutating func legend(_ items: [(String, String, Swatch)], note: String?) {
        let x = left + plotWidth + 14
        var y = top + 6
        for (color, label, swatch) in items.prefix(16) {
            switch swatch {
            case .threshold:
                add("<line class=\"threshold\" x1=\"\(fmt(x))\" x2=\"\(fmt(x + 14))\" y1=\"\(fmt(y))\" y2=\"\(fmt(y))\"/>")
            case .box:
                add("<rect x=\"\(fmt(x))\" y=\"\(fmt(y - 5))\" width=\"14\" height=\"10\" rx=\"2\" fill=\"\(color)\"/>")
            case .line:
                add("<line x1=\"\(fmt(x))\" x2=\"\(fmt(x + 14))\" y1=\"\(fmt(y))\" y2=\"\(fmt(y))\" stroke=\"\(color)\" stroke-width=\"2\"/>")
            case .ring, .hollow:
                add("<circle cx=\"\(fmt(x + 7))\" cy=\"\(fmt(y))\" r=\"\(fmt(swatch == .ring ? 6 : 4.5))\" fill=\"\(swatch == .ring ? "none" : "#fff")\" stroke=\"\(color)\" stroke-width=\"2\"/>")
            }
            let shown = label.count > 24 ? String(label.prefix(23)) + "…" : label
            add("<text class=\"legend\" x=\"\(fmt(x + 20))\" y=\"\(fmt(y))\" dominant-baseline=\"middle\">\(esc(shown))<title>\(esc(label))</title></text>")
            y += 17
        }
        if let note {
            for (k, line) in wrap(note, 30).enumerated() {
                add("<text class=\"note\" x=\"\(fmt(x))\" y=\"\(fmt(y + 8 + Double(k) * 14))\">\(esc(line))</text>")
            }
        }
    }

    /// The finished `<svg>`; `label` is its accessible name.
    func svg(label: String, id: String) -> String {
        "<svg class=\"chart\" id=\"\(id)\" role=\"img\" aria-label=\"\(esc(label))\" viewBox=\"0 0 \(fmt(width)) \(fmt(height))\" "
            + "width=\"\(fmt(width))\" height=\"\(fmt(height))\" xmlns=\"http://www.w3.org/2000/svg\">\n<title>\(esc(label))</title>\n" + body + "</svg>"
    }
}

/// Virtual-time ticks: about `count` round steps between 0 and `end` milliseconds, as hours.
func timeTicks(end: Double, count: Int = 8) -> [(Double, String)] {
    let steps: [Double] = [60_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 10_800_000, 21_600_000,
                           43_200_000, 86_400_000, 172_800_000, 604_800_000]
    let step = steps.first { end / $0 <= Double(count) } ?? steps.last!
    var out: [(Double, String)] = []
    var t = 0.0
    while t <= end + 0.5 { out.append((t, clock(t))); t += step }
    return out
}

/// `HH:MM` (hours may exceed 24) of milliseconds.
func clock(_ ms: Double) -> String {
    let minutes = Int((ms / 60_000).rounded())
    let h = minutes / 60, m = minutes % 60
    return (h < 10 ? "0" : "") + "\(h):" + (m < 10 ? "0" : "") + "\(m)"
}

/// A short duration: `45s`, `12m`, `3h20m`, `2d4h`.
func shortDuration(_ ms: Double) -> String {
    let s = Int((ms / 1_000).rounded())
    if s < 60 { return "\(s)s" }
    if s < 3_600 { return "\(s / 60)m" + (s % 60 == 0 || s >= 600 ? "" : "\(s % 60)s") }
    if s < 86_400 { return "\(s / 3_600)h" + ((s % 3_600) / 60 == 0 ? "" : "\((s % 3_600) / 60)m") }
    return "\(s / 86_400)d" + ((s % 86_400) / 3_600 == 0 ? "" : "\((s % 86_400) / 3_600)h")
}

/// Round count ticks from 0 to at least `max`.
func countTicks(max: Double, count: Int = 5) -> (top: Double, ticks: [(Double, String)]) {
    guard max > 0 else { return (1, [(0, "0"), (1, "1")]) }
    let raw = max / Double(count)
    var magnitude = 1.0
    while magnitude * 10 <= raw { magnitude *= 10 }
    let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? magnitude * 10
    let top = (max / step).rounded(.up) * step
    var ticks: [(Double, String)] = []
    var v = 0.0
    while v <= top + step / 2 { ticks.append((v, compact(v))); v += step }
    return (top, ticks)
}

/// `950`, `12k`, `1.5M`.
func compact(_ v: Double) -> String {
    if v >= 1_000_000 { return trimmed(v / 1_000_000) + "M" }
    if v >= 10_000 { return trimmed(v / 1_000) + "k" }
    return trimmed(v)
}

private func trimmed(_ v: Double) -> String {
    let r = (v * 10).rounded() / 10
    return r == r.rounded() ? "\(Int(r))" : "\(r)"
}

/// A coordinate with at most one decimal.
func fmt(_ v: Double) -> String {
    guard v.isFinite else { return "0" }
    let r = (v * 10).rounded() / 10
    return r == r.rounded() ? "\(Int(r))" : "\(r)"
}

/// Text escaped for HTML and SVG.
func esc(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for c in s {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        default: out.append(c)
        }
    }
    return out
}
