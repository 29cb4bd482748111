import ArgumentParser
import Foundation
import IntervenCore
import IntervenServer
import Hummingbird
import Logging
import Metrics

/// `interven-sim serve`: the gateway model as an HTTP service.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the gateway model over HTTP: the product's scan, approvals, traces, incidents and agents API.",
        discussion: """
            Without --config, serves one demo tenant with the shipped rules and prints its generated \
            API key on stderr. Every scan and operator action is kept in an SQLite event log (--db; \
            a temporary database without it) and replayed through the core at start-up, so a \
            restart resumes the exact state. A scan is answered once the batch holding it is \
            durable (--ack immediate answers first). SIGTERM or SIGINT: stop accepting, finish \
            requests in flight, write what is pending, exit 0. See README, "Serving the gateway".
            """
    )

    @Option(help: ArgumentHelp("Tenants, their rules files and API keys (YAML).", valueName: "FILE"))
    var config: String?

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0: any free port, printed when listening).")
    var port = 8080

    @Option(help: ArgumentHelp("SQLite database of the event log (created if missing); default: a temporary one, removed at exit.", valueName: "FILE"))
    var db: String?

    @Option(help: "Gateway time runs this many times faster than the wall clock (windows, TTLs, idle recovery).")
    var speed: Double = 1

    @Option(help: "Shard actors per tenant (default: the active processors).")
    var shards: Int?

    @Option(name: .customLong("commit-interval"), help: ArgumentHelp("Extra wait to gather a batch before each commit, e.g. 2ms (default 0ms: commit as soon as the previous commit ends).", valueName: "DURATION"))
    var commitInterval = "0ms"

    @Option(help: ArgumentHelp("When a scan is answered: durable (after its batch commits) or immediate (before; a crash may lose answered scans of the last batch).", valueName: "MODE"))
    var ack = "durable"

    @Option(name: .customLong("hash-key"), help: ArgumentHelp("Print the SHA-256 of an API key for a config file, and exit.", valueName: "KEY"))
    var hashKey: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    func run() async throws {
        if let k = hashKey {
            print(KeyHash.sha256(k))
            return
        }
        guard speed > 0, speed.isFinite, speed <= 1_000_000 else { throw CLIFailure.invalidInput("--speed: expected a number above 0 and at most 1000000; found \(speed)") }
        guard (0...65535).contains(port) else { throw CLIFailure.invalidInput("--port: expected 0 to 65535; found \(port)") }
        guard let interval = SimDuration.parse(commitInterval), interval.milliseconds >= 0, interval.milliseconds <= 10_000 else {
            throw CLIFailure.invalidInput("--commit-interval: expected a duration from 0ms to 10s like 2ms; found '\(commitInterval)'")
        }
        guard ack == "durable" || ack == "immediate" else { throw CLIFailure.invalidInput("--ack: expected durable or immediate; found '\(ack)'") }
        guard let level = Logger.Level(rawValue: logLevel) else { throw CLIFailure.invalidInput("--log-level: unknown level '\(logLevel)'") }
        if let s = shards, !(1...256).contains(s) { throw CLIFailure.invalidInput("--shards: expected 1 to 256; found \(s)") }

        LoggingSystem.bootstrap { label in
            var h = LazyMetadataLogHandler(inner: StreamLogHandler.standardError(label: label))
            h.logLevel = level
            return h
        }
        let logger = Logger(label: "interven-sim.serve")

        let serverConfig: ServerConfig
        var demoKey: String? = nil
        if let path = config {
            do { serverConfig = try ServerConfig.load(path: path) } catch { throw CLIFailure.invalidInput("\(error)") }
        } else {
            do { (serverConfig, demoKey) = try ServerConfig.demo() } catch { throw CLIFailure.runtime("\(error)") }
        }
        var options = ServerOptions()
        options.host = host
        options.port = port
        options.dbPath = db
        options.speed = speed
        if let shards { options.shards = shards }
        options.commitInterval = .milliseconds(interval.milliseconds)
        options.ackBeforeDurable = ack == "immediate"

        let server: GatewayServer
        do {
            server = try GatewayServer.open(config: serverConfig, options: options, logger: logger)
        } catch {
            throw CLIFailure.runtime("cannot open the database \(db ?? "(temporary)"): \(error)")
        }
        defer { server.removeTemporaryDatabase() }
        MetricsSystem.bootstrap(server.metrics.factory)
        if let demoKey {
            writeStandardError("demo tenant 'demo': API key \(demoKey) (default agent demo-agent)\n")
        }
        logger.info("event log replayed", metadata: ["events": "\(server.replayed)", "db": "\(db ?? "(temporary)")"])
        let host = options.host
        let app = server.application { port in
            writeStandardError("listening on http://\(host):\(port)\n")
        }
        do {
            try await app.runService()
        } catch {
            throw CLIFailure.runtime("server stopped: \(error)")
        }
        logger.info("stopped", metadata: ["durable_events": "\(server.log.durableSeq)"])
    }
}

/// `StreamLogHandler` formats its whole metadata each time a key is set, and Hummingbird sets the
/// request id on every request's logger: this keeps set metadata as given and passes it along
/// only when something is logged.
struct LazyMetadataLogHandler: LogHandler {
    var inner: StreamLogHandler
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) {
        var e = event
        if !metadata.isEmpty { e.metadata = metadata.merging(event.metadata ?? [:]) { _, given in given } }
        inner.log(event: e)
    }
}
