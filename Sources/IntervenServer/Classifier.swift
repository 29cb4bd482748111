public import IntervenCore
import IntervenScenario

/// What the classifier derives from a scan request: the fields the gateway's core decides on.
public struct Classification: Sendable, Equatable {
    public var tool: String
    public var operation: String
    public var verb: Verb
    public var host: String
    public var url: String
    public var external: Bool
    public var dataClasses: DataClasses
    public var principal: String
    public var risk: Score
    public var bodySize: Int
    /// Identical requests (method, URL, body) share it; the core keys approval grants on it.
    public var signature: UInt64
}

/// A small deterministic classifier built on the built-in tool catalogue (README, "Serving the
/// gateway"): the URL's host names the tool, a path segment the operation, the method the verb
/// when the catalogue does not know the operation, simple byte patterns the data classes, and a
/// fixed formula the risk score.
public enum Classifier {
    /// Tools by catalogue host; a host served by several tools lists them in catalogue order.
    static let toolsByHost: [String: [String]] = {
        var out: [String: [String]] = [:]
        for op in ToolCatalogue.operations where !(out[op.host]?.contains(op.tool) ?? false) {
            out[op.host, default: []].append(op.tool)
        }
        return out
    }()

    /// Host suffixes of the product's URL patterns (`*.atlassian.net`, `*.amazonaws.com`, ...).
    static let suffixTools: [(String, String)] = [
        (".amazonaws.com", "aws"), (".salesforce.com", "salesforce"), (".zendesk.com", "zendesk"),
        (".supabase.co", "supabase"), (".workday.com", "workday"), (".atlassian.net", "jira"),
        ("hooks.slack.com", "slack"), ("discord.com", "discord"), ("api.box.com", "box"),
        ("api.monday.com", "monday"), ("app.asana.com", "asana"), ("api.netlify.com", "netlify"),
        ("firestore.googleapis.com", "firebase"), ("harvest.greenhouse.io", "greenhouse"),
        ("api.bamboohr.com", "bamboohr"),
    ]

    static let operationsByTool: [String: [CatalogueOperation]] = {
        var out: [String: [CatalogueOperation]] = [:]
        for op in ToolCatalogue.operations { out[op.tool, default: []].append(op) }
        return out
    }()

    /// Well-known API paths of the product's tool list, as (tool, method, path contains, operation).
    static let pathOperations: [(String, String?, String, String)] = [
        ("github", "POST", "/pulls", "create_pr"), ("github", "PUT", "/merge", "merge_pr"),
        ("github", "GET", "/pulls", "list_prs"), ("github", "PUT", "/collaborators/", "add_collaborator"),
        ("github", "GET", "/contents/", "get_contents"), ("github", "POST", "/issues", "create_issue"),
        ("slack", nil, "chat.postMessage", "post_message"), ("slack", nil, "chat.update", "update_message"),
        ("slack", nil, "files.upload", "upload_file"), ("slack", nil, "/services/", "post_message"),
        ("slack", nil, "conversations.invite", "invite_user"),
        ("gdrive", "POST", "/permissions", "create_permission"),
        ("aws", nil, "Action=CreateUser", "create_user"), ("aws", nil, "Action=CreateRole", "create_role"),
        ("aws", nil, "Action=AttachUserPolicy", "attach_policy"), ("aws", nil, "Action=AttachRolePolicy", "attach_policy"),
        ("sendgrid", nil, "/mail/send", "send_email"), ("twilio", nil, "/Messages", "send_sms"),
        ("stripe", nil, "/charges", "create_charge"), ("stripe", nil, "/refunds", "create_refund"),
        ("openai", nil, "/chat/completions", "create_completion"), ("anthropic", nil, "/messages", "create_message"),
    ]

