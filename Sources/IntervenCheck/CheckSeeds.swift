import IntervenCore
import IntervenScenario

// `check --seeds A..B`: every scenario judged at every seed, the verdicts joined per expectation.

extension CheckPlan {
    /// The plan with every scenario once per seed (scenario order, then seed order).
    public func expanded(seeds: [UInt64]) -> CheckPlan {
        var out: [(path: String, scenario: Scenario)] = []
        for entry in scenarios {
            for s in seeds {
                var scenario = entry.scenario
                scenario.seed = s
                out.append((entry.path, scenario))
            }
        }
        return CheckPlan(scenarios: out, errors: errors)
    }
}

extension CheckRunner {
    /// Joins the checks of an expanded plan (`CheckPlan.expanded`, in its order: each scenario's
    /// seeds together) into one check per scenario. An expectation passes when it held at every
    /// seed; one that failed at some seeds and held at others is flaky, with its failing seeds.
    /// The figures are those of the first seed, the wall time the sum.
    public static func joinSeeds(_ checks: [ScenarioCheck], seeds: [UInt64]) -> [ScenarioCheck] {
        guard seeds.count > 1 else {
            return checks.map { c in var c = c; c.seeds = seeds; return c }
        }
        var out: [ScenarioCheck] = []
        var k = 0
        while k < checks.count {
            let runs = Array(checks[k..<min(k + seeds.count, checks.count)])
            k += seeds.count
            var joined = runs[0]
            joined.seeds = seeds
            joined.wallSeconds = runs.reduce(0) { $0 + $1.wallSeconds }
            joined.stopped = runs.lazy.compactMap(\.stopped).first
            joined.writeErrors = runs.flatMap(\.writeErrors)
            joined.writeRefusal = runs.lazy.compactMap(\.writeRefusal).first
            // Every outcome by its stable id, in the order first seen.
            var order: [String] = []
            var byID: [String: (outcome: ExpectationOutcome, failing: [UInt64], seconds: Double)] = [:]
            for (run, seed) in zip(runs, seeds) {
                for o in run.outcomes {
                    if byID[o.id] == nil { order.append(o.id); byID[o.id] = (o, [], 0) }
                    byID[o.id]!.seconds += o.seconds
                    if !o.passed {
                        if byID[o.id]!.failing.isEmpty { byID[o.id]!.outcome = o }   // the first failure's evidence
                        byID[o.id]!.failing.append(seed)
                    }
                }
            }
            joined.outcomes = order.map { id in
                var (o, failing, seconds) = byID[id]!
                o.seconds = seconds
                o.seedsJudged = seeds
                o.failingSeeds = failing
                if !failing.isEmpty {
                    o.passed = false
                    if failing.count < seeds.count {
                        o.observed = "at seed \(failing[0]): " + o.observed
                    }
                }
                return o
            }
            out.append(joined)
        }
        return out
    }
}

extension ExpectationOutcome {
    /// Failed at some of the seeds judged and held at the others.
    public var flaky: Bool { !failingSeeds.isEmpty && failingSeeds.count < seedsJudged.count }

    /// `fails at seeds 3, 7 of 1..10` (seeds as a list when they are not a range).
    public var seedsText: String {
        "fails at seed\(failingSeeds.count == 1 ? "" : "s") \(failingSeeds.map(String.init).joined(separator: ", ")) of \(Self.seedsText(seedsJudged))"
    }

    static func seedsText(_ seeds: [UInt64]) -> String {
        guard let first = seeds.first, let last = seeds.last else { return "none" }
        if seeds.count > 2, SeedList.isRange(seeds) { return "\(first)..\(last)" }
        return seeds.map(String.init).joined(separator: ", ")
    }
}
