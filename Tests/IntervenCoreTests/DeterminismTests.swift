import IntervenCore
import IntervenTesting
import Testing

/// A seeded pseudo-random stream built on the core's SplitMix64.
private struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return splitMix64(state)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
}

/// What an observer of the incident list sees, in comparable form.
private struct IncidentDigest: Equatable {
    var id: IncidentID
    var title: String
    var severity: Severity
    var agent: AgentIndex
    var trigger: String
    var status: IncidentStatus
    var resolution: Resolution?
    var openedAt: SimTime
    var traces: [TraceRef]
    var actions: [ResponseAction]
    var notes: [Note]

    init(_ i: Incident, symbols: SymbolTable) {
        id = i.id; title = i.title; severity = i.severity; agent = i.agent
        trigger = "\(i.trigger.kind):\(symbols[i.trigger.key])"
        status = i.status; resolution = i.resolution; openedAt = i.openedAt
        traces = i.traces; actions = i.actions; notes = i.notes
    }
}

/// Everything a run produced that a user can see.
private struct RunRecord: Equatable {
    var verdicts: [Verdict] = []
    var trustChanges: [TrustChange] = []
    var incidents: [IncidentDigest] = []
    var alerts: [Alert] = []
    var anomalies: [AnomalySignal] = []
    var approvals: [Approval] = []
    var finalTrust: [Score] = []
}

/// Drives a gateway with a seeded stream of scans over 50 agents, with operator actions mixed in.
private func run(seed: UInt64, scans: Int = 4000) throws -> RunRecord {
    var rng = SplitMix(state: seed)
    var roster = AgentRoster(seed: seed)
    let runtimes = Runtime.allCases
    for i in 0..<50 { roster.add(name: "agent-\(i)", runtime: runtimes[i % runtimes.count]) }
    var g = Gateway(rules: try defaults(), roster: roster)
    g.recordsTrustChanges = true
    var out = RunRecord()

    let shapes: [(tool: String, op: String, verb: Verb)] = [
        ("github", "list_repos", .read), ("github", "merge_pr", .write), ("github", "create_gist", .write),
        ("gdrive", "download", .read), ("gdrive", "share_file_external", .write), ("gdrive", "upload", .write),
        ("slack", "post_message", .write), ("slack", "upload_file", .write), ("aws", "create_user", .admin),
        ("aws", "attach_policy", .admin), ("jira", "close_ticket", .write), ("custom_proxy", "get", .read),
    ]
    let hosts = ["api.example", "files.example", "malware-drop.example", "login-verify.example", "attacker.example",
                 "203.0.113.66", "c2-beacon.example"]
    let classes: [DataClasses] = [[], [], [], [.secrets], [.pii], [.phi], [.internal], [.secrets, .pii]]
    let principals = ["", "arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws:iam::aws:policy/ReadOnlyAccess"]

    var time = at(h: 1)
    var key: Int32 = -1
    for n in 0..<scans {
        time = time + SimDuration(milliseconds: Int64(rng.below(8_000)))
        let agent = AgentIndex(rng.below(50))
        let shape = shapes[rng.below(shapes.count)]
        let host = rng.chance(6) ? hosts[2 + rng.below(hosts.count - 2)] : hosts[rng.below(2)]
        let useKey = key >= 0 && agent == 7 && rng.chance(50)
        let scan = Scan(time: time, agent: agent, tool: g.intern(shape.tool), operation: g.intern(shape.op), verb: shape.verb,
                        isExternal: rng.chance(30), dataClasses: classes[rng.below(classes.count)], host: g.intern(host),
                        principal: g.intern(principals[rng.below(principals.count)]),
                        risk: Score(micros: Int32(rng.below(1_000_001))), bodySize: Int32(rng.below(4096)),
                        signature: UInt64(agent) << 8 | UInt64(rng.below(12)), trace: TraceID(n + 1),
                        ephemeralKey: useKey ? key : Scan.liveKey)
        out.verdicts.append(g.process(scan))

        // Operator actions, in the same order in every run.
        if n == 100 {
            key = g.mintEphemeralKey(for: 7, scope: EphemeralScope(tools: ["github"], verbs: VerbSet([.read]), ttl: .hours(1), maxUses: 20),
                                     at: time)
        }
        if n % 37 == 0, let pending = g.latestPendingApproval(of: agent, at: time) {
            try g.decideApproval(pending, approve: rng.chance(60), by: "analyst", at: time)
        }
        if n % 211 == 0, let open = g.desk.incidents.first(where: { $0.status != .closed }) {
            if open.status == .open && rng.chance(50) {
                try g.transition(open.id, to: .investigating, by: "analyst", at: time)
                try g.addNote(open.id, author: "analyst", text: "looking at \(open.title)", at: time)
            } else {
                try g.transition(open.id, to: .closed, resolution: Resolution.allCases[rng.below(5)], by: "analyst", at: time)
            }
        }
        if n == 1500 { try g.suspend(13, at: time) }
        if n == 2500 { try g.reactivate(13, at: time); try g.resetTrust(13, at: time) }
    }
    g.settle(until: time + .hours(2))
    out.trustChanges = g.drainTrustChanges()
    out.incidents = g.desk.incidents.map { IncidentDigest($0, symbols: g.symbols) }
    out.alerts = g.desk.alerts
    out.anomalies = g.anomalies
    out.approvals = g.approvals
    out.finalTrust = (0..<50).map { g.trustScore(of: AgentIndex($0)) }
    return out
}

