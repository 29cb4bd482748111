import IntervenCore
import IntervenLoading
import IntervenSimulation
import IntervenScenario
import IntervenTesting
import Testing

/// Two quiet agents (`agent-1`, `agent-2`) listing PRs once a minute for an hour, plus the given
/// timeline; every test adds one operator action and looks for its effect in the result.
private func run(_ timeline: [TimelineEvent], rules edit: (inout Rules) -> Void = { _ in },
                 mix: [WeightedTemplate]? = nil) async throws -> RunResult {
    var rules = try RulesFile.defaults()
    edit(&rules)
    let group = AgentGroup(name: "pair", count: 2, namePattern: "{n}", runtime: .mcp,
                           arrivals: Arrivals(.constant(rate("1/min"))),
                           mix: mix ?? [WeightedTemplate(op("github.list_prs"), weight: 1)],
                           behavior: Behavior(backoffAfterDenies: 0))   // no pause after denies: one scan a minute
    var s = Scenario(name: "timeline", duration: .hours(1), rules: rules, groups: [group], timeline: timeline)
    s.groups[0].namePattern = "agent-{n}"
    return await Simulation(scenario: s, shards: 2).run()
}

/// Three DENYs by `agent-1` at 5 min (Google Drive external shares, denied by P8).
private func denies(_ n: Int = 3, at: SimDuration = .minutes(5)) -> TimelineEvent {
    TimelineEvent(at: at, action: .scan(agent: "agent-1", template: op("gdrive.share_file_external"), count: n, spacing: .seconds(5)))
}

private func agent(_ r: RunResult, _ name: String) throws -> AgentSnapshot {
    try #require(r.agents.first { $0.name == name })
}

private func count(_ r: RunResult, _ name: String, _ code: String) throws -> Int {
    try agent(r, name).reasonCounts.first { $0.code == code }?.count ?? 0
}

@Suite("Timeline operator actions show in the result")
struct TimelineActionTests {
    @Test("suspend: the agent is denied from then on, and the series records it")
    func suspend() async throws {
        let r = try await run([TimelineEvent(at: .minutes(10), action: .suspend(agent: "agent-1"))])
        #expect(try count(r, "agent-1", "AGENT_SUSPENDED") >= 48)
        #expect(try count(r, "agent-2", "AGENT_SUSPENDED") == 0)
        #expect(try agent(r, "agent-1").trust.suspended)
        #expect(r.trust.contains { $0.agent == "agent-1" && $0.cause == .suspended && $0.time == SimTime.zero + .minutes(10) })
    }

    @Test("reactivate: the denials stop, trust stays as it was")
    func reactivate() async throws {
        let r = try await run([TimelineEvent(at: .minutes(10), action: .suspend(agent: "agent-1")),
                               TimelineEvent(at: .minutes(20), action: .reactivate(agent: "agent-1"))])
        #expect(try (9...10).contains(count(r, "agent-1", "AGENT_SUSPENDED")))
        #expect(try !agent(r, "agent-1").trust.suspended)
        #expect(r.trust.contains { $0.agent == "agent-1" && $0.cause == .reactivated && !$0.suspended })
    }

    @Test("reset trust: back to 1.0 and counters zeroed")
    func resetTrust() async throws {
        let r = try await run([denies(), TimelineEvent(at: .minutes(30), action: .resetTrust(agent: "agent-1"))])
        let reset = try #require(r.trust.first { $0.cause == .reset })
        #expect(reset.time == SimTime.zero + .minutes(30) && reset.trust == .one)
        #expect(try agent(r, "agent-1").trust.counters[.deny] == 0)
    }

    @Test("approve and deny: the approval's status, the identical retry, and the analyst-deny trust drop",
          arguments: [true, false])
    func decide(_ approve: Bool) async throws {
        let r = try await run([TimelineEvent(at: .seconds(90), action: .decideApproval(agent: "agent-1", approve: approve))],
                              rules: { $0.trust.initial = Score(micros: 900_000) },
                              mix: [WeightedTemplate(op("github.merge_pr"), weight: 1)])
        #expect(r.approvals[approve ? .approved : .denied] == 1)
        #expect(r.trust.contains { $0.agent == "agent-1" && $0.cause == (approve ? .approvalRetry : .analystDeny) })
    }

