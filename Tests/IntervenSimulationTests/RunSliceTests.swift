import IntervenCore
import IntervenScenario
@testable import IntervenSimulation
import IntervenTesting
import Testing

/// Slices of a run (`Simulation.runSlice`), their parts through bytes, and their merge.
@Suite("Run slices")
struct RunSliceLibraryTests {
    /// The mixed tenant (phases, every trigger, operator actions, the closed loop) without its
    /// analyst, the one thing that couples agents.
    static func tenant() throws -> Scenario {
        var s = try mixedTenant()
        s.analyst = nil
        return s
    }

    /// Each slice run, written as bytes and read back.
    static func parts(_ s: Scenario, slices n: Int, shards: Int) async throws -> [RunSlicePart] {
        var out: [RunSlicePart] = []
        for i in (0..<n).reversed() {
            let part = await Simulation(scenario: s, shards: shards, slice: RunSlice(index: i, count: n)).runSlice()
            out.append(try RunSlicePart.read(part.bytes()))
        }
        return out
    }

    @Test("the slices' parts, through their bytes, merge into the whole run's result", arguments: [(2, 1), (3, 2), (7, 1)])
    func mergeEqualsWhole(_ slicing: (slices: Int, shards: Int)) async throws {
        let s = try Self.tenant()
        let whole = await Simulation(scenario: s, shards: 2).run()
        #expect(whole.incidents.count > 10 && whole.scans > 5_000, "not vacuous")
        let parts = try await Self.parts(s, slices: slicing.slices, shards: slicing.shards)
        #expect(parts.reduce(0) { $0 + $1.agents } == whole.agents.count)
        let merged = try RunSlicePart.merge(parts, scenario: s)
        #expect(SimulationDeterminismTests.same(whole, merged))
        #expect(whole.detection == merged.detection)
        #expect(whole.hourlyDecisions == merged.hourlyDecisions)
        #expect(whole.groups == merged.groups)
        #expect(whole.observations.decisionsByGroup == merged.observations.decisionsByGroup)
        #expect(merged.shards == parts.reduce(0) { $0 + $1.shards })
    }

    @Test("a scenario with an analyst, or with fewer agents than slices, cannot be sliced")
    func refusals() throws {
        let why = try #require(RunSlice.refusal(try mixedTenant(), slices: 2))
        #expect(why.contains("has an analyst"), "\(why)")
        #expect(RunSlice.refusal(try Self.tenant(), slices: 70) == nil)
        #expect(RunSlice.refusal(try Self.tenant(), slices: 71)?.contains("fewer than the 71 slices") == true)
    }

    @Test("damaged bytes and a missing slice are refused, not merged")
    func damaged() async throws {
        let s = try Self.tenant()
        let parts = try await Self.parts(s, slices: 3, shards: 1)
        let bytes = await Simulation(scenario: s, shards: 1, slice: RunSlice(index: 0, count: 3)).runSlice().bytes()
        #expect(throws: RunSliceError.self) { try RunSlicePart.read(Array(bytes.dropLast(7))) }
        #expect(throws: RunSliceError.self) { try RunSlicePart.read(bytes + [0]) }
        #expect(throws: RunSliceError.self) { try RunSlicePart.read(Array(bytes.dropFirst())) }
        #expect(throws: RunSliceError.self) { try RunSlicePart.merge(Array(parts.dropLast()), scenario: s) }
        #expect(throws: RunSliceError.self) { try RunSlicePart.merge(parts + [parts[0]], scenario: s) }
    }

    @Test("a part whose records name an agent the scenario does not have, or whose counts have another shape, is refused")
    func wrongAgentsOrShapes() async throws {
        let s = try Self.tenant()
        let parts = try await Self.parts(s, slices: 3, shards: 1)
        let k = try #require(parts.firstIndex { !$0.parts[0].incidents.isEmpty })
        var badIncident = parts
        badIncident[k].parts[0].incidents[0].global = 1_000_000
        #expect(throws: RunSliceError.self) { try RunSlicePart.merge(badIncident, scenario: s) }
        var badHours = parts
        badHours[0].parts[0].hourlyDecisions.removeLast()
        #expect(throws: RunSliceError.self) { try RunSlicePart.merge(badHours, scenario: s) }
        _ = try RunSlicePart.merge(parts, scenario: s)       // the undamaged parts still merge
    }
}
