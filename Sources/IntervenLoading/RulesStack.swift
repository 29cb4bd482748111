import IntervenCore
import Yams

/// The layers a scenario's rules are decoded from, bottom first: the shipped defaults, the rules
/// file, the scenario's `set:` entries, the command line's `--set`s, then each timeline `set`
/// event in time order.
///
/// Each `set:` entry becomes one layer of nested mappings ending in the entry's own value node,
/// so it merges like `--set` but keeps the scenario file's line and column in errors.
struct RulesStack {
    private(set) var layers: [(node: Node?, origin: LayerOrigin)]

    /// The defaults with `fileText` (named `fileSource` in errors) laid over them, when given.
    static func base(fileText: String?, fileSource: String) throws(LoadError) -> RulesStack {
        let defaultsText = String(decoding: PackageResources.default_yaml, as: UTF8.self)
        var layers: [(node: Node?, origin: LayerOrigin)] = [
            (try YAMLDocument.parse(defaultsText, source: RulesFile.defaultsSource), LayerOrigin(source: RulesFile.defaultsSource)),
        ]
        if let fileText {
            layers.append((try YAMLDocument.parse(fileText, source: fileSource), LayerOrigin(source: fileSource)))
        }
        return RulesStack(layers: layers)
    }

    /// One layer holding `rules` written out whole (a complete rules file), to lay changes over.
    /// Errors never point into it (it loads without any); `source` names it if one did.
    static func rendering(_ rules: Rules, source: String) throws(LoadError) -> RulesStack {
        let text = RulesFile.render(rules)
        let origin = LayerOrigin(source: source, hasPositions: false)
        return RulesStack(layers: [(try YAMLDocument.parse(text, source: source), origin)])
    }

    /// The effective rules of every layer so far.
    func decode() throws(LoadError) -> Rules {
        try RulesDecoding.decode(LayeredNode.root(layers))
    }

    /// Lays `--set PATH=VALUE` arguments on top.
    mutating func appendOverrides(_ arguments: [String]) throws(LoadError) {
        for argument in arguments { layers.append(try Override.layer(argument)) }
    }

    /// Lays a scenario `set:` mapping on top, one layer per entry in file order, and returns each
    /// change as `path=value`.
    ///
    /// Keys are dotted rules paths (`triggers.repeated_deny.count`); values are any YAML value.
    /// An absent or null `set` changes nothing.
    @discardableResult
    mutating func appendSettings(_ node: LayeredNode) throws(LoadError) -> [String] {
        guard let top = node.top, !top.node.isNullScalar else { return [] }
        guard case .mapping(let mapping) = top.node else {
            throw node.expected("a mapping of rules key paths to values, like triggers.repeated_deny.count: 6",
                                found: top, code: .wrongType)
        }
        var changes: [String] = []
        for (key, value) in mapping {
            let keyAt = top.located(key)
            guard let pathText = key.scalar?.string, !key.isNullScalar else {
                throw keyAt.error(.wrongType, "\(node.path): expected a rules key path like triggers.repeated_deny.count; found \(LayeredNode.describe(key))")
            }
            let components = pathText.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard !components.contains(where: { $0.isEmpty || $0.contains(where: \.isWhitespace) }) else {
                throw keyAt.error(.invalidValue, "\(node.path): expected a rules key path like triggers.repeated_deny.count; found \(Escaping.quoted(pathText))")
            }
            // The wrappers carry the key's position, so an unknown key in the path points at it.
            var wrapped = value
            for component in components.reversed() {
                let k = Node.scalar(Node.Scalar(component, .implicit, .plain, key.mark))
                wrapped = .mapping(Node.Mapping([(k, wrapped)], .implicit, .any, key.mark))
            }
            layers.append((wrapped, LayerOrigin(source: top.origin.source, hasPositions: top.origin.hasPositions)))
            changes.append("\(pathText)=\(RulesStack.flowText(value))")
        }
        return changes
    }

    /// A node as one line of flow YAML: `3`, `"a b"`, `[WRITE, ADMIN]`, `{count: 3}`.
    static func flowText(_ node: Node) -> String {
        switch node {
        case .scalar(let s):
            switch s.style {
            case .singleQuoted, .doubleQuoted, .literal, .folded: return YAMLText.quoted(s.string)
            default: return s.string
            }
        case .sequence(let items): return "[" + items.map(flowText).joined(separator: ", ") + "]"
        case .mapping(let m): return "{" + m.map { "\(flowText($0.key)): \(flowText($0.value))" }.joined(separator: ", ") + "}"
        default: return "*alias"
        }
    }
}
