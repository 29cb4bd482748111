import IntervenCore
import IntervenScenario

/// Every agent name a scenario defines, which group defines it, and lookups with "did you mean".
struct AgentDirectory {
    /// One group as messages name it.
    struct Entry {
        var name: String
        var path: ValuePath
        /// The line of the group's `group` key's value.
        var line: Int
        /// The line agent names come from: the `name` pattern, or `group` when there is none.
        var nameLine: Int
        var first: String
        var last: String
        var count: Int
    }

    /// Every agent name, group by group.
    private(set) var names: [String] = []
    /// The groups, in file order.
    private(set) var groups: [Entry] = []
    /// Agent name → index in `groups`.
    private var owner: [String: Int] = [:]
    /// Group name → index in `groups`.
    private var groupIndex: [String: Int] = [:]

    /// The group with this name, if one was added.
    func group(named name: String) -> Entry? { groupIndex[name].map { groups[$0] } }

    /// Adds a group's agents; refuses a name another group already uses, naming both groups.
    ///
    /// `at` is the cursor errors point to: the group's `name` pattern, or its `group` key when
    /// the pattern is the default.
    mutating func add(_ group: AgentGroup, path: ValuePath, groupLine: Int, at: LayeredNode) throws(LoadError) {
        let index = groups.count
        let agentNames = group.agentNames
        owner.reserveCapacity(owner.count + agentNames.count)
        for name in agentNames {
            if let other = owner.updateValue(index, forKey: name) {
                let first = other == index ? "itself" : "group '\(groups[other].name)' (\(groups[other].path), line \(groups[other].nameLine))"
                throw at.fail(.duplicateKey, "agent name '\(name)' of group '\(group.name)' is also an agent of \(first); agent names must be unique across groups")
            }
        }
        names.append(contentsOf: agentNames)
        if groupIndex[group.name] == nil { groupIndex[group.name] = index }
        groups.append(Entry(name: group.name, path: path, line: groupLine, nameLine: at.top?.line ?? 0, first: agentNames.first ?? "",
                            last: agentNames.last ?? "", count: agentNames.count))
    }

    /// Whether an agent has this name.
    func contains(_ name: String) -> Bool { owner[name] != nil }

    /// The agent name at a cursor; refuses one no group defines.
    func agent(_ node: LayeredNode) throws(LoadError) -> String {
        let name = try node.string("an agent name")
        guard contains(name) else {
            throw node.fail(.unknownAgent, "expected the name of an agent of the scenario; found \(Escaping.quoted(name))" + hint(for: name))
        }
        return name
    }

    /// The agent name or glob at a cursor; refuses one that matches no agent.
    func agentPattern(_ node: LayeredNode, text: String) throws(LoadError) -> String {
        let glob = Glob(text)
        if glob.isLiteral ? contains(text) : names.contains(where: glob.matches) { return text }
        throw node.fail(.unknownAgent, "expected an agent name or a glob matching at least one agent; found \(Escaping.quoted(text)), which matches none"
                        + (glob.isLiteral ? hint(for: text) : "; " + roster))
    }

    /// `; did you mean 'fin-bot-01'?`, or the roster when no name is close.
    func hint(for name: String) -> String {
        if let near = nearest(to: name) { return "; did you mean '\(near)'?" }
        return "; " + roster
    }

    /// The agent name `Suggestion.nearest` would pick, without its per-candidate allocations:
    /// a tenant may have a million agents, and a typo should not cost seconds.
    func nearest(to word: String) -> String? {
        guard word.utf8.allSatisfy({ $0 < 0x80 }) else { return Suggestion.nearest(to: word, in: names) }
        let w = word.utf8.map(AgentDirectory.lower)
        let width = w.count + 1
        var rows = DistanceRows(width: width)
        var best: (name: String, distance: Int)? = nil
        for var candidate in names {
            let length = candidate.utf8.count
            // Suggestion allows at most three edits, so names longer or shorter by more cannot be near.
            guard abs(length - w.count) <= 3 else { continue }
            let allowance = length <= 4 ? 1 : length <= 8 ? 2 : 3
            let limit = min(allowance, (best?.distance ?? .max) - 1)
            guard limit >= 0 else { continue }
            let d = candidate.withUTF8 { c -> Int? in
                guard !c.contains(where: { $0 >= 0x80 }) else {
                    // Rare: a non-ASCII name goes the general way (Unicode case folding).
                    let e = Suggestion.distance(Array(word.lowercased().unicodeScalars),
                                                Array(String(decoding: c, as: UTF8.self).lowercased().unicodeScalars))
                    return e
                }
                return rows.distance(c, w, limit: limit)
            }
            if let d, d <= limit { best = (candidate, d) }
        }
        return best?.name
    }

    private static func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b + 0x20 : b }

    /// Reusable rows for `Suggestion`'s optimal-string-alignment distance over ASCII bytes.
    private struct DistanceRows {
        var prev2: [Int], prev: [Int], row: [Int]
        init(width: Int) {
            prev2 = [Int](repeating: 0, count: width); prev = prev2; row = prev2
        }

        /// The distance from `a` (compared case-insensitively) to `b` (already lower case), or
        /// nil once it must exceed `limit`.
        mutating func distance(_ a: UnsafeBufferPointer<UInt8>, _ b: [UInt8], limit: Int) -> Int? {
            if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
            for j in 0...b.count { prev[j] = j }
            var previousMin = 0
            for i in 1...a.count {
                row[0] = i
                var rowMin = i
                let x = AgentDirectory.lower(a[i - 1])
                for j in 1...b.count {
                    var v = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (x == b[j - 1] ? 0 : 1))
                    if i > 1, j > 1, x == b[j - 2], AgentDirectory.lower(a[i - 2]) == b[j - 1] { v = min(v, prev2[j - 2] + 1) }
                    row[j] = v
                    rowMin = min(rowMin, v)
                }
                // Each later row is at least the smaller of this row's minimum and the last one's plus one.
                if rowMin > limit, previousMin > limit { return nil }
                previousMin = rowMin
                swap(&prev2, &prev)
                swap(&prev, &row)
            }
            return prev[b.count]
        }
    }

    /// `the agents are fin-bot-01 ... fin-bot-20 (fin-bots), ops (ops)`, for the first few groups.
    var roster: String {
        let shown = groups.prefix(5).map { g in
            g.count == 1 ? "\(g.first) (\(g.name))" : "\(g.first) ... \(g.last) (\(g.name))"
        }
        return "the agents are " + shown.joined(separator: ", ") + (groups.count > 5 ? ", ..." : "")
    }
}
