import IntervenCore
import IntervenScenario

extension ScenarioSchema {
    // MARK: Timeline and analyst

    static var timelineDefinitions: [(String, SchemaValue)] {
        let selector: [String: SchemaValue] = [
            "agent": ref("agent", "The agent whose newest incident this acts on."),
            "trigger": ref("trigger", "Only incidents of this trigger (default: any)."),
        ]
        func withSelector(_ more: [String: SchemaValue]) -> [String: SchemaValue] {
            merged(selector, more)
        }
        return [
            ("timelineItem", mapping(ScenarioKeys.timelineItem, [
                "at": ref("duration", "When it happens, from the start of the run (before its end)."),
                "by": ["description": "Who acts (default operator).", "type": "string", "minLength": 1],
                "scan": mapping(ScenarioKeys.scan, merged(template, [
                    "agent": ref("agent", "The agent that sends the scans."),
                    "count": ["description": "How many scans (1 to 100,000; default 1).",
                              "type": "integer", "minimum": 1, "maximum": 100_000],
                    "every": ref("positiveDuration", "The time between the scans (default 1s)."),
                ]), required: ["agent"], description: "One-off scans by an agent: a catalogue op or a custom tool and operation.",
                   extra: templateChoice),
                "suspend": ref("agent", "Suspend this agent."),
                "reactivate": ref("agent", "Reactivate this agent (its trust is kept)."),
                "reset_trust": ref("agent", "Reset this agent's trust."),
                "rotate_key": ref("agent", "Rotate this agent's API key."),
                "approve": ref("agent", "Approve this agent's pending approval."),
                "deny": ref("agent", "Deny this agent's pending approval."),
                "transition": mapping(ScenarioKeys.transition, withSelector([
                    "to": ["description": "The status to move the incident to.",
                           "enum": .array(IncidentStatus.allCases.filter { $0 != .open }.map { .string($0.description) })],
                    "resolution": ref("resolution", "Why the incident is closed (with to: closed only, and then required)."),
                ]), required: ["agent", "to"], description: "Move the agent's newest incident to another status."),
                "close": mapping(ScenarioKeys.close, withSelector([
                    "resolution": ref("resolution", "Why the incident is closed."),
                ]), required: ["agent", "resolution"], description: "Close the agent's newest incident."),
                "note": mapping(ScenarioKeys.note, withSelector([
                    "text": ["description": "The note's text.", "type": "string", "minLength": 1],
                ]), required: ["agent", "text"], description: "Add a note to the agent's newest incident."),
                "respond": mapping(ScenarioKeys.respond, withSelector([
                    "action": ["description": "The response: suspend_agent, rotate_key, {notify: CHANNEL} or {ticket: SYSTEM}.",
                               "oneOf": [
                                   ["enum": ["suspend_agent", "rotate_key"]],
                                   mapping(ScenarioKeys.respondAction, [
                                       "notify": ["description": "Notify a channel, like \"#sec-alerts\".", "type": "string", "minLength": 1],
                                       "ticket": ["description": "Open a ticket in a system, like jira.", "type": "string", "minLength": 1],
                                   ], extra: exactlyOne(ScenarioKeys.respondAction)),
                               ]],
                ]), required: ["agent", "action"], description: "Respond to the agent's newest incident."),
                "manual_incident": mapping(ScenarioKeys.manualIncident, [
                    "agent": ref("agent", "The agent the incident is about."),
                    "severity": ref("severity", "The incident's severity."),
                    "traces": ["description": "How many of the agent's most recent scans to attach (1 to 16; default 1).",
                               "type": "integer", "minimum": 1, "maximum": 16],
                    "title": ["description": "The incident's title.", "type": "string", "minLength": 1],
                ], required: ["agent", "severity"], description: "Open an incident by hand from the agent's recent scans."),
                "override": ref("override", "Add a per-agent override: quarantine, or policy rules of its own."),
                "indicator": mapping(ScenarioKeys.indicator, [
                    "feed": ["description": "A threat-intel feed of the rules in force, or denylist.", "type": "string", "minLength": 1],
                    "host": ref("host", "The indicator's host or IP."),
                ], required: ["feed", "host"], description: "Add an indicator to a threat-intel feed."),
                "set": ["description": "Change the rules from this time on: dotted rules key paths to values, like {triggers.repeated_deny.count: 3}.",
                        "$ref": .string(refPath("settings")), "minProperties": 1],
            ], required: ["at"], description: "One timeline item: at, optional by, and exactly one action.",
               extra: exactlyOne(ScenarioKeys.actions))),
            ("override", mapping(PolicyDecoding.overrideKeys, [
                "agent": ["description": "An agent name, id or glob, like fin-bot-*.", "type": "string", "minLength": 1],
                "quarantine": ["description": "Quarantine the matching agents (default false).", "type": "boolean"],
                "rules": ["description": "Policy rules for the matching agents, as in a rules file's policies.",
                          "type": "array", "items": ref("policyRule")],
            ], required: ["agent"], description: "A per-agent override, as in a rules file's agent_overrides.")),
            ("policyRule", policyRule),
            ("analyst", mapping(ScenarioKeys.analyst, [
                "headcount": ["description": "Analysts working the queue in parallel (1 to 10,000; default 1).",
                              "type": "integer", "minimum": 1, "maximum": 10_000],
                "response_time": ["description": "Time an analyst takes per item: a duration, {uniform: [LOW, HIGH]} or {exponential: MEAN, min: MIN} (default 5m).",
                                  "oneOf": [ref("duration"), ref("delay")]],
                "accuracy": ref("score", "How often an analyst decides as the ground truth says (default 1)."),
                "approvals": ["description": "Whether the analyst decides approvals (default true).", "type": "boolean"],
                "incidents": ["description": "Whether the analyst triages incidents (default true).", "type": "boolean"],
            ], description: "The simulated analyst.")),
            ("delay", mapping(ScenarioKeys.delay, [
                "uniform": ["description": "Uniform between two durations [LOW, HIGH].",
                            "type": "array", "prefixItems": [ref("duration", "Low."), ref("duration", "High.")],
                            "minItems": 2, "maxItems": 2],
                "exponential": ref("positiveDuration", "Exponential with this mean."),
                "min": ref("duration", "The shortest delay (exponential only; default 0)."),
            ], description: "A random delay.", extra: exactlyOne(["uniform", "exponential"]))),
        ]
    }

