/// "Did you mean" hints for misspelt keys and names.
enum Suggestion {
    /// The candidate closest to `word` when it is close enough to be a likely misspelling.
    ///
    /// Distance is case-insensitive Damerau–Levenshtein (a swap of two neighbours costs one),
    /// so `trsut` finds `trust` and `high` finds `HIGH`. The allowance grows with the
    /// candidate's length; ties go to the earlier candidate.
    static func nearest(to word: String, in candidates: [String]) -> String? {
        let w = Array(word.lowercased().unicodeScalars)
        var best: (name: String, distance: Int)? = nil
        for candidate in candidates {
            let c = Array(candidate.lowercased().unicodeScalars)
            let allowance = c.count <= 4 ? 1 : c.count <= 8 ? 2 : 3
            // The distance is at least the difference in length: a long word is near nothing short.
            guard abs(c.count - w.count) <= allowance else { continue }
            let d = distance(w, c)
            if d <= allowance, d < (best?.distance ?? .max) { best = (candidate, d) }
        }
        return best?.name
    }

    /// A sentence tail naming the nearest candidate, or listing all of them when none is close.
    ///
    /// `; did you mean 'window'?` or `; expected one of: enabled, severity, count`.
    static func hint(for word: String, in candidates: [String], listName: String = "expected one of") -> String {
        if let near = nearest(to: word, in: candidates) { return "; did you mean \(Escaping.quoted(near))?" }
        if candidates.isEmpty { return "" }
        return "; \(listName): " + Escaping.list(candidates, limit: 40)
    }

    /// Optimal-string-alignment edit distance.
    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        let width = b.count + 1
        var prev2 = [Int](repeating: 0, count: width)
        var prev = Array(0...b.count)
        var row = [Int](repeating: 0, count: width)
        for i in 1...a.count {
            row[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var v = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { v = min(v, prev2[j - 2] + 1) }
                row[j] = v
            }
            (prev2, prev, row) = (prev, row, prev2)
        }
        return prev[b.count]
    }
}
