import Foundation
import IntervenTesting
import Testing

/// Every results file is the same byte for byte at every `--shards`, except the three fields
/// that say how the run went on this machine (`shards`, `wall_seconds`, `scans_per_wall_second`
/// in summary.json): the shipped scenarios, and a scenario whose operator actions are refused.
@Suite("results do not depend on --shards")
struct ShardIndependenceTests {
    static let root = LibraryCheckTests.root
    static let shardCounts = [1, 2, 3]
    /// The fields of summary.json allowed to differ between shard counts.
    static let machineFields = ["shards", "wall_seconds", "scans_per_wall_second"]

    /// The load scenario takes over a minute per run in a debug build: the suite runs its first
    /// hour (10,100 agents, analysts and incidents included); `make test` also runs the whole day
    /// through the release binary it has just built (`INTERVEN_SIM_RELEASE_BIN`).
    static let slow = ["Scenarios/load/tenant-10k-24h.yaml"]

    /// Every shipped scenario (relative to the repository), in sorted order.
    static let shipped: [String] = {
        let fm = FileManager.default
        let base = root.appendingPathComponent("Scenarios").path
        guard let walker = fm.enumerator(atPath: base) else { return [] }
        var out: [String] = []
        while let rel = walker.nextObject() as? String {
            guard rel.hasSuffix(".yaml"), !rel.hasPrefix("rules/") else { continue }
            out.append("Scenarios/" + rel)
        }
        return out.sorted()
    }()

    /// Operator actions the gateway refuses, for agents that sit at different places in
    /// different shards: an illegal transition and a response on a closed incident (both name
    /// the incident), a second suspend, a reactivation of an active agent, a trust reset while
    /// suspended, an approval with nothing pending, a transition of an agent without incidents.
    static let refusals = """
        name: refusals
        description: refused operator actions on agents spread over shards
        seed: 5
        duration: 2h
        agents:
          - group: ops
            count: 7
            name: op-{n}
            runtime: custom
            arrivals: {constant: 1/h}
            mix: [{op: github.list_prs}]
        timeline:
          - {at: 10m, scan: {agent: op-5, op: gdrive.share_file_external, risk: 0.9}}
          - {at: 10m, scan: {agent: op-6, op: gdrive.share_file_external, risk: 0.9}}
          - {at: 20m, close: {agent: op-5, trigger: critical_deny, resolution: false_positive}}
          - {at: 20m, close: {agent: op-6, trigger: critical_deny, resolution: policy_gap}}
          - {at: 30m, transition: {agent: op-5, trigger: critical_deny, to: investigating}}
          - {at: 30m, respond: {agent: op-6, trigger: critical_deny, action: rotate_key}}
          - {at: 40m, suspend: op-3}
          - {at: 41m, suspend: op-3}
          - {at: 42m, reset_trust: op-3}
          - {at: 43m, reactivate: op-4}
          - {at: 44m, approve: op-7}
          - {at: 45m, transition: {agent: op-2, trigger: repeated_deny, to: investigating}}
        """

