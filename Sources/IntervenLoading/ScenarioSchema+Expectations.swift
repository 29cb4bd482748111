import IntervenCore
import IntervenScenario

extension ScenarioSchema {
    // MARK: Expectations

    static var expectationDefinitions: [(String, SchemaValue)] {
        let window: [String: SchemaValue] = [
            "within": ref("window", "Only within this window, like [1h, 2h] (not with by)."),
            "by": ref("duration", "Only from the start of the run to this time (not with within)."),
        ]
        func windowed(_ more: [String: SchemaValue]) -> [String: SchemaValue] { merged(window, more) }
        let agentGlob = ref("agentGlob", "An agent name or glob (default: every agent).")
        return [
            ("expectation", mapping(ScenarioKeys.expectationItem, [
                "id": ["description": "A stable name for the expectation in reports (JUnit test names, annotations): letters, digits, '.', '_' and '-'; unique in the file. Without it the name is derived from what is expected.",
                       "type": "string", "pattern": "^[A-Za-z0-9._-]{1,100}$"],
                "incident": ref("incidentExpectation", "Incidents that must open."),
                "no_incident": ref("noIncidentExpectation", "Incidents that must not open."),
                "trust": ref("trustExpectation", "A check on an agent's trust."),
                "state": ref("stateExpectation", "An agent's state at a time."),
                "decisions": ref("decisionsExpectation", "Counts or shares of decisions."),
                "detection": ref("detectionExpectation", "Detection quality against the ground truth."),
                "sometimes": ref("sometimesExpectation", "A path the run must reach at least once."),
                "refused": ref("refusedExpectation", "Timeline actions the gateway must refuse (any other refusal fails the scenario)."),
                "reasons": ref("reasonsExpectation", "Scans answered with a reason code."),
                "notes": ref("notesExpectation", "Notes on incidents."),
                "counters": ref("countersExpectation", "The rolling counters of agents at a time."),
            ], description: "One expectation: exactly one of incident, no_incident, trust, state, decisions, detection, sometimes, refused, reasons, notes, counters, and an optional id.",
               extra: exactlyOne(ScenarioKeys.expectations))),
            ("incidentExpectation", mapping(ScenarioKeys.incident, windowed([
                "trigger": ref("trigger", "The incident's trigger (default: any)."),
                "agent": agentGlob,
                "severity": ref("severity", "The incident's severity."),
                "status": names(IncidentStatus.self, "The incident's status at the end of the run."),
                "resolution": ref("resolution", "The closed incident's resolution."),
                "count": ref("countBound", "How many such incidents (default {at_least: 1})."),
                "traces": mapping(["at_least"], [
                    "at_least": ["description": "The fewest traces.", "type": "integer", "minimum": 0],
                ], required: ["at_least"], description: "The fewest traces each incident links, as {at_least: N}."),
            ]), description: "Incidents that must open, like {trigger: repeated_deny, agent: fin-bot-01, within: [1h, 2h]}.")),
            ("noIncidentExpectation", mapping(ScenarioKeys.noIncident, windowed([
                "trigger": ref("trigger", "The trigger (default: any)."),
                "agent": agentGlob,
            ]), description: "No such incident opens, like {trigger: repeated_deny, agent: code-*}.")),
            ("trustExpectation", mapping(ScenarioKeys.trust, windowed([
                "agent": ref("agentGlob", "An agent name or glob."),
                "at": ref("duration", "Check the value at this time (with between or approx)."),
                "between": ["description": "The value lies in [LOW, HIGH].",
                            "type": "array", "prefixItems": [ref("score", "Low."), ref("score", "High.")],
                            "minItems": 2, "maxItems": 2],
                "approx": ref("score", "The value is about this (see tolerance)."),
                "tolerance": ref("score", "How far from approx the value may be (default 0.001)."),
                "min": ref("scoreBound", "A bound on the lowest value over the window, like {at_least: 0.5}."),
                "max": ref("scoreBound", "A bound on the highest value over the window, like {at_most: 0.9}."),
                "enters_scrutiny": ref("window", "The agent enters scrutiny within this window."),
                "leaves_scrutiny": ref("window", "The agent leaves scrutiny within this window."),
                "recovers_above": ref("score", "Trust is back above this level by the time given in by."),
                "never_below": ref("score", "Trust never falls below this level (within the window, if any)."),
            ]), required: ["agent"], description: "One trust check: at with between or approx; min and/or max over a window; enters_scrutiny; leaves_scrutiny; recovers_above with by; never_below.",
               extra: [("oneOf", .array(trustChecks))])),
            ("stateExpectation", mapping(ScenarioKeys.state, [
                "agent": ref("agentGlob", "An agent name or glob."),
                "at": ref("duration", "When the state must hold."),
                "suspended": ["description": "Whether the agent is suspended.", "type": "boolean"],
                "scrutiny": ["description": "Whether the agent is under scrutiny.", "type": "boolean"],
                "pinned": ["description": "Whether the agent is pinned.", "type": "boolean"],
            ], required: ["agent", "at"], description: "An agent's state at a time: at least one of suspended, scrutiny, pinned.",
               extra: [("anyOf", .array(["suspended", "scrutiny", "pinned"].map { requiring($0) }))])),
            ("decisionsExpectation", decisions(windowed: windowed, agentGlob: agentGlob)),
            ("detectionExpectation", mapping(ScenarioKeys.detection, [
                "trigger": ref("trigger", "The trigger (default: any)."),
                "agent": agentGlob,
                "rate": ref("scoreBound", "The share of misbehaving or compromised agents detected, like {at_least: 0.9}."),
                "false_positive_ratio": ref("scoreBound", "The share of detections that are benign agents, like {at_most: 0.05}."),
                "time_to_detect": mapping(ScenarioKeys.timeToDetect, [
                    "p50": ref("durationBound", "The median time to detect, like {at_most: 10m}."),
                    "p95": ref("durationBound", "The 95th percentile time to detect."),
                ], description: "Time from the start of misbehaviour to detection: p50 and/or p95.",
                   extra: [("anyOf", .array(ScenarioKeys.timeToDetect.map { requiring($0) }))]),
            ], description: "Detection quality: at least one of rate, false_positive_ratio, time_to_detect.",
               extra: [("anyOf", .array(["rate", "false_positive_ratio", "time_to_detect"].map { requiring($0) }))])),
            ("refusedExpectation", mapping(ScenarioKeys.refused, windowed([
                "agent": ref("agentGlob", "The agent the action names (default: any, tenant-wide actions too)."),
                "action": ["description": "The timeline action's key (default: any).",
                           "enum": .array(ScenarioKeys.actions.map { .string($0) })],
                "count": ref("countBound", "How many such refusals (default {at_least: 1})."),
            ]), description: "Timeline actions the gateway refuses, like {agent: op-1, action: reset_trust, within: [1h, 1h]}. A refusal no refused: expectation covers fails the scenario.")),
            ("reasonsExpectation", mapping(ScenarioKeys.reasons, windowed([
                "agent": agentGlob,
                "code": ["description": "A reason code: built-in (AGENT_SUSPENDED, EPHEMERAL_SCOPE_VIOLATION, RECENT_APPROVAL_GRANT, RECENT_DENY_GRANT, POLICY_MATCH, AGENT_QUARANTINED, THREAT_INTEL_MATCH, TRUST_SCRUTINY) or a rule's reason_code.",
                         "type": "string", "pattern": "^[A-Za-z0-9_.-]+$"],
                "count": ref("countBound", "How many scans, summed over the agents (default {at_least: 1})."),
            ]), required: ["code"], description: "Scans answered with a reason code, like {agent: busy-1, code: RECENT_DENY_GRANT, within: [1h, 2h], count: 1}.")),
            ("countersExpectation", mapping(ScenarioKeys.counters, [
                "agent": ref("agentGlob", "An agent name or glob: every agent it matches is checked."),
                "at": ref("duration", "The time: the values after everything at that instant."),
                "deny": ref("countBound", "The deny counter (24 h by default)."),
                "approval": ref("countBound", "The approval counter (24 h)."),
                "high_risk": ref("countBound", "The high-risk counter (1 h)."),
                "threat_intel": ref("countBound", "The threat-intel counter (24 h)."),
                "anomaly": ref("countBound", "The anomaly counter (24 h)."),
                "critical": ref("countBound", "The critical counter (24 h)."),
            ], required: ["agent", "at"], description: "The rolling counters of every agent a glob matches at a time (a trust reset zeroes them), like {agent: op-1, at: 1h, deny: 0}.")),
            ("notesExpectation", mapping(ScenarioKeys.notes, windowed([
                "agent": agentGlob,
                "trigger": ref("trigger", "The incident's trigger (default: any)."),
                "by_author": ["description": "The note's author (the timeline item's by).", "type": "string", "minLength": 1],
                "text": ["description": "Text the note contains.", "type": "string"],
                "count": ref("countBound", "How many notes (default {at_least: 1})."),
            ]), description: "Notes on incidents, like {agent: fin-bot-01, trigger: threat_intel, by_author: alice}.")),
            ("sometimesExpectation", mapping(ScenarioKeys.sometimes, windowed([
                "agent": agentGlob,
                "scrutiny": ["description": "Some agent enters scrutiny.", "const": true],
                "suspended": ["description": "Some agent is suspended.", "const": true],
                "decision": ref("decision", "Some scan gets this decision."),
                "incident": ["description": "Some incident of this trigger (or any) opens.",
                             "enum": .array((["any"] + TriggerKind.allCases.map(\.description)).map { .string($0) })],
                "trust_below": ref("score", "Some agent's trust falls below this level."),
            ]), description: "A path the run must reach at least once: exactly one condition.",
               extra: exactlyOne(ScenarioKeys.conditions))),
        ]
    }

