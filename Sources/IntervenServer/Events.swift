import Synchronization
public import IntervenCore

/// A scan as the event log keeps it: the classified request and its trace id, enough to replay
/// the decision through the core.
public struct ScanRecord: Sendable, Equatable {
    public var agentKey: String
    public var agentName: String?
    public var runtime: Runtime?
    public var classification: Classification
    public var trace: UInt64
    public init(agentKey: String, agentName: String?, runtime: Runtime?, classification: Classification, trace: UInt64) {
        self.agentKey = agentKey; self.agentName = agentName; self.runtime = runtime
        self.classification = classification; self.trace = trace
    }
}

/// One state-changing event: a scan or an operator action. The event log persists these with
/// their gateway time; replaying them through `ShardState` in log order rebuilds the state.
public enum GatewayEvent: Sendable, Equatable {
    case scan(ScanRecord)
    case suspend(agent: String, actor: String)
    case reactivate(agent: String, actor: String)
    case resetTrust(agent: String, actor: String)
    case deleteAgent(agent: String, actor: String)
    case decideApproval(agent: String, approval: String, approve: Bool, actor: String)
    case transition(agent: String, incident: String, to: IncidentStatus, resolution: Resolution?, actor: String)
    case note(agent: String, incident: String, text: String, actor: String)
    case manualIncident(agent: String, traces: [TraceRef], severity: Severity, title: String?, actor: String)

    /// The agent key that routes the event to its shard.
    public var agentKey: String {
        switch self {
        case .scan(let s): s.agentKey
        case .suspend(let a, _), .reactivate(let a, _), .resetTrust(let a, _), .deleteAgent(let a, _): a
        case .decideApproval(let a, _, _, _), .transition(let a, _, _, _, _), .note(let a, _, _, _): a
        case .manualIncident(let a, _, _, _, _): a
        }
    }

    public var kind: String {
        switch self {
        case .scan: "scan"
        case .suspend: "suspend"
        case .reactivate: "reactivate"
        case .resetTrust: "reset_trust"
        case .deleteAgent: "delete_agent"
        case .decideApproval: "decide_approval"
        case .transition: "transition"
        case .note: "note"
        case .manualIncident: "manual_incident"
        }
    }

    // MARK: Encoding (the event log's payload)

    public var json: JSON {
        switch self {
        case .scan(let s):
            let c = s.classification
            var m: [(String, JSON)] = [("agent", .string(s.agentKey))]
            if let n = s.agentName { m.append(("name", .string(n))) }
            if let r = s.runtime { m.append(("runtime", .string(r.description))) }
            m += [("tool", .string(c.tool)), ("op", .string(c.operation)), ("verb", .string(c.verb.description)),
                  ("host", .string(c.host)), ("url", .string(c.url)), ("ext", .bool(c.external)),
                  ("classes", .int(Int64(c.dataClasses.rawValue))), ("principal", .string(c.principal)),
                  ("risk", .int(Int64(c.risk.micros))), ("size", .int(Int64(c.bodySize))),
                  ("sig", .string(String(c.signature))), ("trace", .string(String(s.trace)))]
            return .object(m)
        case .suspend(let a, let actor), .reactivate(let a, let actor), .resetTrust(let a, let actor), .deleteAgent(let a, let actor):
            return .object([("agent", .string(a)), ("actor", .string(actor))])
        case .decideApproval(let a, let id, let approve, let actor):
            return .object([("agent", .string(a)), ("approval", .string(id)), ("approve", .bool(approve)), ("actor", .string(actor))])
        case .transition(let a, let id, let to, let res, let actor):
            var m: [(String, JSON)] = [("agent", .string(a)), ("incident", .string(id)), ("to", .string(to.description))]
            if let res { m.append(("resolution", .string(res.description))) }
            m.append(("actor", .string(actor)))
            return .object(m)
        case .note(let a, let id, let text, let actor):
            return .object([("agent", .string(a)), ("incident", .string(id)), ("text", .string(text)), ("actor", .string(actor))])
        case .manualIncident(let a, let traces, let sev, let title, let actor):
            var m: [(String, JSON)] = [("agent", .string(a)),
                                       ("traces", .array(traces.map { .array([.string(String($0.trace)), .int($0.time.milliseconds)]) })),
                                       ("severity", .string(sev.description))]
            if let title { m.append(("title", .string(title))) }
            m.append(("actor", .string(actor)))
            return .object(m)
        }
    }

