import Foundation
import IntervenCheck
import IntervenCore
import IntervenLoading
import IntervenResults
import IntervenScenario
import IntervenSimulation

/// What names a slice of a run (`slice.json` in its directory): which run (the scenario file and
/// its digest, the rules options and the digest of the effective rules, the seed, the tool
/// version), which slice, and how the slice went.
struct RunSliceIdentity: Equatable {
    static let fileName = "slice.json"
    static let partName = "part.bin"

    var version: String
    var scenario: String
    var scenarioFile: String
    var scenarioDigest: String
    var rulesFile: String?
    var overrides: [String]
    var rulesDigest: String
    var seed: UInt64
    var slice: RunSlice

    /// Equal for every slice of one run, different for another scenario text, rules, seed,
    /// slice count or tool version.
    var runID: String {
        var f = Fingerprint()
        f.combine(version); f.combine(scenarioDigest); f.combine(rulesDigest); f.combine(seed); f.combine(UInt64(slice.count))
        return f.description
    }

    /// The identity of a slice of `scenario` as loaded from `source` (with `seed` set).
    init(source: ScenarioSource, scenario: Scenario, rulesFile: String?, slice: RunSlice) {
        version = IntervenSim.configuration.version
        self.scenario = scenario.name
        scenarioFile = source.path
        scenarioDigest = Self.digest(source.text)
        self.rulesFile = rulesFile
        overrides = source.overrides
        rulesDigest = Baseline.digest(scenario.rules)
        seed = scenario.seed
        self.slice = slice
    }

    init(version: String, scenario: String, scenarioFile: String, scenarioDigest: String, rulesFile: String?,
         overrides: [String], rulesDigest: String, seed: UInt64, slice: RunSlice) {
        self.version = version; self.scenario = scenario; self.scenarioFile = scenarioFile; self.scenarioDigest = scenarioDigest
        self.rulesFile = rulesFile; self.overrides = overrides; self.rulesDigest = rulesDigest; self.seed = seed; self.slice = slice
    }

    static func digest(_ text: String) -> String {
        let hex = String(stableHash(text), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// `slice.json`: the identity and the slice's figures.
    func json(_ part: RunSlicePart, agentsTotal: Int) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.field("tool", "interven-sim")
        w.field("version", version)
        w.field("kind", "run-slice")
        w.field("run_id", runID)
        w.field("scenario", scenario)
        w.field("scenario_file", scenarioFile)
        w.field("scenario_digest", scenarioDigest)
        w.field("rules_file", rulesFile)
        w.key("overrides"); w.beginArray(); for o in overrides { w.string(o) }; w.endArray()
        w.field("rules_digest", rulesDigest)
        w.field("seed", seed)
        w.object("slice") { w in w.field("index", slice.index); w.field("count", slice.count) }
        w.field("agents", part.agents)
        w.field("agents_total", agentsTotal)
        w.field("shards", part.shards)
        w.field("scans", part.scans)
        w.key("wall_seconds"); w.number(String(format: "%.3f", part.wallSeconds))
        w.endObject()
        return w.document
    }

    /// Reads `directory/slice.json`; nil when the directory has none (it is not a run slice).
    static func read(_ directory: String) throws(RunSliceError) -> (RunSliceIdentity, wall: Double)? {
        let path = joinPath(directory, fileName)
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        func fail(_ why: String) -> RunSliceError { RunSliceError("merge: \(path): \(why)") }
        guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw fail("not a JSON object") }
        guard json["kind"] as? String == "run-slice" else { throw fail("not the slice of a run (no \"kind\": \"run-slice\")") }
        guard let version = json["version"] as? String, let scenario = json["scenario"] as? String,
              let file = json["scenario_file"] as? String, let sd = json["scenario_digest"] as? String,
              let overrides = json["overrides"] as? [String], let rd = json["rules_digest"] as? String,
              let seed = (json["seed"] as? NSNumber)?.uint64Value, let s = json["slice"] as? [String: Any],
              let index = s["index"] as? Int, let count = s["count"] as? Int, count >= 1, (0..<count).contains(index)
        else { throw fail("lacks a field of a run slice") }
        let identity = RunSliceIdentity(version: version, scenario: scenario, scenarioFile: file, scenarioDigest: sd,
                                        rulesFile: json["rules_file"] as? String, overrides: overrides, rulesDigest: rd, seed: seed,
                                        slice: RunSlice(index: index, count: count))
        return (identity, (json["wall_seconds"] as? NSNumber)?.doubleValue ?? 0)
    }
}