    /// Classifies one request. `url` is the request's URL, `body` its raw JSON value (or nil).
    public static func classify(method: String, url: String, body: JSON?, bodyText: String) -> Classification {
        let m = method.uppercased()
        let parsed = ParsedURL(url)
        let host = parsed.host
        var tool = "custom_proxy"
        var known = false
        if let tools = toolsByHost[host] {
            tool = tools[0]; known = true
            if tools.count > 1 {
                // Several catalogue tools on one host (jira and confluence on acme.atlassian.net):
                // a path segment naming a tool wins.
                if let t = tools.first(where: { parsed.segments.contains($0) || (($0 == "confluence") && parsed.path.contains("/wiki/")) }) { tool = t }
            }
        } else if let hit = suffixTools.first(where: { host == $0.0 || host.hasSuffix($0.0) || ($0.0.first != "." && host == $0.0) }) {
            tool = hit.1; known = true
            if tool == "jira" && parsed.path.contains("/wiki/") { tool = "confluence" }
        } else if parsed.scheme == "mcp" || parsed.path.hasPrefix("/v1/mcp/") {
            tool = "mcp"; known = true
        }
        var operation: CatalogueOperation? = nil
        var opName = ""
        let ops = operationsByTool[tool] ?? []
        // 1. A path segment (or the body's "operation") naming a catalogue operation of the tool.
        if let named = body?["operation"]?.stringValue, let op = ops.first(where: { $0.operation == named }) {
            operation = op
        } else if let op = ops.first(where: { parsed.segments.contains($0.operation) }) {
            operation = op
        } else if let hit = pathOperations.first(where: { $0.0 == tool && ($0.1 == nil || $0.1 == m) && (parsed.path + "?" + parsed.query).contains($0.2) }) {
            opName = hit.3
            operation = ops.first { $0.operation == hit.3 }
        }
        let verb: Verb
        if let op = operation {
            opName = op.operation
            verb = op.verb
        } else {
            verb = switch m {
            case "GET", "HEAD", "OPTIONS": .read
            case "DELETE": .admin
            default: .write
            }
            if opName.isEmpty {
                opName = switch m {
                case "GET", "HEAD", "OPTIONS": "read"
                case "DELETE": "delete"
                case "PUT", "PATCH": "update"
                default: "create"
                }
            }
        }
        // External: the catalogue's flag for a known operation; unknown destinations are external
        // unless they are loopback, private or internal names.
        let external: Bool
        if let op = operation { external = op.external } else if known { external = false } else { external = !isInternalHost(host, scheme: parsed.scheme) }

        let classes = dataClasses(in: bodyText)
        let principal = principalOf(body)
        var risk: Int32 = switch verb {
        case .read: 50_000
        case .write: 200_000
        case .admin: 450_000
        }
        if external { risk += 150_000 }
        if classes.contains(.secrets) { risk += 400_000 }
        if classes.contains(.pii) { risk += 250_000 }
        if classes.contains(.phi) { risk += 300_000 }
        if classes.contains(.internal) { risk += 50_000 }
        let signature = stableHash(m + " " + url + "\n" + bodyText, seed: 0x5CA9)
        return Classification(tool: tool, operation: opName, verb: verb, host: host, url: url, external: external,
                              dataClasses: classes, principal: principal, risk: Score(micros: min(risk, 1_000_000)),
                              bodySize: bodyText.utf8.count, signature: signature)
    }

    static func isInternalHost(_ host: String, scheme: String) -> Bool {
        if scheme != "http" && scheme != "https" { return true }   // exec://, shell://, search://, message://
        if host.isEmpty || host == "localhost" || host.hasSuffix(".internal") || host.hasSuffix(".local")
            || host.hasSuffix(".corp") || host == "::1" { return true }
        let parts = host.split(separator: ".").compactMap { Int($0) }
        if parts.count == 4 {
            if parts[0] == 10 || parts[0] == 127 { return true }
            if parts[0] == 192 && parts[1] == 168 { return true }
            if parts[0] == 172 && (16...31).contains(parts[1]) { return true }
        }
        return false
    }

    /// The first principal-like string member of a JSON object body.
    static func principalOf(_ body: JSON?) -> String {
        guard let body, body.isObject else { return "" }
        for key in ["principal", "policy_arn", "PolicyArn", "collaborator", "username", "recipient", "to", "email", "user"] {
            if let s = body[key]?.stringValue { return s }
        }
        return ""
    }

