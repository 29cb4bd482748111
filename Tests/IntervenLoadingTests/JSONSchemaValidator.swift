import Foundation
import Yams

/// A JSON value: a parsed schema, or a YAML document read the way editors read it.
indirect enum JSONValue: Equatable, Decodable {
    case null
    case bool(Bool)
    /// Every number, so that `1` and `1.0` are equal (as JSON Schema has it).
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    /// JSON text parsed.
    static func parse(json text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    /// A YAML document as an editor's language server sees it: plain scalars resolved by the
    /// YAML 1.2 core schema (only `true`/`false` are booleans, so `on:` and `off:` stay keys),
    /// quoted and block scalars as strings, mapping keys as their text.
    static func parse(yaml text: String) throws -> JSONValue {
        guard let node = try Yams.compose(yaml: text) else { return .null }
        return try JSONValue(yaml: node)
    }

    private init(yaml node: Node) throws {
        switch node {
        case .scalar(let s):
            self = s.style == .plain ? JSONValue.coreScalar(s.string) : .string(s.string)
        case .sequence(let items):
            self = .array(try items.map { try JSONValue(yaml: $0) })
        case .mapping(let pairs):
            var out: [String: JSONValue] = [:]
            for (key, value) in pairs { out[key.scalar?.string ?? "\(key)"] = try JSONValue(yaml: value) }
            self = .object(out)
        case .alias:
            throw CocoaError(.coderReadCorrupt, userInfo: [NSDebugDescriptionErrorKey: "unresolved YAML alias"])
        }
    }

    /// A plain scalar under the YAML 1.2 core schema.
    private static func coreScalar(_ text: String) -> JSONValue {
        if ["", "~", "null", "Null", "NULL"].contains(text) { return .null }
        if ["true", "True", "TRUE"].contains(text) { return .bool(true) }
        if ["false", "False", "FALSE"].contains(text) { return .bool(false) }
        if fullMatch(#"[-+]?[0-9]+"#, text) || fullMatch(#"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?"#, text),
           let d = Double(text) {
            return .number(d)
        }
        if fullMatch("0x[0-9a-fA-F]+", text), let i = Int(text.dropFirst(2), radix: 16) { return .number(Double(i)) }
        if fullMatch("0o[0-7]+", text), let i = Int(text.dropFirst(2), radix: 8) { return .number(Double(i)) }
        return .string(text)
    }

    private static func fullMatch(_ pattern: String, _ text: String) -> Bool {
        text.range(of: "^(?:\(pattern))$", options: .regularExpression) != nil
    }

    /// The JSON Schema type names this value has (`integer` and `number` for a whole number).
    var typeNames: Set<String> {
        switch self {
        case .null: ["null"]
        case .bool: ["boolean"]
        case .number(let d): d.rounded() == d && d.isFinite ? ["number", "integer"] : ["number"]
        case .string: ["string"]
        case .array: ["array"]
        case .object: ["object"]
        }
    }
}

/// A JSON Schema validator for the keywords the scenario schema uses, and no others: it
/// reports any other keyword, so the schema cannot rely on one that goes unchecked here.
///
/// Supported: `type`, `properties`, `required`, `additionalProperties`, `propertyNames`,
/// `minProperties`, `enum`, `const`, `pattern`, `minLength`, `items`, `prefixItems`,
/// `minItems`, `maxItems`, `minimum`, `maximum`, `oneOf`, `anyOf`, `$ref` (to `#/$defs/NAME`),
/// and the annotations `$schema`, `$id`, `$defs`, `title`, `description`.
final class JSONSchemaValidator {
    let root: JSONValue
    private var patterns: [String: NSRegularExpression] = [:]

    init(schema: JSONValue) { root = schema }

    static let annotations: Set<String> = ["$schema", "$id", "$defs", "title", "description"]
    static let keywords: Set<String> = ["type", "properties", "required", "additionalProperties", "propertyNames",
                                        "minProperties", "enum", "const", "pattern", "minLength", "items", "prefixItems",
                                        "minItems", "maxItems", "minimum", "maximum", "oneOf", "anyOf", "$ref"]

    /// Every problem with `instance`, each as `PATH: message` (empty when it is valid).
    func errors(_ instance: JSONValue) -> [String] {
        var out: [String] = []
        validate(instance, against: root, at: "$", into: &out)
        return out
    }

    private func validate(_ instance: JSONValue, against schema: JSONValue, at path: String, into errors: inout [String]) {
        if case .bool(let b) = schema {
            if !b { errors.append("\(path): no value is allowed here") }
            return
        }
        guard case .object(let s) = schema else {
            errors.append("\(path): the schema is not an object or boolean")
            return
        }
        for key in s.keys.sorted() where !Self.keywords.contains(key) && !Self.annotations.contains(key) {
            errors.append("\(path): unsupported schema keyword '\(key)'")
        }
        if case .string(let ref)? = s["$ref"] {
            if let target = resolve(ref) { validate(instance, against: target, at: path, into: &errors) }
            else { errors.append("\(path): unresolvable $ref '\(ref)'") }
        }
        if let type = s["type"] {
            let allowed: Set<String>
            switch type {
            case .string(let t): allowed = [t]
            case .array(let ts): allowed = Set(ts.compactMap { if case .string(let t) = $0 { t } else { nil } })
            default: allowed = []
            }
            if allowed.isDisjoint(with: instance.typeNames) {
                errors.append("\(path): expected \(allowed.sorted().joined(separator: " or ")); found \(describe(instance))")
            }
        }
        if case .array(let values)? = s["enum"], !values.contains(instance) {
            errors.append("\(path): \(describe(instance)) is not one of \(values.map(describe).joined(separator: ", "))")
        }
        if let value = s["const"], value != instance {
            errors.append("\(path): expected \(describe(value)); found \(describe(instance))")
        }
        switch instance {
        case .string(let text): validateString(text, s, at: path, into: &errors)
        case .number(let d): validateNumber(d, s, at: path, into: &errors)
        case .array(let items): validateArray(items, s, at: path, into: &errors)
        case .object(let fields): validateObject(fields, s, at: path, into: &errors)
        default: break
        }
        if case .array(let branches)? = s["oneOf"] {
            let matching = branches.filter { isValid(instance, $0, at: path) }.count
            if matching != 1 { errors.append("\(path): expected exactly one of \(branches.count) alternatives to match; \(matching) match") }
        }
        if case .array(let branches)? = s["anyOf"], !branches.contains(where: { isValid(instance, $0, at: path) }) {
            errors.append("\(path): none of \(branches.count) alternatives matches")
        }
    }

    private func isValid(_ instance: JSONValue, _ schema: JSONValue, at path: String) -> Bool {
        var errors: [String] = []
        validate(instance, against: schema, at: path, into: &errors)
        return errors.isEmpty
    }

    private func validateString(_ text: String, _ s: [String: JSONValue], at path: String, into errors: inout [String]) {
        if case .number(let n)? = s["minLength"], Double(text.unicodeScalars.count) < n {
            errors.append("\(path): expected at least \(Int(n)) characters; found '\(text)'")
        }
        if case .string(let pattern)? = s["pattern"] {
            guard let regex = regex(pattern) else {
                errors.append("\(path): invalid pattern \(pattern)")
                return
            }
            let range = NSRange(text.startIndex..., in: text)
            if regex.firstMatch(in: text, range: range) == nil {
                errors.append("\(path): '\(text)' does not match \(pattern)")
            }
        }
    }

    private func validateNumber(_ d: Double, _ s: [String: JSONValue], at path: String, into errors: inout [String]) {
        if case .number(let lo)? = s["minimum"], d < lo { errors.append("\(path): \(describe(.number(d))) is below the minimum \(describe(.number(lo)))") }
        if case .number(let hi)? = s["maximum"], d > hi { errors.append("\(path): \(describe(.number(d))) is above the maximum \(describe(.number(hi)))") }
    }

    private func validateArray(_ items: [JSONValue], _ s: [String: JSONValue], at path: String, into errors: inout [String]) {
        if case .number(let n)? = s["minItems"], Double(items.count) < n { errors.append("\(path): expected at least \(Int(n)) items; found \(items.count)") }
        if case .number(let n)? = s["maxItems"], Double(items.count) > n { errors.append("\(path): expected at most \(Int(n)) items; found \(items.count)") }
        var prefix: [JSONValue] = []
        if case .array(let p)? = s["prefixItems"] { prefix = p }
        for (i, item) in items.enumerated() {
            if i < prefix.count { validate(item, against: prefix[i], at: "\(path)[\(i)]", into: &errors) }
            else if let schema = s["items"] { validate(item, against: schema, at: "\(path)[\(i)]", into: &errors) }
        }
    }

    private func validateObject(_ fields: [String: JSONValue], _ s: [String: JSONValue], at path: String, into errors: inout [String]) {
        var properties: [String: JSONValue] = [:]
        if case .object(let p)? = s["properties"] { properties = p }
        if case .array(let required)? = s["required"] {
            for case .string(let key) in required where fields[key] == nil {
                errors.append("\(path): missing required key '\(key)'")
            }
        }
        if case .number(let n)? = s["minProperties"], Double(fields.count) < n {
            errors.append("\(path): expected at least \(Int(n)) keys; found \(fields.count)")
        }
        for key in fields.keys.sorted() {
            let value = fields[key]!
            if let names = s["propertyNames"] { validate(.string(key), against: names, at: "\(path) key '\(key)'", into: &errors) }
            if let schema = properties[key] {
                validate(value, against: schema, at: "\(path).\(key)", into: &errors)
            } else if let additional = s["additionalProperties"] {
                if case .bool(false) = additional { errors.append("\(path): unknown key '\(key)'") }
                else { validate(value, against: additional, at: "\(path).\(key)", into: &errors) }
            }
        }
    }

    /// `#/$defs/NAME`.
    private func resolve(_ ref: String) -> JSONValue? {
        let prefix = "#/$defs/"
        guard ref.hasPrefix(prefix), case .object(let top) = root, case .object(let defs)? = top["$defs"] else { return nil }
        return defs[String(ref.dropFirst(prefix.count))]
    }

    private func regex(_ pattern: String) -> NSRegularExpression? {
        if let r = patterns[pattern] { return r }
        let r = try? NSRegularExpression(pattern: pattern)
        patterns[pattern] = r
        return r
    }

    private func describe(_ v: JSONValue) -> String {
        switch v {
        case .null: "null"
        case .bool(let b): "\(b)"
        case .number(let d): d.rounded() == d && abs(d) < 1e15 ? String(Int(d)) : "\(d)"
        case .string(let s): "'\(s)'"
        case .array: "a list"
        case .object: "a mapping"
        }
    }
}
