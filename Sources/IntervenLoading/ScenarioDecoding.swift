import IntervenCore
import IntervenScenario
import Yams

/// A scenario with what a later section of the same file (such as `expect:`) needs to check
/// its own names and times against.
struct DecodedScenario {
    /// The scenario itself.
    var scenario: Scenario
    /// The document, for sections this decoder does not read.
    var root: LayeredNode
    /// Every agent name and the group that defines it.
    var agents: AgentDirectory
}

/// Decodes a scenario document section by section; see `ScenarioFile` for the format.
///
/// Nothing is returned until every section has been read and every cross-reference checked
/// (agent names, feeds, times within the run), so a scenario is complete or not at all.
struct ScenarioDecoder {
    /// A reference to a threat-intel feed, checked once the rules in force at its time are known.
    struct FeedCheck {
        var feed: String
        /// When the reference takes effect, and its place among timeline events at that time
        /// (`Int.max` for a phase: it sees every rules change made at its time).
        var at: SimDuration
        var order: Int
        var node: LayeredNode
        /// Whether `denylist` counts as a feed (for `indicator`, not for a template's host).
        var allowDenylist = false
    }

    let root: LayeredNode
    /// The scenario file's directory; `rules:` is relative to it.
    let baseDirectory: String
    /// `--rules`: replaces the file's `rules:`.
    let rulesPath: String?
    /// `--set PATH=VALUE` arguments, laid over the scenario's `set:`.
    let overrides: [String]
    /// Top-level keys beyond `ScenarioKeys.top` that a caller reads itself.
    let extraKeys: [String]

    /// The run's length, once read; every time in the file must be shorter.
    var duration = SimDuration.zero
    /// The run's length as the file writes it, for messages.
    var durationText = ""
    var agents = AgentDirectory()
    var feedChecks: [FeedCheck] = []
    /// The rules below any timeline `set` event.
    var stack = RulesStack(layers: [])

    init(root: LayeredNode, baseDirectory: String, rulesPath: String?, overrides: [String], extraKeys: [String] = []) {
        self.root = root; self.baseDirectory = baseDirectory; self.rulesPath = rulesPath
        self.overrides = overrides; self.extraKeys = extraKeys
    }

    /// The whole document. Every independent value (a top-level key, an agent group, a timeline
    /// item, an expectation) is read on its own, so a file reports all its errors at once; a
    /// value that could only fail because an earlier one did (an agent of a bad group, a time
    /// against a bad duration) is not reported.
    mutating func decode() throws(LoadError) -> DecodedScenario {
        let sink = ErrorSink()
        var durationFailed = false, groupsFailed = false
        let result: Result<DecodedScenario, LoadError> = ErrorSink.$current.withValue(sink) {
            do throws(LoadError) {
                return .success(try decodeSections(durationFailed: &durationFailed, groupsFailed: &groupsFailed))
            } catch {
                return .failure(error)
            }
        }
        if case .failure(let e) = result { sink.record(e) }
        let errors = sink.sorted().filter { e in
            !(durationFailed && e.code == .outOfRun) && !(groupsFailed && e.code == .unknownAgent)
        }
        guard var first = errors.first else { return try result.get() }
        first.others = Array(errors.dropFirst())
        throw first
    }

