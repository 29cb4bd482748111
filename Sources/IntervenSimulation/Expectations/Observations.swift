public import IntervenCore
import IntervenScenario

/// What the shards record for a scenario's expectations beyond the run's own results: the full
/// trust trajectory of the agents trust and state expectations name, a decision log of the
/// agents incident expectations name (for failure evidence), and decision counters per window.
///
/// It is compiled once from the expectations and the agent names, and costs nothing for agents
/// no expectation names.
struct ObservationPlan: Sendable {
    /// Agents (global index) whose every trust change is kept.
    var tracked: BitSet
    /// Agents (global index) whose every decision is kept.
    var logged: BitSet
    /// Decision counters: each counts the decisions of its agents within its window.
    var probes: [CounterProbe]
    /// For each agent (global index), the probes that count its decisions (CSR layout).
    var probeStart: [Int32]
    var probeList: [Int32]
    /// Whether any agent is tracked or logged, or any probe exists.
    var isEmpty: Bool { !anyTracked && !anyLogged && probes.isEmpty }
    var anyTracked: Bool
    var anyLogged: Bool
    /// Per expectation, the probe that counts its decisions, or -1.
    var probeOfExpectation: [Int]
    /// Counter readings: per agent (global index), the (reading, time) pairs to take, by time.
    var counterReadings: [Int32: [(reading: Int, at: SimTime)]] = [:]
    /// Per expectation, its reading index (one per agent it matches, in agent order), or -1.
    var readingOfExpectation: [Int] = []
    var readingCount = 0

    /// A decision counter over a window (of the scans with a reason code, when given).
    struct CounterProbe: Sendable {
        var window: TimeWindow?
        var reason: ReasonFilter? = nil
    }

    /// A reason code a probe counts: a built-in one, or a rule's own.
    enum ReasonFilter: Sendable {
        case builtin(ReasonCode)
        case custom(String)

        init(_ code: String) {
            if let c = ReasonCode.allCases.first(where: { $0.description == code }) { self = .builtin(c) } else { self = .custom(code) }
        }
    }

    /// Incident expectations over at most this many agents keep a decision log for evidence.
    static let evidenceAgents = 64

    /// The plan for `expectations` over agents named `names` (in global order).
    init(expectations: [Expectation], names: [String]) {
        let n = names.count
        var tracked = BitSet(capacity: n), logged = BitSet(capacity: n)
        var anyTracked = false, anyLogged = false
        var probes: [CounterProbe] = []
        var probeOf: [Int] = []
        var perAgent = [[Int32]](repeating: [], count: expectations.isEmpty ? 0 : n)
        var cache: [String: [Int32]] = [:]
        func agents(_ glob: String) -> [Int32] {
            if let hit = cache[glob] { return hit }
            let found = ObservationPlan.matching(glob, in: names)
            cache[glob] = found
            return found
        }
        func track(_ glob: String) { for a in agents(glob) { tracked.insert(Int(a)); anyTracked = true } }
        func probe(_ glob: String, _ window: TimeWindow?, reason: String? = nil) -> Int {
            probes.append(CounterProbe(window: window, reason: reason.map(ReasonFilter.init)))
            for a in agents(glob) { perAgent[Int(a)].append(Int32(probes.count - 1)) }
            return probes.count - 1
        }
        var counterReadings: [Int32: [(reading: Int, at: SimTime)]] = [:]
        var readingOfList: [Int] = []
        var readings = 0
        for e in expectations {
            var probeIndex = -1
            var readingOf = -1
            defer { readingOfList.append(readingOf) }
            switch e.kind {
            case .incident(let x):
                let found = agents(x.agent)
                if found.count <= Self.evidenceAgents {
                    for a in found { logged.insert(Int(a)); anyLogged = true }
                    if x.trigger == nil || x.trigger == .trustCollapse { track(x.agent) }
                }
            case .noIncident, .detection, .refused, .notes: break
            case .counters(let x):
                readingOf = readings
                for a in agents(x.agent) {
                    counterReadings[a, default: []].append((readings, SimTime.zero + x.at))
                    readings += 1
                }
            case .reasons(let x): probeIndex = probe(x.agent, x.window, reason: x.code)
            case .trust(let x): track(x.agent)
            case .state(let x): track(x.agent)
            case .decisions(let x): probeIndex = probe(x.agent, x.window)
            case .sometimes(let x):
                switch x.condition {
                case .scrutiny, .suspended, .trustBelow: track(x.agent)
                case .decision: probeIndex = probe(x.agent, x.window)
                case .incident: break
                }
            }
            probeOf.append(probeIndex)
        }
        var start: [Int32] = [0], list: [Int32] = []
        start.reserveCapacity(perAgent.count + 1)
        for l in perAgent { list += l; start.append(Int32(list.count)) }
        self.tracked = tracked; self.logged = logged; self.anyTracked = anyTracked; self.anyLogged = anyLogged
        self.probes = probes; self.probeOfExpectation = probeOf; self.probeStart = start; self.probeList = list
        self.counterReadings = counterReadings.mapValues { $0.sorted { ($0.at, $0.reading) < ($1.at, $1.reading) } }
        self.readingOfExpectation = readingOfList; self.readingCount = readings
    }

