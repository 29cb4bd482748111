import Foundation
public import IntervenCore
import IntervenLoading
import Yams
import Crypto

/// An API key as the server holds it: its SHA-256, never the key itself.
public struct KeyConfig: Sendable {
    public var name: String
    /// Lower-case hex SHA-256 of the whole key (`iv_live_...`).
    public var sha256: String
    public var agentID: String
    public var agentName: String
    public var runtime: Runtime
    /// Scans and calls per second allowed (token bucket with a one-second burst); nil: unlimited.
    public var ratePerSecond: Double?

    public init(name: String, sha256: String, agentID: String, agentName: String? = nil, runtime: Runtime = .custom,
                ratePerSecond: Double? = nil) {
        self.name = name; self.sha256 = sha256.lowercased(); self.agentID = agentID; self.agentName = agentName ?? agentID
        self.runtime = runtime; self.ratePerSecond = ratePerSecond
    }

    /// A key config for a plain-text key (hashed here; the plain text is not kept).
    public init(name: String, key: String, agentID: String, agentName: String? = nil, runtime: Runtime = .custom,
                ratePerSecond: Double? = nil) {
        self.init(name: name, sha256: KeyHash.sha256(key), agentID: agentID, agentName: agentName, runtime: runtime,
                  ratePerSecond: ratePerSecond)
    }
}

/// A tenant: its rules and keys.
public struct TenantConfig: Sendable {
    public var id: String
    public var name: String
    public var rules: Rules
    public var keys: [KeyConfig]
    public init(id: String, name: String? = nil, rules: Rules, keys: [KeyConfig]) {
        self.id = id; self.name = name ?? id; self.rules = rules; self.keys = keys
    }
}

/// The server's tenants (the `--config` file).
public struct ServerConfig: Sendable {
    public var tenants: [TenantConfig]
    public init(tenants: [TenantConfig]) { self.tenants = tenants }

    /// A single demo tenant with the shipped rules and one key (returned so it can be printed).
    public static func demo() throws -> (ServerConfig, String) {
        var g = SystemRandomNumberGenerator()
        let key = KeyHash.newKey(using: &g)
        let rules = try RulesFile.defaults()
        let tenant = TenantConfig(id: "demo", name: "Demo tenant", rules: rules,
                                  keys: [KeyConfig(name: "demo", key: key, agentID: "demo-agent", agentName: "demo-agent")])
        return (ServerConfig(tenants: [tenant]), key)
    }

