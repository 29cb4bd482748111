/// The agents of one tenant: names, derived ids, runtimes and ground truth, by dense index.
///
/// Strings live here, off the per-scan path; the gateway only sees `AgentIndex`.
public struct AgentRoster: Sendable {
    /// Agent names, by index.
    public private(set) var names: [String] = []
    /// Agent runtimes, by index (policy rules can match on them).
    public private(set) var runtimes: [Runtime] = []
    /// Ground-truth labels (for scoring only; detection never reads them).
    public private(set) var labels: [GroundTruth] = []
    /// The seed ids are derived from.
    public let seed: UInt64

    /// An empty roster whose agent ids derive from `seed`.
    public init(seed: UInt64) { self.seed = seed }

    /// How many agents there are.
    public var count: Int { names.count }

    /// Adds an agent and returns its index. Names must be unique; the caller guarantees it (a
    /// scenario's loader refuses duplicates, the server keys agents by name), so a million agents
    /// do not pay for a second, hashed copy of their names here.
    @discardableResult
    public mutating func add(name: String, runtime: Runtime, label: GroundTruth = .benign) -> AgentIndex {
        let index = AgentIndex(names.count)
        names.append(name)
        runtimes.append(runtime)
        labels.append(label)
        return index
    }

    /// Forgets a removed agent's name, so its index can take a new agent (`replace`).
    mutating func release(_ agent: AgentIndex) {
        names[Int(agent)] = ""
    }

    /// Puts a new agent at a released index.
    mutating func replace(_ agent: AgentIndex, name: String, runtime: Runtime, label: GroundTruth) {
        names[Int(agent)] = name
        runtimes[Int(agent)] = runtime
        labels[Int(agent)] = label
    }

    /// The agent's UUID, derived from (seed, name) when asked: a million agents would otherwise
    /// hold a million 36-character strings for the few places that print them.
    public func id(of agent: AgentIndex) -> String {
        let name = names[Int(agent)]
        return uuidString(stableHash(name, seed: seed), stableHash(name, seed: seed &+ 1))
    }

    /// The index of an agent by name: a linear search, for tools and tests (the scan path never
    /// looks agents up by name).
    public func index(of name: String) -> AgentIndex? { names.firstIndex(of: name).map { AgentIndex($0) } }

    /// Changes an agent's ground truth (a compromised agent may turn so at a scripted time).
    public mutating func setLabel(_ label: GroundTruth, for agent: AgentIndex) { labels[Int(agent)] = label }
}
