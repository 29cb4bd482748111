import IntervenCore
public import IntervenScenario

/// Slice `index` of `count` of a run's agents (`run --slice i/N`): the agents whose index in
/// scenario order `k` has `k mod count == index`, index from 0 (as a sweep's slices count cells).
public struct RunSlice: Sendable, Equatable, CustomStringConvertible {
    public var index: Int
    public var count: Int

    /// The most slices a run may be split into.
    public static let maxCount = 10_000

    public init(index: Int, count: Int) { self.index = index; self.count = count }

    /// `i/N`.
    public var description: String { "\(index)/\(count)" }

    /// How many of `total` agents (in scenario order) fall in this slice.
    public func agents(of total: Int) -> Int { total > index ? (total - index + count - 1) / count : 0 }

    /// Why `scenario` cannot run in slices, or nil when it can: its agents must never affect one
    /// another. The simulated analyst is the only effect that crosses agents (one queue of
    /// approvals and incidents, worked in the order they arrive from every agent, so an agent's
    /// wait depends on every other agent's work). Everything else a scenario holds is per agent:
    /// tenant-wide timeline actions (`set`, `indicator`, `override` with a glob) reach every
    /// agent in every slice alike, and a refusal of one is reported by slice 0 only.
    public static func refusal(_ scenario: Scenario, slices: Int) -> String? {
        if scenario.analyst != nil {
            return "\(scenario.name) has an analyst: one queue of approvals and incidents serves every agent, so agents of different slices affect one another; run it whole (without --slice)"
        }
        let agents = scenario.groups.reduce(0) { $0 + max(1, $1.count) }
        if slices > agents {
            return "\(scenario.name) has \(agents) agent\(agents == 1 ? "" : "s"), fewer than the \(slices) slices asked for; use at most \(agents) slices"
        }
        return nil
    }
}

/// What one slice of a run produced: its shards' parts of the result, to be joined with the
/// other slices' (`merge`) into exactly the result of the whole run.
public struct RunSlicePart: Sendable {
    public var slice: RunSlice
    /// Workers the slice ran on.
    public var shards: Int
    /// Agents of the slice.
    public var agents: Int
    /// Scans the slice decided.
    public var scans: UInt64
    /// Wall-clock seconds the slice took (not part of its bytes' identity).
    public var wallSeconds = 0.0
    /// Set when the slice stopped early (see `Simulation.trustRowLimit`); nothing else is of use then.
    public var stopped: RunStopped?
    var parts: [ShardResult]

    init(slice: RunSlice, shards: Int, parts: [ShardResult]) {
        self.slice = slice; self.shards = shards; self.parts = parts
        agents = parts.reduce(0) { $0 + $1.agents.count }
        scans = parts.reduce(0) { $0 + $1.scans }
    }

    static let magic = Array("interven-sim run slice\n".utf8)
    static let version: UInt64 = 1

    /// The part as bytes (`part.bin` of a slice's directory).
    public func bytes() -> [UInt8] {
        var w = PartWriter()
        w.u(Self.version)
        w.int(slice.index); w.int(slice.count); w.int(shards)
        w.array(parts) { w, p in p.encode(into: &w) }
        return Self.magic + w.bytes
    }

    /// A part read back from `bytes()`; throws a one-line reason.
    public static func read(_ bytes: [UInt8]) throws(RunSliceError) -> RunSlicePart {
        guard bytes.starts(with: magic) else { throw RunSliceError("not the part of a run slice") }
        var r = PartReader(bytes, from: magic.count)
        do throws(PartFormatError) {
            let version = try r.u()
            guard version == Self.version else { throw PartFormatError(reason: "format \(version), expected \(Self.version)") }
            let slice = RunSlice(index: try r.int(), count: try r.int())
            let shards = try r.int()
            let parts = try r.array { (r: inout PartReader) throws(PartFormatError) in try ShardResult.decode(from: &r) }
            guard r.atEnd else { throw PartFormatError(reason: "\(bytes.count - r.offset) bytes after the end") }
            return RunSlicePart(slice: slice, shards: shards, parts: parts)
        } catch {
            throw RunSliceError("unreadable part: \(error.reason)")
        }
    }

    /// The whole run's result from every slice's part (each once, any order), as `Simulation.run`
    /// returns it: the shards' parts are put in canonical order exactly as a run's own are.
    /// `shards` is the workers of every slice together, `wallSeconds` their sum. Throws when the
    /// parts do not hold each of the scenario's agents exactly once.
    public static func merge(_ slices: [RunSlicePart], scenario: Scenario) throws(RunSliceError) -> RunResult {
        var s = scenario
        s.expectations = []
        let plan = Plan(scenario: s, shards: 1)
        var seen = [Bool](repeating: false, count: plan.names.count)
        for p in slices.flatMap(\.parts) {
            for (g, snapshot) in p.agents.rows {
                guard g >= 0, Int(g) < seen.count, plan.names[Int(g)] == snapshot.name else {
                    throw RunSliceError("the parts hold agent '\(snapshot.name)' (number \(g)), which the scenario does not have there")
                }
                guard !seen[Int(g)] else { throw RunSliceError("agent '\(snapshot.name)' is in two parts") }
                seen[Int(g)] = true
            }
        }
        if let missing = seen.firstIndex(of: false) {
            throw RunSliceError("no part holds agent '\(plan.names[missing])'")
        }
        // Every other record names its agent by index too, and the counts come in fixed shapes:
        // a damaged part is refused here, not trapped on in the merge.
        let agents = 0..<Int32(plan.names.count)
        let groupWidth = s.groups.count * Decision.allCases.count
        let hourly = slices.first?.parts.first?.hourlyDecisions.count ?? 0
        for p in slices.flatMap(\.parts) {
            // (A refused tenant-wide action names no agent: -1.)
            let globals = p.trust.map(\.global) + p.incidents.map(\.global) + p.alerts.map(\.global)
                + p.anomalies.map(\.global) + p.refused.map(\.global).filter { $0 != -1 }
            if let bad = globals.first(where: { !agents.contains($0) }) {
                throw RunSliceError("a part names agent number \(bad), which the scenario does not have")
            }
            guard p.groupDecisions.count == groupWidth, p.hourlyDecisions.count == hourly else {
                throw RunSliceError("a part's decision counts do not fit the scenario's groups and hours")
            }
        }
        var result = Simulation.merge(slices.flatMap(\.parts), plan: plan)
        result.shards = slices.reduce(0) { $0 + $1.shards }
        result.wallSeconds = slices.reduce(0) { $0 + $1.wallSeconds }
        return result
    }
}

/// Why slices of a run could not be read or joined: one line.
public struct RunSliceError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
