import IntervenLoading
import IntervenTesting
import Testing

/// One bad scenario file and the error a user should see (the same shape as a bad rules file).
typealias BadScenario = BadInput

/// `minimalScenario` with one line replaced (lines 1-9: name, description, duration, agents,
/// group, count, name, arrivals, mix).
func replacing(_ old: String, with new: String) -> String {
    precondition(minimalScenario.contains(old), "not in the minimal scenario: \(old)")
    return minimalScenario.replacingOccurrences(of: old, with: new)
}

/// `minimalScenario` with a timeline of one item (line 11).
func timeline(_ item: String) -> String { minimalScenario + "timeline:\n  - \(item)\n" }

/// `minimalScenario` with one more group key (line 10).
func groupKey(_ line: String) -> String { minimalScenario + "    \(line)\n" }

@Suite("Malformed scenario files")
struct MalformedScenarioTests {
    static let cases: [BadScenario] = [
        // YAML syntax
        BadScenario("unclosed flow mapping", timeline("{at: 1h, suspend: a-1"), .syntax, at: 12, 1, "invalid YAML"),
        BadScenario("tab indentation", minimalScenario + "analyst:\n\theadcount: 2\n", .syntax, at: 11, 1, "invalid YAML"),
        BadScenario("duplicate key", groupKey("count: 4"), .duplicateKey, at: 10, 5, "duplicate key 'count' in agents[0]", "first at line 6"),

        // Shapes and types
        BadScenario("count is a word", replacing("count: 3", with: "count: many"), .wrongType, at: 6, 12,
                    "agents[0].count: expected a whole number from 1 to 1000000; found 'many'"),
        BadScenario("count too large", replacing("count: 3", with: "count: 2000000"), .outOfRange, at: 6, 12, "agents[0].count", "1000000"),
        BadScenario("negative seed", minimalScenario + "seed: -1\n", .outOfRange, at: 10, 7, "seed", "from 0 to 18446744073709551615", "cannot be negative"),
        BadScenario("agents is not a list", "name: t\ndescription: d\nduration: 1h\nagents: g\n", .wrongType, at: 4, 9, "agents: expected a list"),
        BadScenario("no agent groups", "name: t\ndescription: d\nduration: 1h\nagents: []\n", .missingValue, at: 4, 9,
                    "agents: expected at least one agent group; found an empty list"),
        BadScenario("arrivals is a rate", replacing("{poisson: 1/h}", with: "5/min"), .wrongType, at: 8, 15,
                    "agents[0].arrivals: expected a mapping"),
        BadScenario("mix entry is a name", replacing("[{op: github.create_pr}]", with: "[github.create_pr]"), .wrongType, at: 9, 11,
                    "agents[0].mix[0]: expected a mapping"),
        BadScenario("empty mix", replacing("[{op: github.create_pr}]", with: "[]"), .missingValue, at: 9, 10,
                    "agents[0].mix: expected at least one scan template"),
        BadScenario("duration without a unit", replacing("duration: 24h", with: "duration: 24"), .wrongType, at: 3, 11,
                    "duration: expected a duration like 90s, 5m, 1h30m; found '24'", "add a unit"),
        BadScenario("timeline item is a name", timeline("suspend a-1"), .wrongType, at: 11, 5, "timeline[0]: expected a mapping"),
        BadScenario("rules is a list", minimalScenario + "rules: [a.yaml]\n", .wrongType, at: 10, 8, "rules: expected a rules file path"),
        BadScenario("set is a list", minimalScenario + "set: [a=1]\n", .wrongType, at: 10, 6,
                    "set: expected a mapping of rules key paths to values"),
        BadScenario("bad rate", replacing("{poisson: 1/h}", with: "{poisson: 30 per min}"), .wrongType, at: 8, 25,
                    "agents[0].arrivals.poisson: expected a rate like 30/min, 2/h or 0.5/s; found '30 per min'"),
        BadScenario("rate too high", replacing("{poisson: 1/h}", with: "{poisson: 5000/s}"), .outOfRange, at: 8, 25,
                    "agents[0].arrivals.poisson", "at most 1000/s per agent"),
        BadScenario("rate too low", replacing("{poisson: 1/h}", with: "{poisson: 0.000001/d}"), .outOfRange, at: 8, 25,
                    "at least 1 per 366 days"),
        BadScenario("trust series too large", minimalScenario + "trust_sample: 1ms\n", .outOfRange, at: 10, 15,
                    "trust_sample", "50,000,000"),
        BadScenario("manual incident from too many traces",
                    timeline("{at: 1m, manual_incident: {agent: a-1, severity: HIGH, traces: 17}}"), .outOfRange, at: 11, 68,
                    "traces", "from 1 to 16"),
        BadScenario("bad window time", replacing("{poisson: 1/h}", with: "{poisson: 1/h, window: {start: 9am, end: \"17:00\"}}"),
                    .wrongType, at: 8, 46, "agents[0].arrivals.window.start", "a time of day like \"09:00\"", "found '9am'"),
        BadScenario("window hour out of range", replacing("{poisson: 1/h}", with: "{poisson: 1/h, window: {start: \"25:00\", end: \"17:00\"}}"),
                    .outOfRange, at: 8, 46, "agents[0].arrivals.window.start", "hours 00 to 23"),
        BadScenario("window that never opens", replacing("{poisson: 1/h}", with: "{poisson: 1/h, window: {start: \"09:00\", end: \"09:00\"}}"),
                    .invalidValue, at: 8, 60, "agents[0].arrivals.window.end", "expected an end other than the start (09:00)", "never opens"),
        BadScenario("risk range upside down", replacing("{op: github.create_pr}", with: "{op: github.create_pr, risk: 0.6..0.3}"), .invalidValue,
                    at: 9, 40, "agents[0].mix[0].risk", "found '0.6..0.3'", "the low end comes first"),
        BadScenario("risk above one", replacing("{op: github.create_pr}", with: "{op: github.create_pr, risk: 1.5}"), .outOfRange,
                    at: 9, 40, "agents[0].mix[0].risk", "in [0, 1]"),
        BadScenario("weight zero", replacing("{op: github.create_pr}", with: "{op: github.create_pr, weight: 0}"), .outOfRange,
                    at: 9, 42, "agents[0].mix[0].weight"),

        // Keys
        BadScenario("misspelt top-level key", replacing("duration: 24h", with: "duraton: 24h"), .unknownKey, at: 3, 1,
                    "unknown key 'duraton' at the top level; did you mean 'duration'?"),
        BadScenario("misspelt group key", groupKey("runtme: cursor"), .unknownKey, at: 10, 5,
                    "unknown key 'runtme' in agents[0]; did you mean 'runtime'?"),
        BadScenario("misspelt template key", replacing("{op: github.create_pr}", with: "{op: github.create_pr, wieght: 2}"), .unknownKey,
                    at: 9, 34, "unknown key 'wieght' in agents[0].mix[0]; did you mean 'weight'?"),
        BadScenario("misspelt behaviour key", groupKey("behavior: {pol: 2s}"), .unknownKey, at: 10, 16,
                    "unknown key 'pol' in agents[0].behavior; did you mean 'poll'?"),
        BadScenario("misspelt action", timeline("{at: 1h, suspnd: a-1}"), .unknownKey, at: 11, 14,
                    "unknown key 'suspnd' in timeline[0]; did you mean 'suspend'?"),
        BadScenario("misspelt analyst key", minimalScenario + "analyst: {headcout: 2}\n", .unknownKey, at: 10, 11,
                    "unknown key 'headcout' in analyst; did you mean 'headcount'?"),
        BadScenario("unknown rules key in set", minimalScenario + "set:\n  triggers.repeted_deny.count: 6\n", .unknownKey, at: 11, 3,
                    "unknown key 'repeted_deny' in triggers; did you mean 'repeated_deny'?"),

        // Required values
        BadScenario("no name", "description: d\nduration: 1h\nagents: []\n", .missingValue, at: 1, 1, "missing required key 'name'"),
        BadScenario("no description", "name: t\nduration: 1h\n", .missingValue, at: 1, 1, "missing required key 'description'"),
        BadScenario("no duration", "name: t\ndescription: d\n", .missingValue, at: 1, 1, "missing required key 'duration'"),
        BadScenario("no agents", "name: t\ndescription: d\nduration: 1h\n", .missingValue, at: 1, 1, "missing required key 'agents'"),
        BadScenario("group without arrivals", replacing("    arrivals: {poisson: 1/h}\n", with: ""), .missingValue, at: 5, 5,
                    "missing required key 'arrivals' in agents[0]"),
        BadScenario("template with neither op nor tool", replacing("{op: github.create_pr}", with: "{weight: 2}"), .missingValue, at: 9, 11,
                    "agents[0].mix[0]: expected op", "or tool, operation, verb and host"),
        BadScenario("custom operation without a host", replacing("{op: github.create_pr}", with: "{tool: x, operation: y, verb: READ}"),
                    .missingValue, at: 9, 21, "missing required key 'host' for the custom operation x.y"),
        BadScenario("empty file", "", .missingValue, at: 0, 0, "the scenario file is empty"),

        // Names and values
        BadScenario("name with capitals and a blank", replacing("name: t\n", with: "name: Fin Exfil\n"), .invalidValue, at: 1, 7,
                    "name: expected a scenario name of at most 100 lower-case letters", "found 'Fin Exfil'"),
        BadScenario("name pattern with an unknown placeholder", replacing("a-{n}", with: "a-{i}"), .invalidValue, at: 7, 11,
                    "agents[0].name", "only {n} and {n:WIDTH}"),
        BadScenario("name pattern with a glob character", replacing("a-{n}", with: "a*{n}"), .invalidValue, at: 7, 11,
                    "agents[0].name", "glob character"),
        BadScenario("unknown runtime", groupKey("runtime: claude-code"), .invalidValue, at: 10, 14, "agents[0].runtime",
                    "did you mean 'claude_code'?"),
        BadScenario("unknown label", groupKey("label: evil"), .invalidValue, at: 10, 12, "agents[0].label", "benign, misbehaving, compromised"),
        BadScenario("unknown catalogue operation", replacing("{op: github.create_pr}", with: "{op: github.create_pull}"), .invalidValue,
                    at: 9, 16, "agents[0].mix[0].op: expected a catalogue operation like github.create_pr; found 'github.create_pull'",
                    "did you mean 'github.create_pr'?"),
        BadScenario("operation of an unknown tool", replacing("{op: github.create_pr}", with: "{op: acme.frobnicate}"), .invalidValue,
                    at: 9, 16, "found 'acme.frobnicate'", "give tool, operation, verb and host"),
        BadScenario("unknown operation of a known tool", replacing("{op: github.create_pr}", with: "{op: github.close_everything}"), .invalidValue,
                    at: 9, 16, "the catalogue's github operations are list_prs"),
        BadScenario("op beside tool", replacing("{op: github.create_pr}", with: "{op: github.create_pr, tool: github}"), .conflictingKeys,
                    at: 9, 34, "agents[0].mix[0]", "found both 'op' and 'tool'"),
        BadScenario("two arrival processes", replacing("{poisson: 1/h}", with: "{poisson: 1/h, constant: 2/h}"), .conflictingKeys,
                    at: 8, 30, "agents[0].arrivals: expected one arrival process; found both 'poisson' and 'constant'"),
        BadScenario("no arrival process", replacing("{poisson: 1/h}", with: "{window: {start: \"09:00\", end: \"17:00\"}}"), .missingValue,
                    at: 8, 15, "agents[0].arrivals: expected an arrival process (one of poisson, constant, bursts); found none"),
        BadScenario("unknown feed host", replacing("{op: github.create_pr}", with: "{op: github.create_pr, host: \"feed:urlhas\"}"),
                    .invalidValue, at: 9, 40, "agents[0].mix[0].host", "(the rules' feeds: urlhaus, urlabuse", "found 'feed:urlhas'", "did you mean 'feed:urlhaus'?"),
        BadScenario("feed host that is not external", replacing("{op: github.create_pr}", with: "{op: github.create_pr, host: \"feed:any\", external: false}"),
                    .invalidValue, at: 9, 62, "agents[0].mix[0].external", "always external"),
        BadScenario("unknown tool in an ephemeral scope", groupKey("key: {ephemeral: {tools: [githb], ttl: 10m, max_uses: 5}}"), .invalidValue,
                    at: 10, 31, "agents[0].key.ephemeral.tools[0]", "did you mean 'github'?"),
        BadScenario("unknown key kind", groupKey("key: permanent"), .invalidValue, at: 10, 10, "agents[0].key: expected live or {ephemeral: {tools: [github], verbs: [READ], ttl: 10m, max_uses: 5}}; found 'permanent'"),
        BadScenario("unknown response time form", minimalScenario + "analyst: {response_time: {normal: 5m}}\n", .unknownKey, at: 10, 27,
                    "unknown key 'normal' in analyst.response_time"),
        BadScenario("accuracy above one", minimalScenario + "analyst: {accuracy: 1.2}\n", .outOfRange, at: 10, 21, "analyst.accuracy"),

        // Durations and times
        BadScenario("zero duration", replacing("duration: 24h", with: "duration: 0s"), .outOfRange, at: 3, 11, "duration", "longer than zero"),
        BadScenario("duration over a year", replacing("duration: 24h", with: "duration: 400d"), .outOfRange, at: 3, 11, "at most 366d"),
        BadScenario("negative spacing", timeline("{at: 1h, scan: {agent: a-1, op: github.create_pr, count: 2, every: -5s}}"), .outOfRange,
                    at: 11, 72, "timeline[0].scan.every", "negative durations are not allowed"),
        BadScenario("zero poll interval", groupKey("behavior: {poll: 0s}"), .outOfRange, at: 10, 22, "agents[0].behavior.poll", "longer than zero"),
        BadScenario("zero burst length", replacing("{poisson: 1/h}", with: "{bursts: {rate: 1/min, on: 0s, off: 5m}}"), .outOfRange,
                    at: 8, 42, "agents[0].arrivals.bursts.on"),
        BadScenario("event after the end", timeline("{at: 25h, suspend: a-1}"), .outOfRun, at: 11, 10,
                    "timeline[0].at: expected a time within the run (duration 24h); found '25h'"),
        BadScenario("event at the end", timeline("{at: 24h, suspend: a-1}"), .outOfRun, at: 11, 10, "the run ends at 24h"),
        BadScenario("phase after the end", groupKey("phases: [{at: 2d, label: compromised}]"), .outOfRun, at: 10, 19,
                    "agents[0].phases[0].at: expected a time within the run (duration 24h); found '2d'"),
        BadScenario("scans running past the end", timeline("{at: 23h, scan: {agent: a-1, op: github.create_pr, count: 100, every: 1m}}"),
                    .outOfRun, at: 11, 63, "timeline[0].scan: expected every scan within the run (duration 24h)", "100 scans every 1m from 23h end at 1d39m"),
        BadScenario("phases out of order", groupKey("phases: [{at: 6h, label: compromised}, {at: 2h, label: benign}]"), .invalidValue,
                    at: 10, 49, "agents[0].phases[1].at", "after agents[0].phases[0].at (6h)"),
        BadScenario("phase that changes nothing", groupKey("phases: [{at: 6h}]"), .missingValue, at: 10, 14,
                    "agents[0].phases[0]: a phase changes nothing"),

        // Agents
        BadScenario("duplicate group", minimalScenario + "  - {group: g, arrivals: {poisson: 1/h}, mix: [{op: slack.post_message}]}\n",
                    .duplicateKey, at: 10, 13, "agents[1].group: duplicate group name 'g' (first used by agents[0] at line 5)"),
        BadScenario("agent name used by two groups",
                    minimalScenario + "  - {group: h, name: a-2, arrivals: {poisson: 1/h}, mix: [{op: slack.post_message}]}\n",
                    .duplicateKey, at: 10, 22, "agents[1].name", "agent name 'a-2' of group 'h' is also an agent of group 'g' (agents[0], line 7)"),
        BadScenario("unknown agent", timeline("{at: 1h, suspend: a1}"), .unknownAgent, at: 11, 23,
                    "timeline[0].suspend: expected the name of an agent of the scenario; found 'a1'; did you mean 'a-1'?"),
        BadScenario("unknown agent, wrong case", timeline("{at: 1h, deny: A-2}"), .unknownAgent, at: 11, 20,
                    "timeline[0].deny", "found 'A-2'; did you mean 'a-2'?"),
        BadScenario("unknown agent, nothing close", timeline("{at: 1h, approve: payments-bot}"), .unknownAgent, at: 11, 23,
                    "found 'payments-bot'; the agents are a-1 ... a-3 (g)"),
        BadScenario("unknown agent in a selector", timeline("{at: 1h, close: {agent: a-9, resolution: false_positive}}"), .unknownAgent,
                    at: 11, 29, "timeline[0].close.agent", "found 'a-9'", "did you mean 'a-1'?"),
        BadScenario("unknown agent in a scan", timeline("{at: 1h, scan: {agent: b-1, op: github.create_pr}}"), .unknownAgent,
                    at: 11, 28, "timeline[0].scan.agent"),
        BadScenario("override glob matching nobody", timeline("{at: 1h, override: {agent: b-*, quarantine: true}}"), .unknownAgent,
                    at: 11, 32, "timeline[0].override.agent", "found 'b-*', which matches none", "the agents are a-1 ... a-3 (g)"),

        // Timeline actions
        BadScenario("no action", timeline("{at: 1h, by: alice}"), .missingValue, at: 11, 5,
                    "timeline[0]: expected an action (one of scan, suspend, reactivate"),
        BadScenario("two actions", timeline("{at: 1h, suspend: a-1, approve: a-2}"), .conflictingKeys, at: 11, 28,
                    "timeline[0]: expected one action per timeline item; found both 'suspend' and 'approve'"),
        BadScenario("no time", timeline("{suspend: a-1}"), .missingValue, at: 11, 5, "missing required key 'at' in timeline[0]; expected a time within the run, like 1h30m"),
        BadScenario("unknown trigger", timeline("{at: 1h, note: {agent: a-1, trigger: repeated_denies, text: x}}"), .invalidValue,
                    at: 11, 42, "timeline[0].note.trigger", "found 'repeated_denies'; did you mean 'repeated_deny'?"),
        BadScenario("closing without a resolution", timeline("{at: 1h, transition: {agent: a-1, to: closed}}"), .missingValue,
                    at: 11, 43, "timeline[0].transition: closing an incident needs a resolution (false_positive"),
        BadScenario("resolution without closing", timeline("{at: 1h, transition: {agent: a-1, to: investigating, resolution: policy_gap}}"),
                    .invalidValue, at: 11, 70, "timeline[0].transition.resolution", "only with to: closed"),
        BadScenario("transition back to open", timeline("{at: 1h, transition: {agent: a-1, to: open}}"), .invalidValue, at: 11, 43,
                    "timeline[0].transition.to", "(investigating, closed)", "found 'open'"),
        BadScenario("unknown resolution", timeline("{at: 1h, close: {agent: a-1, resolution: fixed}}"), .invalidValue, at: 11, 46,
                    "timeline[0].close.resolution", "false_positive, agent_misbehavior"),
        BadScenario("unknown response", timeline("{at: 1h, respond: {agent: a-1, action: rotate-key}}"), .invalidValue, at: 11, 44,
                    "timeline[0].respond.action", "did you mean 'rotate_key'?"),
        BadScenario("unknown severity", timeline("{at: 1h, manual_incident: {agent: a-1, severity: high}}"), .invalidValue, at: 11, 54,
                    "timeline[0].manual_incident.severity", "did you mean 'HIGH'?"),
        BadScenario("unknown indicator feed", timeline("{at: 1h, indicator: {feed: phishtnk, host: x.example}}"), .invalidValue,
                    at: 11, 32, "timeline[0].indicator.feed", "found 'phishtnk'; did you mean 'phishtank'?"),
        BadScenario("feed used before a rules change adds it",
                    minimalScenario + "    phases: [{at: 1h, mix: [{op: github.create_pr, host: \"feed:mine\"}]}]\n"
                        + "timeline:\n  - {at: 2h, set: {threat_intel.feeds.mine.indicators: [x.example]}}\n",
                    .invalidValue, at: 10, 58, "agents[0].phases[0].mix[0].host", "(feeds at 1h: urlhaus", "found 'feed:mine'"),
        BadScenario("rules change with a bad value", timeline("{at: 1h, set: {triggers.repeated_deny.count: lots}}"), .wrongType,
                    at: 11, 50, "triggers.repeated_deny.count: expected a whole number"),
        BadScenario("rules change with an unknown key", timeline("{at: 1h, set: {trust.dney: -0.1}}"), .unknownKey,
                    at: 11, 20, "unknown key 'dney' in trust; did you mean 'deny'?"),
        BadScenario("empty rules change", timeline("{at: 1h, set: {}}"), .missingValue, at: 11, 19, "timeline[0].set: expected at least one rules change; found an empty mapping"),
        BadScenario("override with a bad rule", timeline("{at: 1h, override: {agent: a-1, rules: [{rule_id: X, name: x, action: BLOCK}]}}"),
                    .invalidValue, at: 11, 75, "timeline[0].override.rules[0].action"),
    ]

