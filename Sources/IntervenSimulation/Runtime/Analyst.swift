package import IntervenCore
package import IntervenScenario

/// A piece of work for the analyst: a new approval or a new incident, with the ground truth
/// of its agent when it appeared.
package struct AnalystWork: Sendable {
    package enum Kind: UInt8, Sendable { case approval, incident }
    package var kind: Kind
    package var time: SimTime
    package var agent: Int32
    /// The approval's or incident's per-agent ordinal.
    package var ordinal: UInt32
    package var label: GroundTruth
    /// The incident's trigger (0 for an approval): with the agent and the time, what identifies
    /// the work across runs whose other work differs.
    package var trigger: UInt8 = 0

    package init(kind: Kind, time: SimTime, agent: Int32, ordinal: UInt32, label: GroundTruth, trigger: UInt8 = 0) {
        self.kind = kind; self.time = time; self.agent = agent; self.ordinal = ordinal; self.label = label; self.trigger = trigger
    }

    /// Canonical order: the same whatever shard reported it.
    static func before(_ a: AnalystWork, _ b: AnalystWork) -> Bool {
        (a.time, a.agent, a.kind.rawValue, a.ordinal) < (b.time, b.agent, b.kind.rawValue, b.ordinal)
    }
}

/// What the analyst does, delivered to the agent's shard at `time`.
package struct AnalystDecision: Sendable {
    package enum Action: Sendable {
        case decideApproval(approve: Bool)
        case investigate
        case close(Resolution)
    }
    package var time: SimTime
    package var agent: Int32
    package var ordinal: UInt32
    package var action: Action
}

/// The simulated analyst team (docs/behaviour.md §14): a FIFO queue worked by `headcount` analysts, deciding
/// from ground truth with the configured accuracy.
///
/// It runs on the coordinator between epochs, in the canonical order of the work, so its
/// decisions never depend on the shard count. Each piece of work draws from its own stream,
/// keyed by its identity under the run's seed: kind, agent, time and (for an incident) trigger,
/// not its position in any sequence. A rule change that adds or removes other work, even of the
/// same agent, does not change the verdict or the response time drawn for an unchanged approval
/// or incident (only when it is worked, if the queue moved).
package struct AnalystDesk: Sendable {
    let model: AnalystModel
    /// The pending TTL in force from each time on (an approval's expiry is fixed when it is created).
    let approvalTTLs: [(from: SimTime, ttl: SimDuration)]
    private let seed: UInt64
    /// When each analyst is next free.
    private var freeAt: [SimTime]

    /// The pending TTL in force over time: the rules' then every timeline rules change's.
    package static func approvalTTLs(of scenario: Scenario) -> [(from: SimTime, ttl: SimDuration)] {
        var ttls: [(from: SimTime, ttl: SimDuration)] = [(.zero, scenario.rules.approvals.pendingTTL)]
        for e in scenario.timeline { if case .setRules(let r, _) = e.action { ttls.append((SimTime.zero + e.at, r.approvals.pendingTTL)) } }
        return ttls
    }

    package init(model: AnalystModel, seed: UInt64, approvalTTLs: [(from: SimTime, ttl: SimDuration)]) {
        self.model = model
        self.approvalTTLs = approvalTTLs
        self.seed = seed
        freeAt = Array(repeating: .zero, count: max(1, model.headcount))
    }

    /// The soonest any decision can follow the work that caused it: half the shortest response
    /// (an incident is marked investigating halfway through its triage).
    package var minimumDelay: SimDuration { SimDuration(milliseconds: model.responseTime.minimum.milliseconds / 2) }

    /// Assigns new work (in canonical order) and returns the resulting decisions.
    package mutating func assign(_ work: [AnalystWork]) -> [AnalystDecision] {
        var out: [AnalystDecision] = []
        for w in work.sorted(by: AnalystWork.before) {
            if w.kind == .approval && !model.decidesApprovals { continue }
            if w.kind == .incident && !model.triagesIncidents { continue }
            // The analyst free soonest (lowest index on ties) takes it.
            var k = 0
            for i in freeAt.indices where freeAt[i] < freeAt[k] { k = i }
            let start = max(freeAt[k], w.time)
            // An approval that expired while queued has left the Pending tab: nobody works it.
            if w.kind == .approval && start > w.time + ttl(at: w.time) { continue }
            var rng = Self.stream(for: w, seed: seed)
            let done = start + model.responseTime.draw(&rng)
            freeAt[k] = done
            let correct = rng.nextBelow(1_000_000) < UInt64(max(0, model.accuracy.micros))
            switch w.kind {
            case .approval:
                let truthApproves = w.label == .benign
                out.append(AnalystDecision(time: done, agent: w.agent, ordinal: w.ordinal,
                                           action: .decideApproval(approve: correct ? truthApproves : !truthApproves)))
            case .incident:
                // Investigating once they have looked (halfway), closed when done.
                let looked = start + SimDuration(milliseconds: (done.milliseconds - start.milliseconds) / 2)
                out.append(AnalystDecision(time: looked, agent: w.agent, ordinal: w.ordinal, action: .investigate))
                out.append(AnalystDecision(time: done, agent: w.agent, ordinal: w.ordinal,
                                           action: .close(Self.resolution(for: w.label, correct: correct))))
            }
        }
        return out
    }

    /// The random stream of one piece of work: its identity hashed with the seed.
    static func stream(for w: AnalystWork, seed: UInt64) -> RandomStream {
        var h = analystStream
        h = splitMix64(h ^ ((UInt64(w.kind.rawValue) << 40) | (UInt64(w.trigger) << 32) | UInt64(UInt32(bitPattern: w.agent))))
        h = splitMix64(h ^ UInt64(bitPattern: w.time.milliseconds))
        return RandomStream(seed: seed, stream: h)
    }

    private static let analystStream = stableHash("analyst")

    private func ttl(at t: SimTime) -> SimDuration {
        // Rules changes at the same instant as a scan apply before it (tenant-wide events first).
        approvalTTLs.last { $0.from <= t }?.ttl ?? .zero
    }

    /// The resolution consistent with the ground truth, or a plausible wrong one.
    static func resolution(for label: GroundTruth, correct: Bool) -> Resolution {
        switch (label, correct) {
        case (.benign, true): .falsePositive
        case (.benign, false): .agentMisbehavior
        case (.misbehaving, true): .agentMisbehavior
        case (.compromised, true): .agentCompromised
        case (.misbehaving, false), (.compromised, false): .falsePositive
        }
    }
}
