import Foundation

/// An HTTP answer: the status and the body, read as JSON when asked.
struct Answer: Sendable {
    var status: Int
    var body: [UInt8]

    /// The whole body parsed (for reads off the hot path: incidents, trust states, traces).
    var json: [String: any Sendable]? {
        ((try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]).map(sendable)
    }

    /// A top-level string member of a JSON object body, found without parsing the rest (what
    /// every scan and poll answer is read for: decision, trace and approval ids, status).
    func string(_ key: String) -> String? { JSONFields.string(key, in: body) }
}

/// A scanner for top-level string members of a JSON object: skips every other value (nested
/// objects and arrays, numbers, literals) without building it.
enum JSONFields {
    static func string(_ key: String, in b: [UInt8]) -> String? {
        let want = Array(key.utf8)
        var i = 0
        func space() { while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 } }
        /// A string starting at `i` (a quote): its content range, `i` after the closing quote;
        /// nil if it is not terminated. `escaped` says whether it holds a backslash.
        func stringRange() -> (Range<Int>, escaped: Bool)? {
            guard i < b.count, b[i] == 0x22 else { return nil }
            let start = i + 1
            var j = start, escaped = false
            while j < b.count, b[j] != 0x22 {
                if b[j] == 0x5C { escaped = true; j += 1 }
                j += 1
            }
            guard j < b.count else { return nil }
            i = j + 1
            return (start..<j, escaped)
        }
        /// Skips one value of any kind.
        func skipValue() -> Bool {
            guard i < b.count else { return false }
            switch b[i] {
            case 0x22: return stringRange() != nil
            case 0x7B, 0x5B:
                var depth = 0
                while i < b.count {
                    switch b[i] {
                    case 0x22: guard stringRange() != nil else { return false }; continue
                    case 0x7B, 0x5B: depth += 1
                    case 0x7D, 0x5D: depth -= 1; if depth == 0 { i += 1; return true }
                    default: break
                    }
                    i += 1
                }
                return false
            default:
                while i < b.count, b[i] != 0x2C, b[i] != 0x7D, b[i] != 0x5D { i += 1 }
                return true
            }
        }
        space()
        guard i < b.count, b[i] == 0x7B else { return nil }
        i += 1
        while true {
            space()
            guard let (k, _) = stringRange() else { return nil }
            space()
            guard i < b.count, b[i] == 0x3A else { return nil }
            i += 1
            space()
            if b[k].elementsEqual(want) {
                guard i < b.count, b[i] == 0x22 else { return nil }
                guard let (v, escaped) = stringRange() else { return nil }
                if !escaped { return String(decoding: b[v], as: UTF8.self) }
                // Escapes are rare here: let the full parser read them.
                let text = "{\"v\":" + String(decoding: b[(v.lowerBound - 1)...v.upperBound], as: UTF8.self) + "}"
                return ((try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any])?["v"] as? String
            }
            guard skipValue() else { return nil }
            space()
            guard i < b.count, b[i] == 0x2C else { return nil }
            i += 1
        }
    }
}
