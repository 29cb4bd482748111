// libyaml itself, the parser Yams is built on: its event stream is read here, before Yams builds
// a document, to refuse what would make building or walking the document blow up.
import CYaml

/// Refuses, before a document is built, the two YAML shapes that cost far more than their size:
/// aliases that expand to a huge tree (an "alias bomb": ten aliases of ten aliases of ... a
/// kilobyte standing for a billion values), and keys that are lists or mappings (Yams compares
/// keys by hashing them whole, aliases expanded, so one such key can hash a billion values).
/// Neither is valid in a rules or scenario file: every key is a name, and aliases are for
/// repeating a block, such as one mix used by several groups.
public enum YAMLGuard {
    /// The most values aliases may add to a document by expansion.
    public static let maxAliasExpansion = 100_000

    /// Throws a positioned error at the first complex key or at the alias that expands past the
    /// limit; does nothing for text libyaml cannot parse (building the document reports that).
    public static func check(_ text: String, source: String) throws(LoadError) {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return }
        defer { yaml_parser_delete(&parser) }
        var bytes = Array(text.utf8)
        if bytes.isEmpty { return }
        let problem: LoadError? = bytes.withUnsafeMutableBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            return scan(&parser, source: source)
        }
        if let problem { throw problem }
    }

    /// A collection being read: the values it holds (aliases expanded), and for a mapping
    /// whether the next node is a key.
    private struct Frame {
        var isMapping: Bool
        var anchor: String?
        var size = 1
        var expectingKey = true
    }

    private static func scan(_ parser: inout yaml_parser_t, source: String) -> LoadError? {
        var stack: [Frame] = []
        var anchors: [String: Int] = [:]
        var expansion = 0
        var event = yaml_event_t()
        while true {
            guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
            defer { yaml_event_delete(&event) }
            let line = Int(event.start_mark.line) + 1, column = Int(event.start_mark.column) + 1
            func error(_ message: String) -> LoadError {
                LoadError(.syntax, file: source, line: line, column: column, message)
            }
            // Whether this node is a mapping's key (and the next one its value).
            var isKey = false
            if event.type == YAML_SCALAR_EVENT || event.type == YAML_ALIAS_EVENT
                || event.type == YAML_SEQUENCE_START_EVENT || event.type == YAML_MAPPING_START_EVENT,
               let top = stack.indices.last, stack[top].isMapping {
                isKey = stack[top].expectingKey
                stack[top].expectingKey.toggle()
            }
            switch event.type {
            case YAML_DOCUMENT_START_EVENT:
                anchors = [:]
            case YAML_SCALAR_EVENT:
                if let a = event.data.scalar.anchor { anchors[String(cString: a)] = 1 }
                add(1, to: &stack)
            case YAML_ALIAS_EVENT:
                let name = event.data.alias.anchor.map { String(cString: $0) } ?? ""
                let size = anchors[name] ?? 1
                if isKey && size > 1 { return error("expected a key name; found an alias (*\(Escaping.quotedIfLong(name))) of a list or mapping") }
                expansion += size
                if expansion > maxAliasExpansion {
                    return error("aliases expand to more than \(Escaping.grouped(maxAliasExpansion)) values; an alias (*NAME) stands for a whole block, so aliases of aliases multiply")
                }
                add(size, to: &stack)
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                let isMapping = event.type == YAML_MAPPING_START_EVENT
                if isKey { return error("expected a key name; found \(isMapping ? "a mapping" : "a list")") }
                let anchor = isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor
                stack.append(Frame(isMapping: isMapping, anchor: anchor.map { String(cString: $0) }))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let done = stack.popLast() else { return nil }
                if let a = done.anchor { anchors[a] = done.size }
                add(done.size, to: &stack)
            case YAML_STREAM_END_EVENT:
                return nil
            default:
                break
            }
        }
    }

    private static func add(_ size: Int, to stack: inout [Frame]) {
        guard let top = stack.indices.last else { return }
        stack[top].size = min(stack[top].size + size, Int.max / 4)
    }
}
