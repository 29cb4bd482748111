import Synchronization

/// The temporary files and directories the output writers have made and not yet renamed into
/// place or removed, so that an interrupted process (SIGINT, SIGTERM) can remove them before it
/// exits instead of leaving them behind.
///
/// The writers hold the registry's lock across each rename, so `abandonAll` sees either the
/// temporary or the finished output, never a moment between. After `abandonAll` the lock stays
/// taken: every writer that reaches the registry again waits until the process has exited, so no
/// further output appears and no misleading error is printed.
public enum TemporaryOutputs {
    private struct State: ~Copyable {
        var next = 0
        var paths: [Int: String] = [:]
    }

    private static let state = Mutex(State())

    /// Creates a temporary with `create` (which returns false, with `errno` set, when it
    /// cannot) and registers it, in one step under the lock, so an interrupt finds it registered
    /// or finds nothing made; returns its token, or nil when `create` failed.
    public static func create(_ path: String, _ create: () -> Bool) -> Int? {
        state.withLock { s in
            guard create() else { return nil }
            s.next += 1
            s.paths[s.next] = path
            return s.next
        }
    }

    /// Runs `body` with the registry locked (a rename of a registered temporary into place).
    static func locked(_ body: () throws(ResultsWriteError) -> Void) throws(ResultsWriteError) {
        try state.withLock { (_: inout State) throws(ResultsWriteError) in try body() }
    }

    /// Forgets a temporary (it was renamed into place or removed by its writer).
    public static func unregister(_ token: Int) {
        state.withLock { s in _ = s.paths.removeValue(forKey: token) }
    }

    /// Removes every registered temporary, then calls `exit` with the lock still held, so no
    /// writer can make another change. For signal handlers; never returns.
    public static func abandonAll(then exit: () -> Never) -> Never {
        state.withLock { s -> Never in
            for (_, path) in s.paths.sorted(by: { $0.key < $1.key }) { FileSystem.removeTree(path) }
            exit()
        }
    }

    /// The paths registered now (for tests).
    static var paths: [String] { state.withLock { s in s.paths.values.sorted() } }
}
