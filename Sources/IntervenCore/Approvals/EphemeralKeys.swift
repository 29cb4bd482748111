/// The scope and limits of an ephemeral key (`iv_eph_*`).
public struct EphemeralScope: Sendable, Equatable {
    /// Tools the key may call.
    public var tools: [String]
    /// Verbs the key may use.
    public var verbs: VerbSet
    /// Lifetime from minting.
    public var ttl: SimDuration
    /// Uses before the key is exhausted.
    public var maxUses: Int
    /// A scope from its parts; tool names are interned when a key is minted with it.
    public init(tools: [String], verbs: VerbSet, ttl: SimDuration, maxUses: Int) {
        self.tools = tools; self.verbs = verbs; self.ttl = ttl; self.maxUses = maxUses
    }
}

/// Why an ephemeral key refused a scan.
public enum ScopeViolation: UInt8, Sendable, CustomStringConvertible {
    /// Tool or verb outside the scope, past the TTL, out of uses, or a key index never minted.
    case toolOutOfScope, verbOutOfScope, expired, exhausted, unknownKey
    /// A short phrase for incident titles, e.g. `tool not in scope`.
    public var description: String {
        ["tool not in scope", "verb not in scope", "key expired", "key out of uses", "unknown key"][Int(rawValue)]
    }
}

/// Minted ephemeral keys and their use counts.
struct EphemeralKeys: Sendable {
    struct Key: Sendable {
        var tools: [Symbol]
        var verbs: VerbSet
        var expiresAt: SimTime
        var maxUses: Int32
        var uses: Int32
    }
    private(set) var keys: [Key] = []

    mutating func mint(scope: EphemeralScope, tools: [Symbol], at time: SimTime) -> Int32 {
        keys.append(Key(tools: tools, verbs: scope.verbs, expiresAt: time + scope.ttl,
                        maxUses: Int32(clamping: scope.maxUses), uses: 0))
        return Int32(keys.count - 1)
    }

    /// Checks a scan against its key; an in-scope use is counted.
    ///
    /// Expired means past `expiresAt` (a use exactly at it is fine); exhausted means the key was
    /// already used `maxUses` times.
    @inline(__always) mutating func check(_ key: Int32, tool: Symbol, verb: Verb, at time: SimTime) -> ScopeViolation? {
        let i = Int(key)
        guard i < keys.count else { return .unknownKey }
        let k = keys[i]
        if time > k.expiresAt { return .expired }
        if k.uses >= k.maxUses { return .exhausted }
        if !k.tools.contains(tool) { return .toolOutOfScope }
        if !k.verbs.contains(verb) { return .verbOutOfScope }
        keys[i].uses += 1
        return nil
    }
}