    private mutating func decodeSections(durationFailed: inout Bool, groupsFailed: inout Bool) throws(LoadError) -> DecodedScenario {
        let sink = ErrorSink.current
        let before = { sink?.count ?? 0 }
        try root.expectKeys(ScenarioKeys.top + extraKeys)
        let name = try ErrorSink.collect("") { () throws(LoadError) in try self.name(root.child("name")) }
        // A folded block (`description: >`) ends with a line break that is not part of the text.
        let description = try ErrorSink.collect("") { () throws(LoadError) -> String in
            let descriptionNode = try root.child("description")
            var description = try descriptionNode.string("a description of what the scenario exercises")
            while description.last?.isWhitespace == true { description.removeLast() }
            if description.isEmpty { throw descriptionNode.fail(.invalidValue, "expected a description of what the scenario exercises; found only blanks") }
            return description
        }
        let seed = try ErrorSink.collect(1) { () throws(LoadError) in
            try root.child("seed").optional { n throws(LoadError) in try n.uint64() } ?? 1
        }
        let durationErrors = before()
        let durationNode = try root.child("duration")
        duration = try ErrorSink.collect(LayeredNode.longestDuration) { () throws(LoadError) in try durationNode.duration(positive: true) }
        durationText = (try? durationNode.string()) ?? "366d"
        durationFailed = before() > durationErrors
        let latency = try ErrorSink.collect(.seconds(1)) { () throws(LoadError) in
            try root.child("effect_latency").optional { n throws(LoadError) in try n.duration(positive: true) } ?? .seconds(1)
        }
        let sample = try ErrorSink.collect(nil) { () throws(LoadError) in
            try root.child("trust_sample").optional { n throws(LoadError) in try n.duration(positive: true) }
        }
        let start = try ErrorSink.collect(nil) { () throws(LoadError) -> Int64? in
            try root.child("start").optional { n throws(LoadError) -> Int64 in
                let text = try n.string("an RFC 3339 instant like 2026-01-01T00:00:00Z")
                guard let ms = RFC3339.parse(text) else {
                    throw n.fail(.invalidValue, "expected an RFC 3339 instant like 2026-01-01T00:00:00Z or 2026-03-02T09:00:00.250+01:00; found '\(text)'")
                }
                return ms
            }
        }

        let rules = try ErrorSink.collect(Rules()) { () throws(LoadError) in try baseRules() }

        let groupErrors = before()
        let groupList = try root.child("agents")
        let groups = try groupList.list { item throws(LoadError) in
            try ErrorSink.collect(nil) { () throws(LoadError) -> AgentGroup? in try group(item) }
        }.compactMap { $0 }
        groupsFailed = before() > groupErrors
        if groups.isEmpty && !groupsFailed {
            throw groupList.fail(.missingValue, "expected at least one agent group; found an empty list")
        }
        if let sample {
            // A sampled series has duration / interval rows per agent; refuse one that could not be written.
            let agentCount = groups.reduce(0) { $0 + $1.count }
            let rows = (duration.milliseconds / sample.milliseconds + 1) * Int64(agentCount)
            if rows > 50_000_000 {
                let sampleNode = try root.child("trust_sample")
                sink?.record(sampleNode.fail(.outOfRange, "trust_sample: expected an interval giving at most 50,000,000 trust.csv rows; \(sample) over \(duration) for \(agentCount) agents gives \(rows)"))
            }
        }

        let pending = try ErrorSink.collect([]) { () throws(LoadError) -> [PendingEvent] in
            try root.child("timeline").optional { n throws(LoadError) in
                try n.list { item throws(LoadError) in
                    try ErrorSink.collect(nil) { () throws(LoadError) -> PendingEvent? in try timelineItem(item) }
                }.compactMap { $0 }
            } ?? []
        }
        let analyst = try ErrorSink.collect(nil) { () throws(LoadError) in
            try root.child("analyst").optional { n throws(LoadError) in try self.analyst(n) }
        }

        let timeline = try ErrorSink.collect([]) { () throws(LoadError) in try resolve(pending, base: rules) }
        var problems: [LoadError] = []
        let expectations = try self.expectations(root.child("expect"), errors: &problems)
        for p in problems { sink?.record(p) }
        var scenario = Scenario(name: name, description: description, seed: UInt64(seed), duration: duration, rules: rules,
                                groups: groups, timeline: timeline, analyst: analyst, effectLatency: latency,
                                trustSampleInterval: sample)
        scenario.expectations = expectations
        if let start { scenario.startUnixMilliseconds = start }
        return DecodedScenario(scenario: scenario, root: root, agents: agents)
    }

    // MARK: Top level

    /// `[a-z0-9][a-z0-9._-]*`, at most 100 characters: it names the results folder.
    func name(_ node: LayeredNode) throws(LoadError) -> String {
        let what = "a scenario name of at most 100 lower-case letters, digits, '.', '_' and '-', starting with a letter or digit (it names the results folder)"
        let text = try node.string(what)
        let allowed = "abcdefghijklmnopqrstuvwxyz0123456789._-"
        guard let first = text.first, first.isASCII, first.isLetter || first.isNumber,
              text.count <= 100, text.allSatisfy({ allowed.contains($0) })
        else {
            throw node.fail(.invalidValue, "expected \(what); found \(Escaping.quoted(text))")
        }
        return text
    }

    /// The rules file (or `--rules`), `set:` and `--set`, decoded.
    mutating func baseRules() throws(LoadError) -> Rules {
        let fileNode = try root.child("rules")
        let written = try fileNode.optional { n throws(LoadError) in try n.string("a rules file path") }
        if let rulesPath {
            stack = try RulesStack.base(fileText: RulesFile.readFile(rulesPath), fileSource: rulesPath)
        } else if let written {
            let path = ScenarioPaths.resolve(written, against: baseDirectory)
            let text: String
            do {
                text = try RulesFile.readFile(path)
            } catch {
                let looked = path == written ? "" : " (looked for \(path))"
                let problem = error.code == .fileNotFound ? "no such rules file \(Escaping.quoted(written))\(looked)"
                    : "cannot read the rules file \(Escaping.quoted(written))\(looked): \(error.message)"
                throw fileNode.fail(error.code, problem)
            }
            stack = try RulesStack.base(fileText: text, fileSource: path)
        } else {
            stack = try RulesStack.base(fileText: nil, fileSource: "")
        }
        try stack.appendSettings(root.child("set"))
        try stack.appendOverrides(overrides)
        return try stack.decode()
    }