    /// Data classes found by byte patterns in the body text (README lists them).
    public static func dataClasses(in text: String) -> DataClasses {
        var out: DataClasses = []
        let b = Array(text.utf8)
        if b.isEmpty { return out }
        let lower = b.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
        func has(_ s: String, in bytes: [UInt8]) -> Bool { find(Array(s.utf8), in: bytes) != nil }
        // SECRETS: AWS access key ids, OpenAI/GitHub/Slack token prefixes, private keys, "password"/"secret" assignments.
        if hasAWSKey(b) || has("sk-proj-", in: b) || has("sk-live-", in: b) || has("ghp_", in: b) || has("xoxb-", in: b)
            || has("xoxp-", in: b) || has("-----begin", in: lower) || has("\"password\"", in: lower) || has("api_key", in: lower)
            || has("\"secret\"", in: lower) {
            out.insert(.secrets)
        }
        // PII: an e-mail address, a US SSN (ddd-dd-dddd), a 13-16 digit card number, "ssn"/"phone" members.
        if hasEmail(b) || hasSSN(b) || hasCardNumber(b) || has("\"ssn\"", in: lower) || has("\"phone\"", in: lower)
            || has("\"date_of_birth\"", in: lower) {
            out.insert(.pii)
        }
        // PHI: clinical words.
        if has("diagnosis", in: lower) || has("patient", in: lower) || has("icd-10", in: lower) || has("medical_record", in: lower)
            || has("prescription", in: lower) {
            out.insert(.phi)
        }
        // INTERNAL: confidentiality markers.
        if has("confidential", in: lower) || has("internal only", in: lower) || has("internal-only", in: lower) {
            out.insert(.internal)
        }
        return out
    }