@Suite("Determinism")
struct DeterminismTests {
    @Test("two gateways fed the same seeded stream produce identical verdicts, trust changes and incidents")
    func sameStreamSameResult() throws {
        let a = try run(seed: 20_240_601)
        let b = try run(seed: 20_240_601)

        // The stream exercises the interesting paths, so the comparison means something.
        #expect(a.verdicts.count == 4000)
        #expect(a.verdicts.contains { $0.decision == .deny && !$0.isGateDeny })
        #expect(a.verdicts.contains { $0.reasons.contains(.threatIntelMatch) })
        #expect(a.verdicts.contains { $0.decision == .requireApproval })
        #expect(a.verdicts.contains { $0.reasons.contains(.agentSuspended) })
        let kinds = Set(a.incidents.map { $0.trigger.split(separator: ":").first.map(String.init) ?? "" })
        #expect(kinds.isSuperset(of: ["threat_intel", "critical_deny", "repeated_deny"]))
        #expect(a.trustChanges.count > 100)

        #expect(a.verdicts == b.verdicts)
        #expect(a.trustChanges == b.trustChanges)
        #expect(a.incidents == b.incidents)
        #expect(a.alerts == b.alerts)
        #expect(a.anomalies == b.anomalies)
        #expect(a.approvals == b.approvals)
        #expect(a.finalTrust == b.finalTrust)
    }

    @Test("a different seed gives a different run (the comparison above can tell runs apart)")
    func differentSeedDiffers() throws {
        let a = try run(seed: 1, scans: 1000)
        let b = try run(seed: 2, scans: 1000)
        #expect(a != b)
    }
}

@Suite("UUID strings")
struct UUIDStringTests {
    /// The layout as first written (hex strings padded, then cut): ids in results files and
    /// databases must not change with the faster formatter.
    static func reference(_ hi: UInt64, _ lo: UInt64) -> String {
        let a = (hi & 0xFFFF_FFFF_FFFF_0FFF) | 0x4000
        let b = (lo & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        func hex(_ v: UInt64) -> String {
            let s = String(v, radix: 16)
            return String(repeating: "0", count: 16 - s.count) + s
        }
        let h = hex(a), l = hex(b)
        return "\(h.prefix(8))-\(h.dropFirst(8).prefix(4))-\(h.suffix(4))-\(l.prefix(4))-\(l.suffix(12))"
    }

    @Test("uuidString writes the version 4 layout of its two values, leading zeros included")
    func sameAsReference() {
        #expect(uuidString(0, 0) == "00000000-0000-4000-8000-000000000000")
        #expect(uuidString(.max, .max) == "ffffffff-ffff-4fff-bfff-ffffffffffff")
        #expect(uuidString(0x0123_4567_89AB_CDEF, 0x0FED_CBA9_8765_4321) == "01234567-89ab-4def-8fed-cba987654321")
        var x: UInt64 = 42
        for _ in 0..<10_000 {
            x = splitMix64(x)
            let y = splitMix64(x ^ 0x7ACE) >> (x & 63)
            #expect(uuidString(x >> (y & 31), y) == Self.reference(x >> (y & 31), y))
        }
    }
}
