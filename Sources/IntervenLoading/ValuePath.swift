/// Where a value sits in a document: `triggers.repeated_deny.window`, `policies[2].match.verbs`.
struct ValuePath: CustomStringConvertible {
    /// One step: a mapping key or a list index.
    enum Component {
        case key(String)
        case index(Int)
    }

    /// The steps from the document root.
    var components: [Component] = []

    /// Whether this is the document root.
    var isRoot: Bool { components.isEmpty }

    /// The last key, or nil for the root or a list item.
    var lastKey: String? {
        if case .key(let k)? = components.last { return k }
        return nil
    }

    /// This path with a mapping key appended.
    func appending(key: String) -> ValuePath {
        var p = self
        p.components.append(.key(key))
        return p
    }

    /// This path with a list index (0-based) appended.
    func appending(index: Int) -> ValuePath {
        var p = self
        p.components.append(.index(index))
        return p
    }

    /// Dotted keys with `[i]` for list items; `the top level` for the root.
    var description: String {
        if components.isEmpty { return "the top level" }
        var out = ""
        for c in components {
            switch c {
            case .key(let k):
                let shown = Escaping.quotedIfLong(k)
                out += out.isEmpty ? shown : "." + shown
            case .index(let i): out += "[\(i)]"
            }
        }
        return out
    }
}