    @Test("transition and close: the incident's status changes and resolution")
    func lifecycle() async throws {
        let sel = IncidentSelector(agent: "agent-1", trigger: .repeatedDeny)
        let r = try await run([denies(5),
                               TimelineEvent(at: .minutes(20), actor: "bob", action: .transition(sel, to: .investigating, resolution: nil)),
                               TimelineEvent(at: .minutes(30), actor: "bob", action: .transition(sel, to: .closed, resolution: .falsePositive))])
        let i = try #require(r.incidents.first { $0.trigger == .repeatedDeny })
        #expect(i.status == .closed && i.resolution == .falsePositive)
        #expect(i.statusChanges.map(\.status) == [.open, .investigating, .closed])
        #expect(i.statusChanges.last?.actor == "bob" && i.closedAt == SimTime.zero + .minutes(30))
    }

    @Test("an illegal transition is refused, listed with its reason, and changes nothing")
    func refused() async throws {
        let sel = IncidentSelector(agent: "agent-1", trigger: .repeatedDeny)
        let r = try await run([denies(5), TimelineEvent(at: .minutes(20), action: .transition(sel, to: .closed, resolution: nil))])
        #expect(r.refusedActions.count == 1)
        #expect(r.refusedActions.first?.reason.contains("resolution") == true)
        #expect(r.incidents.first { $0.trigger == .repeatedDeny }?.status == .open)
    }

    @Test("a scenario built in code that names an unknown agent gets its actions refused once, not a crash")
    func unknownAgent() async throws {
        let r = try await run([TimelineEvent(at: .minutes(5), action: .suspend(agent: "ghost")),
                               TimelineEvent(at: .minutes(6), action: .scan(agent: "ghost", template: op("github.list_prs"), count: 2, spacing: .seconds(1)))])
        #expect(r.refusedActions.map(\.reason) == ["no agent named 'ghost'", "no agent named 'ghost'"])
        #expect(r.refusedActions.map(\.time) == [SimTime.zero + .minutes(5), SimTime.zero + .minutes(6)])
    }

    @Test("note: appended with author and time")
    func note() async throws {
        let r = try await run([denies(5), TimelineEvent(at: .minutes(20), actor: "alice",
                                                       action: .addNote(IncidentSelector(agent: "agent-1"), text: "false alarm?"))])
        let notes = r.incidents.flatMap(\.notes)
        #expect(notes.count == 1 && notes.first?.author == "alice" && notes.first?.text == "false alarm?")
    }

    @Test("respond: rotate key, suspend, notify and ticket are recorded on the incident and take effect")
    func respond() async throws {
        let sel = IncidentSelector(agent: "agent-1", trigger: .repeatedDeny)
        let base = try await run([denies(5)])
        let r = try await run([denies(5),
                               TimelineEvent(at: .minutes(20), action: .respond(sel, .rotateKey)),
                               TimelineEvent(at: .minutes(21), action: .respond(sel, .notify(channel: "#sec"))),
                               TimelineEvent(at: .minutes(22), action: .respond(sel, .openTicket(system: "jira"))),
                               TimelineEvent(at: .minutes(30), action: .respond(sel, .suspendAgent))])
        let i = try #require(r.incidents.first { $0.trigger == .repeatedDeny })
        let operatorActions = i.actions.filter { $0.actor != "auto" }.map(\.kind)
        #expect(operatorActions == [.rotateKey, .notifyChannel, .openTicket, .suspendAgent])
        #expect(try agent(r, "agent-1").keyPrefix != agent(base, "agent-1").keyPrefix)
        #expect(try agent(r, "agent-1").trust.suspended)
    }

    @Test("rotate key: the agent's key prefix changes, with no incident needed")
    func rotateKey() async throws {
        let base = try await run([])
        let r = try await run([TimelineEvent(at: .minutes(10), action: .rotateKey(agent: "agent-2"))])
        #expect(try agent(r, "agent-2").keyPrefix != agent(base, "agent-2").keyPrefix)
        #expect(try agent(r, "agent-1").keyPrefix == agent(base, "agent-1").keyPrefix)
        #expect(r.refusedActions.isEmpty)
    }

    @Test("manual incident: opened by the operator from the agent's last traces")
    func manual() async throws {
        let r = try await run([TimelineEvent(at: .minutes(10), actor: "carol",
                                             action: .openManualIncident(agent: "agent-2", severity: .low, traces: 3, title: "odd"))])
        let i = try #require(r.incidents.first { $0.trigger == .manual })
        #expect(i.agent == "agent-2" && i.openedBy == "carol" && i.title == "odd" && i.severity == .low)
        #expect(i.traces.count == 3 && i.traces.allSatisfy { $0.time <= SimTime.zero + .minutes(10) })
    }

