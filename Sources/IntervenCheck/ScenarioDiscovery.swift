import Foundation
import IntervenLoading

/// Finds scenario files: the files given, and the `*.yaml` / `*.yml` files below the
/// directories given, searched recursively in sorted order (depth first, names sorted at each
/// level), skipping hidden names and directories named `rules` and `baseline`.
///
/// Symbolic links are followed, and every directory and file is visited once, known by its
/// device and inode: a link back to a directory being searched (a loop) is not searched again,
/// and a file reachable by two paths is one scenario, found at the first of them in that order
/// (paths given earlier come first). A `*.yaml` name that leads nowhere (a broken link, a link
/// loop) or to something other than a regular file is an error.
public struct ScenarioDiscovery {
    /// The scenario files found, in order.
    public private(set) var files: [String] = []
    /// One line per problem: `PATH: what is wrong`.
    public private(set) var errors: [String] = []
    private var seenFiles: Set<InputFile.Identity> = []
    private var seenDirectories: Set<InputFile.Identity> = []

    public init() {}

    /// Adds a path given by the user: a directory's scenarios, or the file itself.
    public mutating func add(_ path: String) {
        switch InputFile.kind(of: path) {
        case .directory(let id):
            guard seenDirectories.insert(id).inserted else { return }   // given twice, or inside one given before
            let errorsBefore = errors.count
            if walk(path) == 0 && errors.count == errorsBefore {
                errors.append("\(Escaping.escaped(path)): no scenario files (*.yaml) in this directory")
            }
        case .regular(let id):
            if seenFiles.insert(id).inserted { files.append(path) }
        case .missing:
            errors.append("\(Escaping.escaped(path)): no such file or directory")
        case let other:
            errors.append("\(Escaping.escaped(path)): " + (InputFile.problem(other, expected: "scenario file or directory") ?? "cannot be read"))
        }
    }

    /// Adds a file given by the user unless it is one already added (by another path); a path
    /// that is not a regular file is added as is, for the loader to say what it is.
    /// Returns whether it was added.
    @discardableResult
    public mutating func addFile(_ path: String) -> Bool {
        if case .regular(let id) = InputFile.kind(of: path), !seenFiles.insert(id).inserted { return false }
        files.append(path)
        return true
    }

    /// Searches a directory; returns the scenario files met (including ones found before by another path).
    @discardableResult
    private mutating func walk(_ dir: String) -> Int {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else {
            errors.append("\(Escaping.escaped(dir)): cannot read the directory")
            return 0
        }
        var met = 0
        for name in names.sorted() where !name.hasPrefix(".") {
            let full = dir.hasSuffix("/") ? dir + name : dir + "/" + name
            let isScenarioName = name.hasSuffix(".yaml") || name.hasSuffix(".yml")
            switch InputFile.kind(of: full) {
            case .directory(let id):
                if name != "rules" && name != "baseline" && seenDirectories.insert(id).inserted { met += walk(full) }
            case .regular(let id):
                guard isScenarioName else { continue }
                met += 1
                if seenFiles.insert(id).inserted { files.append(full) }
            case .missing:
                continue    // removed while being searched
            case .linkLoop:
                errors.append("\(Escaping.escaped(full)): " + InputFile.problem(.linkLoop, expected: isScenarioName ? "scenario file" : "scenario file or directory")!)
            case let other:
                if isScenarioName { errors.append("\(Escaping.escaped(full)): " + InputFile.problem(other, expected: "scenario file")!) }
            }
        }
        return met
    }
}
