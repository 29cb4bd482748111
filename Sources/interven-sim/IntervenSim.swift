import ArgumentParser
import IntervenCore

/// The `interven-sim` command: simulate and load-test an AI-agent security gateway's detection logic.
@main
struct IntervenSim: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "interven-sim",
        abstract: "Simulate and load-test the detection logic of an AI-agent security gateway.",
        discussion: """
            Exit codes: 0 success; 1 an expectation failed (check); 2 invalid input (a malformed \
            scenario or rules file, an unknown key, a bad value or flag, a missing file); 3 a \
            failure while running or writing output.
            """,
        version: "0.1.0",
        subcommands: [RunCommand.self, ReportCommand.self, CheckCommand.self, SweepCommand.self, MergeCommand.self, ValidateCommand.self, SchemaCommand.self, RulesCommand.self, BenchCommand.self, BenchCoreCommand.self]
    )

    /// Runs the command, mapping every error to one line on stderr and a documented exit code.
    static func main() async {
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
