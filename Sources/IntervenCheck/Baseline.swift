public import IntervenCore
public import IntervenScenario
import IntervenResults
import IntervenLoading
public import IntervenSimulation

/// What a run is compared on between a stored baseline and a new run: its incidents, trust
/// trajectories at checkpoints, and decision mixes, per group (and per agent in small tenants).
///
/// Stored as `DIR/<scenario>.json`, one incident or series per line, so a baseline update reads
/// well in a diff. Scores and times are written as exact text, never as floats.
public struct Baseline: Sendable, Equatable {
    public var scenario: String
    public var seed: UInt64
    /// The version of interven-sim that wrote it ("" in files older than format 2).
    public var toolVersion: String = ""
    /// A digest of the effective rules the run started with ("" in files older than format 2).
    public var rulesDigest: String = ""
    /// The run's headline metrics (nil in files older than format 2).
    public var metrics: Metrics?
    public var fingerprint: String
    public var scans: UInt64
    /// The rules' initial trust (agents whose trust never left it are not listed).
    public var initialTrust: Score
    /// Checkpoint times (ms from the start): 24 evenly spaced, the last at the end of the run.
    public var checkpoints: [Int64]
    public var incidents: [IncidentLine]
    public var groups: [GroupLine]
    /// Per-agent trust at the checkpoints (tenants of at most `agentLimit` agents; agents whose
    /// trust never moved from the initial score are left out).
    public var agents: [AgentLine]

    /// Tenants up to this size keep per-agent trajectories.
    public static let agentLimit = 1000
    /// The baseline format version (2 adds the tool version, the rules digest and metrics).
    public static let format = 2

    /// What a reviewer reads first: detection against the ground truth, incidents per trigger
    /// and the tenant's decision mix (trust by group comes from `groups`).
    public struct Metrics: Sendable, Equatable {
        /// Agents labelled malicious at some time, and how many were detected (any trigger but manual).
        public var malicious: Int
        public var detected: Int
        /// Incidents (any trigger but manual) and those on benign agents.
        public var incidents: Int
        public var falsePositives: Int
        public var rate: Score
        public var falsePositiveRatio: Score
        /// Time to detect, nearest-rank percentiles (ms); nil when nothing was detected.
        public var p50: Int64?
        public var p95: Int64?
        /// Incidents by trigger, every trigger in `TriggerKind.allCases` order.
        public var incidentsByTrigger: [Int]
        /// Scans by decision over the tenant, in `Decision.allCases` order.
        public var decisions: [UInt64]
    }

    public struct IncidentLine: Sendable, Equatable {
        public var agent: String
        public var trigger: String
        public var key: String?
        public var severity: String
        public var openedAt: Int64
        public var status: String
        public var resolution: String?
    }

    public struct GroupLine: Sendable, Equatable {
        public var group: String
        public var agents: Int
        /// Scans by decision, in `Decision.allCases` order.
        public var decisions: [UInt64]
        public var trustMean: [Score]
        public var trustMin: [Score]
    }

    public struct AgentLine: Sendable, Equatable {
        public var agent: String
        public var trust: [Score]
    }
}

extension Baseline {
    /// The baseline of a run of `scenario`.
    public init(scenario: Scenario, result: RunResult) {
        self.scenario = result.scenario
        seed = result.seed
        toolVersion = ToolInfo.version
        rulesDigest = Self.digest(scenario.rules)
        var evaluator = Evaluator(scenario: scenario, result: result)
        let d = evaluator.detectionScore(trigger: nil, agents: "*")
        metrics = Metrics(malicious: d.malicious, detected: d.detected.count, incidents: d.incidents,
                          falsePositives: d.falsePositives.count, rate: d.rate, falsePositiveRatio: d.falsePositiveRatio,
                          p50: d.p50?.milliseconds, p95: d.p95?.milliseconds,
                          incidentsByTrigger: TriggerKind.allCases.map { t in result.incidents.filter { $0.trigger == t }.count },
                          decisions: Decision.allCases.indices.map { k in
                              result.observations.decisionsByGroup.reduce(UInt64(0)) { $0 + (k < $1.count ? $1[k] : 0) }
                          })
        fingerprint = result.fingerprint.description
        scans = result.scans
        initialTrust = scenario.rules.trust.initial
        let duration = result.duration.milliseconds
        checkpoints = (1...24).map { duration * Int64($0) / 24 }
        incidents = result.incidents.map {
            IncidentLine(agent: $0.agent, trigger: $0.trigger.description, key: $0.key, severity: $0.severity.description,
                         openedAt: $0.openedAt.milliseconds, status: $0.status.description, resolution: $0.resolution?.description)
        }
        // Trust of every agent at every checkpoint, from the series (every change or samples).
        let names = result.agents.indices.map { result.agents.name(at: $0) }
        var index: [String: Int] = [:]
        for (k, n) in names.enumerated() { index[n] = k }
        let initial = scenario.rules.trust.initial
        var current = [Score](repeating: initial, count: names.count)
        var atCheckpoint = [[Score]](repeating: [], count: checkpoints.count)
        var c = 0
        for sample in result.trust {
            while c < checkpoints.count && sample.time.milliseconds > checkpoints[c] { atCheckpoint[c] = current; c += 1 }
            if let k = index[sample.agent] { current[k] = sample.trust }
        }
        while c < checkpoints.count { atCheckpoint[c] = current; c += 1 }
        groups = []
        var first = 0
        for (g, group) in scenario.groups.enumerated() {
            let count = group.agentNames.count
            let range = first..<(first + count)
            first += count
            var mean: [Score] = [], low: [Score] = []
            for values in atCheckpoint {
                let slice = values[range]
                let sum = slice.reduce(Int64(0)) { $0 + Int64($1.micros) }
                mean.append(Score(micros: Int32((sum + Int64(count) / 2) / Int64(max(1, count)))))
                low.append(slice.min() ?? initial)
            }
            let decisions = g < result.observations.decisionsByGroup.count ? result.observations.decisionsByGroup[g]
                : [UInt64](repeating: 0, count: Decision.allCases.count)
            groups.append(GroupLine(group: group.name, agents: count, decisions: decisions, trustMean: mean, trustMin: low))
        }
        agents = []
        if names.count <= Self.agentLimit {
            for (k, n) in names.enumerated() {
                let series = atCheckpoint.map { $0[k] }
                if series.contains(where: { $0 != initial }) { agents.append(AgentLine(agent: n, trust: series)) }
            }
        }
    }

