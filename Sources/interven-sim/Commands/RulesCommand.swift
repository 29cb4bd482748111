import ArgumentParser
import IntervenCore
import IntervenLoading

/// `interven-sim rules [FILE] [--set PATH=VALUE ...]`: validate a rules file and print every effective value.
struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Validate a rules file and print its effective values (defaults filled in).",
        discussion: """
            Prints a complete rules file: every tunable with its effective value, in the order of \
            the shipped Scenarios/rules/default.yaml, with "# default: X" after each value the \
            file (or --set) changed. Without FILE, prints the shipped defaults.
            """
    )

    @Argument(help: "A rules file (YAML). It sets only what it changes; the rest are the defaults.",
              transform: ArgumentValues.path("a rules file"))
    var file: String?

    @OptionGroup var overrideOptions: OverrideOptions
    var overrides: [String] { overrideOptions.overrides }

    func run() throws {
        let rules: Rules
        do {
            rules = try RulesFile.load(path: file, overrides: overrides)
        } catch {
            throw CLIFailure.invalidInput(error)
        }
        try output(RulesFile.render(rules), terminator: "")
    }
}
