import AsyncHTTPClient
import Foundation
import IntervenCore
public import IntervenScenario
import IntervenSimulation
import NIOCore
import NIOHTTP1
import Synchronization

/// Per-agent closed-loop state shared by the scheduler and the request tasks.
struct AgentLive: Sendable {
    /// Waiting on an approval: no regular traffic until it is decided or times out.
    var blocked = false
    /// In a backoff pause after denies until this scenario time.
    var pausedUntil: SimTime = .zero
    var consecutiveDenies = 0
    /// The newest REQUIRE_APPROVAL's approval id, for timeline `approve`/`deny` actions.
    var lastApproval: String?
    /// The newest trace ids, for manual incidents.
    var traces: [String] = []
    /// The planned scenario times of the newest scans sent, for the analyst's incident times.
    var sent: [SimTime] = []
    /// The agent's ground truth at its newest scan (phases change it), for the analyst.
    var label: GroundTruth = .benign
}

/// Drives a live gateway with a scenario's traffic (see README, "Load-testing a live gateway").
public final class LoadRunner: Sendable {
    let scenario: Scenario
    let options: LoadOptions
    let client: HTTPClient
    let stats = LoadStats()
    let live: Mutex<[AgentLive]>
    let stopFlag = Atomic<Bool>(false)
    /// The scenario time (ms) at which sending stopped before the scenario's end (a bound or a
    /// stop), or -1.
    let endedAt = Atomic<Int64>(-1)
    let origin = ContinuousClock.now
    /// The wall-clock start, for the `.hlog` files' start time.
    let startedAt = Date()
    /// Gateway time minus scenario time (ms), measured from the first scan's trace.
    let gatewayOffset = Mutex<Int64?>(nil)
    let measuring = Atomic<Bool>(false)
    let loops = Mutex<[Task<Void, Never>]>([])
    let actionLog = Mutex<[String]>([])
    /// The analyst, when the scenario has one.
    let desk: Mutex<LiveDesk?>
    /// Global agent index by name (scenario order, as the simulation numbers agents).
    let agentIndex: [String: Int]

