public import IntervenCore
public import IntervenScenario

/// One scan as an HTTP request to `POST /v1/scan`: the method, URL and body the gateway's
/// classifier maps back to the template's tool, operation, verb and data classes.
public struct ScanRequest: Sendable, Equatable {
    public var agent: String
    public var method: String
    public var url: String
    /// The JSON text of the whole `/v1/scan` request body.
    public var json: String

    /// The request `agent` sends for `template`, drawing the variant and host as the simulation
    /// does (same stream, same order of draws).
    public static func make(agent: String, runtime: Runtime, template t: ScanTemplate, feeds: [[String]],
                            anyFeed: [String], feedNames: [String], rng: inout RandomStream) -> ScanRequest {
        let variant = rng.nextBelow(UInt64(max(1, t.variants)))
        if case .uniform(let a, let b) = t.risk, a != b {
            let lo = min(a, b).micros, hi = max(a, b).micros
            _ = rng.nextBelow(UInt64(hi - lo) + 1)   // the simulation's risk draw: keeps the stream aligned
        }
        var host: String
        switch t.host {
        case .fixed(let h): host = h
        case .threatFeed(let name):
            host = "feed.invalid"
            if let name, let k = feedNames.firstIndex(of: name) {
                let pool = feeds[k]
                if !pool.isEmpty { host = pool[Int(rng.nextBelow(UInt64(pool.count)))] }
            } else if !anyFeed.isEmpty {
                host = anyFeed[Int(rng.nextBelow(UInt64(anyFeed.count)))]
            }
        }
        let method: String = switch t.verb {
        case .read: "GET"
        case .write: "POST"
        case .admin: "DELETE"
        }
        // The catalogue's own URL shape: the classifier reads the tool from the host (or the
        // path for hosts it does not know) and the operation from a path segment.
        let url = "https://\(host)/\(t.tool)/\(t.operation)"
        var body = "{\"operation\": "
        body.reserveCapacity(256)
        body += quote(t.operation)
        body += ", \"variant\": "
        body += String(variant)
        if let p = t.principal { body += ", \"principal\": " + quote(p) }
        if t.dataClasses.contains(.secrets) { body += ", \"password\": \"hunter2\"" }
        if t.dataClasses.contains(.pii) { body += ", \"email\": \"jane.doe@example.com\"" }
        if t.dataClasses.contains(.phi) { body += ", \"note\": \"patient diagnosis follow-up\"" }
        if t.dataClasses.contains(.internal) { body += ", \"label\": \"confidential\"" }
        let pad = t.bodyBytes - body.utf8.count - 14
        if pad > 0 { body += ", \"padding\": \"" + padding(min(pad, 200_000)) + "\"" }
        body += "}"
        let name = quote(agent)
        var json = "{\"method\": \""
        json.reserveCapacity(body.utf8.count + url.utf8.count + 2 * name.utf8.count + 100)
        json += method
        json += "\", \"url\": "
        json += quote(url)
        json += ", \"body\": "
        json += body
        json += ", \"agent_id\": "
        json += name
        json += ", \"agent_name\": "
        json += name
        json += ", \"runtime_type\": "
        json += quote(runtime.description)
        json += "}"
        return ScanRequest(agent: agent, method: method, url: url, json: json)
    }

    /// `n` letters x, written at once (not appended one by one).
    static func padding(_ n: Int) -> String {
        String(unsafeUninitializedCapacity: n) { buffer in
            buffer.initialize(repeating: UInt8(ascii: "x"))
            return n
        }
    }

    /// A JSON string literal.
    static func quote(_ s: String) -> String { JSONString.literal(s) }
}
