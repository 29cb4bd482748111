import IntervenCore
import IntervenCheck
import IntervenScenario
import IntervenSimulation

/// The limits a run must fit before it starts: at most `--max-scans` expected scans, and a peak
/// memory the machine has available. Both come from `RunEstimate`; a run beyond them is refused
/// as invalid input (exit 2) with the estimate and what to change.
enum RunBudget {
    /// The default `--max-scans`: ten billion (about 40 minutes on two shards of this project's
    /// 2-core benchmark machine).
    static let defaultMaxScans: UInt64 = 10_000_000_000

    /// Scans per second one shard reaches (release build, benchmark tenant; a debug build is
    /// about ten times slower), for the ETA.
    static var scansPerSecondPerShard: Double {
        #if DEBUG
        return 400_000
        #else
        return 4_000_000
        #endif
    }

    /// Trust samples per second a run records and writes (release; debug about 30 times slower).
    static var trustRowsPerSecond: Double {
        #if DEBUG
        return 150_000
        #else
        return 4_000_000
        #endif
    }

    /// The `--max-scans` help text.
    static let maxScansHelp = "Refuse a run expected to send more scans than this (default 10,000,000,000)."

    /// Why a run of `scenario` (estimated as `estimate`) may not start, or nil. `available` is
    /// the machine's available memory (nil: unknown, not checked).
    static func refusal(_ estimate: RunEstimate, _ scenario: Scenario, maxScans: UInt64, available: Double?) -> String? {
        if estimate.scans > Double(maxScans) {
            return "\(scenario.name): expected about \(count(estimate.scans)) scans (\(agents(estimate.agents)) "
                + "over \(scenario.duration)), more than --max-scans \(count(Double(maxScans))); raise --max-scans to run it anyway, "
                + "or lower the rates, the agents or the duration"
        }
        if let available, estimate.memoryBytes > available {
            let rows = estimate.sampledTrustRows ?? 0
            let byRows = rows * RunEstimate.memoryPerTrustRow
            let change = byRows > Double(estimate.agents) * RunEstimate.memoryPerAgent
                ? "set trust_sample to a longer interval (\(count(rows)) trust.csv rows from trust_sample: \(scenario.trustSampleInterval ?? .zero) over \(scenario.duration) for \(agents(estimate.agents)))"
                : "run fewer agents (\(count(Double(estimate.agents))) agents at about \(bytes(RunEstimate.memoryPerAgent)) each)"
            return "\(scenario.name): needs about \(bytes(estimate.memoryBytes)) of memory, more than the \(bytes(available)) "
                + "this machine has available; \(change)"
        }
        return nil
    }

    /// The most trust rows a run may record when every change is recorded (no trust_sample),
    /// or nil when it is sampled (sized in advance) or the memory is unknown.
    static func trustRowLimit(_ estimate: RunEstimate, available: Double?, share: Int = 1) -> Int? {
        guard estimate.sampledTrustRows == nil, let available else { return nil }
        return estimate.maxTrustRows(memory: available / Double(max(1, share)))
    }

    /// The refusal of a run stopped because its series of every trust change outgrew memory.
    static func stopped(_ stop: RunStopped, _ scenario: Scenario) -> String {
        "\(scenario.name): stopped at virtual \(stop.at) of \(scenario.duration): the trust series (every change, as no "
            + "trust_sample is set) reached \(count(Double(stop.trustRows))) rows, more than the \(count(Double(stop.limit))) "
            + "that fit in this machine's available memory; set trust_sample (e.g. trust_sample: 1m) to record samples instead"
    }

    /// `expected: about 7.9 million scans, 10,100 agents, 24h; trust.csv every change; results
    /// about 12 MiB, memory about 88 MiB; ETA about 2s on 2 shards`.
    static func summary(_ estimate: RunEstimate, _ scenario: Scenario, shards: Int) -> String {
        let rows = estimate.sampledTrustRows.map { "trust.csv \(count($0)) rows" } ?? "trust.csv every change"
        let seconds = estimate.scans / (scansPerSecondPerShard * Double(max(1, shards)))
            + (estimate.sampledTrustRows ?? 0) / trustRowsPerSecond
        return "expected: about \(count(estimate.scans)) scans, \(agents(estimate.agents)), \(scenario.duration); "
            + "\(rows); results \(about(estimate.outputBytes)), memory \(about(estimate.memoryBytes)); "
            + "ETA about \(duration(seconds)) on \(Phrase.plural(shards, "shard"))"
    }

    /// A count for people: `950`, `12,345`, `7.9 million`, `31 billion`, `3.2e16`.
    static func count(_ x: Double) -> String {
        if x < 1e6 { return grouped(UInt64(x.rounded())) }
        if x < 1e9 { return fmt(x / 1e6, x < 1e7 ? 1 : 0) + " million" }
        if x < 1e13 { return fmt(x / 1e9, x < 1e10 ? 1 : 0) + " billion" }
        var exponent = 0
        var mantissa = x
        while mantissa >= 10 { mantissa /= 10; exponent += 1 }
        return fmt(mantissa, 1) + "e\(exponent)"
    }

    /// `1 agent`, `10,100 agents`.
    static func agents(_ n: Int) -> String { grouped(UInt64(n)) + (n == 1 ? " agent" : " agents") }

    /// Digits in groups of three: `10,000,000,000`.
    static func grouped(_ n: UInt64) -> String {
        let digits = Array(String(n))
        var out = ""
        for (k, d) in digits.enumerated() {
            if k > 0 && (digits.count - k) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return out
    }

    /// Bytes for people: `88 MiB`, `6.1 GiB`.
    static func bytes(_ b: Double) -> String {
        if b < 1_048_576 { return "under 1 MiB" }
        if b < 1_073_741_824 { return fmt(b / 1_048_576, 0) + " MiB" }
        return fmt(b / 1_073_741_824, 1) + " GiB"
    }

    /// `about 88 MiB`, or `under 1 MiB`.
    static func about(_ b: Double) -> String { b < 1_048_576 ? "under 1 MiB" : "about " + bytes(b) }

    /// Seconds for people: `4s`, `2m05s`, `3h10m`, `12 days`.
    static func duration(_ s: Double) -> String {
        guard s.isFinite else { return "forever" }
        if s < 60 { return "\(max(1, Int(s.rounded())))s" }
        if s < 3600 { let m = Int(s) / 60; return "\(m)m" + (Int(s) % 60 < 10 ? "0" : "") + "\(Int(s) % 60)s" }
        if s < 172_800 { let h = Int(s) / 3600; let m = (Int(s) % 3600) / 60; return "\(h)h" + (m < 10 ? "0" : "") + "\(m)m" }
        if s < 3.15e9 { return "\(Int(s / 86_400)) days" }
        return "more than a century"
    }
}
