import Foundation
import IntervenTesting
import Testing

/// The shipped scenario library (the quick part of it: every directory but load/ and the
/// 330-agent example, which `make test` checks with a release build) against its committed
/// baselines, as shipped and with one threshold changed.
@Suite("the shipped library")
struct LibraryCheckTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let quick = ["triggers", "trust", "incidents", "policy", "approvals"].map { "Scenarios/" + $0 }
        + ["Scenarios/examples/operator-timeline.yaml"]

    @Test("passes its expectations and matches Results/baseline/")
    func shipped() throws {
        let tmp = try CLIProcess.temporaryDirectory()
        let r = try CLIProcess.run(["check"] + Self.quick + ["--quiet", "--baseline", "Results/baseline", "--report", tmp.path + "/r.json"],
                                   in: Self.root)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("trigger-repeated-deny"))
        #expect(!r.stdout.contains("FAIL"))
    }

    @Test("with the repeated-deny count set to 6, fails and lists what changed")
    func thresholdChanged() throws {
        let tmp = try CLIProcess.temporaryDirectory()
        let rules = try CLIProcess.write("triggers:\n  repeated_deny:\n    count: 6\n", named: "count6.yaml", in: tmp)
        let r = try CLIProcess.run(["check"] + Self.quick + ["--quiet", "--rules", rules, "--baseline", "Results/baseline",
                                                              "--report", tmp.path + "/r.json"], in: Self.root)
        #expect(r.status == 1)
        let out = r.stdout
        // The expectation that pins the threshold fails, with the evidence next to it.
        #expect(out.contains("FAIL trigger-repeated-deny (Scenarios/triggers/repeated-deny.yaml:"))
        #expect(out.contains("expected exactly 1 repeated_deny incident for at-1"))
        #expect(out.contains("at-1: at most 5 denies within 1h (threshold 6); 5 from 00:10:00 to 00:50:00"))
        // And the baseline says what moved: the likely cause, the metrics, then the incidents.
        #expect(out.contains("""
            BASELINE trigger-repeated-deny: 4 metrics moved, 2 incidents removed, 2 trust trajectories moved against Results/baseline/trigger-repeated-deny.json
              likely cause: triggers.repeated_deny.count: 5 → 6 (\(rules):3)
            """), "\(out)")
        #expect(out.contains("""
              metric incidents per trigger repeated_deny: 1 → 0 (threshold 0)
              metric incidents per trigger trust_collapse: 1 → 0 (threshold 0)
              metric trust of group at, mean at end: 0.56 → 0.76 (threshold 0.05)
            """), "\(out)")
        #expect(out.contains("incident removed: repeated_deny for at-1 at 00:50:00 (HIGH)"))
        #expect(out.contains("trust moved: at-1 at 00:52:30: 0.55 → 0.75"))
        // Scenarios the threshold does not touch still pass.
        let untouched = out.split(separator: "\n").filter { $0.hasPrefix("trigger-critical-deny ") || $0.hasPrefix("trust-movements ") }
        #expect(untouched.count == 2)
        for line in untouched { #expect(line.contains("PASS"), "\(line)") }
    }
}
