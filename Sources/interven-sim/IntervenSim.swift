import ArgumentParser
import IntervenCore
import IntervenCheck

/// The `interven-sim` command: simulate and load-test an AI-agent security gateway's detection logic.
@main
struct IntervenSim: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "interven-sim",
        abstract: "Simulate and load-test the detection logic of an AI-agent security gateway.",
        discussion: """
            Exit codes: 0 success; 1 an expectation failed or a baseline changed (check); 2 invalid \
            input (a malformed scenario or rules file, an unknown key, a bad value or flag, a missing \
            file, an output path that must not be replaced, a run beyond --max-scans or the \
            available memory); 3 an output could not be written (results, a report, standard \
            output); 130/143 interrupted by SIGINT/SIGTERM (temporary files removed; serve \
            stops gracefully and exits 0).
            """,
        version: ToolInfo.version,
        subcommands: [RunCommand.self, ReportCommand.self, CheckCommand.self, SweepCommand.self, MergeCommand.self, ValidateCommand.self, SchemaCommand.self, RulesCommand.self, BenchCommand.self, BenchCoreCommand.self, ServeCommand.self, LoadCommand.self]
    )

    /// Runs the command, mapping every error to one line on stderr and a documented exit code.
    static func main() async {
        // `serve` handles SIGINT and SIGTERM itself (graceful shutdown, exit 0); `load` stops
        // sending on the first and still writes what it measured.
        let first = CommandLine.arguments.dropFirst().first
        if first != ServeCommand.configuration.commandName && first != LoadCommand.configuration.commandName {
            Interrupts.install()
        }
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as CLIFailure {
            printError(error.message)
            exitProcess(error.exitCode)
        } catch {
            let code = exitCode(for: error)
            if code == .success {           // --help, --version
                exit(withError: error)
            }
            // Usage errors are invalid input: one line, exit code 2 (not ArgumentParser's 64).
            printError(message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid arguments")
            exitProcess(ExitStatus.invalidInput)
        }
    }
}
