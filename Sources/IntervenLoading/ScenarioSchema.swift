import IntervenCore
import IntervenScenario

/// A JSON Schema (draft 2020-12) for scenario files, for editors that complete keys, show
/// descriptions on hover and mark mistakes as you type (`interven-sim schema` prints it;
/// `Scenarios/scenario.schema.json` is a copy).
///
/// Every mapping's properties come from `ScenarioKeys` (and `PolicyDecoding` for timeline
/// overrides), and every name list from the vocabulary types and the tool catalogue, so the
/// schema cannot fall behind the loader: a key added there without a description here stops
/// the generator. The schema checks the shape of a file (keys, types, names, the forms of
/// durations, rates and scores); the loader still checks what a schema cannot (agent names,
/// feeds, times within the run, bounds in order), so a file the schema accepts may still be
/// refused by `interven-sim validate`.
public enum ScenarioSchema {
    /// The schema as JSON: fixed key order, two-space indentation, a trailing line break.
    public static var json: String { document.rendered(indent: "") + "\n" }

    /// Where the schema says it lives.
    public static let id = "https://interven-sim.dev/schema/scenario.json"

    static var document: SchemaValue {
        [
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": .string(id),
            "title": "interven-sim scenario",
            "description": "A scenario for interven-sim: agent groups and their traffic, a timeline of scripted scans and operator actions, a simulated analyst, and expectations about the run. See README.md, \"Scenario files\".",
        ] + top + ["$defs": .object(definitions)]
    }

    // MARK: Top level

