import Foundation

/// A JSON value for the data the page's script reads, written with a fixed key order.
indirect enum J {
    case s(String)
    case n(Double)
    case raw(String)
    case b(Bool)
    case a([J])
    case o([(String, J)])
    case null

    func write(into out: inout String) {
        switch self {
        case .s(let s): Self.string(s, into: &out)
        case .n(let d):
            if !d.isFinite { out += "null" }
            else if d == d.rounded(), abs(d) < 1e15 { out += String(Int64(d)) }
            else { out += trim(d) }
        case .raw(let t): out += t
        case .b(let b): out += b ? "true" : "false"
        case .null: out += "null"
        case .a(let items):
            out += "["
            for (k, v) in items.enumerated() { if k > 0 { out += "," }; v.write(into: &out) }
            out += "]"
        case .o(let fields):
            out += "{"
            for (k, (key, v)) in fields.enumerated() {
                if k > 0 { out += "," }
                Self.string(key, into: &out); out += ":"; v.write(into: &out)
            }
            out += "}"
        }
    }

    var text: String { var s = ""; write(into: &s); return s }

    /// A JSON string, safe inside a `<script>` element (`<` is escaped).
    static func string(_ s: String, into out: inout String) {
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<": out += "\\u003c"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        out += "\""
    }
}

func str(_ v: Any?) -> J { (v as? String).map(J.s) ?? .null }
func num(_ v: Any?) -> J { number(v).map(J.n) ?? .null }
/// A JSON boolean read back from `JSONSerialization` (which may hand out numbers for booleans).
func flag(_ v: Any?) -> Bool {
    if let b = v as? Bool { return b }
    return (number(v) ?? 0) != 0
}

/// The data the page's tables are built from.
struct PageData {
    /// Incidents listed in the page at most (the page says how many it left out).
    static let incidentLimit = 3_000
    /// Linked scans shown in one incident's timeline at most: 50, fewer when many incidents are
    /// listed (a budget of 30,000 across the page, at least 10 each), so a tenant whose incidents
    /// each link thousands of scans still gets a page of a few megabytes.
    static func traceLimit(listing incidents: Int) -> Int { min(50, max(10, 30_000 / max(1, incidents))) }

    let input: ReportInput

    /// At most 49 points of an agent's trust at the checkpoints (every third one): enough for
    /// a 110-pixel sparkline, a third of the bytes.
    static func sparkline(_ points: [Double]) -> [Double] {
        guard points.count > 49 else { return points }
        return stride(from: 0, to: points.count, by: 3).map { points[$0] } + (points.count % 3 == 1 ? [] : [points[points.count - 1]])
    }

    func json() -> String {
        let series = input.series
        let groupOfAgent = Dictionary((series["agents"] as? [[String: Any]] ?? []).map {
            ($0["name"] as? String ?? "", $0)
        }, uniquingKeysWith: { a, _ in a })
        let agents: [J] = input.agents.map { a in
            let name = a["name"] as? String ?? ""
            let extra = groupOfAgent[name] ?? [:]
            let d = a["decisions_24h"] as? [String: Any] ?? [:]
            return .o([
                ("name", .s(name)), ("group", str(extra["group"])), ("runtime", str(a["runtime"])), ("label", str(a["label"])),
                ("calls", num(a["total_calls"])),
                ("d24", .a(Palette.decisionOrder.map { num(d[$0]) })),
                ("trust", num(a["trust"])), ("spark", .a(Self.sparkline(numbers(extra["trust"])).map(J.n))),
                ("scrutiny", .b(flag(a["scrutiny"]))), ("suspended", .b(flag(a["suspended"]))),
                ("pinned", str(a["scrutiny_pinned_until"])),
                ("last", str(a["last_seen"])), ("lastMs", num(a["last_seen_ms"])),
                ("incidents", num(extra["incidents"])),
            ])
        }
        let falsePositives = Set(numbers(series["false_positive_incidents"]).map { Int($0) })
        let traceLimit = Self.traceLimit(listing: min(input.incidents.count, Self.incidentLimit))
        let incidents: [J] = input.incidents.prefix(Self.incidentLimit).enumerated().map { k, i in
            let traces = i["traces"] as? [[String: Any]] ?? []
            var timeline: [(Double, Int, J)] = []
            for c in i["status_changes"] as? [[String: Any]] ?? [] {
                timeline.append((number(c["time_ms"]) ?? 0, 1, .o([("kind", .s("status")), ("time", str(c["time"])),
                                                                  ("text", .s("\(c["status"] as? String ?? "") by \(c["actor"] as? String ?? "")"))])))
            }
            for t in traces.prefix(traceLimit) {
                let id = t["trace"].map { "\($0)" } ?? ""
                var fields: [(String, J)] = [("kind", .s("scan")), ("time", str(t["time"])), ("trace", .s(id))]
                if let r = input.traces[id] {
                    fields.append(("scan", .o(ActivityReader.columns.map { ($0, .s(r[$0] ?? "")) })))
                }
                timeline.append((number(t["time_ms"]) ?? 0, 0, .o(fields)))
            }
            for a in i["actions"] as? [[String: Any]] ?? [] {
                timeline.append((number(a["time_ms"]) ?? 0, 2, .o([("kind", .s("action")), ("time", str(a["time"])),
                                                                  ("text", .s("\(a["kind"] as? String ?? ""): \(a["detail"] as? String ?? "") (\(a["actor"] as? String ?? ""))"))])))
            }
            for n in i["notes"] as? [[String: Any]] ?? [] {
                timeline.append((number(n["time_ms"]) ?? 0, 3, .o([("kind", .s("note")), ("time", str(n["time"])),
                                                                  ("text", .s("\(n["author"] as? String ?? ""): \(n["text"] as? String ?? "")"))])))
            }
            // Time order; at one instant the scan first, then the status, actions and notes it caused.
            let ordered = timeline.enumerated().sorted { ($0.element.0, $0.element.1, $0.offset) < ($1.element.0, $1.element.1, $1.offset) }
            return .o([
                ("id", str(i["id"])), ("title", str(i["title"])), ("severity", str(i["severity"])), ("agent", str(i["agent"])),
                ("trigger", str(i["trigger"])), ("key", str(i["key"])), ("status", str(i["status"])),
                ("resolution", str(i["resolution"])), ("opened", str(i["opened_at"])), ("openedMs", num(i["opened_at_ms"])),
                ("closed", str(i["closed_at"])), ("traces", .n(Double((i["traces_total"] as? Int) ?? traces.count))),
                ("fp", .b(falsePositives.contains(k))),
                ("timeline", .a(ordered.map(\.element.2))),
            ])
        }
        let doc: J = .o([
            ("agents", .a(agents)), ("agentsTotal", .n(Double(input.agentsTotal))),
            ("incidents", .a(incidents)), ("incidentsTotal", .n(Double(input.incidents.count))),
            ("threshold", num(series["scrutiny_threshold"])),
            ("hasActivity", .b(input.hasActivity)),
            ("traceLimit", .n(Double(traceLimit))),
            ("colors", .o([
                ("decisions", .o(Palette.decisionOrder.map { ($0, .s(Palette.decisions[$0]!)) })),
                ("severities", .o(["LOW", "MEDIUM", "HIGH", "CRITICAL"].map { ($0, .s(Palette.severities[$0]!)) })),
            ])),
        ])
        return doc.text
    }
}
