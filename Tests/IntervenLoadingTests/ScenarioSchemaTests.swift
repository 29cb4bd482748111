import Foundation
import IntervenCore
@testable import IntervenLoading
import IntervenSimulation
import IntervenScenario
import IntervenTesting
import Testing

/// A scenario for the schema probes: `minimalScenario` with top-level lines added.
private func probe(top: String = "", group: String = "", timeline item: String? = nil, expect expectation: String? = nil) -> String {
    var text = minimalScenario
    if !group.isEmpty { text += "    \(group)\n" }
    if !top.isEmpty { text += top + "\n" }
    if let item { text += "timeline:\n  - \(item)\n" }
    if let expectation { text += "expect:\n  - \(expectation)\n" }
    return text
}

/// One scenario text the schema and the loader must agree on.
struct SchemaProbe: Sendable, CustomTestStringConvertible {
    let name: String
    let text: String
    var testDescription: String { name }
    init(_ name: String, _ text: String) { self.name = name; self.text = text }
}

@Suite("Scenario JSON Schema")
struct ScenarioSchemaTests {
    static let committedPath = "Scenarios/scenario.schema.json"

    /// The schema, parsed once.
    static let parsed = Result { try JSONValue.parse(json: ScenarioSchema.json) }

    static func schema() throws -> JSONValue { try parsed.get() }

    /// Every `properties` mapping in the schema, as its set of keys.
    static func propertySets(in value: JSONValue) -> [Set<String>] {
        switch value {
        case .object(let fields):
            var out: [Set<String>] = []
            if case .object(let p)? = fields["properties"] { out.append(Set(p.keys)) }
            for v in fields.values { out += propertySets(in: v) }
            return out
        case .array(let items): return items.flatMap { propertySets(in: $0) }
        default: return []
        }
    }

    /// Every `oneOf` in the schema whose branches each require one key, as those keys in order.
    static func exactlyOneLists(in value: JSONValue) -> [[String]] {
        switch value {
        case .object(let fields):
            var out: [[String]] = []
            if case .array(let branches)? = fields["oneOf"] {
                let keys = branches.compactMap { b -> String? in
                    guard case .object(let o) = b, o.count == 1, case .array(let r)? = o["required"], r.count == 1,
                          case .string(let k) = r[0] else { return nil }
                    return k
                }
                if keys.count == branches.count { out.append(keys) }
            }
            for v in fields.values { out += exactlyOneLists(in: v) }
            return out
        case .array(let items): return items.flatMap { exactlyOneLists(in: $0) }
        default: return []
        }
    }

    static func definition(_ name: String) throws -> [String: JSONValue] {
        guard case .object(let top) = try schema(), case .object(let defs)? = top["$defs"],
              case .object(let d)? = defs[name] else { throw CocoaError(.coderValueNotFound) }
        return d
    }

    // MARK: The text

