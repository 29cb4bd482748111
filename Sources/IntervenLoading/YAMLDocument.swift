import Yams

/// Parses one YAML document into a node tree, turning every Yams error into a one-line `LoadError`.
enum YAMLDocument {
    /// The document's root node, or nil when the text holds no document (empty or only comments).
    ///
    /// `source` names the text in errors. Alias bombs and keys that are lists or mappings are
    /// refused first (`YAMLGuard`). Syntax errors keep Yams' 1-based line and column;
    /// a duplicate key is reported at its second occurrence with the key path of its mapping.
    static func parse(_ text: String, source: String) throws(LoadError) -> Node? {
        try YAMLGuard.check(text, source: source)
        do {
            return try Yams.compose(yaml: text)
        } catch let error as YamlError {
            if case .duplicatedKeysInMapping(let keys, let context) = error {
                throw duplicateKeyError(in: text, source: source, key: keys.first ?? "?", first: context.mark)
            }
            throw syntaxError(error, in: text, source: source)
        } catch {
            throw LoadError(.syntax, file: source, "invalid YAML: \(error)")
        }
    }

    /// How deep lists and mappings may nest (libyaml's limit).
    static let maxNesting = 1000

    /// A Yams scanner, parser, composer or reader error as a `.syntax` error at its position.
    static func syntaxError(_ error: YamlError, in text: String, source: String) -> LoadError {
        func located(_ context: YamlError.Context?, _ problem: String, _ mark: Mark) -> LoadError {
            if problem.hasPrefix("Maximum nesting level reached") {
                // libyaml's own words name its C API; say what the limit is instead.
                return LoadError(.syntax, file: source, line: mark.line, column: mark.column,
                                 "invalid YAML: lists and mappings nested more than \(maxNesting) levels deep")
            }
            var message = "invalid YAML: \(problem)"
            if let context {
                message += " (\(context.text)"
                if context.mark.line != mark.line || context.mark.column != mark.column {
                    message += " started at line \(context.mark.line), column \(context.mark.column)"
                }
                message += ")"
            }
            return LoadError(.syntax, file: source, line: mark.line, column: mark.column, message)
        }
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            return located(context, problem, mark)
        case .reader(let problem, let offset, _, _):
            let (line, column) = offset.map { position(ofCharacterOffset: $0, in: text) } ?? (0, 0)
            return LoadError(.syntax, file: source, line: line, column: column, "unreadable text: \(problem)")
        case .dataCouldNotBeDecoded:
            return LoadError(.unreadableFile, file: source, "the file is not UTF-8 text")
        default:
            return LoadError(.syntax, file: source, "invalid YAML: \(error)")
        }
    }

    /// 1-based line and column (in Unicode scalars) of a character offset.
    static func position(ofCharacterOffset offset: Int, in text: String) -> (line: Int, column: Int) {
        var line = 1, column = 1
        for c in text.prefix(offset) {
            if c.isNewline { line += 1; column = 1 } else { column += c.unicodeScalars.count }
        }
        return (line, column)
    }

    // MARK: Duplicate keys

    /// Reports a duplicate key at its second occurrence, naming the mapping's key path.
    ///
    /// Yams refuses duplicate keys while composing and only gives the first occurrence, so the
    /// tree is rebuilt with each reported first occurrence renamed (a marker prefix inserted at
    /// its position) until the text composes; the marked key then shows where the mapping is and
    /// which key in it repeats. If that fails for any reason, the first occurrence is reported.
    static func duplicateKeyError(in text: String, source: String, key: String, first: Mark) -> LoadError {
        let fallback = LoadError(.duplicateKey, file: source, line: first.line, column: first.column,
                                 "duplicate key \(Escaping.quoted(key)) in one mapping")
        var patched = text
        var inserted: [(line: Int, column: Int, length: Int)] = []
        var mark = first
        for round in 0..<16 {
            let marker = "\(markerStem)\(round)_"
            guard let index = stringIndex(line: mark.line, column: mark.column, in: patched) else { return fallback }
            patched.insert(contentsOf: marker, at: index)
            inserted.append((mark.line, mark.column, marker.unicodeScalars.count))
            do {
                guard let root = try Yams.compose(yaml: patched) else { return fallback }
                guard let found = findMarked(in: root, marker: "\(markerStem)0_", path: ValuePath()) else { return fallback }
                var line = found.second.mark?.line ?? 0
                var column = found.second.mark?.column ?? 0
                // Undo the column shift of markers inserted earlier on the same line.
                for ins in inserted.reversed() where ins.line == line && ins.column < column { column -= ins.length }
                if line == 0 { line = first.line; column = first.column }
                let place = found.path.isRoot ? "at the top level" : "in \(found.path)"
                return LoadError(.duplicateKey, file: source, line: line, column: column,
                                 "duplicate key \(Escaping.quoted(key)) \(place) (first at line \(first.line), column \(first.column))")
            } catch let error as YamlError {
                guard case .duplicatedKeysInMapping(_, let context) = error else { return fallback }
                mark = context.mark
            } catch {
                return fallback
            }
        }
        return fallback
    }

    private static let markerStem = "zz\u{2060}dup"

    /// The mapping holding the marked key, its key path, and the next key with the same name.
    private static func findMarked(in node: Node, marker: String, path: ValuePath) -> (path: ValuePath, second: Node)? {
        switch node {
        case .mapping(let mapping):
            if let marked = mapping.first(where: { $0.key.scalar?.string.hasPrefix(marker) == true }) {
                let name = unmarked(String(marked.key.scalar!.string.dropFirst(marker.count)))
                let second = mapping.first { pair in
                    guard let s = pair.key.scalar?.string, !s.hasPrefix(marker) else { return false }
                    return unmarked(s) == name
                }
                return second.map { (path, $0.key) }
            }
            for (key, value) in mapping {
                if let hit = findMarked(in: value, marker: marker, path: path.appending(key: key.scalar?.string ?? "?")) {
                    return hit
                }
            }
        case .sequence(let sequence):
            for (i, item) in sequence.enumerated() {
                if let hit = findMarked(in: item, marker: marker, path: path.appending(index: i)) { return hit }
            }
        default:
            break
        }
        return nil
    }

    /// A key without any duplicate marker and without the quotes a marker may have swallowed.
    private static func unmarked(_ key: String) -> String {
        var s = Substring(key)
        while s.hasPrefix(markerStem) {
            s = s.dropFirst(markerStem.count).drop(while: { $0 != "_" }).dropFirst()
        }
        if s.count >= 2, let f = s.first, f == "\"" || f == "'", s.last == f { s = s.dropFirst().dropLast() }
        return String(s)
    }

    /// The index of a 1-based line and column (in Unicode scalars).
    private static func stringIndex(line: Int, column: Int, in text: String) -> String.Index? {
        guard line >= 1, column >= 1 else { return nil }
        let scalars = text.unicodeScalars
        var i = scalars.startIndex
        var currentLine = 1
        while currentLine < line {
            guard let nl = scalars[i...].firstIndex(where: { $0 == "\n" }) else { return nil }
            i = scalars.index(after: nl)
            currentLine += 1
        }
        guard let target = scalars.index(i, offsetBy: column - 1, limitedBy: scalars.endIndex) else { return nil }
        return target.samePosition(in: text)
    }
}