    @Test("override: a quarantine added mid-run denies the agent from then on")
    func quarantine() async throws {
        let r = try await run([TimelineEvent(at: .minutes(30), action: .addOverride(AgentOverride(agent: "agent-2", quarantine: true)))])
        #expect(try (29...30).contains(count(r, "agent-2", "AGENT_QUARANTINED")))
        #expect(try count(r, "agent-1", "AGENT_QUARANTINED") == 0)
    }

    @Test("indicator: a host added to a feed is a threat-intel match from then on")
    func indicator() async throws {
        let r = try await run([TimelineEvent(at: .minutes(30), action: .addIndicator(feed: "urlhaus", host: "api.github.com"))])
        let ti = r.incidents.filter { $0.trigger == .threatIntel }
        #expect(ti.count == 2)
        #expect(ti.allSatisfy { $0.key == "urlhaus" && $0.openedAt >= SimTime.zero + .minutes(30) })
    }

    @Test("set rules: a threshold changed mid-run applies from then on")
    func setRules() async throws {
        var stricter = try RulesFile.defaults()
        stricter.triggers.repeatedDenyCount = 3
        let before = try await run([denies(3)])
        let after = try await run([TimelineEvent(at: .minutes(1), action: .setRules(stricter, change: "triggers.repeated_deny.count=3")),
                                   denies(3)])
        #expect(!before.incidents.contains { $0.trigger == .repeatedDeny })
        #expect(after.incidents.contains { $0.trigger == .repeatedDeny })
    }

    @Test("scan: scripted scans are sent at their times")
    func scan() async throws {
        let r = try await run([denies(3, at: .minutes(7))])
        #expect(try count(r, "agent-1", "SENSITIVE_DATA_EGRESS") == 3)
        let drops = r.trust.filter { $0.agent == "agent-1" && $0.cause == .deny }.map(\.time)
        #expect(drops == [.minutes(7), .minutes(7) + .seconds(5), .minutes(7) + .seconds(10)].map { SimTime.zero + $0 })
    }
}

@Suite("Closed loop: backing off after denies")
struct BackoffTests {
    @Test("after 5 denies in a row the agent pauses 5 minutes before scanning again")
    func backoff() async throws {
        let group = AgentGroup(name: "one", count: 1, namePattern: "solo", runtime: .custom,
                               arrivals: Arrivals(.constant(rate("1/min"))), mix: [WeightedTemplate(op("github.list_prs"), weight: 1)])
        let s = Scenario(name: "backoff", duration: .hours(1), rules: try RulesFile.defaults(), groups: [group],
                         timeline: [TimelineEvent(at: .zero, action: .suspend(agent: "solo"))])
        let r = await Simulation(scenario: s, shards: 1).run()
        let solo = try #require(r.agents.first)
        // Bursts of 5 one-minute scans, then 5 minutes of silence: about 10 minutes per 5 denies.
        #expect((25...35).contains(Int(solo.totalCalls)), "calls: \(solo.totalCalls)")
        #expect(solo.reasonCounts.first { $0.code == "AGENT_SUSPENDED" }?.count == Int(solo.totalCalls))
    }
}

@Suite("Review fixes: rules changes, sampling, arrival rates")
struct RuntimeEdgeTests {
    @Test("an indicator added mid-run survives a later rules change")
    func indicatorSurvivesSetRules() async throws {
        let rules = try RulesFile.defaults()
        var later = rules
        later.triggers.repeatedDenyCount = 3
        let probe = op("custom_proxy.transfer_funds", host: .fixed("new-bad.example"))
        let group = AgentGroup(name: "one", count: 1, namePattern: "solo", runtime: .custom,
                               arrivals: Arrivals(.poisson(rate("0/h"))), mix: [WeightedTemplate(probe, weight: 1)])
        let s = Scenario(name: "ti", duration: .hours(3), rules: rules, groups: [group], timeline: [
            TimelineEvent(at: .minutes(10), action: .addIndicator(feed: "urlhaus", host: "new-bad.example")),
            TimelineEvent(at: .hours(1), action: .setRules(later, change: "triggers.repeated_deny.count=3")),
            TimelineEvent(at: .hours(2), action: .scan(agent: "solo", template: probe, count: 1, spacing: .seconds(1))),
        ])
        let r = await Simulation(scenario: s, shards: 1).run()
        #expect(r.incidents.contains { $0.trigger == .threatIntel && $0.key == "urlhaus" })
    }

