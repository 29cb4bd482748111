import Foundation
public import IntervenCore
import GRDB
import GRDBSQLite
import Synchronization
public import ServiceLifecycle

/// A trace row written with its scan: the request as sent and the answer, for `GET /v1/traces/{id}`.
public struct TraceRow: Sendable {
    public var trace: UInt64
    public var slot: String
    public var agent: String
    public var request: JSON
    public var outcome: ScanOutcome
    public var classification: Classification
}

/// One entry of the event log: an event with its tenant and gateway time, the trace row of a
/// scan, or the slot whose traces an agent deletion removes.
public struct LogEntry: Sendable {
    public var tenant: String
    public var time: SimTime
    public var wallMillis: Int64
    public var event: GatewayEvent
    public var trace: TraceRow?
    public var deleteSlot: String?
}

/// A persisted event, read back for replay.
public struct StoredEvent: Sendable {
    public var tenant: String
    public var time: SimTime
    public var wallMillis: Int64
    public var event: GatewayEvent
}

/// The event log in SQLite (GRDB, WAL, `synchronous=FULL`), written by group commit: entries
/// appended while a batch is being written go into the next batch, one transaction each; a
/// waiter on an entry resumes once the transaction holding it has committed.
public final class EventLog: Service, Sendable {
    struct Pending {
        var entries: [(Int64, LogEntry)] = []
        var nextSeq: Int64 = 1
        var durable: Int64 = 0
        var waiters: [(Int64, CheckedContinuation<Void, any Error>)] = []
        var failure: String? = nil
        var closed = false
        var wake: CheckedContinuation<Void, Never>? = nil
    }

    let pool: DatabasePool
    public let path: String
    let commitInterval: Duration
    /// Databases written before trace records were appended in log order keep their traces in
    /// `traces` (keyed by tenant and trace UUID); they are still read and deleted there.
    let legacyTraces: Bool
    /// Databases written before trace records had an ordinal keep their index on the trace
    /// number (random keys: each insert dirties another index page); their records without an
    /// ordinal are found through it.
    let legacyTraceIndex: Bool
    private let pending = Mutex(Pending())
    /// Which records each agent slot has (TraceSlots), listed by ranges of 2^bucketBits
    /// sequence numbers (2^14 but in tests).
    let slots: TraceSlots

    /// Opens (or creates) the database at `path`.
    public convenience init(path: String, commitInterval: Duration = .zero) throws {
        try self.init(path: path, commitInterval: commitInterval, bucketBits: 14)
    }

