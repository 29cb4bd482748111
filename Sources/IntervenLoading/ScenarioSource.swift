public import IntervenScenario
import Yams

/// A scenario file read once, loaded again under more `--set` overrides: what a sweep uses to
/// derive each cell's scenario without reading the file per cell.
public struct ScenarioSource: Sendable {
    /// The scenario file as given.
    public let path: String
    /// Its text, read once.
    public let text: String
    /// `--rules`: replaces the file's `rules:`.
    public let rulesPath: String?
    /// `--set` overrides applied to every load, before the extra ones.
    public let overrides: [String]
    /// The scenario under `overrides` alone (checked when the source was made).
    public let base: Scenario

    /// Reads and loads the file; throws what `ScenarioFile.load` would.
    public init(path: String, rulesPath: String? = nil, overrides: [String] = []) throws(LoadError) {
        self.path = path
        self.text = try RulesFile.readFile(path, kind: "scenario file")
        self.rulesPath = rulesPath
        self.overrides = overrides
        base = try ScenarioFile.load(text: text, source: path, baseDirectory: ScenarioPaths.directory(of: path),
                                     rulesPath: rulesPath, overrides: overrides)
    }

    /// The scenario with `extra` `PATH=VALUE` overrides laid over the others.
    public func load(adding extra: [String]) throws(LoadError) -> Scenario {
        try ScenarioFile.load(text: text, source: path, baseDirectory: ScenarioPaths.directory(of: path),
                              rulesPath: rulesPath, overrides: overrides + extra)
    }
}

/// Every dotted path of the rules file that `--set` can address, for "did you mean" hints.
public enum RulesPaths {
    /// Every mapping and leaf path of the shipped defaults, in file order
    /// (`trust`, `trust.initial`, ...).
    public static let all: [String] = {
        let text = String(decoding: PackageResources.default_yaml, as: UTF8.self)
        guard let root = try? YAMLDocument.parse(text, source: RulesFile.defaultsSource) else { return [] }
        var out: [String] = []
        func walk(_ node: Node, _ prefix: String) {
            guard case .mapping(let m) = node else { return }
            for (k, v) in m {
                guard let key = k.scalar?.string else { continue }
                let path = prefix.isEmpty ? key : prefix + "." + key
                out.append(path)
                walk(v, path)
            }
        }
        walk(root, "")
        return out
    }()

    /// Whether `path` is a path of the shipped defaults.
    public static func contains(_ path: String) -> Bool { all.contains(path) }

    /// Up to `limit` known paths nearest to `path`: those ending in it first, then by edit
    /// distance (ties in file order).
    public static func nearest(_ path: String, limit: Int = 3) -> [String] {
        func scalars(_ s: String) -> [Unicode.Scalar] { Array(s.lowercased().unicodeScalars) }
        let keys = path.split(separator: ".").map(String.init)
        let lastKey = keys.last ?? path
        let parent = keys.dropLast().joined(separator: ".")
        let ranked = all.enumerated().map { k, candidate -> (Int, Int, String) in
            // Completions and paths missing their first keys come first.
            if candidate.hasSuffix("." + path) || (candidate.hasPrefix(path) && candidate != path) { return (-1, k, candidate) }
            let parts = candidate.split(separator: ".").map(String.init)
            let full = Suggestion.distance(scalars(path), scalars(candidate))
            let sameParent = parts.dropLast().joined(separator: ".") == parent
            let tail = Suggestion.distance(scalars(lastKey), scalars(parts.last ?? candidate)) + (sameParent ? 0 : 2)
            return (min(full, tail), k, candidate)
        }.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
        return ranked.prefix(limit).map(\.2)
    }
}
