import IntervenSimulation
import ArgumentParser
import IntervenCore
import IntervenLoading

/// `interven-sim bench-core`: feed the pure core a fixed synthetic stream and report its speed.
struct BenchCoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-core",
        abstract: "Benchmark the gateway core alone on a fixed synthetic stream (single thread, no actors).",
        discussion: """
            Builds a tenant of --agents agents (about 95% benign, 4% misbehaving, 1% compromised), \
            then feeds the core one scan per agent per --interval for --rounds rounds, in time order, \
            with every trigger and correlation pattern of the rules on. Reports scans per second of \
            the core alone (stream generation timed apart), allocations per scan after the first \
            round, the decision mix, incidents by trigger and a fingerprint of the final state \
            (the same for the same arguments on every machine). Build with -c release.
            """
    )

    @Option(help: "Agents in the tenant.") var agents = 100_000
    @Option(help: "Scans per agent.") var rounds = 20
    @Option(help: "Virtual time between an agent's scans (e.g. 1m, 30s).") var interval = "1m"
    @Option(parsing: .unconditional, help: "Seed of the synthetic stream, 0 to 18446744073709551615.", transform: ArgumentValues.seed)
    var seed: UInt64 = 1
    @OptionGroup var rulesOptions: RulesOptions
    var rules: String? { rulesOptions.rules }
    var overrides: [String] { rulesOptions.overrides }

    /// The most agents a run may ask for (about 10 GiB of state); more is surely a typo.
    static let maxAgents = 20_000_000

    func validate() throws {
        guard (1...Self.maxAgents).contains(agents) else {
            throw ValidationError("--agents must be from 1 to \(Self.maxAgents) (got \(agents))")
        }
        guard rounds > 0 else { throw ValidationError("--rounds must be at least 1 (got \(rounds))") }
        guard let d = SimDuration.parse(interval), d.milliseconds > 0 else {
            throw ValidationError("--interval expects a positive duration like 30s, 1m or 1h30m (got '\(interval)')")
        }
        let (span, overflow) = d.milliseconds.multipliedReportingOverflow(by: Int64(rounds))
        guard !overflow, span <= SimDuration.hours(24 * 366 * 100).milliseconds else {
            throw ValidationError("--interval \(interval) x --rounds \(rounds) is longer than a century of virtual time")
        }
    }

    func run() throws {
        let loaded: Rules
        do { loaded = try RulesFile.load(path: rules, overrides: overrides) } catch {
            throw CLIFailure.invalidInput(error)
        }
        let intervalMs = SimDuration.parse(interval)!.milliseconds
        var gateway = Gateway(rules: loaded, roster: AgentRoster(seed: seed))
        let stream = SyntheticStream(agents: agents, rounds: rounds, seed: seed, interval: intervalMs, gateway: &gateway)
        let runtimes = Runtime.allCases
        for a in 0..<agents {
            _ = gateway.addAgent(name: "agent-\(a)", runtime: runtimes[a % runtimes.count], label: stream.labels[a])
        }

        var buffer: [Scan] = []
        buffer.reserveCapacity(agents)
        var decisions = [Int](repeating: 0, count: Decision.allCases.count)
        var generateNs: UInt64 = 0, processNs: UInt64 = 0
        var allocationsAfterWarmup: UInt64? = nil
        var scansAfterWarmup = 0
        for round in 0..<rounds {
            let g0 = Stopwatch.nanoseconds()
            stream.fill(round: round, into: &buffer)
            let p0 = Stopwatch.nanoseconds()
            if round == 1 { allocationsAfterWarmup = Allocator.allocationRequests() }
            for scan in buffer {
                let v = gateway.process(scan)
                decisions[Int(v.decision.rawValue)] &+= 1
            }
            let p1 = Stopwatch.nanoseconds()
            generateNs += p0 - g0
            processNs += p1 - p0
            if round >= 1 { scansAfterWarmup += buffer.count }
        }
        let allocationsEnd = Allocator.allocationRequests()
        let scans = agents * rounds
        let seconds = Double(processNs) / 1e9
        try output("interven-sim bench-core: \(agents) agents x \(rounds) rounds = \(scans) scans (seed \(seed), interval \(interval))")
        try output("core:        \(fmt(Double(scans) / seconds / 1e6, 2)) M scans/s (\(fmt(seconds, 3)) s processing; stream generation \(fmt(Double(generateNs) / 1e9, 3)) s, not counted)")
        try output("per scan:    \(fmt(Double(processNs) / Double(scans), 1)) ns")
        if let a0 = allocationsAfterWarmup, let a1 = allocationsEnd, scansAfterWarmup > 0 {
            try output("allocations: \(fmt(Double(a1 - a0) / Double(scansAfterWarmup), 4)) per scan after the first round (\(a1 - a0) jemalloc requests over \(scansAfterWarmup) scans, incidents included)")
        } else {
            try output("allocations: n/a (\(Allocator.name) keeps no request counts)")
        }
        try output("decisions:   " + Decision.allCases.map { "\($0) \(decisions[Int($0.rawValue)])" }.joined(separator: ", "))
        var byTrigger: [TriggerKind: Int] = [:]
        for i in gateway.desk.incidents { byTrigger[i.trigger.kind, default: 0] += 1 }
        try output("incidents:   \(gateway.desk.incidents.count) (" + TriggerKind.allCases.filter { byTrigger[$0] != nil }
            .map { "\($0) \(byTrigger[$0]!)" }.joined(separator: ", ") + ")")
        try output("anomalies:   \(gateway.anomalies.count)")
        try output("fingerprint: \(gateway.stateFingerprint())")
        try output("memory:      max RSS \(Machine.maxResidentBytes() / 1_048_576) MiB; allocator \(Allocator.name)")
    }
}

/// A number with a fixed count of decimals, never in exponent notation (`fmt(0.00002, 5)` is
/// `0.00002`).
func fmt(_ x: Double, _ decimals: Int) -> String {
    var p: UInt64 = 1
    for _ in 0..<decimals { p *= 10 }
    let scaled = (abs(x) * Double(p)).rounded()
    guard x.isFinite, scaled < 9e18 else { return "\(x)" }
    let n = UInt64(scaled)
    var s = "\(n / p)"
    if decimals > 0 {
        let fraction = "\(n % p)"
        s += "." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }
    return (x < 0 && n != 0 ? "-" : "") + s
}