    @Test("each bad input gets one positioned error naming the key path", arguments: cases)
    func refused(_ bad: BadScenario) throws {
        let error = try #require(throws: LoadError.self) {
            try loadScenario(bad.yaml)
        }
        #expect(error.code == bad.code, "\(error)")
        #expect(error.file == "s.yaml")
        #expect(error.line == bad.line, "\(error)")
        #expect(error.column == bad.column, "\(error)")
        if bad.line > 0 { #expect(error.description.hasPrefix("s.yaml:\(bad.line):\(bad.column): ")) }
        for fragment in bad.mentions {
            #expect(error.message.contains(fragment), "'\(fragment)' not in: \(error.message)")
        }
        #expect(!error.description.contains("\n"))
    }

    @Test("the new codes have names")
    func codeNames() {
        #expect(LoadError.Code.unknownAgent.description == "unknownAgent")
        #expect(LoadError.Code.outOfRun.description == "outOfRun")
        #expect(LoadError.Code.conflictingKeys.description == "conflictingKeys")
    }

    @Test("agent suggestions scale to large groups")
    func largeGroupSuggestion() throws {
        let text = replacing("count: 3", with: "count: 100000").replacingOccurrences(of: "a-{n}", with: "bot-{n:06}")
            + "timeline:\n  - {at: 1h, suspend: bot-00012}\n"
        let error = try #require(throws: LoadError.self) { try loadScenario(text) }
        #expect(error.code == .unknownAgent)
        #expect(error.message.contains("did you mean 'bot-000012'?"), "\(error)")
    }
}
