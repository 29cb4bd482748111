import GRDB
import Synchronization

/// Which trace records each agent slot has, for deleting an agent's traces without an index
/// entry per record at the agent's place (a random index page dirtied per scan in every batch).
///
/// The writer keeps the sequence numbers of the records written since its last flush in memory,
/// by (tenant, slot, range of 2^bits sequence numbers); when a record of a later range arrives,
/// it writes one `trace_slot_seqs` row per (tenant, slot, range) in the same transaction: the
/// numbers as text (`12,40,97`) and the largest. Everything up to the largest number stored is
/// stored, so at start-up (and after a failed transaction) the memory is rebuilt from the
/// records after it. Deleting a slot deletes exactly its records, by sequence number.
final class TraceSlots: Sendable {
    struct Key: Hashable {
        var tenant: String
        var slot: String
        var range: Int64
    }
    struct Memory {
        var lists: [Key: [Int64]] = [:]
        /// The latest range in `lists` (-1: none).
        var open: Int64 = -1
        /// A transaction failed: rebuild before the next record.
        var stale = true
    }

    let bits: Int64
    private let memory = Mutex(Memory())

    init(bits: Int64) { self.bits = bits }

    /// The table; a database written before it, with an index on every record's slot, has its
    /// records listed once and that index dropped.
    func createSchema(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS trace_slot_seqs (tenant TEXT NOT NULL, slot TEXT NOT NULL, range INTEGER NOT NULL,
                seqs TEXT NOT NULL, last_seq INTEGER NOT NULL, PRIMARY KEY (tenant, slot, range)) WITHOUT ROWID
            """)
        if try db.indexes(on: "trace_records").contains(where: { $0.name == "trace_records_slot" }) {
            try db.execute(sql: """
                INSERT INTO trace_slot_seqs (tenant, slot, range, seqs, last_seq)
                    SELECT tenant, slot, seq >> \(bits), group_concat(seq), max(seq) FROM trace_records GROUP BY tenant, slot, seq >> \(bits);
                DROP INDEX trace_records_slot;
                """)
        }
    }

    /// Rebuilds the memory from the records after the last one stored, if a failure (or the
    /// start) left it stale.
    func loadIfStale(_ db: Database) throws {
        guard memory.withLock({ $0.stale }) else { return }
        let stored = try Int64.fetchOne(db, sql: "SELECT max(last_seq) FROM trace_slot_seqs") ?? 0
        var m = Memory(stale: false)
        let rows = try Row.fetchCursor(db, sql: "SELECT seq, tenant, slot FROM trace_records WHERE seq > ? ORDER BY seq", arguments: [stored])
        while let row = try rows.next() {
            let seq: Int64 = row[0]
            m.lists[Key(tenant: row[1], slot: row[2], range: seq >> bits), default: []].append(seq)
            m.open = max(m.open, seq >> bits)
        }
        memory.withLock { $0 = m }
    }

    /// Marks the memory stale (a transaction holding what it noted failed).
    func invalidate() { memory.withLock { $0 = Memory() } }

    /// Notes a record written in this transaction; writes the lists of earlier ranges first.
    func record(_ db: Database, tenant: String, slot: String, seq: Int64) throws {
        let range = seq >> bits
        let flush: [Key: [Int64]] = memory.withLock { m in
            var out: [Key: [Int64]] = [:]
            if range > m.open {
                if !m.lists.isEmpty { out = m.lists; m.lists = [:] }
                m.open = range
            }
            m.lists[Key(tenant: tenant, slot: slot, range: range), default: []].append(seq)
            return out
        }
        guard !flush.isEmpty else { return }
        let upsert = try db.cachedStatement(sql: """
            INSERT INTO trace_slot_seqs (tenant, slot, range, seqs, last_seq) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (tenant, slot, range) DO UPDATE SET seqs = seqs || ',' || excluded.seqs, last_seq = max(last_seq, excluded.last_seq)
            """)
        // In key order, so the same records give the same file.
        for (key, seqs) in flush.sorted(by: { ($0.key.tenant, $0.key.slot, $0.key.range) < ($1.key.tenant, $1.key.slot, $1.key.range) }) {
            try upsert.execute(arguments: [key.tenant, key.slot, key.range, seqs.map(String.init).joined(separator: ","), seqs.max() ?? 0])
        }
    }

    /// Deletes every trace record of a slot (and its lists).
    func delete(_ db: Database, tenant: String, slot: String) throws {
        var seqs: [Int64] = []
        for text in try String.fetchAll(db, sql: "SELECT seqs FROM trace_slot_seqs WHERE tenant = ? AND slot = ?", arguments: [tenant, slot]) {
            seqs += text.split(separator: ",").compactMap { Int64($0) }
        }
        memory.withLock { m in
            for key in m.lists.keys where key.tenant == tenant && key.slot == slot {
                seqs += m.lists.removeValue(forKey: key) ?? []
            }
        }
        let del = try db.cachedStatement(sql: "DELETE FROM trace_records WHERE seq = ? AND tenant = ? AND slot = ?")
        for s in seqs { try del.execute(arguments: [s, tenant, slot]) }
        try db.execute(sql: "DELETE FROM trace_slot_seqs WHERE tenant = ? AND slot = ?", arguments: [tenant, slot])
    }
}
