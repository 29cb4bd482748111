/// A fixed-size set of dense indexes (symbols or agents) as 64-bit words.
public struct BitSet: Sendable, Equatable {
    @usableFromInline var words: [UInt64]
    /// How many indexes the set covers; indexes at or past it are "not known when compiled".
    public let capacity: Int

    /// An empty set covering `capacity` indexes.
    public init(capacity: Int) {
        self.capacity = capacity
        words = Array(repeating: 0, count: (capacity + 63) / 64)
    }

    /// Adds an index.
    @inlinable public mutating func insert(_ i: Int) { words[i >> 6] |= 1 << UInt64(i & 63) }
    /// Whether the index is in the set (the caller checks `i < capacity`).
    @inlinable public func contains(_ i: Int) -> Bool { words[i >> 6] & (1 << UInt64(i & 63)) != 0 }
}
