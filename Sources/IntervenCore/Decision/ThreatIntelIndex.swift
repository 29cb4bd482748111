/// Which hosts are threat-intel matches, and on which feed, as a table indexed by symbol.
///
/// A host matches if it is on an enabled feed and not on the allowlist, or on the denylist
/// (reported as the feed `denylist`). A host on several feeds is attributed to the first.
struct ThreatIntelIndex: Sendable {
    /// Feed names, then `denylist`.
    let feedNames: [String]
    /// The same names as symbols (the dedup key of `threat_intel` incidents).
    let feedSymbols: [Symbol]
    /// For each symbol known at compile time: feed index, or -1.
    let feedOf: [Int16]
    private let feedOfString: [String: Int16]

    init(rules: ThreatIntelRules, symbols: inout SymbolTable) {
        var names = rules.feeds.map(\.name)
        names.append("denylist")
        feedNames = names
        feedSymbols = names.map { symbols.intern($0) }
        let allow = Set(rules.allowlist)
        var byString: [String: Int16] = [:]
        for (k, feed) in rules.feeds.enumerated() where feed.enabled {
            for host in feed.indicators where !allow.contains(host) && byString[host] == nil {
                byString[host] = Int16(k)
            }
        }
        for host in rules.denylist { byString[host] = Int16(rules.feeds.count) }
        feedOfString = byString
        feedOf = symbols.allStrings.map { byString[$0] ?? -1 }
    }

    /// The feed index a host matches, or -1.
    @inline(__always) func feed(of host: Symbol, _ symbols: SymbolTable) -> Int16 {
        if host == .none { return -1 }
        let i = Int(host.raw)
        if i < feedOf.count { return feedOf[i] }
        return feedOfString[symbols[host]] ?? -1
    }
}
