/// An interned string: tool, operation, host, URL, principal, reason code or feed name.
///
/// The per-scan path compares symbols, never strings.
public struct Symbol: Hashable, Comparable, Sendable {
    /// The index in the table that interned it.
    public var raw: UInt32
    /// Creates a symbol from its index.
    @inlinable public init(raw: UInt32) { self.raw = raw }
    /// The empty string, used for "none".
    public static let none = Symbol(raw: 0)
    /// Orders by table index (interning order), not by string.
    @inlinable public static func < (a: Symbol, b: Symbol) -> Bool { a.raw < b.raw }
}

/// Interns strings into dense symbols; symbol 0 is the empty string.
public struct SymbolTable: Sendable {
    @usableFromInline internal var strings: [String] = [""]
    private var index: [String: Symbol] = ["": .none]

    /// An empty table.
    public init() {}

    /// The symbol for a string, interning it if new.
    @discardableResult
    public mutating func intern(_ s: String) -> Symbol {
        if let sym = index[s] { return sym }
        let sym = Symbol(raw: UInt32(strings.count))
        strings.append(s)
        index[s] = sym
        return sym
    }

    /// The symbol for a string if it was interned.
    public func lookup(_ s: String) -> Symbol? { index[s] }

    /// The string of a symbol.
    @inlinable public subscript(_ sym: Symbol) -> String { strings[Int(sym.raw)] }

    /// How many symbols exist (including the empty one).
    public var count: Int { strings.count }

    /// Every interned string, indexed by symbol.
    public var allStrings: [String] { strings }
}