    public init(scenario: Scenario, options: LoadOptions) {
        self.scenario = scenario
        self.options = options
        var config = HTTPClient.Configuration()
        config.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(1, options.connections))
        config.timeout = .init(connect: .seconds(2), read: .milliseconds(Int64(options.requestTimeout * 1000)))
        client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: config)
        var states: [AgentLive] = []
        var index: [String: Int] = [:]
        for g in scenario.groups {
            for name in g.agentNames {
                index[name] = states.count
                var s = AgentLive(); s.label = g.label
                states.append(s)
            }
        }
        live = Mutex(states)
        agentIndex = index
        desk = Mutex(scenario.analyst.map {
            LiveDesk(desk: AnalystDesk(model: $0, seed: scenario.seed, approvalTTLs: AnalystDesk.approvalTTLs(of: scenario)))
        })
    }

    /// Stops sending: in-flight requests finish, what was measured is kept.
    public func stop() { stopFlag.store(true, ordering: .relaxed) }
    var stopped: Bool { stopFlag.load(ordering: .relaxed) }

    func elapsedMicros() -> Int64 {
        let d = ContinuousClock.now - origin
        return d.components.seconds * 1_000_000 + d.components.attoseconds / 1_000_000_000_000
    }

    /// Scenario time now (the wall clock since the start times the speed).
    func scenarioNow() -> SimTime { SimTime(milliseconds: Int64(Double(elapsedMicros()) / 1000 * options.speed)) }

    /// Wall µs since the start at which scenario time `t` is due.
    func due(_ t: SimTime) -> Int64 { Int64(Double(t.milliseconds) * 1000 / options.speed) }

    // MARK: HTTP

    /// One request; records its latency from `intended` (µs since the start).
    func call(_ method: HTTPMethod, _ path: String, key: String, body: String?, endpoint: String, intended: Int64? = nil,
              actor: String? = nil) async -> Answer? {
        let start = elapsedMicros()
        let intendedAt = intended ?? start
        stats.started(lagMicros: start - intendedAt)
        var headers = HTTPHeaders()
        headers.add(name: "Authorization", value: "Bearer \(key)")
        if let actor { headers.add(name: "X-Interven-Actor", value: actor) }
        if body != nil { headers.add(name: "Content-Type", value: "application/json") }
        var answer: Answer? = nil
        var failure: (FailureCause, Int?, String)? = nil
        do {
            // The future-based API: the async one spawns a task and an actor call per request
            // (its cancellation handler), a cost that showed in profiles of the generator.
            let request = try HTTPClient.Request(url: options.target + path, method: method, headers: headers,
                                                 body: body.map { .byteBuffer(ByteBuffer(string: $0)) })
            let r = try await client.execute(request: request, eventLoop: .indifferent,
                                             deadline: .now() + .milliseconds(Int64(options.requestTimeout * 1000))).get()
            let status = Int(r.status.code)
            answer = Answer(status: status, body: r.body.map { Array($0.readableBytesView) } ?? [])
            if status >= 500 { failure = (.status5xx, status, "\(endpoint): HTTP \(status)") }
            // A 409 of an operator or analyst action is the gateway refusing it (reported with it); a
            // trace not yet stored (404, answered before its commit) is asked again at the next scan.
            else if status >= 400 && !(status == 409 && (endpoint == "operator" || endpoint == "analyst")) && !(status == 404 && endpoint == "trace") { failure = (.status4xx, status, "\(endpoint): HTTP \(status)") }
        } catch {
            failure = (Self.cause(of: error), nil, "\(endpoint): \(error)")
        }
        let end = elapsedMicros()
        let decision = endpoint == "scan" ? answer?.string("decision") : nil
        stats.finished(endpoint: endpoint, decision: decision, corrected: end - intendedAt, naive: end - start,
                       second: Int(end / 1_000_000), failure: failure)
        return answer
    }

    static func cause(of error: any Error) -> FailureCause {
        if let e = error as? HTTPClientError {
            if e == .deadlineExceeded || e == .readTimeout { return .timeout }
            if e == .connectTimeout { return .connect }
        }
        let text = "\(error)".lowercased()
        if text.contains("refused") || text.contains("connect") { return .connect }
        if text.contains("timeout") || text.contains("timed out") || text.contains("deadline") { return .timeout }
        return .other
    }

    // MARK: Running

    /// Sends the scenario's traffic on schedule until its end, the wall-time bound, the request
    /// bound or `stop()`; then waits for every request and closed loop in flight.
    public func run() async {
        var traffic = TrafficModel(scenario: scenario)
        var heap = PlanHeap()
        var sequence: UInt64 = 0
        for p in traffic.timeline(sequence: &sequence) { heap.push(p) }
        for a in traffic.agents.indices {
            if let t = traffic.nextArrival(a, from: .zero, first: true) {
                heap.push(Planned(time: t, sequence: sequence, agent: Int32(a), kind: .arrival)); sequence += 1
            }
        }
        let progress: Task<Void, Never>? = options.progress ? Task { await self.progressLine() } : nil
        if scenario.analyst?.triagesIncidents == true {
            let watcher = Task { await self.watchIncidents() }
            loops.withLock { $0.append(watcher) }
        }
        let limitMicros = Int64(options.maxWallSeconds * 1_000_000)
        await withTaskGroup(of: Void.self) { group in
            var inFlight = 0
            var sent = 0
            while let p = heap.pop() {
                let dueAt = due(p.time)
                // The wall-time bound holds also when sends are behind schedule (their due times in the past).
                if stopped || sent >= options.maxRequests || dueAt > limitMicros || elapsedMicros() > limitMicros {
                    endedAt.store(min(p.time.milliseconds, scenarioNow().milliseconds), ordering: .relaxed); break
                }
                let now = elapsedMicros()
                if dueAt > now {
                    try? await Task.sleep(for: .microseconds(dueAt - now))
                    if stopped { endedAt.store(scenarioNow().milliseconds, ordering: .relaxed); break }
                }
                while inFlight >= options.connections { _ = await group.next(); inFlight -= 1 }
                switch p.kind {
                case .arrival:
                    let a = Int(p.agent)
                    let skip = live.withLock { $0[a].blocked || $0[a].pausedUntil > p.time }
                    if skip {
                        stats.note { $0.skippedWhileBlocked += 1 }
                        // The simulation still draws the scan it would have sent; keep the stream aligned.
                    } else if let req = traffic.nextScan(a) {
                        let behavior = traffic.agents[a].behavior, label = traffic.agents[a].label
                        let at = p.time
                        group.addTask { await self.scan(req, agent: a, behavior: behavior, label: label, at: at, intended: dueAt) }
                        inFlight += 1; sent += 1
                    }
                    if let t = traffic.nextArrival(a, from: p.time, first: false) {
                        heap.push(Planned(time: t, sequence: sequence, agent: p.agent, kind: .arrival)); sequence += 1
                    }
                case .timelineScan(let req):
                    let a = Int(p.agent)
                    let behavior = a >= 0 ? traffic.agents[a].behavior : Behavior()
                    let label = a >= 0 ? traffic.agents[a].label : .benign
                    let at = p.time
                    group.addTask { await self.scan(req, agent: a, behavior: behavior, label: label, at: at, intended: dueAt) }
                    inFlight += 1; sent += 1
                case .action(let k):
                    let e = scenario.timeline[k]
                    group.addTask { await self.perform(e, intended: dueAt) }
                    inFlight += 1; sent += 1
                }
            }
            // Closed loops run on to the scenario's end, as in the simulation.
            if endedAt.load(ordering: .relaxed) < 0 {
                let end = min(due(traffic.end), limitMicros)
                while !stopped, elapsedMicros() < end {
                    try? await Task.sleep(for: .microseconds(min(100_000, max(1, end - elapsedMicros()))))
                }
                if stopped { endedAt.store(scenarioNow().milliseconds, ordering: .relaxed) }
            }
            await group.waitForAll()
        }
        // Closed loops still waiting (approval polls, analyst decisions) end with the run.
        while true {
            let pending = loops.withLock { l -> [Task<Void, Never>] in let out = l; l = []; return out }
            if pending.isEmpty { break }
            for t in pending { t.cancel() }
            for t in pending { await t.value }
        }
        progress?.cancel()
        if options.progress { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    /// Shuts the HTTP client down.
    public func shutdown() async { try? await client.shutdown() }

    /// One scan planned at scenario time `at` (due at `intended` µs), and the closed loop after its answer.
    func scan(_ req: ScanRequest, agent a: Int, behavior: Behavior, label: GroundTruth, at: SimTime, intended: Int64) async {
        if a >= 0, scenario.analyst != nil {
            // Before sending: the target may open an incident (and the watcher see it) before the answer is back.
            live.withLock { s in
                s[a].sent.append(at); s[a].label = label
                if s[a].sent.count > 64 { s[a].sent.removeFirst() }
            }
        }
        guard let answer = await call(.POST, "/v1/scan", key: options.key(for: req.agent), body: req.json, endpoint: "scan",
                                      intended: intended), answer.status == 200 else { return }
        let decision = answer.string("decision") ?? ""
        if let trace = answer.string("trace_id") {
            if a >= 0 {
                live.withLock { s in
                    s[a].traces.append(trace)
                    if s[a].traces.count > 64 { s[a].traces.removeFirst() }
                }
            }
            // Once, beside the closed loop (not before it: a slow trace read must not delay the
            // agent's polls); the loops are awaited before the target is read back.
            if gatewayOffset.withLock({ $0 == nil }), !measuring.load(ordering: .relaxed) {
                let key = options.key(for: req.agent)
                let t = Task { await self.measureOffset(trace: trace, key: key, sentAt: intended) }
                loops.withLock { $0.append(t) }
            }
        }
        guard a >= 0 else { return }
        switch decision {
        case "REQUIRE_APPROVAL":
            let approval = answer.string("approval_id")
            live.withLock { $0[a].consecutiveDenies = 0; $0[a].lastApproval = approval }
            guard let approval else { return }
            analystTakes(AnalystWork(kind: .approval, time: at, agent: Int32(a), ordinal: 0, label: label), id: approval)
            guard behavior.retryAfterApproval else { return }
            live.withLock { $0[a].blocked = true }
            let t = Task { await self.waitForApproval(approval, req: req, agent: a, behavior: behavior, label: label) }
            loops.withLock { $0.append(t) }
        case "DENY":
            let paused: Bool = live.withLock { s in
                s[a].consecutiveDenies += 1
                guard behavior.backoffAfterDenies > 0, s[a].consecutiveDenies >= behavior.backoffAfterDenies else { return false }
                s[a].consecutiveDenies = 0
                s[a].pausedUntil = scenarioNow() + behavior.backoffPause
                return true
            }
            if paused { stats.note { $0.backoffs += 1 } }
        default:
            live.withLock { $0[a].consecutiveDenies = 0 }
        }
    }

    /// Polls the approval every poll interval (scaled) until it is decided or the agent's timeout;
    /// after an approval, re-sends the identical request.
    func waitForApproval(_ id: String, req: ScanRequest, agent a: Int, behavior: Behavior, label: GroundTruth) async {
        let poll = max(1_000, due(SimTime.zero + behavior.pollInterval))
        let deadline = elapsedMicros() + due(SimTime.zero + behavior.approvalTimeout)
        while !stopped && !Task.isCancelled && elapsedMicros() < deadline {
            try? await Task.sleep(for: .microseconds(poll))
            if Task.isCancelled { break }
            stats.note { $0.polls += 1 }
            guard let answer = await call(.GET, "/v1/approvals/\(id)/status", key: options.key(for: req.agent), body: nil,
                                          endpoint: "approval_status") else { continue }
            let status = answer.string("status") ?? ""
            if status == "pending" { continue }
            live.withLock { $0[a].blocked = false }
            if status == "approved" && !stopped && !Task.isCancelled {
                stats.note { $0.retriesAfterApproval += 1 }
                await scan(req, agent: a, behavior: behavior, label: label, at: scenarioNow(), intended: elapsedMicros())
            }
            return
        }
        live.withLock { $0[a].blocked = false }
    }

    /// Learns gateway time minus scenario time from the first scan's trace.
    func measureOffset(trace: String, key: String, sentAt: Int64) async {
        guard gatewayOffset.withLock({ $0 == nil }),
              measuring.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else { return }
        defer { measuring.store(false, ordering: .relaxed) }
        guard let answer = await call(.GET, "/v1/traces/\(trace)", key: key, body: nil, endpoint: "trace"),
              let time = answer.json?["time"] as? String, let wall = ISOTime.parse(time) else { return }
        let scenarioMs = Int64(Double(sentAt) / 1000 * options.speed)
        gatewayOffset.withLock { v in if v == nil { v = wall - scenarioMs } }
    }

    func progressLine() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            let s = stats.snapshot()
            let secs = max(0.001, Double(elapsedMicros()) / 1e6)
            let p99 = s.allScans.totalCount > 0 ? Double(s.allScans.valueAtPercentile(99)) / 1000 : 0
            let errors = s.errorsByCause.values.reduce(0, +)
            let line = "\r\u{1B}[2Ksent \(s.sent)  \(Int(Double(s.completed) / secs))/s  p99 \(String(format: "%.1f", p99)) ms  errors \(errors)  behind \(s.behind)"
            FileHandle.standardError.write(Data(line.utf8))
        }
    }
}

