import Yams

/// Where one layer of a layered document came from.
struct LayerOrigin {
    /// The name errors give for the layer: a file path, or `--set PATH=VALUE`.
    var source: String
    /// Whether the layer's marks are lines and columns of `source` (not so for `--set` values).
    var hasPositions: Bool = true
    /// The layer's place in the stack, 0 at the bottom; set by `LayeredNode.root`.
    var depth: Int = 0
}

/// One layer's node at some path, with the layer it came from.
struct Located {
    let node: Node
    var origin: LayerOrigin
    /// The keys of a mapping node by name (nil for other nodes), shared by the copies of this value.
    let table: KeyTable?

    init(node: Node, origin: LayerOrigin) {
        self.node = node
        self.origin = origin
        if case .mapping(let m) = node { table = KeyTable(m) } else { table = nil }
    }

    /// The node's 1-based line, or 0 when unknown.
    var line: Int { origin.hasPositions ? node.mark?.line ?? 0 : 0 }
    /// The node's 1-based column, or 0 when unknown.
    var column: Int { origin.hasPositions ? node.mark?.column ?? 0 : 0 }

    /// An error positioned at this node.
    func error(_ code: LoadError.Code, _ message: String) -> LoadError {
        LoadError(code, file: origin.source, line: line, column: column, message)
    }
}

/// A cursor over a stack of YAML documents laid over each other (defaults, a user file, `--set`s).
///
/// Descending into a key descends in every layer at once. Mappings merge key by key: a layer
/// sets only the keys it names. Anything else (a scalar or a list) comes whole from the topmost
/// layer that has it. A null where a mapping belongs is an empty mapping (a section whose keys
/// are all commented out changes nothing). Every value keeps the layer it came from, so errors
/// name the right file, line and column.
struct LayeredNode {
    /// Where this cursor points.
    var path: ValuePath
    /// This path's value in each layer that has one, bottom layer first.
    var values: [Located]
    /// The topmost mapping that holds (or would hold) this value; "missing key" errors point there.
    var container: Located?

    /// A cursor at the root of the given layers (bottom first); nil nodes are empty documents.
    static func root(_ layers: [(node: Node?, origin: LayerOrigin)]) -> LayeredNode {
        var values: [Located] = []
        for (depth, layer) in layers.enumerated() {
            guard let node = layer.node else { continue }
            var origin = layer.origin
            origin.depth = depth
            values.append(Located(node: node, origin: origin))
        }
        return LayeredNode(path: ValuePath(), values: values, container: nil)
    }

    /// A cursor over a single node (a list item, or a document read without layering).
    static func single(_ located: Located, path: ValuePath = ValuePath(), container: Located? = nil) -> LayeredNode {
        LayeredNode(path: path, values: [located], container: container)
    }

    /// The value of the topmost layer that has one; nil when no layer does.
    var top: Located? { values.last }

    /// Whether no layer sets this value, or the topmost one sets it to null.
    var isNullOrAbsent: Bool { top.map { $0.node.isNullScalar } ?? true }

    // MARK: Mappings

    /// The mappings that merge at this path, bottom first.
    ///
    /// These are the topmost non-null value and the mappings directly below it; a value that is
    /// not a mapping hides everything below it. Throws when the topmost non-null value is not a mapping.
    func mappingLayers() throws(LoadError) -> [Located] {
        var out: [Located] = []
        for v in values.reversed() {
            if v.node.isNullScalar { continue }
            guard case .mapping = v.node else {
                if out.isEmpty { throw expected("a mapping of keys", found: v, code: .wrongType) }
                break
            }
            out.append(v)
        }
        return out.reversed()
    }

    /// Refuses any key outside `allowed` in any layer, with a "did you mean" hint.
    func expectKeys(_ allowed: [String]) throws(LoadError) {
        let allowedSet = Set(allowed)
        for layer in try mappingLayers() {
            for (key, name) in try LayeredNode.keyedPairs(layer) {
                guard allowedSet.contains(name) else {
                    let error = key.error(
                        .unknownKey, "unknown key \(Escaping.quoted(name)) \(placePhrase)" + Suggestion.hint(for: name, in: allowed, listName: "valid keys"))
                    // Collecting: every unknown key of the mapping, and the known ones are still read.
                    guard let sink = ErrorSink.current else { throw error }
                    sink.record(error)
                    continue
                }
            }
        }
    }

    /// The cursor one key down, in every layer.
    func child(_ key: String) throws(LoadError) -> LayeredNode {
        let layers = try mappingLayers()
        var found: [Located] = []
        for layer in layers {
            if let value = layer.table?.value(of: key) { found.append(layer.located(value)) }
        }
        return LayeredNode(path: path.appending(key: key), values: found, container: layers.last ?? container)
    }

    /// The child after checking this mapping's keys; the usual way into a section.
    func section(_ key: String, keys allowed: [String]) throws(LoadError) -> LayeredNode {
        let c = try child(key)
        try c.expectKeys(allowed)
        return c
    }

    /// Every key set in any layer, in order of first appearance from the bottom layer up.
    func keys() throws(LoadError) -> [String] {
        var out: [String] = []
        var seen: Set<String> = []
        for layer in try mappingLayers() {
            for (_, name) in try LayeredNode.keyedPairs(layer) where seen.insert(name).inserted { out.append(name) }
        }
        return out
    }

