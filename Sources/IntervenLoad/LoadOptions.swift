import IntervenCore

/// How `interven-sim load` drives a target.
public struct LoadOptions: Sendable {
    /// The target's base URL, e.g. `http://127.0.0.1:8080`.
    public var target: String
    /// The API key of agents the key file does not name.
    public var defaultKey: String
    /// Keys by agent name (from `--keys FILE`).
    public var agentKeys: [String: String] = [:]
    /// Scenario time runs this many times faster than the wall clock.
    public var speed: Double = 1
    /// Requests in flight at most (and connections).
    public var connections = 64
    /// Wall-time bound of the sending phase, in seconds.
    public var maxWallSeconds: Double = 600
    /// Requests sent at most.
    public var maxRequests = 1_000_000
    /// A request's timeout, in seconds.
    public var requestTimeout: Double = 10
    /// Show a redrawn progress line on stderr.
    public var progress = false

    public init(target: String, defaultKey: String) { self.target = target; self.defaultKey = defaultKey }

    func key(for agent: String) -> String { agentKeys[agent] ?? defaultKey }
}

/// Why a target may not be load-tested, or nil when it may: loopback only, unless the host is
/// named with `--allow-host`.
public func targetRefusal(_ url: String, allowedHosts: [String]) -> String? {
    guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
        return "--target: expected an http:// or https:// URL; found '\(url)'"
    }
    let rest = url.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
    guard rest.count >= 3, !rest[2].isEmpty else { return "--target: expected a host in the URL; found '\(url)'" }
    var host = String(rest[2])
    if let at = host.lastIndex(of: "@") { host = String(host[host.index(after: at)...]) }
    if host.hasPrefix("["), let close = host.firstIndex(of: "]") {
        host = String(host[host.index(after: host.startIndex)..<close])
    } else if let colon = host.lastIndex(of: ":") {
        host = String(host[..<colon])
    }
    host = host.lowercased()
    if host == "localhost" || host == "::1" || allowedHosts.map({ $0.lowercased() }).contains(host) { return nil }
    let parts = host.split(separator: ".", omittingEmptySubsequences: false)
    if parts.count == 4, parts.allSatisfy({ UInt8($0) != nil }), parts[0] == "127" { return nil }
    return "--target: \(host) is not a loopback address; name it with --allow-host \(host) to load-test it"
}