    /// Loads a config file; errors name file:line:column and what was expected.
    public static func load(path: String) throws(ServerConfigError) -> ServerConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ServerConfigError("\(path): cannot read the file")
        }
        let text = String(decoding: data, as: UTF8.self)
        let root: Node
        do {
            guard let n = try Yams.compose(yaml: text) else { throw ServerConfigError("\(path):1:1: empty config: expected a mapping with 'tenants'") }
            root = n
        } catch let e as ServerConfigError {
            throw e
        } catch {
            throw ServerConfigError("\(path): not valid YAML: \(error)")
        }
        let base = URL(fileURLWithPath: path).deletingLastPathComponent()
        func at(_ n: Node) -> String { "\(path):\(n.mark?.line ?? 1):\(n.mark?.column ?? 1)" }
        func mapping(_ n: Node, _ what: String, allowed: [String]) throws(ServerConfigError) -> [(String, Node)] {
            guard let m = n.mapping else { throw ServerConfigError("\(at(n)): \(what): expected a mapping") }
            var out: [(String, Node)] = []
            for (k, v) in m {
                guard let key = k.string else { throw ServerConfigError("\(at(k)): expected a key") }
                guard allowed.contains(key) else {
                    throw ServerConfigError("\(at(k)): unknown key '\(key)' in \(what) (expected one of: \(allowed.joined(separator: ", ")))")
                }
                out.append((key, v))
            }
            return out
        }
        func string(_ n: Node, _ what: String) throws(ServerConfigError) -> String {
            guard let s = n.scalar?.string, !s.isEmpty else { throw ServerConfigError("\(at(n)): \(what): expected a non-empty string") }
            return s
        }
        var tenants: [TenantConfig] = []
        let top = try mapping(root, "config", allowed: ["tenants"])
        guard let list = top.first(where: { $0.0 == "tenants" })?.1, let seq = list.sequence, !seq.isEmpty else {
            throw ServerConfigError("\(at(root)): expected 'tenants:' with at least one tenant")
        }
        var seenHashes = Set<String>()
        for t in seq {
            let fields = try mapping(t, "tenant", allowed: ["id", "name", "rules", "keys"])
            func field(_ k: String) -> Node? { fields.first { $0.0 == k }?.1 }
            guard let idNode = field("id") else { throw ServerConfigError("\(at(t)): tenant: missing 'id'") }
            let id = try string(idNode, "tenant id")
            guard !tenants.contains(where: { $0.id == id }) else { throw ServerConfigError("\(at(idNode)): duplicate tenant id '\(id)'") }
            let name = try field("name").map { n throws(ServerConfigError) in try string(n, "tenant name") }
            var rules: Rules
            do {
                if let r = field("rules") {
                    let rel = try string(r, "rules")
                    let full = rel.hasPrefix("/") ? rel : base.appendingPathComponent(rel).path
                    rules = try RulesFile.load(path: full)
                } else {
                    rules = try RulesFile.defaults()
                }
            } catch let e as ServerConfigError {
                throw e
            } catch {
                throw ServerConfigError("\(error)")
            }
            guard let keysNode = field("keys"), let keys = keysNode.sequence, !keys.isEmpty else {
                throw ServerConfigError("\(at(t)): tenant '\(id)': expected 'keys:' with at least one key")
            }
            var keyConfigs: [KeyConfig] = []
            for k in keys {
                let kf = try mapping(k, "key", allowed: ["name", "sha256", "agent", "agent_name", "runtime", "rate_limit"])
                func kfield(_ n: String) -> Node? { kf.first { $0.0 == n }?.1 }
                guard let hashNode = kfield("sha256") else {
                    throw ServerConfigError("\(at(k)): key: missing 'sha256' (the SHA-256 hex of the key; `interven-sim serve --hash-key KEY` prints it)")
                }
                let hash = try string(hashNode, "sha256").lowercased()
                guard hash.count == 64, hash.allSatisfy({ $0.isHexDigit }) else {
                    throw ServerConfigError("\(at(hashNode)): sha256: expected 64 hex digits; found '\(hash)'")
                }
                guard seenHashes.insert(hash).inserted else { throw ServerConfigError("\(at(hashNode)): the same key appears twice") }
                guard let agentNode = kfield("agent") else { throw ServerConfigError("\(at(k)): key: missing 'agent' (its default agent id)") }
                let agent = try string(agentNode, "agent")
                var runtime = Runtime.custom
                if let r = kfield("runtime") {
                    let s = try string(r, "runtime")
                    guard let rt = Runtime(name: s) else {
                        throw ServerConfigError("\(at(r)): runtime: expected one of \(Runtime.allCases.map(\.description).joined(separator: ", ")); found '\(s)'")
                    }
                    runtime = rt
                }
                var rate: Double? = nil
                if let r = kfield("rate_limit") {
                    let s = try string(r, "rate_limit")
                    guard let v = RateText.parse(s) else {
                        throw ServerConfigError("\(at(r)): rate_limit: expected a rate like 100/s or 600/min; found '\(s)'")
                    }
                    rate = v
                }
                let name = try kfield("name").map { n throws(ServerConfigError) in try string(n, "key name") } ?? "key-\(keyConfigs.count + 1)"
                let agentName = try kfield("agent_name").map { n throws(ServerConfigError) in try string(n, "agent_name") }
                keyConfigs.append(KeyConfig(name: name, sha256: hash, agentID: agent, agentName: agentName, runtime: runtime,
                                            ratePerSecond: rate))
            }
            tenants.append(TenantConfig(id: id, name: name, rules: rules, keys: keyConfigs))
        }
        return ServerConfig(tenants: tenants)
    }
}

/// A config file error: one line naming file:line:column.
public struct ServerConfigError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ d: String) { description = d }
}

/// Rates in config files: `100/s`, `600/min`, `3600/h`.
enum RateText {
    static func parse(_ s: String) -> Double? {
        let parts = s.split(separator: "/")
        guard parts.count == 2, let n = Double(parts[0].trimmingCharacters(in: .whitespaces)), n > 0 else { return nil }
        switch parts[1].trimmingCharacters(in: .whitespaces) {
        case "s": return n
        case "min": return n / 60
        case "h": return n / 3600
        default: return nil
        }
    }
}

/// SHA-256 of keys (swift-crypto) and new random keys.
public enum KeyHash {
    public static func sha256(_ key: String) -> String {
        SHA256.hash(data: Array(key.utf8)).map { b in
            let h = String(b, radix: 16)
            return b < 16 ? "0" + h : h
        }.joined()
    }

    /// `iv_live_` and 32 random hex digits.
    public static func newKey<G: RandomNumberGenerator>(using g: inout G) -> String {
        var s = "iv_live_"
        for _ in 0..<2 {
            let h = String(g.next(), radix: 16)
            s += String(repeating: "0", count: 16 - h.count) + h
        }
        return s
    }
}