    /// The key/value pairs of a mapping layer with their key names; refuses non-name keys and repeats.
    private static func keyedPairs(_ layer: Located) throws(LoadError) -> [(node: Located, name: String)] {
        guard let table = layer.table else { return [] }
        var out: [(node: Located, name: String)] = []
        out.reserveCapacity(table.count)
        for i in 0..<table.count {
            let key = table.key(at: i)
            let k = layer.located(key)
            guard let s = table.name(at: i), !key.isNullScalar else {
                throw k.error(.wrongType, "expected a key name; found \(describe(key))")
            }
            if let first = table.index(of: s), first != i {
                let earlier = layer.located(table.key(at: first))
                throw k.error(.duplicateKey, "duplicate key \(Escaping.quoted(s)) (first at line \(earlier.line), column \(earlier.column))")
            }
            out.append((k, s))
        }
        return out
    }

    // MARK: Lists

    /// The items of the list set by the topmost layer (lists replace whole, they never merge).
    func items() throws(LoadError) -> [LayeredNode] {
        guard let top, !top.node.isNullScalar else { throw missing("a list (write [] for none)") }
        guard case .sequence(let s) = top.node else {
            let intoList = !top.origin.hasPositions && { if case .mapping = top.node { true } else { false } }()
            throw expected("a list like [a, b]", found: top,
                           note: intoList ? "--set cannot reach into a list; set the whole list" : "", code: .wrongType)
        }
        return s.enumerated().map { i, item in
            LayeredNode.single(top.located(item), path: path.appending(index: i), container: top)
        }
    }

    // MARK: Errors

    /// `in triggers.repeated_deny` or `at the top level`.
    var placePhrase: String { path.isRoot ? "at the top level" : "in \(path)" }

    /// An error at the topmost value (or the container when absent): `PATH: MESSAGE`.
    func fail(_ code: LoadError.Code, _ message: String, at located: Located? = nil) -> LoadError {
        let text = "\(path): \(message)"
        if let at = located ?? top ?? container { return at.error(code, text) }
        return LoadError(code, file: "?", text)
    }

    /// `PATH: expected WHAT; found VALUE NOTE`, at the value.
    func expected(_ what: String, found v: Located, note: String = "", code: LoadError.Code) -> LoadError {
        v.error(code, "\(path): expected \(what); found \(LayeredNode.describe(v.node))" + (note.isEmpty ? "" : " (\(note))"))
    }

    /// A required value that no layer sets, or that the topmost layer sets to null.
    func missing(_ what: String) -> LoadError {
        if let top {
            return top.error(.missingValue, "\(path): expected \(what); found nothing (null)")
        }
        let parent = ValuePath(components: path.components.dropLast())
        let key = path.lastKey.map { Escaping.quoted($0) } ?? "value"
        let message = "missing required key \(key) in \(parent); expected \(what)"
        if let container { return container.error(.missingValue, message) }
        return LoadError(.missingValue, file: "?", message)
    }

    /// A short, one-line description of a found node: `'abc'`, `the quoted string "5"`, `a list`.
    static func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let s):
            if node.isNullScalar { return "nothing (null)" }
            switch s.style {
            case .singleQuoted, .doubleQuoted: return "the quoted string " + Escaping.quoted(s.string, quote: "\"")
            case .literal, .folded: return "the block string " + Escaping.quoted(s.string)
            default: return Escaping.quoted(s.string)
            }
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        default: return "an alias"
        }
    }
}

extension Located {
    /// A node found inside this one, from the same layer.
    func located(_ inner: Node) -> Located { Located(node: inner, origin: origin) }
}

/// A mapping's keys by name, so that finding a key does not walk the mapping: a Yams mapping
/// copies all its pairs to iterate, which made every lookup cost the whole mapping and loading
/// quadratic in the number of keys. The index is built on the first lookup.
final class KeyTable {
    private let mapping: Node.Mapping
    private var names: [String?] = []
    private var firstIndex: [String: Int]?

    init(_ mapping: Node.Mapping) { self.mapping = mapping }

    /// The number of keys, repeats included.
    var count: Int { mapping.count }

    /// The key node at a position (in file order).
    func key(at i: Int) -> Node { mapping[mapping.startIndex + i].key }

    /// The name of the key at a position: its scalar text, or nil for a list or mapping key.
    func name(at i: Int) -> String? {
        build()
        return names[i]
    }

    /// The position of the first key with this name.
    func index(of name: String) -> Int? {
        build()
        return firstIndex![name]
    }

    /// The value of the first key with this name.
    func value(of name: String) -> Node? {
        index(of: name).map { mapping[mapping.startIndex + $0].value }
    }

    private func build() {
        guard firstIndex == nil else { return }
        var index: [String: Int] = [:]
        index.reserveCapacity(mapping.count)
        names.reserveCapacity(mapping.count)
        var i = mapping.startIndex
        while i < mapping.endIndex {
            let name = mapping[i].key.scalar?.string
            names.append(name)
            if let name, index[name] == nil { index[name] = i - mapping.startIndex }
            i = mapping.index(after: i)
        }
        firstIndex = index
    }
}

extension Node {
    /// Whether this is a plain `null`, `~` or empty scalar (quoted `"null"` is a string).
    var isNullScalar: Bool {
        guard case .scalar(let s) = self, s.style == .plain || s.style == .any else { return false }
        switch s.string {
        case "", "~", "null", "Null", "NULL": return true
        default: return false
        }
    }
}
