import Foundation
import GRDB
import HummingbirdTesting
import IntervenCore
@testable import IntervenServer
import Testing

/// Trace records are found by the ordinal of their trace number (an index that grows at its
/// end); databases written before that keep their index on the trace number.
@Suite("Trace storage")
struct TraceStorageTests {
    @Test("trace numbers carry the UUID version, round-trip to their ordinals and differ for different ordinals")
    func ordinals() {
        let m = TraceIDs.mask60
        var ordinals: [UInt64] = [0, 1, 2, 3, m, m - 1, 0x0123_4567_89AB_CDE]
        for i in 0..<4000 { ordinals.append(splitMix64(UInt64(i)) & m); ordinals.append(UInt64(i) + 1_000_000) }
        var numbers = Set<UInt64>()
        for o in Set(ordinals) {
            let n = TraceIDs.number(ordinal: o)
            #expect(n & 0xF000 == 0x4000)
            #expect(TraceIDs.ordinal(n) == Int64(o))
            #expect(TraceIDs.number(TraceIDs.uuid(n)) == n)
            numbers.insert(n)
        }
        #expect(numbers.count == Set(ordinals).count)
        // Consecutive ordinals do not give neighbouring numbers.
        #expect(TraceIDs.number(ordinal: 1_000_001) >> 32 != TraceIDs.number(ordinal: 1_000_000) >> 32)
    }

    static func remove(_ path: String) {
        for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) }
    }

    @Test("a database written before trace ordinals still answers its traces, and the new ones by ordinal")
    func legacyDatabase() async throws {
        let source = try TestServer()
        let legacyPath = FileManager.default.temporaryDirectory.appendingPathComponent("interven-legacy-\(UUID().uuidString).sqlite").path
        defer { source.cleanup(); Self.remove(legacyPath) }
        let (oldID, oldText) = try await source.server.application().test(.router) { client -> (String, String) in
            let api = APIClient(client: client)
            let id = try await api.scan(scanBody(url: "https://slack.com/api/chat.postMessage", body: #"{"text":"hi"}"#)).json["trace_id"]?.stringValue ?? ""
            return (id, try await api.call(.get, "/v1/traces/\(id)").text)
        }
        // The same rows in the schema written before: no ordinal, an index on the trace number.
        let fresh = try DatabaseQueue(path: source.dbPath)
        #expect(try await fresh.read { db in try db.indexes(on: "trace_records").map(\.name).sorted() } == ["trace_records_ord"])
        try fresh.close()
        let legacy = try DatabaseQueue(path: legacyPath)
        try await legacy.writeWithoutTransaction { db in
            try db.execute(sql: """
                CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE events (seq INTEGER PRIMARY KEY, tenant TEXT NOT NULL, time INTEGER NOT NULL,
                    wall INTEGER NOT NULL, kind TEXT NOT NULL, payload TEXT NOT NULL);
                CREATE TABLE trace_records (seq INTEGER PRIMARY KEY, tenant TEXT NOT NULL, trace INTEGER NOT NULL,
                    slot TEXT NOT NULL, agent TEXT NOT NULL, time INTEGER NOT NULL, record TEXT NOT NULL);
                CREATE INDEX trace_records_trace ON trace_records (trace);
                CREATE INDEX trace_records_slot ON trace_records (tenant, slot);
                """)
            try db.execute(sql: "ATTACH DATABASE ? AS src", arguments: [source.dbPath])
            try db.execute(sql: """
                INSERT INTO meta SELECT * FROM src.meta;
                INSERT INTO events SELECT * FROM src.events;
                INSERT INTO trace_records SELECT seq, tenant, trace, slot, agent, time, record FROM src.trace_records;
                DETACH DATABASE src;
                """)
        }
        try legacy.close()

        let upgraded = try TestServer(dbPath: legacyPath)
        #expect(upgraded.server.replayed == 1)
        let (oldAgain, newStatus, afterDelete) = try await upgraded.server.application().test(.router) { client -> (String, Int, [Int]) in
            let api = APIClient(client: client)
            let id = try await api.scan(scanBody(method: "GET", url: "https://api.github.com/repos/a/b/pulls", agent: "other")).json["trace_id"]?.stringValue ?? ""
            let old = try await api.call(.get, "/v1/traces/\(oldID)").text
            let new = try await api.call(.get, "/v1/traces/\(id)").status
            // Deleting the old record's agent removes it (its range was noted at the upgrade).
            let deleted = try await api.call(.delete, "/api/telemetry/agents/acme-bot").status
            return (old, new, [deleted, try await api.call(.get, "/v1/traces/\(oldID)").status, try await api.call(.get, "/v1/traces/\(id)").status])
        }
        #expect(oldAgain == oldText)
        #expect(newStatus == 200)
        #expect(afterDelete == [204, 404, 200])
        // What is left is the new record, with its ordinal; the index by slot is gone.
        let check = try DatabaseQueue(path: legacyPath)
        let ords = try await check.read { db in try Int64?.fetchAll(db, sql: "SELECT ord FROM trace_records ORDER BY seq") }
        let indexes = try await check.read { db in try db.indexes(on: "trace_records").map(\.name).sorted() }
        try check.close()
        #expect(ords.count == 1)
        #expect(ords.first != .some(nil))
        #expect(indexes == ["trace_records_ord", "trace_records_trace"])
    }
}
