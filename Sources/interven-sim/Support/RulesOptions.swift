import ArgumentParser

/// `--rules FILE` and `--set PATH=VALUE`: the rules a command runs against, declared once for
/// every command that takes them (`run`, `check`, `validate`, `sweep`, `bench`, `bench-core`).
struct RulesOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Rules file to run against instead of each scenario's own (default: the scenario's, else the shipped rules).",
        valueName: "FILE"), transform: ArgumentValues.path("a rules file"))
    var rules: String?

    @Option(name: .customLong("set"), help: ArgumentHelp(
        "Override one rules value after the rules file and any scenario's own set:, e.g. triggers.repeated_deny.count=6 (repeatable).",
        valueName: "PATH=VALUE"))
    var overrides: [String] = []
}

/// `--set PATH=VALUE` alone, for `rules`, whose rules file is its argument.
struct OverrideOptions: ParsableArguments {
    @Option(name: .customLong("set"), help: ArgumentHelp(
        "Override one value, e.g. triggers.repeated_deny.count=6 (repeatable).", valueName: "PATH=VALUE"))
    var overrides: [String] = []
}
