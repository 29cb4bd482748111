public import IntervenCore
import Yams

/// One rules value that differs between two sets of rules, and where a rules file sets it.
public struct RulesDifference: Sendable, Equatable {
    /// The dotted key path, e.g. `triggers.repeated_deny.count` (a list is one value).
    public var path: String
    /// The value in the first and the second rules, as one line of YAML (`-` when absent).
    public var before: String
    public var after: String
    /// Where the value is set, when a file sets it (the `--rules` file); nil for a `--set` or
    /// a value neither file names.
    public var file: String?
    public var line: Int = 0
    public var column: Int = 0

    public init(path: String, before: String, after: String, file: String? = nil, line: Int = 0, column: Int = 0) {
        self.path = path; self.before = before; self.after = after; self.file = file; self.line = line; self.column = column
    }
}

extension RulesFile {
    /// Every value that differs between `old` and `new`, in the rules file's key order.
    public static func differences(_ old: Rules, _ new: Rules) -> [RulesDifference] {
        let a = flatten(render(old)), b = flatten(render(new))
        let before = Dictionary(a, uniquingKeysWith: { x, _ in x })
        let after = Dictionary(b, uniquingKeysWith: { x, _ in x })
        var out: [RulesDifference] = []
        for (path, value) in b where before[path] != value {
            out.append(RulesDifference(path: path, before: before[path] ?? "-", after: value))
        }
        for (path, value) in a where after[path] == nil {
            out.append(RulesDifference(path: path, before: value, after: "-"))
        }
        return out
    }

    /// The position of the deepest key of `path` that the YAML file at `file` writes (the key
    /// itself, or the nearest enclosing one), or nil when it writes none of it.
    public static func locate(_ path: String, inFile file: String) -> (line: Int, column: Int)? {
        guard let text = try? readFile(file), let root = try? YAMLDocument.parse(text, source: file) else { return nil }
        var node = root
        var found: (Int, Int)? = nil
        for key in path.split(separator: ".") {
            guard case .mapping(let m) = node, let pair = m.first(where: { $0.key.scalar?.string == String(key) }) else { break }
            if let mark = pair.key.mark { found = (mark.line, mark.column) }
            node = pair.value
        }
        return found
    }

    /// `path → value` for every leaf of a rendered rules document, in document order.
    static func flatten(_ text: String) -> [(String, String)] {
        guard let root = try? Yams.compose(yaml: text) else { return [] }
        var out: [(String, String)] = []
        func walk(_ node: Node, _ path: String) {
            if case .mapping(let m) = node, !m.isEmpty {
                for (k, v) in m { walk(v, path.isEmpty ? (k.scalar?.string ?? "?") : path + "." + (k.scalar?.string ?? "?")) }
            } else {
                out.append((path, RulesStack.flowText(node)))
            }
        }
        walk(root, "")
        return out
    }
}