    /// A scenario file to run: a shipped one, or a written copy (shortened, or a fixture).
    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        /// Makes the file to run in a scratch directory and returns its path.
        var make: @Sendable (URL) throws -> String
        var testDescription: String { label }
    }

    static let cases: [Case] = shipped.map { path in
        if slow.contains(path) {
            return Case(label: path + " (first hour)") { dir in
                try CLIProcess.write(firstHour(of: path), named: "short.yaml", in: dir)
            }
        }
        return Case(label: path) { _ in root.appendingPathComponent(path).path }
    } + [Case(label: "refused operator actions") { dir in try CLIProcess.write(refusals, named: "refusals.yaml", in: dir) }]

    /// A shipped scenario cut to its first hour, without its expectations (they judge the whole day).
    static func firstHour(of path: String) throws -> String {
        let text = try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
        let body = text.components(separatedBy: "\nexpect:").first ?? text
        precondition(body.contains("\nduration: 24h\n"), "\(path) no longer says duration: 24h")
        return body.replacingOccurrences(of: "\nduration: 24h\n", with: "\nduration: 1h\n")
    }

    /// Runs `file` at every shard count with `binary` and compares the results directories.
    static func compare(_ file: String, binary: URL? = nil, in dir: URL) throws {
        var first: (k: Int, files: [String: [UInt8]])?
        for k in shardCounts {
            let out = dir.appendingPathComponent("out-\(k)")
            let r = try CLIProcess.run(["run", file, "--shards", "\(k)", "--out", out.path, "--quiet"], binary: binary)
            try #require(r.status == 0, "--shards \(k): \(r.stderr)")
            let files = try contents(of: out)
            if let first {
                #expect(files.keys.sorted() == first.files.keys.sorted(), "--shards \(k) against \(first.k)")
                for (name, bytes) in files.sorted(by: { $0.key < $1.key }) where first.files[name] != bytes {
                    Issue.record("\(name) differs between --shards \(first.k) and \(k): \(firstDifference(first.files[name] ?? [], bytes))")
                }
            } else {
                first = (k, files)
            }
        }
    }

    /// Each file of a results directory; summary.json without the machine fields.
    /// The cards of report.html that show the machine's wall time and speed.
    static let reportMachineCards = ["Wall time", "Scans per second"]

    static func contents(of dir: URL) throws -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
            var bytes = [UInt8](try Data(contentsOf: dir.appendingPathComponent(name)))
            if name == "summary.json" {
                let text = String(decoding: bytes, as: UTF8.self)
                let kept = text.split(separator: "\n", omittingEmptySubsequences: false).filter { line in
                    !machineFields.contains { line.hasPrefix("  \"\($0)\": ") }
                }
                #expect(kept.count == text.split(separator: "\n", omittingEmptySubsequences: false).count - machineFields.count,
                        "summary.json has each machine field once")
                bytes = Array(kept.joined(separator: "\n").utf8)
            }
            if name == "report.html" {
                // The page shows the run's wall time and speed (as summary.json does): the only
                // machine-dependent cards, left out of the comparison.
                let text = String(decoding: bytes, as: UTF8.self)
                let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
                let kept = lines.filter { line in
                    !reportMachineCards.contains { line.contains("<div class=\"card-title\">\($0)</div>") }
                }
                #expect(kept.count == lines.count - reportMachineCards.count, "report.html has each machine card once")
                // The overview names the shard count, as summary.json does.
                let shards = try #require(try? Regex("<tr><th>Shards</th><td>[0-9]+</td></tr>"))
                bytes = Array(kept.joined(separator: "\n").replacing(shards, with: "<tr><th>Shards</th><td>#</td></tr>").utf8)
            }
            out[name] = bytes
        }
        return out
    }

    /// The first line that differs, for the failure message.
    static func firstDifference(_ a: [UInt8], _ b: [UInt8]) -> String {
        let x = String(decoding: a, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let y = String(decoding: b, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        for i in 0..<max(x.count, y.count) {
            let l = i < x.count ? String(x[i]) : "(end)", r = i < y.count ? String(y[i]) : "(end)"
            if l != r { return "line \(i + 1): \(l.prefix(300)) | \(r.prefix(300))" }
        }
        return "same lines"
    }

    @Test("every output file is byte-identical at 1, 2 and 3 shards", arguments: cases)
    func identical(_ c: Case) throws {
        let dir = try CLIProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.compare(try c.make(dir), in: dir)
    }

    @Test("a refused action names the incident by its id in incidents.json")
    func refusalNamesPublicID() throws {
        let dir = try CLIProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = try CLIProcess.write(Self.refusals, named: "refusals.yaml", in: dir)
        let out = dir.appendingPathComponent("out")
        let r = try CLIProcess.run(["run", file, "--shards", "2", "--out", out.path, "--quiet"])
        try #require(r.status == 0, "\(r.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("summary.json"))) as? [String: Any])
        let incidents = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("incidents.json"))) as? [[String: Any]])
        let refused = try #require(summary["refused_actions"] as? [[String: Any]])
        let reasons = refused.compactMap { $0["reason"] as? String }
        #expect(reasons.count == 7, "\(reasons)")
        func id(of agent: String) -> String { incidents.first { $0["agent"] as? String == agent }?["id"] as? String ?? "?" }
        #expect(reasons.contains("incident \(id(of: "op-5")): cannot go from closed to investigating (nothing leaves closed)"), "\(reasons)")
        #expect(reasons.contains("incident \(id(of: "op-6")) is closed: no further response actions"), "\(reasons)")
        #expect(!reasons.contains { $0.contains("INC-") }, "\(reasons)")
    }

    @Test("the whole load scenario, through the release binary",
          .enabled(if: ProcessInfo.processInfo.environment["INTERVEN_SIM_RELEASE_BIN"] != nil,
                   "set INTERVEN_SIM_RELEASE_BIN to a release build (make test does): a day of 10,100 agents takes minutes in a debug build"))
    func wholeLoadScenario() throws {
        let binary = URL(fileURLWithPath: ProcessInfo.processInfo.environment["INTERVEN_SIM_RELEASE_BIN"]!)
        let dir = try CLIProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for path in Self.slow { try Self.compare(Self.root.appendingPathComponent(path).path, binary: binary, in: dir) }
    }
}