    @Test("trust samples include the idle credit due at the sample time")
    func samplesIncludeIdleCredit() async throws {
        let group = AgentGroup(name: "one", count: 1, namePattern: "solo", runtime: .custom,
                               arrivals: Arrivals(.poisson(rate("0/h"))), mix: [WeightedTemplate(op("github.list_prs"), weight: 1)])
        let s = Scenario(name: "idle", duration: .hours(5), rules: try RulesFile.defaults(), groups: [group], timeline: [
            TimelineEvent(at: .minutes(10), action: .scan(agent: "solo", template: op("gdrive.share_file_external"), count: 3, spacing: .seconds(1))),
        ], trustSampleInterval: .hours(1))
        let r = await Simulation(scenario: s, shards: 1).run()
        // 0.85 after three denies at 00:10; +0.01 at the end of each idle hour from 00:10:02.
        #expect(r.trust.map(\.trust) == ["1", "0.85", "0.86", "0.87", "0.88"].map { Score.parse($0)! })
    }

    @Test("Poisson arrivals keep their mean at high rates (whole-millisecond gaps are not biased short)")
    func highRateMean() throws {
        var rng = RandomStream(seed: 3, stream: 3)
        let a = Arrivals(.poisson(rate("100/s")))
        var t = SimTime.zero, n = 0
        while let next = a.next(after: t, rng: &rng), next.milliseconds < 1_000_000 { t = next; n += 1 }
        #expect(abs(n - 100_000) < 1_500, "got \(n) arrivals in 1000 s at 100/s")
    }

    @Test("more shards than agents run as one shard per agent, with the same result")
    func fewAgents() async throws {
        let group = AgentGroup(name: "two", count: 2, namePattern: "a-{n}", runtime: .custom,
                               arrivals: Arrivals(.poisson(rate("1/min"))), mix: [WeightedTemplate(op("github.list_prs"), weight: 1)])
        let s = Scenario(name: "few", duration: .hours(1), rules: try RulesFile.defaults(), groups: [group])
        #expect(Simulation(scenario: s, shards: 64).shards == 2)
        let a = await Simulation(scenario: s, shards: 64).run()
        let b = await Simulation(scenario: s, shards: 1).run()
        #expect(a.fingerprint == b.fingerprint)
    }
}

@Suite("Closed loop across phases")
struct PhaseLoopTests {
    @Test("a phase that changes arrivals keeps an approved retry and a backoff pause")
    func phaseKeepsRetryAndPause() async throws {
        var rules = try RulesFile.defaults()
        rules.trust.initial = Score(micros: 900_000)
        let merger = AgentGroup(name: "m", count: 1, namePattern: "merger", runtime: .cursor,
                                arrivals: Arrivals(.constant(rate("1/min"))), mix: [WeightedTemplate(op("github.merge_pr"), weight: 1)],
                                behavior: Behavior(pollInterval: .seconds(30)),
                                phases: [Phase(at: .minutes(3) + .seconds(5), arrivals: Arrivals(.constant(rate("2/min"))))])
        let denied = AgentGroup(name: "d", count: 1, namePattern: "denied", runtime: .cursor,
                                arrivals: Arrivals(.constant(rate("1/min"))), mix: [WeightedTemplate(op("gdrive.share_file_external"), weight: 1)],
                                phases: [Phase(at: .minutes(7), arrivals: Arrivals(.constant(rate("1/min"))))])
        let s = Scenario(name: "phase-loop", duration: .minutes(30), rules: rules, groups: [merger, denied],
                         timeline: [TimelineEvent(at: .minutes(3), action: .decideApproval(agent: "merger", approve: true))])
        let r = await Simulation(scenario: s, shards: 1).run()
        // The approved merge is still retried (its +0.02), although the phase changed arrivals
        // between the approval and the agent's next poll.
        #expect(r.trust.contains { $0.agent == "merger" && $0.cause == .approvalRetry })
        // The denied agent sends 5 scans a minute apart (the first within minute one), pauses
        // 5 minutes, and the phase at 7 min falls in the pause without ending it early.
        let denies = r.trust.filter { $0.agent == "denied" && $0.cause == .deny }.map(\.time)
        let fifth = try #require(denies.dropFirst(4).first)
        #expect(fifth < SimTime.zero + .minutes(5) && fifth + .minutes(5) > SimTime.zero + .minutes(7))
        let next = try #require(denies.dropFirst(5).first)
        #expect(next >= fifth + .minutes(5), "the pause after the fifth deny lasts its 5 minutes")
    }
}
