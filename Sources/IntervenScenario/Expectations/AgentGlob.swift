public import IntervenCore

extension Glob {
    /// Indexes (in `names`' order) of the agent names this glob matches.
    public func indexes(in names: [String]) -> [Int32] {
        if isLiteral { return names.indices.filter { names[$0] == pattern }.map { Int32($0) } }
        return names.indices.filter { matches(names[$0]) }.map { Int32($0) }
    }
}
