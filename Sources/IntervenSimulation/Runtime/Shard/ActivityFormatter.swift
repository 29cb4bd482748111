import IntervenCore

/// Writes activity records into a shard's chunk from fragments made once: per agent (name,
/// group, runtime and the keys around them), per symbol, label, verb, band and decision, data
/// class set and reason set. A record is the fragments and a few numbers copied in order with a
/// moving pointer, into room reserved once per record.
struct ActivityFormatter: @unchecked Sendable {
    let format: ActivityOptions.Format
    let arena = FragmentArena()
    var chunk = ActivityChunk()
    var instants = InstantWriter()
    /// `time_ms` key, `time` key (with its quote), `trace` key (with quotes).
    let head0: Fragment, head1: Fragment, head2: Fragment
    var agentHead: [Fragment] = [], agentTail: [Fragment] = []
    let labels: [Fragment], verbs: [Fragment]
    /// `risk` … `decision` key: band and decision with the keys between them, by band * 4 + decision.
    let bandDecision: [Fragment]
    /// `trust_after` key; `scrutiny` key and value (false, true).
    let afterKey: Fragment
    let scrutiny: [Fragment]
    /// `approval` and `incidents` with nothing in them, and the end of the line.
    let plainTail: Fragment
    /// Symbols by raw * 4 + role (tool, operation, host, policy), each with what follows it.
    var symbols: [Fragment?] = []
    var classTable: [Fragment?] = Array(repeating: nil, count: 256)
    var reasonTable: [ReasonSet: Fragment] = [:]
    var lastReasons: (set: ReasonSet, fragment: Fragment)? = nil
    /// The longest fixed part of a record (keys, fixed values, numbers).
    let fixedBound: Int

    init(format f: ActivityOptions.Format) {
        format = f
        let q: [UInt8] = f == .ndjson ? [UInt8(ascii: "\"")] : []
        let arena = self.arena
        func store(_ b: [UInt8]) -> Fragment { arena.store(b) }
        head0 = store(ActivityLine.glue(0, f))
        head1 = store(ActivityLine.glue(1, f) + q)
        head2 = store(q + ActivityLine.glue(2, f) + q)
        labels = GroundTruth.allCases.map { store(ActivityLine.formatted($0.description, f)) }
        verbs = Verb.allCases.map { store(ActivityLine.glue(9, f) + ActivityLine.formatted($0.description, f) + ActivityLine.glue(10, f)) }
        bandDecision = RiskBand.allCases.flatMap { band in
            Decision.allCases.map { d in
                store(ActivityLine.glue(13, f) + ActivityLine.formatted(band.description, f) + ActivityLine.glue(14, f)
                      + ActivityLine.formatted(d.description, f) + ActivityLine.glue(15, f))
            }
        }
        afterKey = store(ActivityLine.glue(18, f))
        scrutiny = [false, true].map { store(ActivityLine.glue(19, f) + Array(($0 ? "true" : "false").utf8)) }
        var end: [UInt8] = []
        ActivityLine(continuing: f).end(&end)
        plainTail = store(ActivityLine.glue(20, f) + ActivityLine.formatted(nil, f) + ActivityLine.glue(21, f)
                          + (f == .csv ? [] : Array("[]".utf8)) + end)
        let fixed = [head0, head1, head2, afterKey, plainTail].reduce(0) { $0 + $1.count }
        let widest = [labels, verbs, bandDecision, scrutiny].reduce(0) { $0 + ($1.map(\.count).max() ?? 0) }
        // time_ms and trace (20 digits each), the instant (24), risk and two trust scores (15 each),
        // the closing quotes of time and trace, and the key before trust_before (its own glue).
        fixedBound = fixed + widest + 20 + 20 + 24 + 3 * 15 + 64 + ActivityLine.glue(17, f).count
    }

    /// Stores a fragment (after a `"` in NDJSON when `quoteFirst`).
    func store(_ bytes: [UInt8], quoteFirst: Bool = false) -> Fragment {
        arena.store(quoteFirst && format == .ndjson ? [UInt8(ascii: "\"")] + bytes : bytes)
    }

    /// The data classes' list with the `risk` key after it.
    mutating func classesFragment(_ c: DataClasses) -> Fragment {
        let k = Int(c.rawValue)
        if let frag = classTable[k] { return frag }
        let frag = store(ActivityLine.formatted(list: c.nameList, format) + ActivityLine.glue(12, format))
        classTable[k] = frag
        return frag
    }

    /// Starts a record in the chunk and writes its fields up to `scrutiny`, and when `plain` (no
    /// approval, no incident) the rest of it, with room for `extra` more bytes after them;
    /// returns where the written bytes end.
    @inline(__always)
    mutating func put(time: Int64, start: Int64, trace: UInt64, local: Int, label: Int, tool: Fragment, operation: Fragment,
                      verb: Int, host: Fragment, classes: Fragment, risk: Score, band: Int, decision: Int, reasons: Fragment,
                      policy: Fragment, before: Score, after: Score, scrutiny inScrutiny: Bool, plain: Bool,
                      extra: Int) -> UnsafeMutablePointer<UInt8> {
        let head = agentHead[local], tail = agentTail[local]
        let bound = fixedBound + head.count + tail.count + tool.count + operation.count + host.count + classes.count
            + reasons.count + policy.count
        var p = chunk.reserve(bound + Fragment.slack + extra, time: time)
        head0.put(&p)
        Digits.put(UInt64(truncatingIfNeeded: time), &p)
        head1.put(&p)
        instants.put(start &+ time, &p)
        head2.put(&p)
        Digits.put(trace, &p)
        head.put(&p)
        labels[label].put(&p)
        tail.put(&p)
        tool.put(&p)
        operation.put(&p)
        verbs[verb].put(&p)
        host.put(&p)
        classes.put(&p)
        Digits.score(risk.micros, &p)
        bandDecision[band &* 4 &+ decision].put(&p)
        reasons.put(&p)
        policy.put(&p)
        Digits.score(before.micros, &p)
        afterKey.put(&p)
        Digits.score(after.micros, &p)
        scrutiny[inScrutiny ? 1 : 0].put(&p)
        if plain { plainTail.put(&p) }
        return p
    }
}
