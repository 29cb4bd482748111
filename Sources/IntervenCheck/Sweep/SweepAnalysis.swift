public import IntervenCore

/// What a sweep optimises.
public enum SweepObjective: String, CaseIterable, Sendable {
    case fpRatio = "fp-ratio"
    case fpPerDay = "fp-per-1000-agent-days"
    case detection
    case precision
    case ttdP95 = "ttd-p95"
    case scrutiny
    case approvals

    /// The metric it judges.
    public var metric: SweepMetric {
        switch self {
        case .fpRatio: .falsePositiveRatio
        case .fpPerDay: .falsePositivesPerDay
        case .detection: .detectionRate
        case .precision: .precision
        case .ttdP95: .timeToDetectP95
        case .scrutiny: .scrutinyAgentHours
        case .approvals: .approvalsRequested
        }
    }

    /// Whether larger is better.
    public var maximises: Bool { self == .detection || self == .precision }

    public var phrase: String {
        switch self {
        case .fpRatio: "lowest false-positive ratio"
        case .fpPerDay: "fewest false positives per 1,000 agent-days"
        case .detection: "highest detection rate"
        case .precision: "highest precision"
        case .ttdP95: "shortest p95 time to detect"
        case .scrutiny: "fewest agent-hours in scrutiny"
        case .approvals: "fewest approvals requested"
        }
    }
}

/// The objective, the trigger it is judged on, and the constraints a recommended cell meets
/// (on the mean across seeds).
public struct SweepCriteria: Sendable, Equatable {
    public var objective: SweepObjective
    /// `any` or a trigger name.
    public var trigger: String
    public var minDetection: Double?
    public var maxFPRatio: Double?
    public var maxTTDp95: SimDuration?

    public init(objective: SweepObjective = .fpRatio, trigger: String = "any", minDetection: Double? = nil,
                maxFPRatio: Double? = nil, maxTTDp95: SimDuration? = nil) {
        self.objective = objective; self.trigger = trigger; self.minDetection = minDetection
        self.maxFPRatio = maxFPRatio; self.maxTTDp95 = maxTTDp95
    }

    /// The constraints in words, e.g. `detection rate >= 0.9, false-positive ratio <= 0.2`.
    public var constraintsText: String {
        var parts: [String] = []
        if let minDetection { parts.append("detection rate >= \(SweepStats.fixed(minDetection, places: 3))") }
        if let maxFPRatio { parts.append("false-positive ratio <= \(SweepStats.fixed(maxFPRatio, places: 3))") }
        if let maxTTDp95 { parts.append("p95 time to detect <= \(maxTTDp95)") }
        return parts.joined(separator: ", ")
    }
}

/// The cells of one trigger ranked by the objective, which meet the constraints, the Pareto
/// front of detection rate against false-positive ratio, and the recommendation.
public struct SweepAnalysis: Sendable {
    public var criteria: SweepCriteria
    /// Best first: by the objective (undefined last), then higher detection, lower
    /// false-positive ratio, then cell number.
    public var ranked: [SweepTables.CellSummary]
    /// Cells meeting every constraint.
    public var meeting: Set<Int>
    /// Cells no other cell beats on both detection rate (higher) and false-positive ratio (lower).
    public var pareto: Set<Int>
    /// The best-ranked cell meeting the constraints.
    public var recommended: SweepTables.CellSummary?
    public var seeds: Int

    public init(cells: [SweepTables.CellSummary], criteria: SweepCriteria) {
        self.criteria = criteria
        let mine = cells.filter { $0.trigger == criteria.trigger }
        seeds = mine.first?.seeds ?? 0
        let metric = criteria.objective.metric
        func key(_ c: SweepTables.CellSummary) -> (Int, Double, Double, Double, Int) {
            let v = c.mean(metric)
            return (v == nil ? 1 : 0, criteria.objective.maximises ? -(v ?? 0) : (v ?? 0),
                    -(c.mean(.detectionRate) ?? -1), c.mean(.falsePositiveRatio) ?? 2, c.cell)
        }
        ranked = mine.sorted { key($0) < key($1) }
        var meeting = Set<Int>()
        for c in mine where Self.meets(c, criteria) { meeting.insert(c.cell) }
        self.meeting = meeting
        var front = Set<Int>()
        for c in mine {
            let d = c.mean(.detectionRate) ?? 0, f = c.mean(.falsePositiveRatio) ?? 0
            let dominated = mine.contains { o in
                let od = o.mean(.detectionRate) ?? 0, of = o.mean(.falsePositiveRatio) ?? 0
                return od >= d && of <= f && (od > d || of < f)
            }
            if !dominated { front.insert(c.cell) }
        }
        pareto = front
        recommended = ranked.first { meeting.contains($0.cell) }
    }

