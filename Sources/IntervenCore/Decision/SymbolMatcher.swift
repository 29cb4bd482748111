/// A list of globs compiled against a symbol table: one bit per symbol known at compile time.
///
/// Symbols interned after compiling fall back to matching the string (correct, slower) until
/// the gateway recompiles.
struct SymbolMatcher: Sendable {
    let globs: [Glob]
    let bits: BitSet

    init(patterns: [String], symbols: SymbolTable) {
        globs = patterns.map(Glob.init)
        var b = BitSet(capacity: symbols.count)
        let all = symbols.allStrings
        for i in 1..<max(all.count, 1) where globs.contains(where: { $0.matches(all[i]) }) { b.insert(i) }
        bits = b
    }

    @inline(__always) func matches(_ s: Symbol, _ symbols: SymbolTable) -> Bool {
        let i = Int(s.raw)
        if i < bits.capacity { return bits.contains(i) }
        let text = symbols[s]
        return globs.contains { $0.matches(text) }
    }
}