    @Test("Scenarios/scenario.schema.json is exactly what interven-sim schema prints")
    func committedFileIsCurrent() throws {
        let committed = try String(contentsOfFile: repositoryPath(Self.committedPath), encoding: .utf8)
        #expect(committed == ScenarioSchema.json,
                "regenerate it: swift run interven-sim schema > \(Self.committedPath)")
    }

    @Test("the text is deterministic, indented by two spaces and ends with one line break")
    func deterministicText() {
        let text = ScenarioSchema.json
        #expect(text == ScenarioSchema.json)
        #expect(text.hasSuffix("}\n") && !text.hasSuffix("\n\n"))
        for line in text.split(separator: "\n") {
            let indent = line.prefix { $0 == " " }.count
            #expect(indent % 2 == 0, "odd indentation: \(line)")
            #expect(line.last != " ", "trailing blank: \(line)")
            #expect(!line.contains("\t"))
        }
    }

    @Test("the schema is JSON: a draft 2020-12 schema with an $id, title and description")
    func validJSON() throws {
        let object = try JSONSerialization.jsonObject(with: Data(ScenarioSchema.json.utf8))
        let top = try #require(object as? [String: Any])
        #expect(top["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
        #expect(top["$id"] as? String == ScenarioSchema.id)
        #expect((top["title"] as? String)?.isEmpty == false)
        #expect((top["description"] as? String)?.isEmpty == false)
        #expect(top["additionalProperties"] as? Bool == false)
    }

    @Test("every mapping is closed, every property has a description and every $ref resolves")
    func closedAndDescribed() throws {
        let defs = try #require({ () -> [String: JSONValue]? in
            if case .object(let top) = try? Self.schema(), case .object(let d)? = top["$defs"] { return d }
            return nil
        }())
        var problems: [String] = []
        func walk(_ value: JSONValue, _ path: String) {
            switch value {
            case .object(let fields):
                if case .object(let props)? = fields["properties"] {
                    if fields["additionalProperties"] != .bool(false) { problems.append("\(path): not closed") }
                    for (key, p) in props {
                        guard case .object(let o) = p, case .string(let d)? = o["description"], !d.isEmpty else {
                            problems.append("\(path).\(key): no description")
                            continue
                        }
                    }
                }
                if case .string(let ref)? = fields["$ref"], defs[String(ref.dropFirst("#/$defs/".count))] == nil {
                    problems.append("\(path): unresolved \(ref)")
                }
                for (k, v) in fields { walk(v, "\(path)/\(k)") }
            case .array(let items):
                for (i, v) in items.enumerated() { walk(v, "\(path)[\(i)]") }
            default: break
            }
        }
        walk(try Self.schema(), "#")
        #expect(problems.isEmpty, "\(problems)")
    }

    // MARK: Agreement with the loader's vocabulary

    /// Each `ScenarioKeys` list that is a whole mapping's keys.
    static let mappings: [(String, [String])] = [
        ("top", ScenarioKeys.top), ("group", ScenarioKeys.group), ("key", ScenarioKeys.key),
        ("ephemeral", ScenarioKeys.ephemeral), ("arrivals", ScenarioKeys.arrivals), ("bursts", ScenarioKeys.bursts),
        ("window", ScenarioKeys.window), ("mixEntry", ScenarioKeys.mixEntry), ("behavior", ScenarioKeys.behavior),
        ("backoff", ScenarioKeys.backoff), ("phase", ScenarioKeys.phase), ("timelineItem", ScenarioKeys.timelineItem),
        ("scan", ScenarioKeys.scan), ("transition", ScenarioKeys.transition), ("close", ScenarioKeys.close),
        ("note", ScenarioKeys.note), ("respond", ScenarioKeys.respond), ("respondAction", ScenarioKeys.respondAction),
        ("manualIncident", ScenarioKeys.manualIncident), ("indicator", ScenarioKeys.indicator),
        ("analyst", ScenarioKeys.analyst), ("delay", ScenarioKeys.delay), ("expectationItem", ScenarioKeys.expectationItem),
        ("incident", ScenarioKeys.incident), ("noIncident", ScenarioKeys.noIncident), ("trust", ScenarioKeys.trust),
        ("state", ScenarioKeys.state), ("decisions", ScenarioKeys.decisions), ("detection", ScenarioKeys.detection),
        ("timeToDetect", ScenarioKeys.timeToDetect), ("sometimes", ScenarioKeys.sometimes), ("bound", ScenarioKeys.bound),
        ("timeWindow", ScenarioKeys.timeWindow), ("share", ScenarioKeys.decisionNames),
        ("override", PolicyDecoding.overrideKeys), ("policyRule", PolicyDecoding.ruleKeys),
        ("match", PolicyDecoding.matchKeys), ("condition", PolicyDecoding.conditionKeys),
    ]

    /// Each `ScenarioKeys` list that is part of a mapping (choices among its keys).
    static let parts: [(String, [String])] = [
        ("processes", ScenarioKeys.processes), ("template", ScenarioKeys.template), ("actions", ScenarioKeys.actions),
        ("trustChecks", ScenarioKeys.trustChecks), ("decisionNames", ScenarioKeys.decisionNames),
        ("conditions", ScenarioKeys.conditions), ("expectations", ScenarioKeys.expectations),
    ]

    @Test("every key list of ScenarioKeys is a mapping of the schema (or part of one)")
    func everyKeyListAppears() throws {
        let sets = Self.propertySets(in: try Self.schema())
        for (name, keys) in Self.mappings {
            #expect(sets.contains(Set(keys)), "ScenarioKeys.\(name) is no mapping of the schema: \(keys)")
        }
        for (name, keys) in Self.parts {
            #expect(sets.contains { Set(keys).isSubset(of: $0) }, "ScenarioKeys.\(name) is in no mapping of the schema: \(keys)")
        }
    }

    @Test("the one-of-these key lists are oneOf alternatives in the schema")
    func exactlyOneLists() throws {
        let lists = Self.exactlyOneLists(in: try Self.schema())
        for keys in [ScenarioKeys.processes, ScenarioKeys.actions, ScenarioKeys.expectations, ScenarioKeys.conditions,
                     ScenarioKeys.respondAction] {
            #expect(lists.contains(keys), "no oneOf of \(keys)")
        }
    }

    @Test("names come from the vocabulary and the tool catalogue")
    func vocabulary() throws {
        func names(_ def: String) throws -> [String] {
            guard case .array(let values)? = try Self.definition(def)["enum"] else { return [] }
            return values.compactMap { if case .string(let s) = $0 { s } else { nil } }
        }
        #expect(try names("trigger") == TriggerKind.allCases.map(\.description))
        #expect(try names("severity") == Severity.allCases.map(\.description))
        #expect(try names("resolution") == Resolution.allCases.map(\.description))
        #expect(try names("runtime") == Runtime.allCases.map(\.description))
        #expect(try names("label") == GroundTruth.allCases.map(\.description))
        #expect(try names("verb") == Verb.allCases.map(\.description))
        #expect(try names("decision") == Decision.allCases.map(\.description))
        #expect(try names("dataClass") == DataClasses.names.map(\.0))
        #expect(try names("operation") == ToolCatalogue.names)
    }

    // MARK: Validation

    /// Every scenario under Scenarios/ (recursively), not the rules files.
    static var shippedScenarios: [String] {
        let root = repositoryPath("Scenarios")
        let all = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
        return all.filter { ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) && !$0.hasPrefix("rules/") }
            .sorted().map { "Scenarios/\($0)" }
    }

    @Test("there are shipped scenarios to validate")
    func shippedScenariosExist() {
        #expect(Self.shippedScenarios.count >= 4)
        #expect(!Self.shippedScenarios.contains { $0.hasPrefix("Scenarios/rules/") })
    }

    @Test("every shipped scenario validates against the schema", arguments: shippedScenarios)
    func shippedScenarioValidates(_ relative: String) throws {
        let text = try String(contentsOfFile: repositoryPath(relative), encoding: .utf8)
        let errors = JSONSchemaValidator(schema: try Self.schema()).errors(try JSONValue.parse(yaml: text))
        #expect(errors.isEmpty, "\(relative):\n\(errors.joined(separator: "\n"))")
    }

    static let valid: [SchemaProbe] = [
        SchemaProbe("the minimal scenario", probe()),
        SchemaProbe("a template with data, a risk range, a principal and a weight",
                    probe(group: "phases: [{at: 1h, mix: [{op: slack.post_message, data: [PII, SECRETS], risk: 0.3..0.6, principal: x@example.com, weight: 2}]}]")),
        SchemaProbe("a custom operation", probe(group: "phases: [{at: 1h, mix: [{tool: webhook, operation: post, verb: WRITE, host: hooks.example, external: true}]}]")),
        SchemaProbe("a feed host", probe(group: "phases: [{at: 1h, mix: [{op: custom_proxy.transfer_funds, host: \"feed:urlhaus\"}]}]")),
        SchemaProbe("bursts with a daily window to midnight",
                    probe(group: "phases: [{at: 1h, arrivals: {bursts: {rate: 60/min, on: 5m, off: 0s}, window: {start: \"22:00\", end: \"24:00\"}}}]")),
        SchemaProbe("an ephemeral key", probe(group: "key: {ephemeral: {tools: [github], verbs: [READ, WRITE], ttl: 10m, max_uses: 5}}")),
        SchemaProbe("the live key", probe(group: "key: live")),
        SchemaProbe("behaviour", probe(group: "behavior: {retry_after_approval: false, poll: 2s, backoff: {after_denies: 0, pause: 1m}}")),
        SchemaProbe("a uniform analyst delay", probe(top: "analyst: {headcount: 2, response_time: {uniform: [1m, 10m]}, accuracy: 0.9, approvals: false}")),
        SchemaProbe("an exponential analyst delay", probe(top: "analyst: {response_time: {exponential: 4m, min: 30s}, accuracy: 1}")),
        SchemaProbe("a fixed analyst delay, seed, rules overrides", probe(top: "seed: 0\nset: {triggers.repeated_deny.count: 3, approvals.pending_ttl: 15m}\nanalyst: {response_time: 250ms}")),
        SchemaProbe("a scan", probe(timeline: "{at: 1h, by: alice, scan: {agent: a-1, op: github.merge_pr, count: 3, every: 1m30s, risk: 0.5}}")),
        SchemaProbe("a transition to closed", probe(timeline: "{at: 1h, transition: {agent: a-1, trigger: repeated_deny, to: closed, resolution: policy_gap}}")),
        SchemaProbe("a respond with a notify", probe(timeline: "{at: 1h, respond: {agent: a-1, action: {notify: \"#sec\"}}}")),
        SchemaProbe("a respond with a scalar", probe(timeline: "{at: 1h, respond: {agent: a-1, trigger: threat_intel, action: suspend_agent}}")),
        SchemaProbe("a manual incident", probe(timeline: "{at: 1h, manual_incident: {agent: a-1, severity: HIGH, traces: 16, title: Odd}}")),
        SchemaProbe("an override with a rule", probe(timeline: "{at: 1h, override: {agent: \"a-*\", rules: [{rule_id: r1, name: No merges, priority: 5, match: {operations: [merge_pr], verbs: [WRITE]}, condition: {risk_score_gt: 0.5, is_external: true}, action: OPEN_INCIDENT, incident_severity: HIGH}]}}")),
        SchemaProbe("an indicator", probe(timeline: "{at: 1h, indicator: {feed: urlhaus, host: 203.0.113.9}}")),
        SchemaProbe("a rules change", probe(timeline: "{at: 1h, set: {triggers.repeated_deny.count: 3}}")),
        SchemaProbe("an incident with bounds", probe(expect: "{incident: {agent: \"a-*\", count: {at_least: 1, at_most: 3}, traces: {at_least: 2}, status: closed, resolution: false_positive, by: 2h}}")),
        SchemaProbe("a trust range over a mapping window", probe(expect: "{trust: {agent: a-1, min: {at_least: 0.1}, max: {at_most: 1}, within: {from: 1h, to: 2h}}}")),
        SchemaProbe("a trust value", probe(expect: "{trust: {agent: a-1, at: 2h, approx: 0.5, tolerance: 0.01}}")),
        SchemaProbe("trust that recovers", probe(expect: "{trust: {agent: a-1, recovers_above: 0.5, by: 5h}}")),
        SchemaProbe("entering scrutiny", probe(expect: "{trust: {agent: a-1, enters_scrutiny: [1h, 2h]}}")),
        SchemaProbe("a state", probe(expect: "{state: {agent: a-1, at: 24h, suspended: false, pinned: true}}")),
        SchemaProbe("decision counts and shares", probe(expect: "{decisions: {agent: \"*\", scans: {at_least: 1}, DENY: 0, share: {ALLOW: {at_least: 0.5}}}}")),
        SchemaProbe("detection", probe(expect: "{detection: {trigger: repeated_deny, rate: {exactly: 1}, time_to_detect: {p95: {at_most: 10m}}}}")),
        SchemaProbe("sometimes any incident", probe(expect: "{sometimes: {incident: any, within: [0s, 24h]}}")),
        SchemaProbe("sometimes trust below", probe(expect: "{sometimes: {agent: a-2, trust_below: 0.3}}")),
    ]

    @Test("valid forms are accepted by the schema and the loader", arguments: valid)
    func accepted(_ p: SchemaProbe) throws {
        let errors = JSONSchemaValidator(schema: try Self.schema()).errors(try JSONValue.parse(yaml: p.text))
        #expect(errors.isEmpty, "\(errors.joined(separator: "\n"))\n\(p.text)")
        #expect(throws: Never.self) { try loadScenario(p.text) }
    }

    static let malformed: [SchemaProbe] = [
        SchemaProbe("an unknown top-level key", probe(top: "colour: blue")),
        SchemaProbe("an unknown key in an expect item", probe(expect: "{incident: {trigger: repeated_deny, agnt: a-1}}")),
        SchemaProbe("an expect item of two kinds", probe(expect: "{incident: {agent: a-1}, no_incident: {agent: a-2}}")),
        SchemaProbe("an expect item of no kind", probe(expect: "{}")),
        SchemaProbe("a timeline item with two actions", probe(timeline: "{at: 1h, suspend: a-1, reactivate: a-1}")),
        SchemaProbe("a timeline item with no action", probe(timeline: "{at: 1h, by: alice}")),
        SchemaProbe("a timeline item without at", probe(timeline: "{suspend: a-1}")),
        SchemaProbe("a misspelled trigger in a timeline selector", probe(timeline: "{at: 1h, close: {agent: a-1, trigger: repeated_denial, resolution: false_positive}}")),
        SchemaProbe("a misspelled trigger in an expectation", probe(expect: "{no_incident: {trigger: repeat_deny}}")),
        SchemaProbe("a misspelled resolution", probe(timeline: "{at: 1h, close: {agent: a-1, resolution: false_postive}}")),
        SchemaProbe("a duration in words", replacing("duration: 24h", with: "duration: 24 hours")),
        SchemaProbe("a duration without a unit", replacing("duration: 24h", with: "duration: 90")),
        SchemaProbe("a zero duration", replacing("duration: 24h", with: "duration: 0s")),
        SchemaProbe("units out of order", replacing("duration: 24h", with: "duration: 30m1h")),
        SchemaProbe("a rate in words", replacing("{poisson: 1/h}", with: "{poisson: 30 per minute}")),
        SchemaProbe("two arrival processes", replacing("{poisson: 1/h}", with: "{poisson: 1/h, constant: 2/h}")),
        SchemaProbe("a window time of day out of range", replacing("{poisson: 1/h}", with: "{poisson: 1/h, window: {start: \"25:00\", end: \"18:00\"}}")),
        SchemaProbe("an unknown catalogue operation", replacing("{op: github.create_pr}", with: "{op: github.create_prr}")),
        SchemaProbe("both op and a custom operation", replacing("{op: github.create_pr}", with: "{op: github.create_pr, tool: github, operation: create_pr}")),
        SchemaProbe("a template with neither op nor tool", replacing("{op: github.create_pr}", with: "{weight: 3}")),
        SchemaProbe("an unknown key in a mix entry", replacing("{op: github.create_pr}", with: "{op: github.create_pr, wieght: 2}")),
        SchemaProbe("a risk range past 1", replacing("{op: github.create_pr}", with: "{op: github.create_pr, risk: 0.5..1.5}")),
        SchemaProbe("an unknown runtime", probe(group: "runtime: langchian")),
        SchemaProbe("an unknown data class", replacing("{op: github.create_pr}", with: "{op: github.create_pr, data: [PIII]}")),
        SchemaProbe("yes for a boolean", probe(group: "behavior: {retry_after_approval: yes}")),
        SchemaProbe("a count of zero", replacing("count: 3", with: "count: 0")),
        SchemaProbe("an upper-case scenario name", replacing("name: t", with: "name: Schema Probe")),
        SchemaProbe("a glob character in a name pattern", replacing("name: a-{n}", with: "name: a-*-{n}")),
        SchemaProbe("an accuracy above 1", probe(top: "analyst: {accuracy: 1.5}")),
        SchemaProbe("a uniform delay of three", probe(top: "analyst: {response_time: {uniform: [1m, 2m, 3m]}}")),
        SchemaProbe("an empty rules change", probe(timeline: "{at: 1h, set: {}}")),
        SchemaProbe("a transition to open", probe(timeline: "{at: 1h, transition: {agent: a-1, to: open}}")),
        SchemaProbe("a respond with an unknown action", probe(timeline: "{at: 1h, respond: {agent: a-1, action: page_someone}}")),
        SchemaProbe("a window of three times", probe(expect: "{no_incident: {within: [1h, 2h, 3h]}}")),
        SchemaProbe("exactly with at_least", probe(expect: "{incident: {count: {exactly: 1, at_least: 1}}}")),
        SchemaProbe("traces as an exact count", probe(expect: "{incident: {traces: 3}}")),
        SchemaProbe("two trust checks", probe(expect: "{trust: {agent: a-1, never_below: 0.1, recovers_above: 0.5, by: 2h}}")),
        SchemaProbe("a trust value without between or approx", probe(expect: "{trust: {agent: a-1, at: 2h}}")),
        SchemaProbe("a state that checks nothing", probe(expect: "{state: {agent: a-1, at: 2h}}")),
        SchemaProbe("decisions that count nothing", probe(expect: "{decisions: {agent: a-1}}")),
        SchemaProbe("sometimes with two conditions", probe(expect: "{sometimes: {scrutiny: true, suspended: true}}")),
        SchemaProbe("sometimes scrutiny false", probe(expect: "{sometimes: {scrutiny: false}}")),
    ]

    @Test("malformed scenarios are rejected by the schema (and by the loader)", arguments: malformed)
    func rejected(_ p: SchemaProbe) throws {
        let errors = JSONSchemaValidator(schema: try Self.schema()).errors(try JSONValue.parse(yaml: p.text))
        #expect(!errors.isEmpty, "the schema accepts:\n\(p.text)")
        #expect(errors.allSatisfy { !$0.contains("unsupported schema keyword") }, "\(errors)")
        #expect(throws: LoadError.self) { try loadScenario(p.text) }
    }

    @Test("the validator refuses schema keywords it does not implement")
    func validatorIsStrict() throws {
        let schema = try JSONValue.parse(json: #"{"type": "object", "dependentRequired": {"a": ["b"]}}"#)
        #expect(JSONSchemaValidator(schema: schema).errors(.object([:])) == ["$: unsupported schema keyword 'dependentRequired'"])
    }
}
