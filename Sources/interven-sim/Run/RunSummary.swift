import IntervenCore
import IntervenScenario
import IntervenSimulation

/// The few lines `run` prints on stdout when a run has finished and its results are written.
enum RunSummary {
    /// For example:
    ///
    ///     interven-sim run: demo (seed 42, 2 shards, 24h virtual, 120 agents)
    ///     scans:       1234567 (ALLOW 1200000, REQUIRE_APPROVAL 100, SANITIZE 10, DENY 34457)
    ///     incidents:   12 (repeated_deny 5, threat_intel 7)
    ///     wall time:   3.456 s (357.2 k scans/s)
    ///     fingerprint: 0123456789abcdef
    ///     results:     Results/demo
    static func text(_ r: RunResult, directory: String) -> String {
        var byTrigger = [Int](repeating: 0, count: TriggerKind.allCases.count)
        for i in r.incidents { byTrigger[Int(i.trigger.rawValue)] += 1 }
        let triggers = TriggerKind.allCases.filter { byTrigger[Int($0.rawValue)] > 0 }
            .map { "\($0) \(byTrigger[Int($0.rawValue)])" }
        let decisions = Decision.allCases.map { "\($0) \(r.decisions[$0] ?? 0)" }
        return """
            interven-sim run: \(r.scenario) (seed \(r.seed), \(r.shards) shard\(r.shards == 1 ? "" : "s"), \
            \(r.duration.hoursText) virtual, \(r.agents.count) agent\(r.agents.count == 1 ? "" : "s"))
            scans:       \(r.scans) (\(decisions.joined(separator: ", ")))
            incidents:   \(r.incidents.count)\(triggers.isEmpty ? "" : " (" + triggers.joined(separator: ", ") + ")")
            wall time:   \(fmt(r.wallSeconds, 3)) s (\(ProgressDisplay.rate(perSecond: r.scansPerSecond)) scans/s)
            fingerprint: \(r.fingerprint)
            results:     \(directory)

            """
    }
}
