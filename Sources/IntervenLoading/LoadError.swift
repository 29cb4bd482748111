/// Why a rules file, a scenario file or a `--set` override could not be loaded, and where.
///
/// The error carries the file, line and column of the offending value so that the CLI can print
/// one line a user can jump to: `rules/strict.yaml:12:5: unknown key 'windw' in
/// triggers.repeated_deny; did you mean 'window'?`.
public struct LoadError: Error, CustomStringConvertible, Sendable {
    /// What kind of problem the input has; new kinds can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: Hashable, Sendable {
            case syntax, unknownKey, wrongType, invalidValue, outOfRange, missingValue, duplicateKey
            case fileNotFound, unreadableFile, invalidOverride
            case conflictingKeys, unknownAgent, outOfRun
        }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        /// The text is not valid YAML.
        public static let syntax = Code(.syntax)
        /// A mapping holds a key the format does not know.
        public static let unknownKey = Code(.unknownKey)
        /// A value has the wrong shape: a string where a number belongs, a list where a mapping belongs.
        public static let wrongType = Code(.wrongType)
        /// A value has the right shape but is not one of the accepted ones (an unknown severity name).
        public static let invalidValue = Code(.invalidValue)
        /// A number, score or duration lies outside its allowed range.
        public static let outOfRange = Code(.outOfRange)
        /// A required value is absent or null.
        public static let missingValue = Code(.missingValue)
        /// A key appears twice in one mapping, or an id twice in one list.
        public static let duplicateKey = Code(.duplicateKey)
        /// The named file does not exist.
        public static let fileNotFound = Code(.fileNotFound)
        /// The named file exists but cannot be read as UTF-8 text.
        public static let unreadableFile = Code(.unreadableFile)
        /// A `--set` override is not of the form `path.to.key=value`.
        public static let invalidOverride = Code(.invalidOverride)
        /// A mapping holds keys that exclude each other: two actions in one timeline item, two
        /// arrival processes, `op` beside `tool`.
        public static let conflictingKeys = Code(.conflictingKeys)
        /// A scenario names an agent that none of its groups defines (or a glob that matches none).
        public static let unknownAgent = Code(.unknownAgent)
        /// A scenario time lies outside the run: at or after its end.
        public static let outOfRun = Code(.outOfRun)

        /// The code's name, e.g. `unknownKey`.
        public var description: String {
            switch kind {
            case .syntax: "syntax"
            case .unknownKey: "unknownKey"
            case .wrongType: "wrongType"
            case .invalidValue: "invalidValue"
            case .outOfRange: "outOfRange"
            case .missingValue: "missingValue"
            case .duplicateKey: "duplicateKey"
            case .fileNotFound: "fileNotFound"
            case .unreadableFile: "unreadableFile"
            case .invalidOverride: "invalidOverride"
            case .conflictingKeys: "conflictingKeys"
            case .unknownAgent: "unknownAgent"
            case .outOfRun: "outOfRun"
            }
        }
    }

    /// What kind of problem this is.
    public var code: Code
    /// The file the offending value came from, or `--set PATH=VALUE` for an override.
    public var file: String
    /// The 1-based line of the offending value; 0 when unknown.
    public var line: Int
    /// The 1-based column (in Unicode scalars) of the offending value; 0 when unknown.
    public var column: Int
    /// What is wrong: where (the key path), what was expected and what was found.
    public var message: String
    /// Further errors found in the same input (independent items, such as other expectations),
    /// so that `validate` can list them all; `description` shows only this one.
    public var others: [LoadError] = []

    /// This error and the others, in file order.
    public var all: [LoadError] { [self] + others }

    init(_ code: Code, file: String, line: Int = 0, column: Int = 0, _ message: String) {
        self.code = code
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// One line: `FILE:LINE:COLUMN: MESSAGE` (`FILE: MESSAGE` when the position is unknown),
    /// with control characters escaped and at most `Escaping.lineLimit` characters.
    public var description: String {
        var place = file
        if line > 0 {
            place += ":\(line)"
            if column > 0 { place += ":\(column)" }
        }
        return Escaping.line(place + ": " + message)
    }
}