    /// One branch per trust check; `min` and `max` are one check.
    static var trustChecks: [SchemaValue] {
        var branches: [SchemaValue] = []
        var rangeDone = false
        for check in ScenarioKeys.trustChecks {
            switch check {
            case "at":
                branches.append(["required": ["at"], "oneOf": [requiring("between"), requiring("approx")]])
            case "min", "max":
                if rangeDone { continue }
                rangeDone = true
                branches.append(["anyOf": [requiring("min"), requiring("max")]])
            case "recovers_above":
                branches.append(requiring("recovers_above", "by"))
            default:
                branches.append(requiring(check))
            }
        }
        return branches
    }

    static func decisions(windowed: ([String: SchemaValue]) -> [String: SchemaValue], agentGlob: SchemaValue) -> SchemaValue {
        var counts: [String: SchemaValue] = [
            "agent": agentGlob,
            "scans": ref("countBound", "How many scans in all, like {at_least: 100}."),
        ]
        var shares: [String: SchemaValue] = [:]
        for name in ScenarioKeys.decisionNames {
            counts[name] = ref("countBound", "How many scans get \(name), like {at_most: 0}.")
            shares[name] = ref("scoreBound", "The share of scans that get \(name), like {at_most: 0.1}.")
        }
        counts["share"] = mapping(ScenarioKeys.decisionNames, shares, description: "Shares of scans per decision.")
        return mapping(ScenarioKeys.decisions, windowed(counts),
                       description: "Counts or shares of decisions: at least one of scans, \(ScenarioKeys.decisionNames.joined(separator: ", ")), share.",
                       extra: [("anyOf", .array((["scans"] + ScenarioKeys.decisionNames + ["share"]).map { requiring($0) }))])
    }
}
