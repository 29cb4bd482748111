import Foundation
import IntervenCore
public import IntervenScenario
import Yams

/// Loads a scenario file (YAML) into a `Scenario`: agent groups and their traffic, a timeline of
/// scripted scans and operator actions, an analyst, and the rules the run uses.
///
/// The rules are the shipped defaults with the scenario's `rules:` file laid over them (or the
/// `--rules` file instead), then the scenario's `set:` entries, then `--set` overrides; each
/// timeline `set` event lays one more change on top from its time on. Every problem is one
/// `LoadError` naming the file, line and column, and nothing is returned half-loaded. The format
/// is described in the README ("Scenario files").
public enum ScenarioFile {
    /// Loads a scenario file; `rulesPath` (from `--rules`) replaces the file's `rules:`; `overrides`
    /// are `--set PATH=VALUE` on the rules.
    public static func load(path: String, rulesPath: String? = nil, overrides: [String] = []) throws(LoadError) -> Scenario {
        let text = try RulesFile.readFile(path, kind: "scenario file")
        return try load(text: text, source: path, baseDirectory: ScenarioPaths.directory(of: path),
                        rulesPath: rulesPath, overrides: overrides)
    }

    /// Loads a scenario from text; `source` names it in errors and `baseDirectory` is where its
    /// `rules:` path is relative to.
    public static func load(text: String, source: String, baseDirectory: String, rulesPath: String? = nil,
                            overrides: [String] = []) throws(LoadError) -> Scenario {
        try decode(text: text, source: source, baseDirectory: baseDirectory, rulesPath: rulesPath, overrides: overrides).scenario
    }

    /// Whether the file is a scenario rather than a rules file: its top level has a key only
    /// scenarios have (`name`, `duration`, `agents`, `timeline`, `expect`). A file that does not
    /// parse, or holds something other than a mapping, counts as a scenario, whose loader then
    /// says what is wrong. An empty file (nothing but comments, or null) is an empty rules file,
    /// which changes nothing, as it does given to `--rules`.
    public static func isScenario(path: String) throws(LoadError) -> Bool {
        let text = try RulesFile.readFile(path, kind: "scenario or rules file", missing: "no such file")
        let parsed: Node?
        do { parsed = try YAMLDocument.parse(text, source: path) } catch { return true }
        guard let node = parsed, !node.isNullScalar else { return false }
        guard case .mapping(let m) = node else { return true }
        let marks: Set<String> = ["name", "duration", "agents", "timeline", "expect"]
        return m.contains { $0.key.scalar.map { marks.contains($0.string) } ?? false }
    }

    /// The scenario with the document and agent directory, for a caller that reads `extraKeys`
    /// (top-level sections this loader leaves alone) itself.
    static func decode(text: String, source: String, baseDirectory: String, rulesPath: String?, overrides: [String],
                       extraKeys: [String] = []) throws(LoadError) -> DecodedScenario {
        guard let node = try YAMLDocument.parse(text, source: source), !node.isNullScalar else {
            throw LoadError(.missingValue, file: source,
                            "the scenario file is empty; expected a mapping with name, description, duration and agents")
        }
        let root = LayeredNode.root([(node, LayerOrigin(source: source))])
        var decoder = ScenarioDecoder(root: root, baseDirectory: baseDirectory, rulesPath: rulesPath,
                                      overrides: overrides, extraKeys: extraKeys)
        return try decoder.decode()
    }
}

/// Path arithmetic for files a scenario names, done on text so that messages show paths the
/// way the user would type them.
enum ScenarioPaths {
    /// The directory part of a path (`.` for a bare file name).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    /// `path` relative to `directory` unless absolute, with `.` and `dir/..` steps removed.
    static func resolve(_ path: String, against directory: String) -> String {
        if path.hasPrefix("/") { return normalize(path) }
        if directory.isEmpty || directory == "." { return normalize(path) }
        return normalize(directory + "/" + path)
    }

    /// The path without `.` steps, doubled slashes and `name/..` pairs (leading `..` stay).
    static func normalize(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var out: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = out.last, last != ".." {
                out.removeLast()
                continue
            }
            if part == "..", absolute, out.isEmpty { continue }
            out.append(part)
        }
        let joined = out.joined(separator: "/")
        if absolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }
}