/// Joins the slices of one run into the whole run's result.
enum RunSliceMerge {
    /// The run's scenario (read again from the file the slices ran) and its whole result.
    /// Refuses directories that are not run slices, slices of different runs, a slice given
    /// twice, a missing slice, and a scenario or rules file changed since the slices ran.
    static func merge(_ directories: [String]) throws(RunSliceError) -> (Scenario, RunResult, RunSliceIdentity) {
        var slices: [(dir: String, id: RunSliceIdentity, wall: Double)] = []
        for d in directories {
            guard let found = try RunSliceIdentity.read(d) else {
                throw RunSliceError("merge: \(d) is not the slice of a run (no \(RunSliceIdentity.fileName); expected the output directory of `run --slice i/N`)")
            }
            slices.append((d, found.0, found.wall))
        }
        let first = slices[0]
        for s in slices.dropFirst() where s.id.runID != first.id.runID {
            throw RunSliceError("merge: \(s.dir) is a slice of another run (run_id \(s.id.runID): \(s.id.scenario), seed \(s.id.seed), \(s.id.slice.count) slices) than \(first.dir) (run_id \(first.id.runID): \(first.id.scenario), seed \(first.id.seed), \(first.id.slice.count) slices)")
        }
        let count = first.id.slice.count
        var byIndex = [Int: (dir: String, id: RunSliceIdentity, wall: Double)]()
        for s in slices {
            if let other = byIndex[s.id.slice.index] {
                throw RunSliceError("merge: slice \(s.id.slice) is given twice (\(other.dir) and \(s.dir))")
            }
            byIndex[s.id.slice.index] = s
        }
        let missing = (0..<count).filter { byIndex[$0] == nil }
        if !missing.isEmpty {
            throw RunSliceError("merge: missing slice\(missing.count == 1 ? "" : "s") \(missing.map { "\($0)/\(count)" }.joined(separator: ", ")) of run \(first.id.runID) (run `run \(first.id.scenarioFile) --slice \(missing[0])/\(count)`)")
        }
        // The scenario again, as the slices loaded it: the merge scores detection and draws the
        // report from it, so it must be the same text under the same rules.
        let id = first.id
        var scenario: Scenario
        let source: ScenarioSource
        do { source = try ScenarioSource(path: id.scenarioFile, rulesPath: id.rulesFile, overrides: id.overrides) }
        catch { throw RunSliceError("merge: cannot load the slices' scenario again: \(error.description)") }
        scenario = source.base
        scenario.seed = id.seed
        scenario.expectations = []
        let now = RunSliceIdentity(source: source, scenario: scenario, rulesFile: id.rulesFile, slice: id.slice)
        if now.scenarioDigest != id.scenarioDigest {
            throw RunSliceError("merge: \(id.scenarioFile) has changed since the slices ran (digest \(id.scenarioDigest), now \(now.scenarioDigest)); merge with the scenario file the slices ran")
        }
        if now.rulesDigest != id.rulesDigest {
            throw RunSliceError("merge: the rules of \(id.scenarioFile) have changed since the slices ran (digest \(id.rulesDigest), now \(now.rulesDigest)); merge with the rules files the slices ran")
        }
        var parts: [RunSlicePart] = []
        for k in 0..<count {
            let s = byIndex[k]!
            let path = joinPath(s.dir, RunSliceIdentity.partName)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw RunSliceError("merge: \(s.dir): no readable \(RunSliceIdentity.partName)")
            }
            var part: RunSlicePart
            do { part = try RunSlicePart.read(Array(data)) } catch { throw RunSliceError("merge: \(path): \(error.description)") }
            guard part.slice == s.id.slice else {
                throw RunSliceError("merge: \(path) holds slice \(part.slice), but \(RunSliceIdentity.fileName) says \(s.id.slice)")
            }
            part.wallSeconds = s.wall
            parts.append(part)
        }
        do {
            var result = try RunSlicePart.merge(parts, scenario: scenario)
            result.rulesFile = id.rulesFile
            result.rulesDifferences = RulesFile.differences(scenario.rules)
            return (scenario, result, id)
        } catch {
            throw RunSliceError("merge: \(error.description)")
        }
    }
}

/// `directory/name`, without doubling a trailing slash.
private func joinPath(_ directory: String, _ name: String) -> String {
    directory.hasSuffix("/") ? directory + name : directory + "/" + name
}
