/// The incident correlator: it watches the stream of decisions and says which automatic
/// triggers and anomaly signals each decision fires.
///
/// It has one entry point per decided scan (`observe`) and one per gate deny
/// (`observeGateDeny`), reads nothing but the decision and its own windows, and changes no
/// trust and no incident: the gateway acts on its `Findings` (opens or links incidents, runs
/// the auto-responses, lowers trust for anomalies). This is the seam where a correlator that
/// runs concurrently with the decision path (consuming decisions as messages) plugs in; in the
/// simulation the gateway calls it inline, so the order of effects is that of the decisions.
struct IncidentCorrelator: Sendable {
    /// The per-agent windows the triggers read.
    private(set) var windows: CorrelationWindows

    /// What one decision fires, in the order the gateway acts on it.
    struct Findings {
        /// The last `count` denies of the agent lie within the repeated-deny window.
        var repeatedDeny = false
        /// A deny in the critical band, with the trigger on.
        var criticalDeny = false
        /// The feed whose indicator was hit (index into the threat-intel feeds), or -1.
        var threatIntelFeed: Int16 = -1
        /// The ephemeral-key violation to open an incident for.
        var ephemeralViolation: ScopeViolation?
        /// The sensitive read this external write follows within the window.
        var readThenWrite: TraceRef?
        /// The IAM "create" this "attach" follows within the window (an anomaly signal).
        var privilegeEscalation: TraceRef?
        /// This mutating call completes a mass-action burst (an anomaly signal).
        var massActionBurst = false
    }

    init(rules: Rules, symbols: inout SymbolTable) {
        windows = CorrelationWindows(rules: rules, symbols: &symbols)
    }

    mutating func grow(to agents: Int) { windows.grow(to: agents) }

    /// Frees every window (see `Gateway.retire`).
    mutating func release() { windows.release() }

    /// Applies changed rules mid-run, keeping each agent's most recent window entries.
    mutating func reconfigure(rules: Rules, symbols: inout SymbolTable) { windows.reconfigure(rules: rules, symbols: &symbols) }

    /// Forgets an agent's repeated-deny window (an operator's trust reset).
    mutating func resetDenies(_ agent: Int) { windows.resetDenies(agent) }

    /// A removed agent's index back to a fresh agent's state.
    mutating func clear(_ agent: Int) { windows.clear(agent) }

    /// The traces of the agent's last `count` denies, oldest first (what a new repeated-deny
    /// incident links).
    func recentDenies(_ agent: Int) -> [TraceRef] { windows.recentDenies(agent) }

    /// A gate deny (suspended agent, recent deny grant): it feeds only the repeated-deny window,
    /// and only when the rules count gate denies.
    mutating func observeGateDeny(_ scan: Scan, rules: Rules) -> Findings {
        var f = Findings()
        guard rules.triggers.countGateDenies else { return f }
        f.repeatedDeny = windows.noteDeny(Int(scan.agent), at: scan.time, trace: scan.trace)
            && rules.triggers.repeatedDeny.enabled
        return f
    }

    /// A decided scan: what it fires. `feed` is the threat-intel feed it hit, or -1.
    @inline(__always)
    mutating func observe(_ scan: Scan, _ v: Verdict, feed: Int16, rules: Rules) -> Findings {
        let a = Int(scan.agent), t = scan.time
        let triggers = rules.triggers
        let denied = v.decision == .deny
        var f = Findings()
        if denied {
            f.repeatedDeny = windows.noteDeny(a, at: t, trace: scan.trace) && triggers.repeatedDeny.enabled
            f.criticalDeny = triggers.criticalDeny.enabled && v.band >= triggers.criticalBand
        }
        if feed >= 0 && triggers.threatIntel.enabled { f.threatIntelFeed = feed }
        if triggers.ephemeralScope.enabled { f.ephemeralViolation = v.violation }
        // Only a read that returned data counts; the write counts whatever its decision.
        if scan.verb == .read && !denied && !scan.dataClasses.isDisjoint(with: triggers.sensitiveClasses) {
            windows.noteSensitiveRead(a, at: t, trace: scan.trace)
        }
        if triggers.readThenWrite.enabled && scan.isExternal && triggers.writeVerbs.contains(scan.verb) {
            f.readThenWrite = windows.readBefore(write: a, at: t)
        }
        let c = rules.correlation
        if c.privilegeEscalation {
            f.privilegeEscalation = windows.noteEscalation(a, tool: scan.tool, operation: scan.operation, at: t, trace: scan.trace)
        }
        if c.massActionBurst && c.mutatingVerbs.contains(scan.verb) {
            f.massActionBurst = windows.noteMutating(a, tool: scan.tool, at: t)
        }
        return f
    }
}