    /// The global indexes of the agents a name or glob matches, in order.
    static func matching(_ glob: String, in names: [String]) -> [Int32] { Glob(glob).indexes(in: names) }

    /// The probes counting an agent's decisions.
    @inline(__always) func probes(of agent: Int32) -> Range<Int> {
        guard Int(agent) + 1 < probeStart.count else { return 0..<0 }
        return Int(probeStart[Int(agent)])..<Int(probeStart[Int(agent) + 1])
    }
}

/// One point of a tracked agent's trajectory: its state right after a change.
public struct TrackPoint: Sendable, Equatable {
    public var time: SimTime
    public var trust: Score
    public var suspended: Bool
    /// Whether the score is below the scrutiny threshold.
    public var belowThreshold: Bool
    /// Scrutiny pinned until (exclusive), or `.never`.
    public var pinnedUntil: SimTime
    /// What changed (nil for the starting point).
    public var cause: TrustCause?

    /// Whether the agent is in scrutiny at `t` (at or after this point, before the next one).
    public func inScrutiny(at t: SimTime) -> Bool { belowThreshold || t < pinnedUntil }
    /// Whether scrutiny is pinned at `t`.
    public func pinned(at t: SimTime) -> Bool { t < pinnedUntil }
}

/// One decision of a logged agent, with what evidence needs about the scan.
public struct DecisionPoint: Sendable, Equatable {
    public var time: SimTime
    public var decision: Decision
    public var band: RiskBand
    /// Denied by the gate (suspended, recent deny grant): such denies do not count toward triggers.
    public var gateDeny: Bool
    public var threatIntelHit: Bool
    public var scopeViolation: Bool
    /// A READ of sensitive data classes that was not denied.
    public var sensitiveRead: Bool
    /// A write-like verb to an external destination.
    public var externalWrite: Bool
}

/// What the shards recorded for the expectations (see `ObservationPlan`).
public struct Observations: Sendable {
    /// Trajectories of tracked agents by name: a starting point at 0, then every change in time order.
    public var tracks: [String: [TrackPoint]] = [:]
    /// Decisions of logged agents by name, in time order.
    public var logs: [String: [DecisionPoint]] = [:]
    /// Per counter probe, scans by `Decision.rawValue`.
    public var probeCounts: [[UInt64]] = []
    /// Per expectation, its index in `probeCounts`, or -1.
    public var probeOfExpectation: [Int] = []
    /// Decisions per agent group (group order), by `Decision.rawValue`.
    public var decisionsByGroup: [[UInt64]] = []
    /// Counter readings (see `readingOfExpectation`): each the six trust counters (deny,
    /// approval, high_risk, threat_intel, anomaly, critical) of one agent at one time.
    public var counterReadings: [[Int]] = []
    /// Per expectation, the index of its first reading (one per matched agent, in agent order), or -1.
    public var readingOfExpectation: [Int] = []
}
