import Foundation
import IntervenTesting
import Testing

/// `interven-sim load`, end to end through the built binary, against targets that need no
/// server: a refused non-loopback host, and a loopback port nothing listens on.
@Suite("interven-sim load")
struct LoadCommandTests {
    static let scenario = """
        name: steady
        description: one agent scanning ten times a second
        seed: 1
        duration: 1h
        agents:
          - {group: steady, name: steady-1, runtime: custom, arrivals: {constant: 10/s}, mix: [{op: github.list_prs}]}
        """

    @Test("a target that is not loopback is refused unless --allow-host names it")
    func nonLoopbackRefused() throws {
        let dir = try CLIProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try CLIProcess.write(Self.scenario, named: "steady.yaml", in: dir)
        let r = try CLIProcess.run(["load", path, "--target", "http://192.0.2.1:8080", "--key", "k", "--out", dir.appendingPathComponent("out").path])
        #expect(r.status == 2)
        #expect(r.stderr == "error: --target: 192.0.2.1 is not a loopback address; name it with --allow-host 192.0.2.1 to load-test it\n")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out").path))
    }

    @Test("Ctrl-C stops sending and still writes what was measured; refused connections fail the run")
    func interruptedStillWrites() throws {
        let dir = try CLIProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try CLIProcess.write(Self.scenario, named: "steady.yaml", in: dir)
        let out = dir.appendingPathComponent("out")
        let p = try CLIProcess.start(["load", path, "--target", "http://127.0.0.1:1", "--key", "k", "--timeout", "1s", "--out", out.path])
        defer { CLIProcess.stop(p) }
        Thread.sleep(forTimeInterval: 2)
        kill(p.processIdentifier, SIGINT)
        p.waitUntilExit()
        #expect(p.terminationStatus == 1)
        let load = try String(contentsOf: out.appendingPathComponent("load.json"), encoding: .utf8)
        #expect(load.contains("\"interrupted\" : true"))
        #expect(load.contains("\"connect\""))
        for f in ["expectations.json", "comparison.json", "junit.xml", ".interven-results"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(f).path))
        }
    }
}
