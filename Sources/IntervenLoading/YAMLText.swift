/// Spelling values as YAML text that reads back exactly.
enum YAMLText {
    /// A string as a plain scalar when that reads back as the same string, else double-quoted.
    ///
    /// Plain is kept to a conservative alphabet (letters, digits, space and `_ - . / @ + * ?`,
    /// starting with a letter, digit, `_`, `.` or `/`) and never for words YAML reads as
    /// null or a boolean, so the result is safe in block and flow context alike.
    static func string(_ s: String) -> String {
        plainIsSafe(s) ? s : quoted(s)
    }

    /// `"text"` with `\`, `"` and control characters escaped.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if u.value < 0x20 || u.value == 0x7F || (0x80...0x9F).contains(u.value) || u.value == 0xFEFF {
                    let hex = String(u.value, radix: 16, uppercase: true)
                    out += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    /// `[a, b, c]` with each item spelt by `string`.
    static func list(_ items: [String]) -> String {
        "[" + items.map(string).joined(separator: ", ") + "]"
    }

    /// `{k: v, k2: v2}` from already-spelt values.
    static func flowMapping(_ pairs: [(String, String)]) -> String {
        "{" + pairs.map { "\($0.0): \($0.1)" }.joined(separator: ", ") + "}"
    }

    private static let reservedWords: Set<String> = [
        "null", "Null", "NULL", "~", "true", "True", "TRUE", "false", "False", "FALSE",
        "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "none",
    ]

    private static func plainIsSafe(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, let last = s.unicodeScalars.last, last != " ",
              !reservedWords.contains(s) else { return false }
        func isAlnum(_ u: Unicode.Scalar) -> Bool {
            (u >= "a" && u <= "z") || (u >= "A" && u <= "Z") || (u >= "0" && u <= "9")
        }
        guard isAlnum(first) || first == "_" || first == "." || first == "/" else { return false }
        return s.unicodeScalars.allSatisfy { u in
            isAlnum(u) || " _-./@+*?".unicodeScalars.contains(u)
        }
    }
}
