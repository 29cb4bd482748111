import ArgumentParser
import Dispatch
import Foundation
import IntervenCore
import IntervenLoad
import IntervenLoading
import IntervenResults
import IntervenScenario
import Synchronization

/// `interven-sim load SCENARIO --target URL`: the scenario's traffic against a live gateway.
struct LoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Drive a live gateway with a scenario's traffic and judge its expectations against it.",
        discussion: """
            Every agent of the scenario sends its scans at their scenario times (divided by \
            --speed) to POST /v1/scan of --target, waits on approvals and retries like the SDK, \
            and timeline operator actions go to the operator endpoints; the scenario's analyst \
            decides approvals and triages incidents through the API as the simulation's does. \
            Latency is measured from each request's intended send time (coordinated omission \
            corrected), written as .hgrm percentiles and .hlog interval logs. Afterwards the \
            target's incidents and trust states are read back, the expect: section is judged \
            (what the API cannot show is reported as not judged) and compared with the \
            simulation of the same scenario and seed. Only loopback targets unless --allow-host \
            names the host. Ctrl-C stops sending, drains the requests in flight and still \
            writes what was measured. Exit codes: 0 every judged expectation held; 1 an \
            expectation failed, more than 1% of requests failed or the target could not be read \
            back; 2 bad input; 3 the output could not be written.
            """
    )

    @Argument(help: "The scenario file (YAML).")
    var scenario: String

    @Option(help: "The gateway's base URL, e.g. http://127.0.0.1:8080.")
    var target: String

    @Option(help: "The API key every agent uses.")
    var key: String?

    @Option(help: ArgumentHelp("API keys: one per line, 'KEY' (the default) or 'AGENT KEY'.", valueName: "FILE"))
    var keys: String?

    @Option(help: "Scenario time runs this many times faster than the wall clock (start serve with the same --speed).")
    var speed: Double = 1

    @Option(help: "Requests in flight at most (and connections).")
    var connections: Int = 64

    @Option(help: ArgumentHelp("Stop sending after this wall time (default 10m).", valueName: "D"))
    var duration: String = "10m"

    @Option(name: .customLong("max-requests"), help: "Stop after this many requests.")
    var maxRequests: Int = 1_000_000

    @Option(name: .customLong("timeout"), help: ArgumentHelp("A request's timeout (default 10s).", valueName: "D"))
    var timeout: String = "10s"

    @Option(name: .customLong("allow-host"), help: "Allow a target that is not loopback (repeatable).")
    var allowHost: [String] = []

    @Option(help: "Output directory (default: Results/load-<scenario name>).")
    var out: String?

    @Option(parsing: .unconditional, help: "Seed of every random stream, 0 to 18446744073709551615 (replaces the scenario's seed).",
            transform: ArgumentValues.seed)
    var seed: UInt64?

    @Flag(help: "No progress line.")
    var quiet = false

    func validate() throws {
        if speed <= 0 || !speed.isFinite { throw ValidationError("--speed must be a positive number (got \(speed))") }
        if connections < 1 || connections > 10_000 { throw ValidationError("--connections must be from 1 to 10000 (got \(connections))") }
        if maxRequests < 1 { throw ValidationError("--max-requests must be at least 1") }
        if key == nil && keys == nil { throw ValidationError("give --key KEY or --keys FILE") }
        if SimDuration.parse(duration) == nil { throw ValidationError("--duration: expected a duration like 90s, 5m, 1h; found '\(duration)'") }
        if SimDuration.parse(timeout) == nil { throw ValidationError("--timeout: expected a duration like 500ms, 10s; found '\(timeout)'") }
        if out == "" { throw ValidationError("--out needs a directory name (got an empty string)") }
    }

    func run() async throws {
        if let why = targetRefusal(target, allowedHosts: allowHost) { throw CLIFailure.invalidInput(why) }
        var loaded: Scenario
        do { loaded = try ScenarioFile.load(path: scenario, rulesPath: nil, overrides: []) } catch { throw CLIFailure.invalidInput(error) }
        if let seed { loaded.seed = seed }
        var defaultKey = key ?? ""
        var agentKeys: [String: String] = [:]
        if let keys {
            guard let text = try? String(contentsOfFile: keys, encoding: .utf8) else {
                throw CLIFailure.invalidInput("--keys \(keys): cannot read the file")
            }
            for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let parts = raw.split(separator: " ", omittingEmptySubsequences: true)
                switch parts.count {
                case 0: continue
                case 1: if defaultKey.isEmpty { defaultKey = String(parts[0]) }
                case 2: agentKeys[String(parts[0])] = String(parts[1])
                default: throw CLIFailure.invalidInput("\(keys):\(n + 1):1: expected 'KEY' or 'AGENT KEY'; found '\(raw)'")
                }
            }
            if defaultKey.isEmpty, let first = agentKeys.values.sorted().first { defaultKey = first }
        }
        let directory = out ?? "Results/load-" + RunCommand.directoryName(for: loaded.name)
        if let why = ResultsMarker.refusal(directory, as: .load, flag: "--out") { throw CLIFailure.invalidInput(why) }
        var options = LoadOptions(target: target.hasSuffix("/") ? String(target.dropLast()) : target, defaultKey: defaultKey)
        options.agentKeys = agentKeys
        options.speed = speed
        options.connections = connections
        options.maxRequests = maxRequests
        options.maxWallSeconds = Double(SimDuration.parse(duration)!.milliseconds) / 1000
        options.requestTimeout = Double(SimDuration.parse(timeout)!.milliseconds) / 1000
        options.progress = !quiet && isatty(2) != 0

        // Ctrl-C (or SIGTERM) stops sending; a second one ends the process.
        let current = Mutex<LoadRunner?>(nil)
        let hits = Mutex(0)
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let signals: [Int32] = [SIGINT, SIGTERM]
        let sources = signals.map { (sig: Int32) -> any DispatchSourceSignal in
            let s = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            s.setEventHandler {
                let n = hits.withLock { $0 += 1; return $0 }
                if n > 1 { exitProcess(sig == SIGINT ? Int32(130) : Int32(143)) }
                writeStandardError("\nstopping: draining the requests in flight (again to quit at once)\n")
                current.withLock { $0?.stop() }
            }
            s.resume()
            return s
        }
        defer { sources.forEach { $0.cancel() } }
        let report = await LoadTest.run(scenario: loaded, options: options) { runner in current.withLock { $0 = runner } }
        do { try LoadTest.write(report, to: directory) } catch { throw CLIFailure.output(error) }
        try output(report.text + "results: \(directory)\n", terminator: "")
        if report.exitCode != 0 { throw CLIFailure(message: "load test failed (see above)", exitCode: report.exitCode) }
    }
}
