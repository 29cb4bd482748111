/// Text from input files and arguments made safe to print on one terminal line.
///
/// Control characters never reach the terminal raw (an escape sequence in a bad value could
/// recolour, move or clear the screen): they are written `\e`, `\a`, `\0`, `\n`, `\t` or
/// `\u{9b}`, as are line and paragraph separators and the invisible marks that reverse the
/// direction of text. Values quoted in messages are cut to a bounded length, with their whole
/// length stated, so a megabyte value does not become a megabyte error line.
public enum Escaping {
    /// The longest value quoted whole, in characters.
    public static let quoteLimit = 60
    /// The longest message line printed whole, in characters (a last resort: values are cut first).
    public static let lineLimit = 2_000

    /// The text with every control character escaped.
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else { out.unicodeScalars.append(scalar); continue }
            switch scalar.value {
            case 0x00: out += "\\0"
            case 0x07: out += "\\a"
            case 0x08: out += "\\b"
            case 0x09: out += "\\t"
            case 0x0A: out += "\\n"
            case 0x0B: out += "\\v"
            case 0x0C: out += "\\f"
            case 0x0D: out += "\\r"
            case 0x1B: out += "\\e"
            default: out += "\\u{" + String(scalar.value, radix: 16) + "}"
            }
        }
        return out
    }

    /// Whether a scalar is written escaped: C0 and C1 controls and DEL, line and paragraph
    /// separators, and bidirectional formatting marks.
    static func needsEscape(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x2028, 0x2029: true
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// A value in quotes, escaped, and cut after `limit` characters with its length stated:
    /// `'abc'`, or `'aaaa…' (1,048,576 characters)`.
    public static func quoted(_ text: String, limit: Int = quoteLimit, quote: String = "'") -> String {
        var count = 0
        var end = text.startIndex
        while end < text.endIndex && count <= limit {
            end = text.index(after: end)
            count += 1
        }
        if count <= limit { return quote + escaped(text) + quote }
        let cut = text[..<text.index(text.startIndex, offsetBy: limit)]
        return quote + escaped(String(cut)) + "…" + quote + " (\(grouped(text.count)) characters)"
    }

    /// At most `limit` names joined with commas, then how many there are in all:
    /// `a, b, c, … (20,006 in all)`.
    public static func list(_ names: [String], limit: Int = 12) -> String {
        let shown = names.prefix(limit).map { quotedIfLong($0) }
        if names.count <= limit { return shown.joined(separator: ", ") }
        return shown.joined(separator: ", ") + ", … (\(grouped(names.count)) in all)"
    }

    /// A name as is (escaped), or cut and quoted when long.
    static func quotedIfLong(_ name: String) -> String {
        name.count > quoteLimit ? quoted(name) : escaped(name)
    }

    /// One line for the terminal: escaped, and cut after `lineLimit` characters with its length stated.
    public static func line(_ text: String) -> String {
        let e = escaped(text)
        guard e.count > lineLimit else { return e }
        return String(e.prefix(lineLimit)) + "… (\(grouped(e.count)) characters in all)"
    }

    /// `1,048,576`.
    public static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return n < 0 ? "-" + out : out
    }
}
