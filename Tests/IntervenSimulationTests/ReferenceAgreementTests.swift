import IntervenCore
import IntervenScenario
import IntervenSimulation
import IntervenTesting
import Testing

@Suite("The actor engine against the single-threaded reference loop")
struct ReferenceAgreementTests {
    @Test("a mixed tenant (analyst, phases, timeline) gives the reference's fingerprint and incidents at 1, 2 and 3 shards")
    func mixedTenant() async throws {
        let c = await EngineComparison.run(try IntervenTesting.mixedTenant(hours: 4))
        #expect(c.disagreeing.isEmpty, "shard counts that differ from the reference: \(c.disagreeing)")
        #expect(c.reference.scans > 0 && !c.reference.incidents.isEmpty)
        for (k, r) in c.engine {
            #expect(r.incidents == c.reference.incidents, "incidents at \(k) shards")
            #expect(r.scans == c.reference.scans, "scans at \(k) shards")
        }
    }
}