    /// A policy rule of a timeline override (`PolicyDecoding`'s keys).
    static var policyRule: SchemaValue {
        func globs(_ what: String) -> SchemaValue {
            ["description": .string(what), "type": "array", "items": ["type": "string", "minLength": 1]]
        }
        return mapping(PolicyDecoding.ruleKeys, [
            "rule_id": ["description": "The rule's id, unique in its list.", "type": "string", "minLength": 1],
            "name": ["description": "The rule's name.", "type": "string", "minLength": 1],
            "priority": ["description": "The rule's priority (default 100).", "type": "integer"],
            "match": mapping(PolicyDecoding.matchKeys, [
                "tool_names": globs("Tool names or globs."),
                "operations": globs("Operation names or globs."),
                "verbs": ["description": "Verbs.", "type": "array", "items": ref("verb")],
                "agent_ids": globs("Agent names, ids or globs."),
                "agent_runtime_types": ["description": "Agent runtimes.", "type": "array", "items": ref("runtime")],
                "url_patterns": globs("URL globs."),
                "host_patterns": globs("Host globs."),
                "principal_patterns": globs("Principal globs."),
            ], description: "Which scans the rule applies to (every list that is given must match)."),
            "condition": mapping(PolicyDecoding.conditionKeys, [
                "has_data_class": ["description": "The body has one of these data classes.", "type": "array", "items": ref("dataClass")],
                "is_external": ["description": "The destination is (or is not) external.", "type": "boolean"],
                "risk_score_gt": ref("score", "The risk score is above this."),
                "trust_score_lt": ref("score", "The agent's trust is below this."),
                "threat_intel_match": ["description": "The host is (or is not) a threat-intel indicator.", "type": "boolean"],
                "body_size_bytes_gt": ["description": "The body is larger than this many bytes.",
                                       "type": "integer", "minimum": 0, "maximum": .integer(Int(Int32.max))],
            ], description: "Further conditions on the scan."),
            "action": names(PolicyAction.self, "What the rule does."),
            "reason_code": ["description": "The reason code reported with the decision.", "type": "string", "minLength": 1],
            "incident_severity": ref("severity", "The incident's severity (with OPEN_INCIDENT only, and then required)."),
        ], required: ["rule_id", "name", "action"], description: "A policy rule.")
    }
}