    public init?(kind: String, json j: JSON) {
        func s(_ k: String) -> String? { j[k]?.stringValue }
        guard let agent = s("agent") else { return nil }
        let actor = s("actor") ?? "operator"
        switch kind {
        case "scan":
            guard let tool = s("tool"), let op = s("op"), let verb = s("verb").flatMap(Verb.init(name:)), let host = s("host"),
                  let url = s("url"), let ext = j["ext"]?.boolValue, let classes = j["classes"]?.intValue,
                  let principal = s("principal"), let risk = j["risk"]?.intValue, let size = j["size"]?.intValue,
                  let sig = s("sig").flatMap({ UInt64($0) }), let trace = s("trace").flatMap({ UInt64($0) }) else { return nil }
            let c = Classification(tool: tool, operation: op, verb: verb, host: host, url: url, external: ext,
                                   dataClasses: DataClasses(rawValue: UInt8(truncatingIfNeeded: classes)), principal: principal,
                                   risk: Score(micros: Int32(truncatingIfNeeded: risk)), bodySize: Int(size), signature: sig)
            self = .scan(ScanRecord(agentKey: agent, agentName: s("name"), runtime: s("runtime").flatMap(Runtime.init(name:)),
                                    classification: c, trace: trace))
        case "suspend": self = .suspend(agent: agent, actor: actor)
        case "reactivate": self = .reactivate(agent: agent, actor: actor)
        case "reset_trust": self = .resetTrust(agent: agent, actor: actor)
        case "delete_agent": self = .deleteAgent(agent: agent, actor: actor)
        case "decide_approval":
            guard let id = s("approval"), let approve = j["approve"]?.boolValue else { return nil }
            self = .decideApproval(agent: agent, approval: id, approve: approve, actor: actor)
        case "transition":
            guard let id = s("incident"), let to = s("to").flatMap(IncidentStatus.init(name:)) else { return nil }
            self = .transition(agent: agent, incident: id, to: to, resolution: s("resolution").flatMap(Resolution.init(name:)), actor: actor)
        case "note":
            guard let id = s("incident"), let text = s("text") else { return nil }
            self = .note(agent: agent, incident: id, text: text, actor: actor)
        case "manual_incident":
            guard let arr = j["traces"]?.arrayValue, let sev = s("severity").flatMap(Severity.init(name:)) else { return nil }
            var traces: [TraceRef] = []
            for t in arr {
                guard let pair = t.arrayValue, pair.count == 2, let id = pair[0].stringValue.flatMap({ UInt64($0) }),
                      let ms = pair[1].intValue else { return nil }
                traces.append(TraceRef(trace: id, time: SimTime(milliseconds: ms)))
            }
            self = .manualIncident(agent: agent, traces: traces, severity: sev, title: s("title"), actor: actor)
        default: return nil
        }
    }
}

/// Trace ids are UUIDs whose first 64 bits are the core's trace number.
public enum TraceIDs {
    public static func uuid(_ trace: UInt64) -> String { uuidString(trace, splitMix64(trace ^ 0x7ACE)) }
    /// The core's trace number of a trace UUID, if it is one this server made.
    public static func number(_ uuid: String) -> UInt64? {
        let hex = uuid.lowercased().filter { $0 != "-" }
        guard hex.count == 32, let hi = UInt64(hex.prefix(16), radix: 16) else { return nil }
        return self.uuid(hi) == uuid.lowercased() ? hi : nil
    }
}

extension TraceIDs {
    /// A fresh trace number (random, with the UUID version bits set so it round-trips).
    public static func random<G: RandomNumberGenerator>(using g: inout G) -> UInt64 {
        (g.next() & 0xFFFF_FFFF_FFFF_0FFF) | 0x4000
    }
}