    init(path: String, commitInterval: Duration, bucketBits: Int64) throws {
        var config = Configuration()
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // 16 MiB of page cache per connection (SQLite's default is 2 MiB): the indexes' pages
            // stay in memory instead of being read back from the file at every batch.
            try db.execute(sql: "PRAGMA cache_size = -16384")
        }
        config.busyMode = .timeout(10)
        pool = try DatabasePool(path: path, configuration: config)
        self.path = path
        self.commitInterval = commitInterval
        let slots = TraceSlots(bits: bucketBits)
        self.slots = slots
        try pool.write { db in
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, tenant TEXT NOT NULL, time INTEGER NOT NULL,
                    wall INTEGER NOT NULL, kind TEXT NOT NULL, payload TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS trace_records (seq INTEGER PRIMARY KEY, tenant TEXT NOT NULL, trace INTEGER NOT NULL,
                    slot TEXT NOT NULL, agent TEXT NOT NULL, time INTEGER NOT NULL, record TEXT NOT NULL, ord INTEGER);
                """)
            try slots.createSchema(db)
            // A trace is found by its ordinal (TraceNumbers), which grows with time: index appends.
            if try !db.columns(in: "trace_records").contains(where: { $0.name == "ord" }) {
                try db.execute(sql: "ALTER TABLE trace_records ADD COLUMN ord INTEGER")
            }
            try db.execute(sql: "CREATE INDEX IF NOT EXISTS trace_records_ord ON trace_records (ord)")
        }
        legacyTraces = try pool.read { db in try db.tableExists("traces") }
        legacyTraceIndex = try pool.read { db in try db.indexes(on: "trace_records").contains { $0.name == "trace_records_trace" } }
        let last = try pool.read { db in try Int64.fetchOne(db, sql: "SELECT max(seq) FROM events") } ?? 0
        pending.withLock { $0.nextSeq = last + 1; $0.durable = last }
    }

    // MARK: Meta

    public func meta(_ key: String) throws -> String? {
        try pool.read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key]) }
    }

    public func setMeta(_ key: String, _ value: String) throws {
        try pool.write { db in
            try db.execute(sql: "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                           arguments: [key, value])
        }
    }

    // MARK: Replay

    /// Every event in log order.
    public func events() throws -> [StoredEvent] {
        try pool.read { db in
            var out: [StoredEvent] = []
            let rows = try Row.fetchCursor(db, sql: "SELECT tenant, time, wall, kind, payload FROM events ORDER BY seq")
            while let row = try rows.next() {
                let kind: String = row[3]
                let payload: String = row[4]
                guard case .success(let json) = JSON.parse(Array(payload.utf8)), let e = GatewayEvent(kind: kind, json: json) else {
                    throw ServerError(500, "CORRUPT_LOG", "event log: cannot read a '\(kind)' event")
                }
                out.append(StoredEvent(tenant: row[0], time: SimTime(milliseconds: row[1]), wallMillis: row[2], event: e))
            }
            return out
        }
    }

    // MARK: Traces

    /// A stored trace: its agent key, slot, time and record.
    public func trace(tenant: String, id: String) throws -> (agent: String, slot: String, time: SimTime, record: String)? {
        guard let number = TraceIDs.number(id) else { return nil }
        return try pool.read { db in
            var row = try Row.fetchOne(db, sql: "SELECT agent, slot, time, record FROM trace_records WHERE ord = ? AND trace = ? AND tenant = ? ORDER BY seq DESC LIMIT 1",
                                       arguments: [TraceIDs.ordinal(number), Int64(bitPattern: number), tenant])
            if row == nil && legacyTraceIndex {
                row = try Row.fetchOne(db, sql: "SELECT agent, slot, time, record FROM trace_records WHERE trace = ? AND tenant = ? ORDER BY seq DESC LIMIT 1",
                                       arguments: [Int64(bitPattern: number), tenant])
            }
            if row == nil && legacyTraces {
                row = try Row.fetchOne(db, sql: "SELECT agent, slot, time, record FROM traces WHERE tenant = ? AND trace = ?", arguments: [tenant, id])
            }
            guard let row else { return nil }
            return (row[0], row[1], SimTime(milliseconds: row[2]), row[3])
        }
    }

    // MARK: Group commit

    /// Appends an entry to the next batch and returns its sequence number.
    public func append(_ entry: LogEntry) -> Int64 {
        let (seq, wake) = pending.withLock { p -> (Int64, CheckedContinuation<Void, Never>?) in
            let s = p.nextSeq
            p.nextSeq += 1
            p.entries.append((s, entry))
            let w = p.wake
            p.wake = nil
            return (s, w)
        }
        wake?.resume()
        return seq
    }

    /// Returns once the entry `seq` is durable; throws if its batch could not be written.
    public func waitDurable(_ seq: Int64) async throws {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
            let outcome: Result<Void, any Error>? = pending.withLock { p in
                if let f = p.failure { return .failure(ServerError(503, "STORAGE_FAILED", "event log: \(f)")) }
                if p.durable >= seq { return .success(()) }
                p.waiters.append((seq, c))
                return nil
            }
            if let outcome { c.resume(with: outcome) }
        }
    }

    /// The highest durable sequence number.
    public var durableSeq: Int64 { pending.withLock { $0.durable } }

    /// Writes batches until shut down; on graceful shutdown writes what is pending, then returns.
    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await self.loop()
        } onGracefulShutdown: {
            self.close()
        }
    }

    /// Stops accepting the wait for new entries: the writer flushes what is pending and ends.
    public func close() {
        let wake = pending.withLock { p -> CheckedContinuation<Void, Never>? in
            p.closed = true
            let w = p.wake
            p.wake = nil
            return w
        }
        wake?.resume()
    }

    func loop() async throws {
        while true {
            let closed = await waitForWork()
            if commitInterval > .zero && !closed { try? await Task.sleep(for: commitInterval) }
            let batch = pending.withLock { p -> [(Int64, LogEntry)] in
                let b = p.entries
                p.entries.removeAll(keepingCapacity: true)
                return b
            }
            if batch.isEmpty {
                if closed { return }
                continue
            }
            do {
                try await write(batch)
                complete(upTo: batch.last!.0, failure: nil)
            } catch {
                complete(upTo: batch.last!.0, failure: "\(error)")
            }
        }
    }

    /// Waits until entries are pending or the log is closed; returns whether it is closed.
    private func waitForWork() async -> Bool {
        await withCheckedContinuation { (w: CheckedContinuation<Void, Never>) in
            let ready: Bool = pending.withLock { p in
                if !p.entries.isEmpty || p.closed { return true }
                p.wake = w
                return false
            }
            if ready { w.resume() }
        }
        return pending.withLock { $0.closed }
    }

    private func complete(upTo seq: Int64, failure: String?) {
        let ready = pending.withLock { p -> [CheckedContinuation<Void, any Error>] in
            if let failure { p.failure = failure } else { p.durable = seq }
            var out: [CheckedContinuation<Void, any Error>] = []
            p.waiters.removeAll { w in
                if w.0 <= seq { out.append(w.1); return true }
                return false
            }
            return out
        }
        for c in ready {
            if let failure { c.resume(throwing: ServerError(503, "STORAGE_FAILED", "event log: \(failure)")) } else { c.resume() }
        }
    }

    private func write(_ batch: [(Int64, LogEntry)]) async throws {
        // The JSON texts are rendered before the write transaction, off the writer's queue.
        let rows: [(Int64, LogEntry, [UInt8], [UInt8]?)] = batch.map { seq, e in
            (seq, e, e.event.json.bytes, e.trace.map { TraceRecord.json($0, tenantTime: e.time).bytes })
        }
        do {
            try await pool.write { db in try self.insert(rows, db) }
        } catch {
            // What was noted may not have been written.
            slots.invalidate()
            throw error
        }
    }

    private func insert(_ rows: [(Int64, LogEntry, [UInt8], [UInt8]?)], _ db: Database) throws {
        let ins = try db.cachedStatement(sql: "INSERT INTO events (seq, tenant, time, wall, kind, payload) VALUES (?, ?, ?, ?, ?, ?)")
        // Trace records go in log order (rowid = the event's sequence number): an append, with
        // small index entries, rather than a ~1 KB row placed at a random key.
        let tr = try db.cachedStatement(sql: "INSERT INTO trace_records (seq, tenant, trace, slot, agent, time, record, ord) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        try slots.loadIfStale(db)
        for (seq, e, payload, record) in rows {
            // Bound directly: GRDB's argument arrays cost an allocation per value.
            try Self.insert(db, ins) { b in
                b.int(1, seq); b.text(2, e.tenant); b.int(3, e.time.milliseconds); b.int(4, e.wallMillis)
                b.text(5, e.event.kind); b.text(6, payload)
            }
            if let t = e.trace, let record {
                try Self.insert(db, tr) { b in
                    b.int(1, seq); b.text(2, e.tenant); b.int(3, Int64(bitPattern: t.trace)); b.text(4, t.slot); b.text(5, t.agent)
                    b.int(6, e.time.milliseconds); b.text(7, record); b.int(8, TraceIDs.ordinal(t.trace))
                }
            }
            if let t = e.trace { try slots.record(db, tenant: e.tenant, slot: t.slot, seq: seq) }
            if let slot = e.deleteSlot {
                try slots.delete(db, tenant: e.tenant, slot: slot)
                if legacyTraces { try db.execute(sql: "DELETE FROM traces WHERE tenant = ? AND slot = ?", arguments: [e.tenant, slot]) }
            }
        }
    }

    /// Binds a statement's parameters, runs it once and resets it.
    private static func insert(_ db: Database, _ statement: Statement, _ bind: (Binder) -> Void) throws {
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        bind(Binder(handle: handle))
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE else {
            let message = String(cString: sqlite3_errmsg(db.sqliteConnection))
            sqlite3_reset(handle)
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
        }
        sqlite3_reset(handle)
    }

    /// Binds parameters of a prepared statement (1-based), copying texts.
    private struct Binder {
        let handle: SQLiteStatement
        private static var transient: sqlite3_destructor_type { unsafeBitCast(-1, to: sqlite3_destructor_type.self) }
        func int(_ i: Int32, _ v: Int64) { sqlite3_bind_int64(handle, i, v) }
        func text(_ i: Int32, _ s: String) {
            var s = s
            s.withUTF8 { bind(i, $0) }
        }
        func text(_ i: Int32, _ bytes: [UInt8]) { bytes.withUnsafeBufferPointer { bind(i, $0) } }
        private func bind(_ i: Int32, _ u: UnsafeBufferPointer<UInt8>) {
            guard let base = u.baseAddress, !u.isEmpty else { sqlite3_bind_text(handle, i, "", 0, nil); return }
            _ = base.withMemoryRebound(to: CChar.self, capacity: u.count) { sqlite3_bind_text(handle, i, $0, Int32(u.count), Self.transient) }
        }
    }
}
