import Foundation

/// Reading `incidents.json` for the page: the incidents it lists whole, the rest only as far as
/// the charts need them (opening time, severity, agent, trigger). A run whose incidents link
/// millions of scans would otherwise hold every one of them as Foundation objects while the page
/// is drawn, many times the file's size.
enum IncidentsReading {
    /// The fields the charts read of an incident the page does not list.
    static let chartFields = ["opened_at_ms", "severity", "agent", "trigger"]

    /// The incidents of `bytes` (a JSON array of objects): the first `whole` complete, the others
    /// with `chartFields` only.
    static func incidents(_ bytes: [UInt8], whole: Int) throws(ReportError) -> [[String: Any]] {
        guard let ranges = elements(bytes) else { throw ReportError("incidents.json: expected a JSON array of objects") }
        var out: [[String: Any]] = []
        out.reserveCapacity(ranges.count)
        // A listed incident keeps the linked scans its timeline shows and their count
        // (`traces_total`), not all of them.
        let shownTraces = PageData.traceLimit(listing: min(ranges.count, whole))
        for (k, r) in ranges.enumerated() {
            guard var o = (try? JSONSerialization.jsonObject(with: Data(bytes[r]))) as? [String: Any] else {
                throw ReportError("incidents.json: expected a JSON array of objects")
            }
            if k < whole {
                if let traces = o["traces"] as? [Any], traces.count > shownTraces {
                    o["traces"] = Array(traces.prefix(shownTraces))
                    o["traces_total"] = traces.count
                }
                out.append(o)
            } else {
                var light: [String: Any] = [:]
                for f in chartFields { light[f] = o[f] }
                out.append(light)
            }
        }
        return out
    }

    /// The byte ranges of the elements of a top-level JSON array, or nil when `bytes` is not one
    /// (strings and nesting are followed, values are not checked: each element is parsed later).
    static func elements(_ bytes: [UInt8]) -> [Range<Int>]? {
        var i = 0
        func skipSpace() { while i < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[i]) { i += 1 } }
        skipSpace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: "[") else { return nil }
        i += 1
        var out: [Range<Int>] = []
        var depth = 0, start = -1, inString = false, escaped = false
        while i < bytes.count {
            let c = bytes[i]
            if inString {
                if escaped { escaped = false } else if c == UInt8(ascii: "\\") { escaped = true } else if c == UInt8(ascii: "\"") { inString = false }
            } else {
                switch c {
                case UInt8(ascii: "\""):
                    inString = true
                    if start < 0 { start = i }
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    if start < 0 { start = i }
                    depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    if depth == 0 {          // the end of the array
                        guard c == UInt8(ascii: "]") else { return nil }
                        if start >= 0 { out.append(start..<i) }
                        i += 1
                        skipSpace()
                        return i == bytes.count ? out : nil
                    }
                    depth -= 1
                case UInt8(ascii: ","):
                    if depth == 0 {
                        guard start >= 0 else { return nil }
                        out.append(start..<i)
                        start = -1
                    }
                case 0x20, 0x0A, 0x0D, 0x09:
                    break
                default:
                    if start < 0 { start = i }
                }
            }
            i += 1
        }
        return nil
    }
}
