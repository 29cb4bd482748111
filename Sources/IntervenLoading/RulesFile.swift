import Foundation
public import IntervenCore
import Yams

/// Loads and renders a tenant's rules file (YAML) laid over the shipped defaults.
///
/// The effective rules are the shipped `Scenarios/rules/default.yaml` (compiled into the binary),
/// with the user's file laid over it, then each `--set path=value` override over that. Mappings
/// merge key by key, so a file sets only what it changes; lists and scalars replace whole.
public enum RulesFile {
    /// The name errors give for the compiled-in defaults.
    static let defaultsSource = "Scenarios/rules/default.yaml"

    /// The shipped defaults, decoded once per process.
    private static let cachedDefaults: Result<Rules, LoadError> = Result { () throws(LoadError) -> Rules in
        try decode(text: nil, source: "", overrides: [])
    }

    /// The shipped defaults (Scenarios/rules/default.yaml, compiled in).
    public static func defaults() throws(LoadError) -> Rules {
        try cachedDefaults.get()
    }

    /// Loads a rules file laid over the defaults, then `--set` overrides.
    ///
    /// With a nil `path`, the defaults alone are used under the overrides. Throws `.fileNotFound`
    /// for a missing file and a positioned `LoadError` for anything wrong inside it.
    public static func load(path: String?, overrides: [String] = []) throws(LoadError) -> Rules {
        guard let path else { return try decode(text: nil, source: "", overrides: overrides) }
        return try decode(text: readFile(path), source: path, overrides: overrides)
    }

    /// Whether a rules file holds nothing (only comments, or null): it is valid and changes nothing.
    public static func isEmpty(path: String) throws(LoadError) -> Bool {
        guard let node = try YAMLDocument.parse(readFile(path), source: path) else { return true }
        return node.isNullScalar
    }

    /// Same, from text (source names the file in errors).
    public static func load(text: String, source: String, overrides: [String] = []) throws(LoadError) -> Rules {
        try decode(text: text, source: source, overrides: overrides)
    }

    /// The effective rules as YAML, with `# default: X` after changed values.
    ///
    /// The text is a complete rules file in the key order of the shipped defaults; loading it
    /// gives back the same `Rules`.
    public static func render(_ rules: Rules) -> String {
        RulesRendering(rules: rules, defaults: try? defaults()).text()
    }

    /// The scalar values of `rules` that differ from the shipped defaults, as
    /// `path: value (default: X)` in the key order of the default file; then `threat_intel`
    /// and `policies` when they differ at all.
    public static func differences(_ rules: Rules) -> [String] {
        guard let d = try? defaults() else { return [] }
        return RulesRendering(rules: rules, defaults: d).differences()
    }

    // MARK: Internals

    /// Parses every layer first (so a syntax error anywhere is found before any value is read),
    /// then decodes the layered view.
    private static func decode(text: String?, source: String, overrides: [String]) throws(LoadError) -> Rules {
        let defaultsText = String(decoding: PackageResources.default_yaml, as: UTF8.self)
        var layers: [(node: Yams.Node?, origin: LayerOrigin)] = [
            (try YAMLDocument.parse(defaultsText, source: defaultsSource), LayerOrigin(source: defaultsSource)),
        ]
        if let text {
            layers.append((try YAMLDocument.parse(text, source: source), LayerOrigin(source: source)))
        }
        for argument in overrides {
            layers.append(try Override.layer(argument))
        }
        return try RulesDecoding.decode(LayeredNode.root(layers))
    }

    /// The text of a file, or `.fileNotFound` / `.unreadableFile` naming it; `kind` names what
    /// the file should be in messages (`rules file`, `scenario file`), `missing` replaces `no such
    /// KIND` for a path that leads nowhere. Only a regular file is
    /// read (symbolic links followed): a directory, a FIFO, a device, a broken link or a link
    /// loop is refused with what it is.
    static func readFile(_ path: String, kind: String = "rules file", missing: String? = nil) throws(LoadError) -> String {
        let found = InputFile.kind(of: path)
        if found == .missing, let missing { throw LoadError(.fileNotFound, file: path, missing) }
        if let problem = InputFile.problem(found, expected: kind) {
            throw LoadError(found == .missing ? .fileNotFound : .unreadableFile, file: path, problem)
        }
        let data: [UInt8]
        switch InputFile.contents(of: path) {
        case .success(let bytes): data = bytes
        case .failure(let failure): throw LoadError(.unreadableFile, file: path, "cannot be read (\(failure.reason))")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw LoadError(.unreadableFile, file: path, "is not UTF-8 text")
        }
        return text
    }
}
