import ArgumentParser
import IntervenLoading

/// `interven-sim schema`: print the JSON Schema of scenario files.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema of scenario files (for editors).",
        discussion: """
            Prints a JSON Schema (draft 2020-12) describing scenario files: every key with a \
            description, the names each value may take, and the forms of durations, rates and \
            scores. Editors with a YAML language server use it to complete keys, show \
            descriptions on hover and mark mistakes while you type; Scenarios/scenario.schema.json \
            is the same text. The schema checks a file's shape only: interven-sim validate also \
            checks agent names, feeds and times within the run.
            """
    )

    func run() throws {
        try output(ScenarioSchema.json, terminator: "")
    }
}
