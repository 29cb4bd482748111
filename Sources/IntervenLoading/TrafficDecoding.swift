import IntervenCore
import IntervenScenario

/// Decoding of what agents send and when: scan templates and mixes, arrivals, behaviour, keys.
extension ScenarioDecoder {
    // MARK: Mixes and templates

    /// A non-empty list of weighted templates in force from `at`.
    mutating func mix(_ list: LayeredNode, at: SimDuration) throws(LoadError) -> [WeightedTemplate] {
        let entries = try list.list { item throws(LoadError) -> WeightedTemplate in
            try item.expectKeys(ScenarioKeys.mixEntry)
            if item.isNullOrAbsent { throw item.missing("a mix entry like {op: github.create_pr, weight: 5}") }
            let weight = try item.child("weight").optional { n throws(LoadError) in try n.int(atLeast: 1, atMost: 1_000_000) } ?? 1
            return WeightedTemplate(try template(item, at: at, order: .max), weight: weight)
        }
        if entries.isEmpty { throw list.fail(.missingValue, "expected at least one scan template; found an empty list") }
        return entries
    }

    /// One scan template: a catalogue `op` with overrides, or a custom `tool` + `operation`.
    ///
    /// `at` and `order` place a `feed:NAME` host in time, to check the feed against the rules in
    /// force then. The caller checks the mapping's keys.
    mutating func template(_ node: LayeredNode, at: SimDuration, order: Int) throws(LoadError) -> ScanTemplate {
        let opNode = try node.child("op"), toolNode = try node.child("tool"), operationNode = try node.child("operation")
        var base: CatalogueOperation
        var custom: (tool: String, operation: String)? = nil
        if !opNode.isNullOrAbsent {
            if let clash = [toolNode, operationNode].first(where: { !$0.values.isEmpty }), let key = clash.path.lastKey {
                throw node.fail(.conflictingKeys, "give either op (a catalogue operation) or tool and operation (a custom one); found both 'op' and '\(key)'",
                                at: node.keyLocated(key))
            }
            base = try catalogueOperation(opNode)
        } else if toolNode.isNullOrAbsent, operationNode.isNullOrAbsent {
            throw node.fail(.missingValue, "expected op (a catalogue operation like github.create_pr) or tool, operation, verb and host (a custom one); found neither")
        } else {
            let tool = try toolNode.string("a tool name")
            let operation = try operationNode.string("an operation name")
            for (n, text) in [(toolNode, tool), (operationNode, operation)] where text.contains(where: { $0.isWhitespace || $0 == "." || $0 == "/" }) {
                throw n.fail(.invalidValue, "expected a name without blanks, '.' or '/'; found \(Escaping.quoted(text))")
            }
            if let known = ToolCatalogue.operation("\(tool).\(operation)") {
                base = known
            } else {
                base = ToolCatalogue.operations[0]
                custom = (tool, operation)
                for key in ["verb", "host"] where try node.child(key).isNullOrAbsent {
                    throw node.fail(.missingValue, "missing required key '\(key)' for the custom operation \(Escaping.quotedIfLong(tool + "." + operation)) (not in the catalogue; a custom one needs verb and host)",
                                    at: node.keyLocated("operation"))
                }
            }
        }
        let verb = try node.child("verb").optional { n throws(LoadError) in try n.named(Verb.self, "a verb") }
        let hostNode = try node.child("host")
        let host = try hostNode.optional { n throws(LoadError) in try self.host(n, at: at, order: order) }
        let externalNode = try node.child("external")
        var external = try externalNode.optional { n throws(LoadError) in try n.bool() }
        if case .threatFeed? = host, external == false {
            throw externalNode.fail(.invalidValue, "a feed host is always external; remove external: false or give a fixed host")
        }
        if custom != nil, external == nil { external = false }
        let data = try node.child("data").optional { n throws(LoadError) in try n.dataClasses() } ?? []
        let risk = try node.child("risk").optional { n throws(LoadError) in try self.risk(n) } ?? .uniform(.zero, Score(micros: 200_000))
        let principal = try node.child("principal").optional { n throws(LoadError) in try n.string("a principal") }
        let body = try node.child("body_bytes").optional { n throws(LoadError) in try n.int(atLeast: 0, atMost: 16 << 20) } ?? 512
        let variants = try node.child("variants").optional { n throws(LoadError) in try n.int(atLeast: 1, atMost: 1_000_000) } ?? 8

        var template = ScanTemplate(base, verb: verb, host: host, external: external, dataClasses: data, risk: risk,
                                    principal: principal, bodyBytes: body, variants: variants)
        if let custom {
            template.tool = custom.tool
            template.operation = custom.operation
        }
        return template
    }