    /// A time within the run: from zero up to, not including, its end.
    func time(_ node: LayeredNode) throws(LoadError) -> SimDuration {
        if node.isNullOrAbsent { throw node.missing("a time within the run, like 1h30m") }
        let t = try node.duration(positive: false)
        if t >= duration, let at = node.top {
            throw node.expected("a time within the run (duration \(durationText))", found: at,
                                note: t == duration ? "the run ends at \(durationText)" : "", code: .outOfRun)
        }
        return t
    }

    // MARK: Agent groups

    mutating func group(_ node: LayeredNode) throws(LoadError) -> AgentGroup {
        try node.expectKeys(ScenarioKeys.group)
        if node.isNullOrAbsent { throw node.missing("an agent group with group, count, arrivals, mix") }
        let groupNode = try node.child("group")
        let name = try groupNode.string("a group name")
        if let other = agents.group(named: name) {
            throw groupNode.fail(.duplicateKey, "duplicate group name \(Escaping.quoted(name)) (first used by \(other.path) at line \(other.line))")
        }
        let count = try node.child("count").optional { n throws(LoadError) in try n.int(atLeast: 1, atMost: 1_000_000) } ?? 1
        let patternNode = try node.child("name")
        let pattern = try patternNode.optional { n throws(LoadError) in try namePattern(n) } ?? name
        let runtime = try node.child("runtime").optional { n throws(LoadError) in try n.named(Runtime.self, "a runtime") } ?? .custom
        let label = try node.child("label").optional { n throws(LoadError) in try n.named(GroundTruth.self, "a label") } ?? .benign
        let keyNode = try node.child("key")
        let arrivals = try self.arrivals(node.child("arrivals"))
        let mix = try self.mix(node.child("mix"), at: .zero)
        let behavior = try node.child("behavior").optional { n throws(LoadError) in try self.behavior(n, base: Behavior()) } ?? Behavior()
        let phases = try self.phases(node.child("phases"), behavior: behavior)
        let tools = (mix + phases.flatMap { $0.mix ?? [] }).map(\.template.tool)
        let key = try keyNode.optional { n throws(LoadError) in try self.key(n, tools: tools) } ?? .live

        let group = AgentGroup(name: name, count: count, namePattern: pattern, runtime: runtime, label: label, key: key,
                               arrivals: arrivals, mix: mix, behavior: behavior, phases: phases)
        try agents.add(group, path: node.path, groupLine: groupNode.top?.line ?? 0,
                       at: patternNode.isNullOrAbsent ? groupNode : patternNode)
        return group
    }

