import IntervenCore

// One scan's record, written by the formatter in place (one mutating call per record: its
// tables are read from `self`, never copied out of the shard's state).

extension ActivityFormatter {
    /// Writes the record of `scan` and its verdict, `tail` (the approval and incident ids of a
    /// scan that has them, with the end of the line) after the common fields when not empty.
    @inline(__always)
    mutating func record(_ scan: Scan, _ v: Verdict, before: Score, start: Int64, local: Int, global: Int32, label: Int,
                         symbols table: borrowing SymbolTable, tail: [UInt8]) {
        let tool = symbol(scan.tool, role: 0, table)
        let operation = symbol(scan.operation, role: 1, table)
        let host = symbol(scan.host, role: 2, table)
        let policy = symbol(v.rule, role: 3, table)
        let classes = classesFragment(scan.dataClasses)
        let reasons = reasonsFragment(v.reasons, table)
        let time = scan.time.milliseconds
        var end = put(time: time, start: start, trace: scan.trace, local: local, label: label, tool: tool, operation: operation,
                      verb: Int(scan.verb.rawValue), host: host, classes: classes, risk: scan.risk, band: Int(v.band.rawValue),
                      decision: Int(v.decision.rawValue), reasons: reasons, policy: policy, before: before, after: v.trustAfter,
                      scrutiny: v.inScrutiny, plain: tail.isEmpty, extra: tail.count)
        if !tail.isEmpty {
            tail.withUnsafeBufferPointer { end.update(from: $0.baseAddress!, count: $0.count) }
            end += tail.count
        }
        chunk.commit(end)
        chunk.close(time: time, agent: global, end: end)
    }

    /// A symbol's text followed by what comes after it in the record (tool, operation, host,
    /// policy), formatted once per shard.
    @inline(__always)
    mutating func symbol(_ sym: Symbol, role: Int, _ table: borrowing SymbolTable) -> Fragment {
        let k = Int(sym.raw) &* 4 &+ role
        if k < symbols.count, let frag = symbols[k] { return frag }
        return newSymbol(sym, role: role, k, table)
    }

    private mutating func newSymbol(_ sym: Symbol, role: Int, _ k: Int, _ table: borrowing SymbolTable) -> Fragment {
        let text: [UInt8]
        switch role {
        case 0: text = ActivityLine.formatted(table[sym], format) + ActivityLine.glue(8, format)
        case 1: text = ActivityLine.formatted(table[sym], format)
        case 2: text = ActivityLine.formatted(sym == .none ? "" : table[sym], format) + ActivityLine.glue(11, format)
        default: text = ActivityLine.formatted(sym == .none ? nil : table[sym], format) + ActivityLine.glue(17, format)
        }
        if k >= symbols.count { symbols += Array(repeating: nil, count: k + 256 - symbols.count) }
        let frag = store(text)
        symbols[k] = frag
        return frag
    }

    /// A reason set's list followed by the `policy` key, formatted once per set and shard.
    @inline(__always)
    mutating func reasonsFragment(_ r: ReasonSet, _ table: borrowing SymbolTable) -> Fragment {
        if let last = lastReasons, last.set == r { return last.fragment }
        return newReasons(r, table)
    }

    private mutating func newReasons(_ r: ReasonSet, _ table: borrowing SymbolTable) -> Fragment {
        let frag: Fragment
        if let cached = reasonTable[r] {
            frag = cached
        } else {
            frag = store(ActivityLine.formatted(list: r.names(in: table), format) + ActivityLine.glue(16, format))
            reasonTable[r] = frag
        }
        lastReasons = (r, frag)
        return frag
    }
}