    static func meets(_ c: SweepTables.CellSummary, _ k: SweepCriteria) -> Bool {
        if let min = k.minDetection { guard let d = c.mean(.detectionRate), d >= min - 1e-12 else { return false } }
        if let max = k.maxFPRatio { guard let f = c.mean(.falsePositiveRatio), f <= max + 1e-12 else { return false } }
        if let max = k.maxTTDp95 { guard let t = c.mean(.timeToDetectP95), t <= Double(max.milliseconds) else { return false } }
        return true
    }

    /// `0.912 ± 0.031` (no interval for one seed).
    public static func estimate(_ c: SweepTables.CellSummary, _ m: SweepMetric, places: Int = 3) -> String {
        guard let mean = c.mean(m) else { return "-" }
        if m == .timeToDetectP95 || m == .timeToDetectP50 {
            // Whole seconds: the milliseconds of a mean across seeds are noise.
            func text(_ ms: Double) -> String { SimDuration(milliseconds: Int64((ms / 1000).rounded()) * 1000).description }
            return text(mean) + (c.halfWidth(m).map { " ± " + text($0) } ?? "")
        }
        return SweepStats.fixed(mean, places: places) + (c.halfWidth(m).map { " ± " + SweepStats.fixed($0, places: places) } ?? "")
    }

    /// The answer: which cell, why, and how sure across seeds.
    public func answer(setting: (SweepTables.CellSummary) -> String) -> String {
        let on = criteria.trigger == "any" ? "any trigger" : criteria.trigger
        guard let r = recommended else {
            let closest = ranked.first.map { " The best by the objective is cell \($0.cell) (\(setting($0))): detection \(Self.estimate($0, .detectionRate)), false-positive ratio \(Self.estimate($0, .falsePositiveRatio))." } ?? ""
            return "No cell meets \(criteria.constraintsText.isEmpty ? "the constraints" : criteria.constraintsText) on \(on) across \(seeds) seeds.\(closest)"
        }
        var why = "\(criteria.objective.phrase)"
        let n = meeting.count
        if criteria.constraintsText.isEmpty { why += " of \(ranked.count) cells" } else { why += " of the \(n) of \(ranked.count) cells with \(criteria.constraintsText)" }
        var text = "Recommended: cell \(r.cell) (\(setting(r))): detection \(Self.estimate(r, .detectionRate)), false-positive ratio \(Self.estimate(r, .falsePositiveRatio)), p95 time to detect \(Self.estimate(r, .timeToDetectP95)) on \(on), mean ± 95% interval across \(seeds) seeds; chosen for the \(why)"
        text += pareto.contains(r.cell) ? "; on the Pareto front." : "."
        var doubts: [String] = []
        if let min = criteria.minDetection, let m = r.mean(.detectionRate) {
            let low = m - (r.halfWidth(.detectionRate) ?? 0)
            if r.halfWidth(.detectionRate) == nil { doubts.append("one seed gives no interval") }
            else if low < min - 1e-12 { doubts.append("its detection interval reaches \(SweepStats.fixed(low, places: 3)), below \(SweepStats.fixed(min, places: 3))") }
        }
        if let max = criteria.maxFPRatio, let m = r.mean(.falsePositiveRatio), let h = r.halfWidth(.falsePositiveRatio), m + h > max + 1e-12 {
            doubts.append("its false-positive interval reaches \(SweepStats.fixed(m + h, places: 3)), above \(SweepStats.fixed(max, places: 3))")
        }
        if !criteria.constraintsText.isEmpty {
            text += doubts.isEmpty ? " The constraints hold across the whole 95% interval." : " Not certain: " + doubts.joined(separator: "; ") + " (more seeds would narrow it)."
        }
        if let second = ranked.first(where: { meeting.contains($0.cell) && $0.cell != r.cell }),
           let a = r.mean(criteria.objective.metric), let b = second.mean(criteria.objective.metric) {
            let ha = r.halfWidth(criteria.objective.metric) ?? 0, hb = second.halfWidth(criteria.objective.metric) ?? 0
            if abs(a - b) <= ha + hb { text += " The runner-up, cell \(second.cell) (\(setting(second))), is within the intervals." }
        }
        return text
    }
}