    static func find(_ needle: [UInt8], in hay: [UInt8]) -> Int? {
        guard !needle.isEmpty, hay.count >= needle.count else { return nil }
        let first = needle[0]
        var i = 0
        let last = hay.count - needle.count
        while i <= last {
            if hay[i] == first {
                var j = 1
                while j < needle.count && hay[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }

    static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    static func isUpperOrDigit(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || isDigit(c) }

    static func hasAWSKey(_ b: [UInt8]) -> Bool {
        // AKIA followed by 16 upper-case letters or digits.
        var i = 0
        while i + 20 <= b.count {
            if b[i] == 65 && b[i + 1] == 75 && b[i + 2] == 73 && b[i + 3] == 65 && (4..<20).allSatisfy({ isUpperOrDigit(b[i + $0]) }) { return true }
            i += 1
        }
        return false
    }

    static func hasEmail(_ b: [UInt8]) -> Bool {
        func local(_ c: UInt8) -> Bool { (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || isDigit(c) || c == 46 || c == 95 || c == 45 || c == 43 }
        for (i, c) in b.enumerated() where c == 64 && i > 0 && local(b[i - 1]) {
            var j = i + 1, dot = false, n = 0
            while j < b.count, local(b[j]) { if b[j] == 46 && n > 0 { dot = true }; n += 1; j += 1 }
            if dot && n >= 3 && b[j - 1] != 46 { return true }
        }
        return false
    }

    static func hasSSN(_ b: [UInt8]) -> Bool {
        var i = 0
        while i + 11 <= b.count {
            let ok = (i == 0 || !isDigit(b[i - 1])) && isDigit(b[i]) && isDigit(b[i + 1]) && isDigit(b[i + 2]) && b[i + 3] == 45
                && isDigit(b[i + 4]) && isDigit(b[i + 5]) && b[i + 6] == 45 && (7..<11).allSatisfy({ isDigit(b[i + $0]) })
                && (i + 11 == b.count || !isDigit(b[i + 11]))
            if ok { return true }
            i += 1
        }
        return false
    }

    /// 13 to 16 digits (spaces or dashes allowed between groups) passing the Luhn check.
    static func hasCardNumber(_ b: [UInt8]) -> Bool {
        var i = 0
        while i < b.count {
            guard isDigit(b[i]), i == 0 || !isDigit(b[i - 1]) else { i += 1; continue }
            var digits: [Int] = []
            var j = i
            while j < b.count, digits.count < 17 {
                if isDigit(b[j]) { digits.append(Int(b[j] - 48)); j += 1 } else if (b[j] == 32 || b[j] == 45), j + 1 < b.count, isDigit(b[j + 1]) { j += 1 } else { break }
            }
            if (13...16).contains(digits.count) && luhn(digits) { return true }
            i = max(j, i + 1)
        }
        return false
    }

    static func luhn(_ d: [Int]) -> Bool {
        var sum = 0
        for (k, v) in d.reversed().enumerated() {
            if k % 2 == 1 { let x = v * 2; sum += x > 9 ? x - 9 : x } else { sum += v }
        }
        return sum % 10 == 0
    }
}

/// The parts of a URL the classifier reads (scheme, host, path segments, query), leniently:
/// pseudo-URLs such as `exec://localhost` or `shell://exec` parse too.
struct ParsedURL {
    var scheme = ""
    var host = ""
    var path = ""
    var query = ""
    var segments: [String] = []

    init(_ url: String) {
        if url.utf8.allSatisfy({ $0 < 0x80 }) { self.init(ascii: Array(url.utf8)) } else { self.init(characters: url) }
    }

    /// The same parse on the bytes of an ASCII URL (each character one byte, upper case only
    /// A-Z): no grapheme breaking, no Unicode case mapping.
    init(ascii b: [UInt8]) {
        func text(_ r: Range<Int>, lower: Bool = false) -> String {
            lower ? String(decoding: b[r].lazy.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
                : String(decoding: b[r], as: UTF8.self)
        }
        var start = 0
        var i = 0
        while i + 2 < b.count {
            if b[i] == UInt8(ascii: ":") && b[i + 1] == UInt8(ascii: "/") && b[i + 2] == UInt8(ascii: "/") {
                scheme = text(0..<i, lower: true)
                start = i + 3
                break
            }
            i += 1
        }
        var hostEnd = start
        while hostEnd < b.count, b[hostEnd] != UInt8(ascii: "/"), b[hostEnd] != UInt8(ascii: "?"), b[hostEnd] != UInt8(ascii: "#") { hostEnd += 1 }
        var authority = start..<hostEnd
        if let at = authority.last(where: { b[$0] == UInt8(ascii: "@") }) { authority = (at + 1)..<hostEnd }
        if !authority.isEmpty, b[authority.lowerBound] == UInt8(ascii: "["), let close = authority.first(where: { b[$0] == UInt8(ascii: "]") }) {
            host = text((authority.lowerBound + 1)..<close, lower: true)
        } else if let colon = authority.last(where: { b[$0] == UInt8(ascii: ":") }) {
            host = text(authority.lowerBound..<colon, lower: true)
        } else {
            host = text(authority, lower: true)
        }
        var end = (hostEnd..<b.count).first(where: { b[$0] == UInt8(ascii: "#") }) ?? b.count
        if let q = (hostEnd..<end).first(where: { b[$0] == UInt8(ascii: "?") }) {
            query = text((q + 1)..<end)
            end = q
        }
        path = text(hostEnd..<end)
        segments = b[hostEnd..<end].split(separator: UInt8(ascii: "/")).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The parse on characters, for URLs with non-ASCII characters.
    init(characters url: String) {
        var rest = Substring(url)
        if let r = Self.schemeSeparator(rest) {
            scheme = rest[..<r.lowerBound].lowercased()
            rest = rest[r.upperBound...]
        }
        let hostEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        var authority = rest[..<hostEnd]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            host = String(authority[authority.index(after: authority.startIndex)..<close]).lowercased()
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon]).lowercased()
        } else {
            host = String(authority).lowercased()
        }
        rest = rest[hostEnd...]
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        if let q = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: q)...])
            rest = rest[..<q]
        }
        path = String(rest)
        segments = path.split(separator: "/").map(String.init)
    }

    /// The first `://` (found on the UTF-8 bytes, without Foundation).
    static func schemeSeparator(_ s: Substring) -> Range<Substring.Index>? {
        let u = s.utf8
        var i = u.startIndex
        while i != u.endIndex {
            if u[i] == UInt8(ascii: ":") {
                let j = u.index(after: i)
                if j != u.endIndex, u[j] == UInt8(ascii: "/") {
                    let k = u.index(after: j)
                    if k != u.endIndex, u[k] == UInt8(ascii: "/") { return i..<u.index(after: k) }
                }
            }
            i = u.index(after: i)
        }
        return nil
    }
}
