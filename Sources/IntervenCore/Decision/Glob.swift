/// A glob pattern with `*` (any run), `?` (any one character) and `[abc]` / `[a-z]` / `[!abc]` classes.
///
/// Matching is case-sensitive, as the product's URL and identifier patterns are.
public struct Glob: Sendable, Equatable {
    /// The pattern text.
    public let pattern: String
    private let chars: [Character]

    /// A glob from its text.
    public init(_ pattern: String) {
        self.pattern = pattern
        chars = Array(pattern)
    }

    /// Whether the pattern has no wildcard (so it matches only its own text).
    public var isLiteral: Bool { !chars.contains { $0 == "*" || $0 == "?" || $0 == "[" } }

    /// Whether the pattern could match an agent UUID (lowercase hex digits and dashes): false when
    /// the text before its first wildcard holds any other character, so callers can skip
    /// deriving ids for patterns that name agents by name.
    public var couldMatchUUID: Bool {
        for c in chars {
            if c == "*" || c == "?" || c == "[" { return true }
            if !(c == "-" || ("0"..."9").contains(c) || ("a"..."f").contains(c)) { return false }
        }
        return true
    }

    /// Whether `text` matches the whole pattern.
    public func matches(_ text: String) -> Bool {
        if isLiteral { return text == pattern }
        let t = Array(text)
        var p = 0, s = 0
        var starP = -1, starS = 0
        while s < t.count {
            if p < chars.count, chars[p] == "*" {
                starP = p; starS = s; p += 1
                continue
            }
            if p < chars.count, let width = matchOne(at: p, t[s]) {
                p += width; s += 1
                continue
            }
            if starP >= 0 {
                p = starP + 1; starS += 1; s = starS
                continue
            }
            return false
        }
        while p < chars.count, chars[p] == "*" { p += 1 }
        return p == chars.count
    }

    /// If the pattern element at `p` matches `c`, the element's width in pattern characters.
    private func matchOne(at p: Int, _ c: Character) -> Int? {
        switch chars[p] {
        case "?": return 1
        case "[":
            guard let close = chars[(p + 1)...].firstIndex(of: "]"), close > p + 1 else {
                return c == "[" ? 1 : nil
            }
            var i = p + 1
            var negate = false
            if chars[i] == "!" || chars[i] == "^" { negate = true; i += 1 }
            var found = false
            while i < close {
                if i + 2 < close, chars[i + 1] == "-" {
                    if chars[i] <= c && c <= chars[i + 2] { found = true }
                    i += 3
                } else {
                    if chars[i] == c { found = true }
                    i += 1
                }
            }
            return found != negate ? close - p + 1 : nil
        default:
            return chars[p] == c ? 1 : nil
        }
    }
}
