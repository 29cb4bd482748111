import IntervenCore

/// A fixed synthetic scan stream for benchmarking the core: a tenant of benign, misbehaving and
/// compromised agents over a realistic tool catalogue, in global time order.
///
/// Every draw is a SplitMix64 hash of (seed, agent, round), so the stream is the same on every
/// machine and for every chunking, and needs no per-agent generator state.
struct SyntheticStream {
    struct Op {
        let tool: Symbol, operation: Symbol, verb: Verb, host: Symbol, url: Symbol, external: Bool
    }
    let agents: Int
    let rounds: Int
    let seed: UInt64
    /// Milliseconds between an agent's scans.
    let interval: Int64
    private let ops: [Op]
    private let benignOps: [Int]
    private let exfilRead: Int, exfilWrite: Int, iamCreate: Int, iamAttach: Int, slackPost: Int, driveShareExternal: Int,
                mergePR: Int
    private let feedHosts: [Symbol]
    private let principalAdmin: Symbol
    /// Agents ordered by their offset within an interval, so each round is in time order.
    private let order: [Int32]
    private let offsets: [Int64]
    let labels: [GroundTruth]

    init(agents: Int, rounds: Int, seed: UInt64, interval: Int64, gateway: inout Gateway) {
        self.agents = agents; self.rounds = rounds; self.seed = seed; self.interval = interval
        let catalogue: [(String, String, Verb, String, Bool)] = [
            ("github", "list_prs", .read, "api.github.com", false), ("github", "get_contents", .read, "api.github.com", false),
            ("github", "create_pr", .write, "api.github.com", false), ("github", "create_issue", .write, "api.github.com", false),
            ("github", "merge_pr", .write, "api.github.com", false),
            ("slack", "post_message", .write, "slack.com", false), ("slack", "upload_file", .write, "slack.com", false),
            ("jira", "create_issue", .write, "acme.atlassian.net", false), ("jira", "add_comment", .write, "acme.atlassian.net", false),
            ("salesforce", "query", .read, "acme.my.salesforce.com", false),
            ("salesforce", "update_record", .write, "acme.my.salesforce.com", false),
            ("notion", "search", .read, "api.notion.com", false), ("notion", "create_page", .write, "api.notion.com", false),
            ("gdrive", "upload", .write, "www.googleapis.com", false), ("gdrive", "share_file", .write, "www.googleapis.com", false),
            ("stripe", "create_customer", .write, "api.stripe.com", true),
            ("datadog", "post_event", .write, "api.datadoghq.com", false),
            ("zendesk", "update_ticket", .write, "acme.zendesk.com", false),
            ("openai", "create_completion", .write, "api.openai.com", true),
            ("aws", "s3_put_object", .write, "s3.amazonaws.com", false),
            // Special operations used by the misbehaving and compromised profiles (after the benign ones).
            ("salesforce", "export_contacts", .read, "acme.my.salesforce.com", false),
            ("custom_proxy", "transfer_funds", .write, "exfil-drop.example", true),
            ("aws", "create_user", .admin, "iam.amazonaws.com", false), ("aws", "attach_policy", .admin, "iam.amazonaws.com", false),
            ("gdrive", "share_file_external", .write, "www.googleapis.com", true),
        ]
        ops = catalogue.map { c in
            Op(tool: gateway.intern(c.0), operation: gateway.intern(c.1), verb: c.2, host: gateway.intern(c.3),
               url: gateway.intern("https://\(c.3)/\(c.0)/\(c.1)"), external: c.4)
        }
        benignOps = Array(0..<20)
        func index(_ tool: String, _ operation: String) -> Int {
            catalogue.firstIndex { $0.0 == tool && $0.1 == operation }!
        }
        exfilRead = index("salesforce", "export_contacts"); exfilWrite = index("custom_proxy", "transfer_funds")
        iamCreate = index("aws", "create_user"); iamAttach = index("aws", "attach_policy")
        driveShareExternal = index("gdrive", "share_file_external"); slackPost = index("slack", "post_message")
        mergePR = index("github", "merge_pr")
        feedHosts = ["malware-drop.example", "c2-beacon.example", "login-verify.example"].map { gateway.intern($0) }
        principalAdmin = gateway.intern("arn:aws:iam::aws:policy/AdministratorAccess")
        var offs = [Int64](repeating: 0, count: agents)
        var labs = [GroundTruth](repeating: .benign, count: agents)
        for a in 0..<agents {
            let h = splitMix64(seed ^ splitMix64(UInt64(a) &+ 0x51))
            offs[a] = Int64(h % UInt64(interval))
            let p = (h >> 32) % 1000
            labs[a] = p < 10 ? .compromised : (p < 50 ? .misbehaving : .benign)
        }
        offsets = offs
        labels = labs
        order = (0..<agents).sorted { (offs[$0], $0) < (offs[$1], $1) }.map { Int32($0) }
    }

    /// Writes round `round`'s scans (one per agent, in time order) into `buffer`.
    func fill(round: Int, into buffer: inout [Scan]) {
        buffer.removeAll(keepingCapacity: true)
        let base = Int64(round) * interval
        for a32 in order {
            let a = Int(a32)
            let h = splitMix64(seed &+ UInt64(a) &* 0x9E37_79B9 &+ UInt64(round) &* 0xC2B2_AE3D_27D4_EB4F)
            let t = SimTime(milliseconds: base + offsets[a])
            let trace = UInt64(round) &* UInt64(agents) &+ UInt64(a) &+ 1
            buffer.append(scan(agent: a, label: labels[a], round: round, h: h, time: t, trace: trace))
        }
    }

    @inline(__always)
    private func scan(agent a: Int, label: GroundTruth, round: Int, h: UInt64, time: SimTime, trace: UInt64) -> Scan {
        let roll = h % 1000
        var opIndex = benignOps[Int((h >> 10) % UInt64(benignOps.count))]
        var classes: DataClasses = []
        var host: Symbol? = nil
        var principal = Symbol.none
        var risk = Int32((h >> 20) % 400_000)          // LOW/MEDIUM mostly
        switch label {
        case .benign:
            if roll < 15 { classes = .pii }
            if roll >= 995 { risk = 500_000 + Int32((h >> 40) % 250_000) }
        case .misbehaving:
            if roll < 120 { opIndex = slackPost; classes = .secrets; risk = 600_000 + Int32((h >> 40) % 390_000) }
            else if roll < 160 { opIndex = driveShareExternal; risk = 550_000 }
            else if roll < 200 { opIndex = mergePR }   // needs an approval (policy P2)
        case .compromised:
            let phase = round % 6
            if phase == 0 { opIndex = exfilRead; classes = .pii; risk = 300_000 }
            else if phase == 1 { opIndex = exfilWrite; classes = .pii; risk = 700_000 }
            else if phase == 2 && roll < 300 { opIndex = iamCreate }
            else if phase == 3 && roll < 300 { opIndex = iamAttach; principal = principalAdmin }
            else if roll < 80 { host = feedHosts[Int(h >> 50) % feedHosts.count]; risk = 900_000 }
        }
        let op = ops[opIndex]
        return Scan(time: time, agent: AgentIndex(a), tool: op.tool, operation: op.operation, verb: op.verb,
                    isExternal: op.external || host != nil, dataClasses: classes, host: host ?? op.host, url: op.url,
                    principal: principal, risk: Score(micros: risk), bodySize: Int32(200 + (h >> 30) % 4000),
                    signature: UInt64(a) << 8 | UInt64(opIndex), trace: trace)
    }
}
