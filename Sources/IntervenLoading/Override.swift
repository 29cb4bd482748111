import Yams

/// A `--set path.to.key=value` override, laid over a document as one more layer.
///
/// The value is a YAML scalar or flow collection (`6`, `false`, `[WRITE]`, `{enabled: false}`);
/// the path becomes nested mappings, so an override merges like a file that sets just that key.
/// Errors name the override itself (`--set PATH=VALUE`) as the file, without a line or column.
enum Override {
    /// The override as a layer: nested mappings down to the parsed value.
    static func layer(_ argument: String) throws(LoadError) -> (node: Node?, origin: LayerOrigin) {
        // The override names itself in errors, cut when long (a value can be any length).
        let source = "--set " + (argument.count > Escaping.quoteLimit ? Escaping.quoted(argument, quote: "") : argument)
        let origin = LayerOrigin(source: source, hasPositions: false)
        guard let eq = argument.firstIndex(of: "=") else {
            throw LoadError(.invalidOverride, file: source,
                            "expected path.to.key=value, e.g. triggers.repeated_deny.count=6; found no '='")
        }
        let pathText = String(argument[..<eq]).trimmingBlanks()
        let valueText = String(argument[argument.index(after: eq)...])
        let keys = pathText.split(separator: ".", omittingEmptySubsequences: false).map {
            String($0).trimmingBlanks()
        }
        guard !pathText.isEmpty, !keys.contains(where: \.isEmpty) else {
            throw LoadError(.invalidOverride, file: source,
                            "expected a key path like triggers.repeated_deny.count before '='; found \(Escaping.quoted(pathText))")
        }
        var node: Node
        do {
            node = try YAMLDocument.parse(valueText, source: source) ?? Node("null")
        } catch {
            let at = error.line == 1 && error.column > 0 ? " at column \(error.column) of the value" : ""
            let prefix = "invalid YAML: "
            let problem = error.message.hasPrefix(prefix) ? String(error.message.dropFirst(prefix.count)) : error.message
            throw LoadError(.invalidOverride, file: source,
                            "\(pathText): the value is not a YAML scalar or flow collection\(at): \(problem)")
        }
        for key in keys.reversed() {
            node = Node([(Node(key), node)])
        }
        return (node, origin)
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    fileprivate func trimmingBlanks() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