    /// `tool.operation` from the built-in catalogue, with "did you mean" on a miss.
    func catalogueOperation(_ node: LayeredNode) throws(LoadError) -> CatalogueOperation {
        let text = try node.string("a catalogue operation like github.create_pr")
        if let op = ToolCatalogue.operation(text) { return op }
        var hint = Suggestion.nearest(to: text, in: ToolCatalogue.names).map { "; did you mean '\($0)'?" } ?? ""
        if hint.isEmpty {
            let tool = text.split(separator: ".", maxSplits: 1).first.map(String.init) ?? text
            let ops = ToolCatalogue.operations.filter { $0.tool == tool }.map(\.operation)
            hint = ops.isEmpty ? "; for a tool the catalogue lacks, give tool, operation, verb and host instead of op"
                : "; the catalogue's \(tool) operations are \(ops.joined(separator: ", "))"
        }
        throw node.fail(.invalidValue, "expected a catalogue operation like github.create_pr; found \(Escaping.quoted(text))" + hint)
    }

    /// `feed:NAME`, `feed:any` or a fixed host or IP.
    mutating func host(_ node: LayeredNode, at: SimDuration, order: Int) throws(LoadError) -> HostSpec {
        let what = "a host like api.example.com, feed:NAME or feed:any"
        let text = try node.string(what)
        if text.hasPrefix("feed:") {
            let feed = String(text.dropFirst(5))
            if feed == "any" { return .threatFeed(nil) }
            guard !feed.isEmpty else { throw node.fail(.invalidValue, "expected \(what); found \(Escaping.quoted(text)) (no feed name)") }
            feedChecks.append(FeedCheck(feed: feed, at: at, order: order, node: node))
            return .threatFeed(feed)
        }
        return .fixed(try fixedHost(node, what: what))
    }

    /// A host name or IP, without scheme, path or blanks.
    func fixedHost(_ node: LayeredNode, what: String = "a host or IP like bad.example") throws(LoadError) -> String {
        let text = try node.string(what)
        if text.contains(where: { $0.isWhitespace || $0 == "/" }) || text.hasPrefix("feed:") {
            throw node.fail(.invalidValue, "expected \(what), without scheme or path; found \(Escaping.quoted(text))")
        }
        return text
    }

    /// A risk score (`0.3`) or a uniform range (`0.3..0.6`).
    func risk(_ node: LayeredNode) throws(LoadError) -> RiskSpec {
        guard let top = node.top, case .scalar(let s) = top.node, s.string.contains("..") else {
            return .fixed(try node.score(in: .zero ... .one, "a risk score (or a range like 0.3..0.6)"))
        }
        let what = "a risk score in [0, 1] or a range like 0.3..0.6"
        let parts = s.string.components(separatedBy: "..")
        let bounds = parts.compactMap { part -> Score? in
            let t = part.filter { $0 != " " }
            guard let form = LayeredNode.decimalForm(t), form.fractionDigits <= 6 else { return nil }
            return Score.parse(t)
        }
        guard parts.count == 2, bounds.count == 2 else {
            throw node.expected(what, found: top, note: "write two decimals like 0.3..0.6", code: .invalidValue)
        }
        guard bounds.allSatisfy({ (Score.zero ... Score.one).contains($0) }) else {
            throw node.expected(what, found: top, code: .outOfRange)
        }
        guard bounds[0] <= bounds[1] else { throw node.expected(what, found: top, note: "the low end comes first", code: .invalidValue) }
        return .uniform(bounds[0], bounds[1])
    }