    static var top: SchemaValue {
        mapping(ScenarioKeys.top, [
            "name": ["description": "The scenario's name: lower-case letters, digits, '.', '_' and '-', starting with a letter or digit, at most 100 characters. It names the results folder.",
                     "type": "string", "pattern": #"^[a-z0-9][a-z0-9._-]{0,99}$"#],
            "description": ["description": "What the scenario exercises, for readers (a folded block `>` reads well).",
                            "type": "string", "pattern": #"\S"#],
            "seed": ["description": "The seed every random stream derives from: a whole number from 0 to 18446744073709551615 (default 1); --seed replaces it.",
                     "type": "integer", "minimum": 0],
            "duration": ref("positiveDuration", "How long the run lasts in virtual time, like 24h or 1h30m (more than zero, at most 366d)."),
            "rules": ["description": "A rules file, relative to this file (default: the shipped rules); --rules replaces it.",
                      "type": "string", "minLength": 1],
            "set": ref("settings", "Rules overrides, applied over the rules file like --set: dotted key paths to values, e.g. triggers.repeated_deny.count: 6."),
            "effect_latency": ref("positiveDuration", "When effects across actors (auto-responses, analyst decisions, agent reactions) land: at the next multiple of this period (default 1s)."),
            "trust_sample": ref("positiveDuration", "One trust.csv row per agent per interval (default: a row per trust change)."),
            "start": ["description": "The instant virtual time 0 stands for, in RFC 3339 (default 2026-01-01T00:00:00Z); the activity log's times count from it.",
                      "type": "string",
                      "pattern": #"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,3})?(Z|[+-][0-9]{2}:[0-9]{2})$"#],
            "agents": ["description": "The agent groups (at least one).",
                       "type": "array", "items": ref("group"), "minItems": 1],
            "timeline": ["description": "One-off scans and operator actions at times within the run; each item has at, optional by and one action.",
                         "type": "array", "items": ref("timelineItem")],
            "analyst": ref("analyst", "The simulated analyst who decides approvals and triages incidents (absent: no analyst)."),
            "expect": ["description": "What must follow from the run; `interven-sim check` evaluates each item.",
                       "type": "array", "items": ref("expectation")],
        ], required: ["name", "description", "duration", "agents"])
    }

    // MARK: Definitions

    static var definitions: [(String, SchemaValue)] {
        values + agentDefinitions + timelineDefinitions + expectationDefinitions
    }

    /// Scalars and names used throughout.
    static var values: [(String, SchemaValue)] {
        [
            ("duration", ["description": "A duration like 90s, 5m, 1h30m, 2d or 250ms (units d, h, m, s, ms, largest first).",
                          "type": "string", "pattern": "^(?=[0-9])\(durationBody)$"]),
            ("positiveDuration", ["description": "A duration longer than zero, like 90s, 5m, 1h30m, 2d or 250ms.",
                                  "type": "string", "pattern": "^(?=.*[1-9])\(durationBody)$"]),
            ("rate", ["description": "A rate like 30/min, 4/h or 0.5/s (per ms, s, min, h or d; at most 1000/s, or 0 for never).",
                      "type": "string", "pattern": #"^ *([0-9]+(\.[0-9]*)?|\.[0-9]+) */ *(ms|s|sec|m|min|h|hour|d|day) *$"#]),
            ("score", ["description": "A decimal in [0, 1] with at most six places, like 0.25.",
                       "type": "number", "minimum": 0, "maximum": 1]),
            ("risk", ["description": "A risk score in [0, 1], or a uniform range like 0.3..0.6.",
                      "oneOf": [ref("score"),
                                ["type": "string", "pattern": "^ *\(unitDecimal) *\\.\\. *\(unitDecimal) *$"]]]),
            ("agent", ["description": "The name of an agent of the scenario, like fin-bot-01.",
                       "type": "string", "minLength": 1]),
            ("agentGlob", ["description": "An agent name or a glob matching at least one agent, like fin-bot-* (default: every agent).",
                           "type": "string", "minLength": 1]),
            ("trigger", names(TriggerKind.self, "What opened an incident.")),
            ("severity", names(Severity.self, "An incident severity.")),
            ("resolution", names(Resolution.self, "Why an incident was closed.")),
            ("runtime", names(Runtime.self, "The agent framework.")),
            ("label", names(GroundTruth.self, "Ground truth, used only to score detection.")),
            ("verb", names(Verb.self, "The coarse operation category.")),
            ("dataClass", ["description": "A data class found in a scan's body.",
                           "enum": .array(DataClasses.names.map { .string($0.0) })]),
            ("decision", names(Decision.self, "The gateway's answer to a scan.")),
            ("operation", ["description": "An operation of the built-in tool catalogue, as tool.operation.",
                           "enum": .array(ToolCatalogue.names.map { .string($0) })]),
            ("host", ["description": "A host or IP without scheme or path, like api.example.com.",
                      "type": "string", "pattern": #"^(?!feed:)[^\s/]+$"#]),
            ("window", ["description": "A window of the run: [FROM, TO] or {from, to}, with FROM <= TO.",
                        "oneOf": [
                            ["type": "array", "prefixItems": [ref("duration", "From."), ref("duration", "To.")],
                             "minItems": 2, "maxItems": 2],
                            mapping(ScenarioKeys.timeWindow, [
                                "from": ref("duration", "The window's start (default: the start of the run)."),
                                "to": ref("duration", "The window's end."),
                            ], required: ["to"]),
                        ]]),
            ("countBound", bound("A count: a number (exactly), or {exactly: N}, {at_least: N}, {at_most: N} or both of the last two.",
                                 ["type": "integer", "minimum": 0], scalarAllowed: true)),
            ("scoreBound", bound("A bound on a number in [0, 1]: {at_least: X}, {at_most: X}, both, or {exactly: X}.",
                                 ref("score"), scalarAllowed: false)),
            ("durationBound", bound("A bound on a duration: {at_most: 10m}, {at_least: 1m}, both, or {exactly: 5m}.",
                                    ref("duration"), scalarAllowed: false)),
            ("settings", ["description": "Rules overrides: dotted rules key paths (like triggers.repeated_deny.count) to values.",
                          "type": "object",
                          "propertyNames": ["pattern": #"^[^.\s]+(\.[^.\s]+)*$"#],
                          "additionalProperties": ["description": "The value the rules key takes, as in a rules file.",
                                                   "type": ["string", "number", "boolean", "array", "object"]]]),
        ]
    }

    /// `(digits unit)+` with the units in decreasing order, each at most once.
    static let durationBody = "([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?([0-9]+ms)?"
    /// A decimal in [0, 1] with at most six places, as text.
    static let unitDecimal = #"(0+(\.[0-9]{0,6})?|0*1(\.0{0,6})?|\.[0-9]{1,6})"#

    // MARK: Agent groups

    static var agentDefinitions: [(String, SchemaValue)] {
        [
            ("group", mapping(ScenarioKeys.group, [
                "group": ["description": "The group's name, unique in the scenario.", "type": "string", "minLength": 1],
                "count": ["description": "How many agents the group has (1 to 1,000,000; default 1).",
                          "type": "integer", "minimum": 1, "maximum": 1_000_000],
                "name": ["description": "The agents' names: {n} or {n:WIDTH} (zero-padded, WIDTH 1 to 12) is the agent's number, like fin-bot-{n:02} (default: the group name). Names are unique across groups; no blanks or glob characters.",
                         "type": "string", "pattern": #"^([^\s{}*?\[\]]|\{n(:0*([1-9]|1[0-2]))?\})+$"#],
                "runtime": ref("runtime", "The agent framework (default custom)."),
                "label": ref("label", "Ground truth, used only to score detection (default benign)."),
                "key": ["description": "The agents' API key: live (default) or {ephemeral: {tools, verbs, ttl, max_uses}}.",
                        "oneOf": [["const": "live"], ref("keySpec")]],
                "arrivals": ref("arrivals", "When the agents scan: one arrival process per agent, with an optional daily window."),
                "mix": ref("mix", "What the agents scan: weighted scan templates."),
                "behavior": ref("behavior", "How the agents react to decisions (default: the SDK's habits)."),
                "phases": ["description": "Later changes to the group, in time order: from at on, the label, arrivals, mix or behavior change.",
                           "type": "array", "items": ref("phase")],
            ], required: ["group", "arrivals", "mix"])),
            ("keySpec", mapping(ScenarioKeys.key, [
                "ephemeral": mapping(ScenarioKeys.ephemeral, [
                    "tools": ["description": "The tools the key may call: catalogue tools or tools of the group's templates.",
                              "type": "array", "items": ["type": "string", "minLength": 1], "minItems": 1],
                    "verbs": ["description": "The verbs the key allows (default: all).", "type": "array", "items": ref("verb")],
                    "ttl": ref("positiveDuration", "How long the key lives."),
                    "max_uses": ["description": "How many scans the key allows (1 to 1,000,000).",
                                 "type": "integer", "minimum": 1, "maximum": 1_000_000],
                ], required: ["tools", "ttl", "max_uses"], description: "An ephemeral key limited in scope, lifetime and uses."),
            ], required: ["ephemeral"], description: "An ephemeral key.")),
            ("arrivals", mapping(ScenarioKeys.arrivals, [
                "poisson": ref("rate", "Scans arrive at random with this mean rate, like 30/min."),
                "constant": ref("rate", "Scans arrive evenly at this rate, like 2/h."),
                "bursts": mapping(ScenarioKeys.bursts, [
                    "rate": ref("rate", "The rate while a burst is on."),
                    "on": ref("positiveDuration", "How long a burst lasts."),
                    "off": ref("duration", "The quiet time between bursts."),
                ], required: ["rate", "on", "off"], description: "Bursts of scans at a rate, then quiet, like {rate: 60/min, on: 5m, off: 25m}."),
                "window": mapping(ScenarioKeys.window, [
                    "start": ["description": "When the daily window opens, like \"09:00\" (quote it).",
                              "type": "string", "pattern": "^\(clock)$"],
                    "end": ["description": "When the daily window closes, like \"18:00\" (\"24:00\" for midnight; before start wraps midnight).",
                            "type": "string", "pattern": "^(\(clock)|24:00(:00)?)$"],
                ], required: ["start", "end"], description: "Scans happen only between these times of day."),
            ], description: "One arrival process (poisson, constant or bursts) and an optional daily window.",
               extra: exactlyOne(ScenarioKeys.processes))),
            ("mix", ["description": "Weighted scan templates (at least one).",
                     "type": "array", "items": ref("mixEntry"), "minItems": 1]),
            ("mixEntry", mapping(ScenarioKeys.mixEntry, merged(template, [
                "weight": ["description": "The template's relative weight in the mix (1 to 1,000,000; default 1).",
                           "type": "integer", "minimum": 1, "maximum": 1_000_000],
            ]), description: "A scan template: a catalogue op, or a custom tool and operation.",
               extra: templateChoice)),
            ("behavior", mapping(ScenarioKeys.behavior, [
                "retry_after_approval": ["description": "Re-send the identical request once an approval is granted (default true).",
                                         "type": "boolean"],
                "poll": ref("positiveDuration", "How often the agent polls a pending approval (default 2s)."),
                "approval_timeout": ref("positiveDuration", "How long the agent waits for an approval before giving up (default 10m)."),
                "backoff": mapping(ScenarioKeys.backoff, [
                    "after_denies": ["description": "Pause after this many DENYs in a row (0 to 10,000; 0 never pauses; default 5).",
                                     "type": "integer", "minimum": 0, "maximum": 10_000],
                    "pause": ref("positiveDuration", "How long the agent pauses (default 5m)."),
                ], description: "Pausing after repeated denies."),
            ], description: "How agents react to decisions; a phase changes only the keys it writes.")),
            ("phase", mapping(ScenarioKeys.phase, [
                "at": ref("duration", "When the phase starts (after the previous phase, within the run)."),
                "label": ref("label", "The group's ground truth from now on."),
                "arrivals": ref("arrivals", "The group's arrivals from now on."),
                "mix": ref("mix", "The group's mix from now on."),
                "behavior": ref("behavior", "Behaviour changes from now on (over the current behaviour)."),
            ], required: ["at"], description: "A change to the group from a time on.",
               extra: [("anyOf", .array(["label", "arrivals", "mix", "behavior"].map { requiring($0) }))])),
        ]
    }

    /// The keys that describe one scan (`ScenarioKeys.template`).
    static var template: [String: SchemaValue] {
        [
            "op": ref("operation", "A catalogue operation like github.create_pr; it gives the verb, host and whether it is external. For another tool give tool, operation, verb and host instead."),
            "tool": ["description": "A custom operation's tool (no blanks, '.' or '/'); give operation too, and verb and host unless tool.operation is in the catalogue.",
                     "type": "string", "pattern": #"^[^\s./]+$"#],
            "operation": ["description": "A custom operation's name (no blanks, '.' or '/').",
                          "type": "string", "pattern": #"^[^\s./]+$"#],
            "verb": ref("verb", "The scan's verb (default: the catalogue's)."),
            "host": ["description": "Where the scan goes: a host or IP, feed:NAME (an indicator of that threat-intel feed) or feed:any.",
                     "type": "string", "pattern": #"^[^\s/]+$"#],
            "external": ["description": "Whether the destination is outside the tenant (default: the catalogue's; a feed host always is).",
                         "type": "boolean"],
            "data": ["description": "Data classes in the scan's body.", "type": "array", "items": ref("dataClass")],
            "risk": ref("risk", "The scan's risk score, or a uniform range like 0.3..0.6 (default 0..0.2)."),
            "principal": ["description": "A principal the call names (a collaborator, a policy ARN).",
                          "type": "string", "minLength": 1],
            "body_bytes": ["description": "The body's size in bytes (0 to 16 MiB; default 512).",
                           "type": "integer", "minimum": 0, "maximum": 16_777_216],
            "variants": ["description": "How many distinct requests the template makes per agent (1 to 1,000,000; default 8).",
                         "type": "integer", "minimum": 1, "maximum": 1_000_000],
        ]
    }

    /// A template names a catalogue `op` or a custom `tool` and `operation`, not both.
    static var templateChoice: [(String, SchemaValue)] {
        [("oneOf", [requiring("op"), requiring("tool", "operation")])]
    }

    /// `HH:MM` or `HH:MM:SS`.
    static let clock = "([01]?[0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?"

    // MARK: Building blocks

    /// An object with exactly `keys` as its properties, in that order, and no others.
    ///
    /// Stops the program when `properties` describes other keys than `keys`: the schema must
    /// not lose a key the loader reads, nor invent one.
    static func mapping(_ keys: [String], _ properties: [String: SchemaValue], required: [String] = [],
                                description: String? = nil, extra: [(String, SchemaValue)] = []) -> SchemaValue {
        let described = Set(properties.keys), written = Set(keys)
        precondition(described == written,
                     "ScenarioSchema: keys \(keys) but descriptions for \(described.sorted()); missing \(written.subtracting(described).sorted()), unknown \(described.subtracting(written).sorted())")
        precondition(Set(required).isSubset(of: written), "ScenarioSchema: required \(required) not among \(keys)")
        var fields: [(String, SchemaValue)] = []
        if let description { fields.append(("description", .string(description))) }
        fields.append(("type", "object"))
        fields.append(("properties", .object(keys.map { ($0, properties[$0]!) })))
        if !required.isEmpty { fields.append(("required", .array(required.map { .string($0) }))) }
        fields.append(("additionalProperties", false))
        return .object(fields + extra)
    }

    /// `oneOf` with one branch per key: exactly one of them is present.
    static func exactlyOne(_ keys: [String]) -> [(String, SchemaValue)] {
        [("oneOf", .array(keys.map { requiring($0) }))]
    }

    /// Both sets of properties; a key described twice stops the program.
    static func merged(_ a: [String: SchemaValue], _ b: [String: SchemaValue]) -> [String: SchemaValue] {
        a.merging(b) { _, _ in preconditionFailure("ScenarioSchema: a key is described twice") }
    }

    static func requiring(_ keys: String...) -> SchemaValue {
        ["required": .array(keys.map { .string($0) })]
    }

    /// `N` (when `scalarAllowed`) or `{exactly: N}`, `{at_least: N}`, `{at_most: N}`, or the last two.
    static func bound(_ description: String, _ value: SchemaValue, scalarAllowed: Bool) -> SchemaValue {
        let object = mapping(ScenarioKeys.bound, [
            "exactly": ["description": "Exactly this (not with at_least or at_most)."] + value,
            "at_least": ["description": "At least this."] + value,
            "at_most": ["description": "At most this."] + value,
        ], extra: [("oneOf", [requiring("exactly"), ["anyOf": [requiring("at_least"), requiring("at_most")]]])])
        if scalarAllowed { return ["description": .string(description), "oneOf": [value, object]] }
        return ["description": .string(description)] + object
    }

    static func refPath(_ name: String) -> String { "#/$defs/\(name)" }

    /// A reference to a definition, with a description for this use of it.
    static func ref(_ name: String, _ description: String? = nil) -> SchemaValue {
        if let description { return ["description": .string(description), "$ref": .string(refPath(name))] }
        return ["$ref": .string(refPath(name))]
    }

    /// The names of a vocabulary type, as its `description`s.
    static func names<T: NamedCase>(_ type: T.Type, _ description: String) -> SchemaValue {
        ["description": .string(description), "enum": .array(T.allCases.map { .string($0.description) })]
    }
}

/// A JSON value whose objects keep their key order, for rendering the schema deterministically.
indirect enum SchemaValue: ExpressibleByStringInterpolation, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    case string(String)
    case integer(Int)
    case boolean(Bool)
    case array([SchemaValue])
    case object([(String, SchemaValue)])

    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int) { self = .integer(value) }
    init(booleanLiteral value: Bool) { self = .boolean(value) }
    init(arrayLiteral elements: SchemaValue...) { self = .array(elements) }
    /// Keeps the literal's order.
    init(dictionaryLiteral elements: (String, SchemaValue)...) { self = .object(elements) }

    /// Two objects' fields, the left's first (other values: the left one).
    static func + (a: SchemaValue, b: SchemaValue) -> SchemaValue {
        guard case .object(let x) = a, case .object(let y) = b else { return a }
        return .object(x + y)
    }

    /// JSON with two-space indentation; `indent` is the current line's.
    func rendered(indent: String) -> String {
        let inner = indent + "  "
        switch self {
        case .string(let s): return SchemaValue.quoted(s)
        case .integer(let i): return String(i)
        case .boolean(let b): return b ? "true" : "false"
        case .array(let items):
            if items.isEmpty { return "[]" }
            return "[\n" + items.map { inner + $0.rendered(indent: inner) }.joined(separator: ",\n") + "\n" + indent + "]"
        case .object(let fields):
            if fields.isEmpty { return "{}" }
            return "{\n" + fields.map { inner + SchemaValue.quoted($0.0) + ": " + $0.1.rendered(indent: inner) }
                .joined(separator: ",\n") + "\n" + indent + "}"
        }
    }

    /// A JSON string literal (YAML's double-quoted escapes are all valid JSON escapes).
    static func quoted(_ s: String) -> String { YAMLText.quoted(s) }
}