/// Makes a parsed JSON dictionary Sendable (its values are plists of Foundation types).
func sendable(_ d: [String: Any]) -> [String: any Sendable] {
    var out: [String: any Sendable] = [:]
    for (k, v) in d { out[k] = sendableValue(v) }
    return out
}

func sendableValue(_ v: Any) -> any Sendable {
    switch v {
    case let s as String: return s
    case let n as NSNumber: return n.doubleValue
    case let a as [Any]: return a.map(sendableValue)
    case let d as [String: Any]: return sendable(d)
    default: return "null"
    }
}

/// `2026-01-02T03:04:05.123Z` as milliseconds since 1970.
enum ISOTime {
    static func parse(_ s: String) -> Int64? {
        let b = Array(s.utf8)
        guard b.count >= 20 else { return nil }
        func n(_ r: Range<Int>) -> Int64? { Int64(String(decoding: b[r], as: UTF8.self)) }
        guard let y = n(0..<4), let mo = n(5..<7), let d = n(8..<10), let h = n(11..<13), let mi = n(14..<16), let se = n(17..<19) else { return nil }
        var ms: Int64 = 0
        if b.count >= 23, b[19] == UInt8(ascii: "."), let f = n(20..<23) { ms = f }
        // Days from civil (Howard Hinnant's algorithm).
        let yy = mo <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return ((days * 24 + h) * 60 + mi) * 60_000 + se * 1000 + ms
    }
}