    // MARK: Arrivals

    /// `{poisson: RATE}`, `{constant: RATE}` or `{bursts: {rate, on, off}}`, with an optional
    /// daily `window: {start: "09:00", end: "18:00"}`.
    func arrivals(_ node: LayeredNode) throws(LoadError) -> Arrivals {
        try node.expectKeys(ScenarioKeys.arrivals)
        if node.isNullOrAbsent { throw node.missing("arrivals like {poisson: 30/min}") }
        let kind = try node.exactlyOne(of: ScenarioKeys.processes, what: "an arrival process", rule: "one arrival process")
        let process: ArrivalProcess
        switch kind {
        case "poisson": process = .poisson(try rate(node.child("poisson")))
        case "constant": process = .constant(try rate(node.child("constant")))
        default:
            let b = try node.section("bursts", keys: ScenarioKeys.bursts)
            if b.isNullOrAbsent { throw b.missing("bursts like {rate: 60/min, on: 5m, off: 25m}") }
            process = .bursts(rate: try rate(b.child("rate")), on: try b.child("on").duration(positive: true),
                              off: try b.child("off").duration(positive: false))
        }
        let window = try node.child("window").optional { n throws(LoadError) -> DailyWindow in
            try n.expectKeys(ScenarioKeys.window)
            let startNode = try n.child("start"), endNode = try n.child("end")
            let start = try timeOfDay(startNode, allowMidnightEnd: false)
            let end = try timeOfDay(endNode, allowMidnightEnd: true)
            if start == end {
                throw endNode.fail(.invalidValue, "expected an end other than the start (\(start.clock)); a window that ends where it starts never opens")
            }
            return DailyWindow(start: start, end: end)
        }
        return Arrivals(process, window: window)
    }

    /// `30/min`, `2/h`, `0.5/s`.
    func rate(_ node: LayeredNode) throws(LoadError) -> Rate {
        let what = "a rate like 30/min, 2/h or 0.5/s"
        return try node.scalar(what) { text, _, at throws(LoadError) in
            guard let rate = Rate(text) else { throw node.expected(what, found: at, code: .wrongType) }
            // One agent scans at most 1,000 times a second (virtual time is whole milliseconds)
            // and, when at all, at least once a year; zero means never.
            if rate.perMillisecond > 1 {
                throw node.expected(what, found: at, note: "at most 1000/s per agent", code: .outOfRange)
            }
            if rate.perMillisecond > 0 && rate.perMillisecond < 1.0 / 31_622_400_000 {
                throw node.expected(what, found: at, note: "at least 1 per 366 days, or 0 for never", code: .outOfRange)
            }
            return rate
        }
    }

    /// `HH:MM` or `HH:MM:SS` as an offset into the day; `24:00` (midnight at the end) only when allowed.
    func timeOfDay(_ node: LayeredNode, allowMidnightEnd: Bool) throws(LoadError) -> SimDuration {
        let what = "a time of day like \"09:00\"" + (allowMidnightEnd ? " (\"24:00\" for midnight)" : "")
        return try node.scalar(what) { text, _, at throws(LoadError) in
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            let wellFormed = (2...3).contains(parts.count) && parts.enumerated().allSatisfy { i, p in
                (i == 0 ? (1...2).contains(p.count) : p.count == 2) && p.allSatisfy { $0.isASCII && $0.isNumber }
            }
            guard wellFormed else { throw node.expected(what, found: at, code: .wrongType) }
            let numbers = parts.map { Int($0) ?? 0 }
            let h = numbers[0], m = numbers[1], s = parts.count == 3 ? numbers[2] : 0
            if allowMidnightEnd, h == 24, m == 0, s == 0 { return .zero }
            guard h < 24, m < 60, s < 60 else {
                throw node.expected(what, found: at, note: "hours 00 to 23, minutes and seconds 00 to 59", code: .outOfRange)
            }
            return .seconds(Int64(h * 3600 + m * 60 + s))
        }
    }

