/// The keys of every mapping in a scenario file, in the order the README documents them.
///
/// One place for the vocabulary, so that the decoder, "did you mean" hints and (later) the JSON
/// Schema agree. A new section (such as `expect:`) adds its key here and its decoder beside the others.
enum ScenarioKeys {
    /// The top level of a scenario file.
    static let top = ["name", "description", "seed", "duration", "rules", "set", "effect_latency", "trust_sample", "start",
                      "agents", "timeline", "analyst", "expect"]
    /// One agent group.
    static let group = ["group", "count", "name", "runtime", "label", "key", "arrivals", "mix", "behavior", "phases"]
    /// `key: {ephemeral: ...}`.
    static let key = ["ephemeral"]
    /// An ephemeral key's scope.
    static let ephemeral = ["tools", "verbs", "ttl", "max_uses"]
    /// The arrival processes; exactly one per `arrivals`.
    static let processes = ["poisson", "constant", "bursts"]
    /// `arrivals`.
    static let arrivals = processes + ["window"]
    /// `arrivals.bursts`.
    static let bursts = ["rate", "on", "off"]
    /// `arrivals.window`.
    static let window = ["start", "end"]
    /// The keys that describe one scan (a mix entry or a timeline `scan`).
    static let template = ["op", "tool", "operation", "verb", "host", "external", "data", "risk", "principal",
                           "body_bytes", "variants"]
    /// One mix entry.
    static let mixEntry = template + ["weight"]
    /// `behavior`.
    static let behavior = ["retry_after_approval", "poll", "approval_timeout", "backoff"]
    /// `behavior.backoff`.
    static let backoff = ["after_denies", "pause"]
    /// One phase.
    static let phase = ["at", "label", "arrivals", "mix", "behavior"]
    /// The actions of a timeline item; exactly one per item.
    static let actions = ["scan", "suspend", "reactivate", "reset_trust", "rotate_key", "approve", "deny", "transition", "close",
                          "note", "respond", "manual_incident", "override", "indicator", "set"]
    /// One timeline item.
    static let timelineItem = ["at", "by"] + actions
    /// A timeline `scan`.
    static let scan = ["agent", "count", "every"] + template
    /// A timeline `transition`.
    static let transition = ["agent", "trigger", "to", "resolution"]
    /// A timeline `close`.
    static let close = ["agent", "trigger", "resolution"]
    /// A timeline `note`.
    static let note = ["agent", "trigger", "text"]
    /// A timeline `respond`.
    static let respond = ["agent", "trigger", "action"]
    /// The actions of `respond.action` written as a mapping.
    static let respondAction = ["notify", "ticket"]
    /// A timeline `manual_incident`.
    static let manualIncident = ["agent", "severity", "traces", "title"]
    /// A timeline `indicator`.
    static let indicator = ["feed", "host"]
    /// `analyst`.
    static let analyst = ["headcount", "response_time", "accuracy", "approvals", "incidents"]
    /// `analyst.response_time` written as a mapping.
    static let delay = ["uniform", "exponential", "min"]

    /// One `expect:` item: exactly one of these kinds.
    static let expectations = ["incident", "no_incident", "trust", "state", "decisions", "detection", "sometimes",
                               "refused", "reasons", "notes", "counters"]
    /// `counters:`.
    static let counters = ["agent", "at", "deny", "approval", "high_risk", "threat_intel", "anomaly", "critical"]
    /// `refused:`.
    static let refused = ["agent", "action", "within", "by", "count"]
    /// `reasons:`.
    static let reasons = ["agent", "code", "within", "by", "count"]
    /// `notes:`.
    static let notes = ["agent", "trigger", "by_author", "text", "within", "by", "count"]
    /// Every key of an `expect:` item: an optional `id` and one kind.
    static let expectationItem = ["id"] + expectations
    /// `incident:`.
    static let incident = ["trigger", "agent", "severity", "status", "resolution", "count", "within", "by", "traces"]
    /// `no_incident:`.
    static let noIncident = ["trigger", "agent", "within", "by"]
    /// `trust:`: `agent` and one check (`at` with `between` or `approx`; `min`/`max` over a window; an event).
    static let trustChecks = ["at", "min", "max", "enters_scrutiny", "leaves_scrutiny", "recovers_above", "never_below"]
    static let trust = ["agent", "at", "between", "approx", "tolerance", "within", "by", "min", "max", "enters_scrutiny",
                        "leaves_scrutiny", "recovers_above", "never_below"]
    /// `state:`.
    static let state = ["agent", "at", "suspended", "scrutiny", "pinned"]
    /// `decisions:`: counts per decision (or `scans` for all) and `share`s.
    static let decisionNames = ["ALLOW", "REQUIRE_APPROVAL", "SANITIZE", "DENY"]
    static let decisions = ["agent", "within", "by", "scans"] + decisionNames + ["share"]
    /// `detection:`.
    static let detection = ["trigger", "agent", "rate", "false_positive_ratio", "time_to_detect"]
    static let timeToDetect = ["p50", "p95"]
    /// `sometimes:`: `agent`, an optional window and one condition.
    static let conditions = ["scrutiny", "suspended", "decision", "incident", "trust_below"]
    static let sometimes = ["agent", "within", "by"] + conditions
    /// A bound: a number alone means `exactly`.
    static let bound = ["exactly", "at_least", "at_most"]
    /// A window as a mapping (it may also be written `[FROM, TO]`).
    static let timeWindow = ["from", "to"]
}