    /// A digest of the effective rules: the same rules give the same digest on every machine.
    public static func digest(_ rules: Rules) -> String {
        let h = stableHash(RulesFile.render(rules))
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The JSON text (fixed layout, one incident, group or agent per line).
    public var json: [UInt8] {
        var out = "{\n"
        out += "  \"format\": \(Self.format),\n"
        out += "  \"scenario\": \(quote(scenario)),\n"
        out += "  \"seed\": \(seed),\n"
        out += "  \"tool_version\": \(quote(toolVersion)),\n"
        out += "  \"rules_digest\": \(quote(rulesDigest)),\n"
        out += "  \"fingerprint\": \(quote(fingerprint)),\n"
        out += "  \"scans\": \(scans),\n"
        if let m = metrics {
            func ms(_ v: Int64?) -> String { v.map(String.init) ?? "null" }
            out += "  \"metrics\": {\n"
            out += "    \"detection\": {\"malicious\": \(m.malicious), \"detected\": \(m.detected), \"rate\": \(m.rate), "
                + "\"incidents\": \(m.incidents), \"false_positives\": \(m.falsePositives), \"false_positive_ratio\": \(m.falsePositiveRatio), "
                + "\"time_to_detect_p50_ms\": \(ms(m.p50)), \"time_to_detect_p95_ms\": \(ms(m.p95))},\n"
            out += "    \"incidents_by_trigger\": {" + zip(TriggerKind.allCases, m.incidentsByTrigger).map { "\(quote($0.description)): \($1)" }.joined(separator: ", ") + "},\n"
            out += "    \"decisions\": {" + zip(Decision.allCases, m.decisions).map { "\(quote($0.description)): \($1)" }.joined(separator: ", ") + "}\n"
            out += "  },\n"
        }
        out += "  \"initial_trust\": \(initialTrust),\n"
        out += "  \"checkpoints\": [\(checkpoints.map(String.init).joined(separator: ", "))],\n"
        out += "  \"incidents\": [" + lines(incidents.map { i in
            "{\"agent\": \(quote(i.agent)), \"trigger\": \(quote(i.trigger)), \"key\": \(i.key.map(quote) ?? "null"), "
                + "\"severity\": \(quote(i.severity)), \"opened_at\": \(i.openedAt), \"status\": \(quote(i.status)), "
                + "\"resolution\": \(i.resolution.map(quote) ?? "null")}"
        }) + "],\n"
        out += "  \"groups\": [" + lines(groups.map { g in
            "{\"group\": \(quote(g.group)), \"agents\": \(g.agents), \"decisions\": [\(g.decisions.map(String.init).joined(separator: ", "))], "
                + "\"trust_mean\": [\(g.trustMean.map(\.description).joined(separator: ", "))], "
                + "\"trust_min\": [\(g.trustMin.map(\.description).joined(separator: ", "))]}"
        }) + "],\n"
        out += "  \"agents\": [" + lines(agents.map { a in
            "{\"agent\": \(quote(a.agent)), \"trust\": [\(a.trust.map(\.description).joined(separator: ", "))]}"
        }) + "]\n"
        out += "}\n"
        return Array(out.utf8)
    }

    private func lines(_ items: [String]) -> String {
        items.isEmpty ? "" : "\n    " + items.joined(separator: ",\n    ") + "\n  "
    }

    private func quote(_ s: String) -> String { JSONString.literal(s) }
}