    // MARK: Behaviour and keys

    /// Behaviour keys over `base`: a phase changes only the keys it writes.
    func behavior(_ node: LayeredNode, base: Behavior) throws(LoadError) -> Behavior {
        try node.expectKeys(ScenarioKeys.behavior)
        var b = base
        if let v = try node.child("retry_after_approval").optional({ n throws(LoadError) in try n.bool() }) { b.retryAfterApproval = v }
        if let v = try node.child("poll").optional({ n throws(LoadError) in try n.duration(positive: true) }) { b.pollInterval = v }
        if let v = try node.child("approval_timeout").optional({ n throws(LoadError) in try n.duration(positive: true) }) { b.approvalTimeout = v }
        let backoff = try node.section("backoff", keys: ScenarioKeys.backoff)
        if let v = try backoff.child("after_denies").optional({ n throws(LoadError) in try n.int(atLeast: 0, atMost: 10_000) }) {
            b.backoffAfterDenies = v
        }
        if let v = try backoff.child("pause").optional({ n throws(LoadError) in try n.duration(positive: true) }) { b.backoffPause = v }
        return b
    }

    /// `live`, or `{ephemeral: {tools, verbs, ttl, max_uses}}`; scope tools must be catalogue
    /// tools or tools the group's templates use (`tools`).
    func key(_ node: LayeredNode, tools used: [String]) throws(LoadError) -> KeySpec {
        let what = "live or {ephemeral: {tools: [github], verbs: [READ], ttl: 10m, max_uses: 5}}"
        guard let top = node.top, case .mapping = top.node else {
            return try node.scalar(what) { text, _, at throws(LoadError) in
                guard text == "live" else { throw node.expected(what, found: at, code: .invalidValue) }
                return KeySpec.live
            }
        }
        try node.expectKeys(ScenarioKeys.key)
        let e = try node.section("ephemeral", keys: ScenarioKeys.ephemeral)
        if e.isNullOrAbsent { throw e.missing("an ephemeral scope like {tools: [github], ttl: 10m, max_uses: 5}") }
        let known = ToolCatalogue.operations.map(\.tool) + used
        let toolList = try e.child("tools")
        let tools = try toolList.list { item throws(LoadError) -> String in
            let tool = try item.string("a tool name")
            if !known.contains(tool) {
                var unique: [String] = []
                for t in known where !unique.contains(t) { unique.append(t) }
                let hint = Suggestion.nearest(to: tool, in: unique).map { "; did you mean '\($0)'?" } ?? ""
                throw item.fail(.invalidValue, "expected a tool of the catalogue or of the group's templates; found \(Escaping.quoted(tool))" + hint)
            }
            return tool
        }
        if tools.isEmpty { throw toolList.fail(.missingValue, "expected at least one tool; found an empty list") }
        let verbs = try e.child("verbs").optional { n throws(LoadError) in try n.verbSet() } ?? .all
        let ttl = try e.child("ttl").duration(positive: true)
        let uses = try e.child("max_uses").int(atLeast: 1, atMost: 1_000_000)
        return .ephemeral(EphemeralScope(tools: tools, verbs: verbs, ttl: ttl, maxUses: uses))
    }
}

extension SimDuration {
    /// A time of day as `HH:MM` (`HH:MM:SS` when not on a whole minute).
    fileprivate var clock: String {
        let total = milliseconds / 1000
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let hm = two(total / 3600) + ":" + two(total / 60 % 60)
        return total % 60 == 0 ? hm : hm + ":" + two(total % 60)
    }
}
