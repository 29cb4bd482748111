import Synchronization

/// Collects every independent error of one load, so that a file with three mistakes reports
/// all three in one run instead of one per run.
///
/// A decoder reads each independent value through `collect(_:_:)`: an error is recorded and the
/// fallback used, and reading goes on. Errors are kept once each, in file order, at most
/// `limit` of them. The sink in force is a task-local value, so the typed readers deep in the
/// decoders need no extra parameter; with no sink in force, `collect` rethrows (the first error
/// ends the load, as before).
final class ErrorSink: Sendable {
    /// At most this many errors are kept per load (a file that is not a rules file at all would
    /// otherwise give hundreds).
    static let limit = 50

    @TaskLocal static var current: ErrorSink?

    private let state = Mutex<(errors: [LoadError], dropped: Int)>(([], 0))

    /// Records an error once (the same text twice is one error).
    func record(_ error: LoadError) {
        state.withLock { s in
            for e in error.all where !s.errors.contains(where: { $0.description == e.description }) {
                if s.errors.count < Self.limit { s.errors.append(e.withoutOthers) } else { s.dropped += 1 }
            }
        }
    }

    var isEmpty: Bool { state.withLock { $0.errors.isEmpty } }
    var count: Int { state.withLock { $0.errors.count } }

    /// The errors so far, in the order they were found.
    var errors: [LoadError] { state.withLock { $0.errors } }

    /// The value `body` reads, or `fallback` after recording its error (rethrown without a sink).
    static func collect<T>(_ fallback: @autoclosure () -> T, _ body: () throws(LoadError) -> T) throws(LoadError) -> T {
        do {
            return try body()
        } catch {
            guard let sink = current else { throw error }
            sink.record(error)
            return fallback()
        }
    }

    /// Runs `body` with a fresh sink in force; throws the first error with every other one
    /// attached (`LoadError.others`), sorted by file, line and column.
    static func gathering<T>(_ body: () throws(LoadError) -> T) throws(LoadError) -> T {
        let sink = ErrorSink()
        let result: Result<T, LoadError> = $current.withValue(sink) {
            do throws(LoadError) { return .success(try body()) } catch { return .failure(error) }
        }
        if case .failure(let e) = result { sink.record(e) }
        let errors = sink.sorted()
        guard var first = errors.first else { return try result.get() }
        first.others = Array(errors.dropFirst())
        let dropped = sink.state.withLock { $0.dropped }
        if dropped > 0 {
            first.others.append(LoadError(.invalidValue, file: first.file, "\(dropped) more errors not shown (at most \(limit) per file)"))
        }
        throw first
    }

    /// The errors grouped by file in order of first appearance, each file's by line (in the
    /// order found within a line); a missing key that an unknown key's "did you mean" names is
    /// left out (it is the same mistake).
    func sorted() -> [LoadError] {
        let all = errors
        let meant = Set(all.filter { $0.code == .unknownKey }.compactMap { e -> String? in
            guard let r = e.message.range(of: "did you mean '") else { return nil }
            return String(e.message[r.upperBound...].prefix { $0 != "'" })
        })
        let list = all.filter { e in
            guard e.code == .missingValue, let r = e.message.range(of: "missing required key '") else { return true }
            return !meant.contains(String(e.message[r.upperBound...].prefix { $0 != "'" }))
        }
        var fileOrder: [String] = []
        for e in list where !fileOrder.contains(e.file) { fileOrder.append(e.file) }
        return list.enumerated().sorted { a, b in
            let fa = fileOrder.firstIndex(of: a.element.file)!, fb = fileOrder.firstIndex(of: b.element.file)!
            if fa != fb { return fa < fb }
            let la = a.element.line == 0 ? Int.max : a.element.line, lb = b.element.line == 0 ? Int.max : b.element.line
            if la != lb { return la < lb }
            return a.offset < b.offset
        }.map(\.element)
    }
}

extension LoadError {
    /// This error alone (the sink flattens `others`).
    var withoutOthers: LoadError {
        var e = self
        e.others = []
        return e
    }
}