    /// A name pattern: text with `{n}` or `{n:WIDTH}` (zero-padded) for the agent's number;
    /// no blanks, no glob characters.
    func namePattern(_ node: LayeredNode) throws(LoadError) -> String {
        let what = "a name pattern like fin-bot-{n:02}"
        let text = try node.string(what)
        let chars = Array(text)
        var i = 0
        func refuse(_ why: String) -> LoadError { node.fail(.invalidValue, "expected \(what); found \(Escaping.quoted(text)) (\(why))") }
        while i < chars.count {
            let c = chars[i]
            if c == "{" {
                guard let close = chars[i...].firstIndex(of: "}") else { throw refuse("'{' without '}'") }
                let spec = String(chars[(i + 1)..<close])
                let width = spec.hasPrefix("n:") ? Int(spec.dropFirst(2)) : nil
                guard spec == "n" || (width.map { (1...12).contains($0) } ?? false) else {
                    throw refuse("only {n} and {n:WIDTH} with WIDTH 1 to 12 are placeholders")
                }
                i = close + 1
                continue
            }
            if c == "}" { throw refuse("'}' without '{'") }
            if c.isWhitespace || c.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                throw refuse("agent names have no blanks")
            }
            if "*?[]".contains(c) { throw refuse("'\(c)' is a glob character; agent names are matched by globs") }
            i += 1
        }
        return text
    }

    mutating func phases(_ list: LayeredNode, behavior initial: Behavior) throws(LoadError) -> [Phase] {
        guard !list.isNullOrAbsent else { return [] }
        var out: [Phase] = []
        var current = initial
        var previous: (at: SimDuration, path: ValuePath)? = nil
        for item in try list.items() {
            try item.expectKeys(ScenarioKeys.phase)
            if item.isNullOrAbsent { throw item.missing("a phase with at and what changes (label, arrivals, mix, behavior)") }
            let atNode = try item.child("at")
            let at = try time(atNode)
            if let previous, at <= previous.at, let found = atNode.top {
                throw atNode.expected("a time after \(previous.path).at (\(previous.at)); phases are in time order", found: found, code: .invalidValue)
            }
            let label = try item.child("label").optional { n throws(LoadError) in try n.named(GroundTruth.self, "a label") }
            let arrivals = try item.child("arrivals").optional { n throws(LoadError) in try self.arrivals(n) }
            let mix = try item.child("mix").optional { n throws(LoadError) in try self.mix(n, at: at) }
            let behavior = try item.child("behavior").optional { n throws(LoadError) in try self.behavior(n, base: current) }
            if let behavior { current = behavior }
            if label == nil, arrivals == nil, mix == nil, behavior == nil {
                throw item.fail(.missingValue, "a phase changes nothing; expected at least one of label, arrivals, mix, behavior")
            }
            out.append(Phase(at: at, label: label, arrivals: arrivals, mix: mix, behavior: behavior))
            previous = (at, item.path)
        }
        return out
    }

    // MARK: Analyst

    func analyst(_ node: LayeredNode) throws(LoadError) -> AnalystModel {
        try node.expectKeys(ScenarioKeys.analyst)
        let headcount = try node.child("headcount").optional { n throws(LoadError) in try n.int(atLeast: 1, atMost: 10_000) } ?? 1
        let response = try node.child("response_time").optional { n throws(LoadError) in try delay(n) } ?? .fixed(.minutes(5))
        let accuracy = try node.child("accuracy").optional { n throws(LoadError) in try n.score(in: .zero ... .one, "an accuracy") } ?? .one
        let approvals = try node.child("approvals").optional { n throws(LoadError) in try n.bool() } ?? true
        let incidents = try node.child("incidents").optional { n throws(LoadError) in try n.bool() } ?? true
        return AnalystModel(headcount: headcount, responseTime: response, accuracy: accuracy,
                            decidesApprovals: approvals, triagesIncidents: incidents)
    }

    /// `5m`, `{uniform: [1m, 10m]}` or `{exponential: 4m, min: 30s}`.
    func delay(_ node: LayeredNode) throws(LoadError) -> Delay {
        guard let top = node.top, case .mapping = top.node else { return .fixed(try node.duration(positive: false)) }
        try node.expectKeys(ScenarioKeys.delay)
        let kind = try node.exactlyOne(of: ["uniform", "exponential"], what: "a distribution", rule: "one distribution")
        let minNode = try node.child("min")
        if kind == "uniform" {
            if let at = minNode.top { throw minNode.fail(.conflictingKeys, "min goes with exponential only; a uniform delay has its own lower bound", at: at) }
            let bounds = try node.child("uniform")
            let pair = try bounds.list { n throws(LoadError) in try n.duration(positive: false) }
            guard pair.count == 2, let at = bounds.top else {
                throw bounds.fail(.invalidValue, "expected two durations [LOW, HIGH]; found \(pair.count)")
            }
            if pair[1] < pair[0] {
                throw bounds.fail(.invalidValue, "expected [LOW, HIGH] with LOW <= HIGH; found [\(pair[0]), \(pair[1])]", at: at)
            }
            return .uniform(pair[0], pair[1])
        }
        let mean = try node.child("exponential").duration(positive: true)
        let minimum = try minNode.optional { n throws(LoadError) in try n.duration(positive: false) } ?? .zero
        return .exponential(mean: mean, minimum: minimum)
    }
}

extension LayeredNode {
    /// The key node `name` of the topmost mapping that has it, for errors about the key itself.
    func keyLocated(_ name: String) -> Located? {
        for v in values.reversed() {
            if let table = v.table, let i = table.index(of: name) { return v.located(table.key(at: i)) }
        }
        return nil
    }

    /// The one key of `choices` this mapping writes; refuses none (`.missingValue`) and two
    /// (`.conflictingKeys`, at the second). `what` names one choice with its article (`an
    /// action`), `rule` says why only one may be given (`one action per timeline item`).
    func exactlyOne(of choices: [String], what: String, rule: String) throws(LoadError) -> String {
        var present: [String] = []
        for key in try keys() where choices.contains(key) { present.append(key) }
        guard let first = present.first else {
            throw fail(.missingValue, "expected \(what) (one of \(choices.joined(separator: ", "))); found none")
        }
        if present.count > 1 {
            throw fail(.conflictingKeys, "expected \(rule); found both '\(first)' and '\(present[1])'",
                       at: keyLocated(present[1]))
        }
        return first
    }
}
