import Foundation
import IntervenTesting
import Testing

@Suite("interven-sim bench-core (smoke run, no timing assertions)")
struct BenchCoreCommandTests {
    static func field(_ name: String, in output: String) -> String? {
        output.split(separator: "\n").first { $0.hasPrefix(name + ":") }
            .map { $0.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces) }
    }

    @Test("a small run reports its figures and the same fingerprint twice")
    func smallRunIsDeterministic() throws {
        let args = ["bench-core", "--agents", "300", "--rounds", "12", "--seed", "7"]
        let a = try CLIProcess.run(args)
        let b = try CLIProcess.run(args)
        #expect(a.status == 0, "stderr: \(a.stderr)")
        for name in ["core", "allocations", "decisions", "incidents", "fingerprint", "memory"] {
            #expect(Self.field(name, in: a.stdout) != nil, "missing '\(name):' in \(a.stdout)")
        }
        let fp = try #require(Self.field("fingerprint", in: a.stdout))
        #expect(fp.count == 16)
        #expect(Self.field("fingerprint", in: b.stdout) == fp)
        #expect(Self.field("incidents", in: a.stdout) == Self.field("incidents", in: b.stdout))
        // The stream has compromised agents, so detection must have fired.
        #expect(Self.field("incidents", in: a.stdout)?.hasPrefix("0 ") == false)
    }

    @Test("another seed gives another fingerprint")
    func seedMatters() throws {
        let a = try CLIProcess.run(["bench-core", "--agents", "300", "--rounds", "6", "--seed", "1"])
        let b = try CLIProcess.run(["bench-core", "--agents", "300", "--rounds", "6", "--seed", "2"])
        #expect(a.status == 0 && b.status == 0)
        #expect(Self.field("fingerprint", in: a.stdout) != Self.field("fingerprint", in: b.stdout))
    }

    @Test("invalid arguments exit with code 2", arguments: [["--agents", "0"], ["--interval", "-1m"], ["--rounds", "x"]])
    func invalidArguments(_ extra: [String]) throws {
        let r = try CLIProcess.run(["bench-core"] + extra)
        #expect(r.status == 2)
        #expect(r.stderr.hasPrefix("error: "), "stderr: \(r.stderr)")
    }
}
