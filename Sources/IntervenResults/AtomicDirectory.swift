#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Puts a set of files in place as one directory in a single atomic step, so a reader (or a
/// crash, or a kill) sees the previous directory or the complete new one, never a half-written
/// one and never none.
///
/// - Only a directory interven-sim marked as results (`ResultsMarker`) is replaced; an empty or
///   missing one is filled; anything else is refused before anything is written.
/// - The files (the marker first) are written to a hidden sibling `.<name>.tmp-<pid>`, each
///   file and the directory flushed to disk (`fsync`). On Linux the new directory and the
///   previous one are then swapped in one `renameat2(RENAME_EXCHANGE)` and the previous one is
///   removed; elsewhere the previous one is moved to `.<name>.old-<pid>` first (two renames).
///   The parent directory is flushed before and after.
/// - Any failure removes the temporary directory, puts the previous one back and removes the
///   parent directories it created. Temporaries are registered with `TemporaryOutputs`, so an
///   interrupted process removes them; those of killed processes are swept by the next write
///   beside them.
/// - A symbolic link at the path is followed: the directory it points to is replaced, the link stays.
struct AtomicDirectory {
    /// The directory as the caller named it.
    let target: String
    /// The directory that holds it (created with its ancestors when missing).
    let parent: String
    /// Its last path component.
    let name: String
    /// Where the new files are written first: `.<name>.tmp-<pid>` beside the target.
    let temporary: String
    /// Where an existing target waits while the new one is renamed in, where the atomic swap is
    /// not available: `.<name>.old-<pid>`.
    let previous: String
    /// What the marker says the directory is.
    let kind: ResultsMarker.Kind
    /// The flag that named the directory, for messages (`--out`).
    let flag: String

    init(path: String, kind: ResultsMarker.Kind = .results, flag: String = "--out", pid: Int32 = getpid()) {
        var p = Substring(path)
        while p.count > 1, p.last == "/" { p = p.dropLast() }
        target = String(p)
        (parent, name) = FileSystem.split(target)
        temporary = FileSystem.join(parent, FileSystem.temporaryName(name, pid: pid))
        previous = FileSystem.join(parent, FileSystem.previousName(name, pid: pid))
        self.kind = kind
        self.flag = flag
    }

    /// Why the directory may not be written, or nil (see `ResultsMarker.refusal`). A symbolic
    /// link is judged by the directory it points to.
    func refusal() -> String? {
        guard !name.isEmpty, name != ".", name != "..", target != "/" else {
            return "\(flag) '\(target)' does not name a directory that can be replaced"
        }
        guard let resolved = try? FileSystem.resolveLinks(target) else {
            return "\(flag) \(target): too many levels of symbolic links"
        }
        return ResultsMarker.refusal(resolved, as: kind, flag: flag)
    }

    /// Writes `files` (name and bytes, in order) as the whole content of the directory.
    func write(_ files: [ResultsWriter.File]) throws(ResultsWriteError) {
        try write(files.map(\.name)) { (i: Int, emit: ([UInt8]) throws(ResultsWriteError) -> Void) throws(ResultsWriteError) in
            try emit(files[i].bytes)
        }
    }

    /// Writes the files `names`; `contents(i, emit)` produces file `i` by passing its bytes to
    /// `emit` in chunks, so a large file never has to be held in memory whole.
    func write(_ names: [String],
               contents: (Int, ([UInt8]) throws(ResultsWriteError) -> Void) throws(ResultsWriteError) -> Void) throws(ResultsWriteError) {
        if let why = refusal() { throw ResultsWriteError(directory: target, path: target, reason: why, refused: true) }
        // A link is followed: the directory it names is the one replaced, beside itself.
        let resolved: String
        do { resolved = try FileSystem.resolveLinks(target) } catch { throw failure(error.path, error.reason) }
        if resolved != target {
            return try AtomicDirectory(path: resolved, kind: kind, flag: flag, pid: getpid()).write(names, contents: contents)
        }
        FileSystem.sweepStale(in: parent, name: name)
        let created: [String]
        do { created = try FileSystem.createDirectories(parent) } catch { throw failure(error.path, error.reason) }

        guard let token = TemporaryOutputs.create(temporary, { mkdir(temporary, 0o755) == 0 }) else {
            let error = failure(temporary, "cannot create directory \(temporary): \(FileSystem.reason())")
            FileSystem.removeDirectories(created)
            throw error
        }
        do throws(ResultsWriteError) {
            try writeFile(FileSystem.join(temporary, ResultsMarker.name)) { (fd, path) throws(ResultsWriteError) in
                try append(ResultsMarker.contents(kind), to: fd, path)
            }
            for (i, file) in names.enumerated() {
                try writeFile(FileSystem.join(temporary, file)) { (fd, path) throws(ResultsWriteError) in
                    try contents(i) { (bytes: [UInt8]) throws(ResultsWriteError) in try append(bytes, to: fd, path) }
                }
            }
            try sync(temporary, directory: true)
            try sync(parent, directory: true)
            try TemporaryOutputs.locked { () throws(ResultsWriteError) in
                // Checked again at the last moment: something may have appeared there meanwhile.
                if let why = ResultsMarker.refusal(target, as: kind, flag: flag) {
                    throw ResultsWriteError(directory: target, path: target, reason: why, refused: true)
                }
                try putInPlace()
            }
            try sync(parent, directory: true)
        } catch {
            FileSystem.removeTree(temporary)
            TemporaryOutputs.unregister(token)
            FileSystem.removeDirectories(created)
            throw error
        }
        // After the swap the temporary name holds the previous directory: remove it.
        FileSystem.removeTree(temporary)
        TemporaryOutputs.unregister(token)
    }

    /// Moves the complete temporary directory to the target (called with the registry locked).
    private func putInPlace() throws(ResultsWriteError) {
        guard FileSystem.kind(target) != .missing else {
            guard FileSystem.renameNoReplace(temporary, target) else {
                throw failure(target, "cannot rename \(temporary) to \(target): \(FileSystem.reason())")
            }
            return
        }
        switch FileSystem.exchange(temporary, target) {
        case .exchanged:
            return
        case .failed(let code):
            throw failure(target, "cannot swap \(temporary) with \(target): \(FileSystem.reason(code))")
        case .unsupported:
            // Two renames, under the registry's lock (so an interrupt cannot fall between
            // them); a kill between them leaves `.old-` beside a missing target, which the
            // next write beside it renames back.
            FileSystem.removeTree(previous)
            guard rename(target, previous) == 0 else {
                throw failure(target, "cannot move the previous \(target) aside to \(previous): \(FileSystem.reason())")
            }
            guard rename(temporary, target) == 0 else {
                let reason = FileSystem.reason()
                _ = rename(previous, target)
                throw failure(target, "cannot rename \(temporary) to \(target): \(reason)")
            }
            FileSystem.removeTree(previous)
        }
    }

    /// Creates `path`, lets `body` write it (given its descriptor and path), flushes it to
    /// disk and closes it.
    private func writeFile(_ path: String, _ body: (Int32, String) throws(ResultsWriteError) -> Void) throws(ResultsWriteError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure(path, "cannot create \(path): \(FileSystem.reason())") }
        do throws(ResultsWriteError) {
            try body(fd, path)
            guard fsync(fd) == 0 else { throw failure(path, "cannot write \(path) to disk: \(FileSystem.reason())") }
        } catch {
            _ = close(fd)
            throw error
        }
        guard close(fd) == 0 else { throw failure(path, "cannot write \(path): \(FileSystem.reason())") }
    }

    private func append(_ bytes: [UInt8], to fd: Int32, _ path: String) throws(ResultsWriteError) {
        guard writeAll(fd, bytes) else { throw failure(path, "cannot write \(path): \(FileSystem.reason())") }
    }

    private func sync(_ path: String, directory: Bool) throws(ResultsWriteError) {
        guard FileSystem.sync(path, directory: directory) else {
            throw failure(path, "cannot flush \(path) to disk: \(FileSystem.reason())")
        }
    }

    private func failure(_ path: String, _ reason: String) -> ResultsWriteError {
        ResultsWriteError(directory: target, path: path, reason: reason)
    }
}

/// Writes a set of files as one directory, all at once (see `AtomicDirectory`): for outputs
/// other than a run's results, such as a sweep's. An existing directory at `path` is replaced
/// only when it is empty or carries the marker of `kind`.
public enum FileSetDirectory {
    public static func write(_ files: [ResultsWriter.File], to path: String, kind: ResultsMarker.Kind,
                             flag: String = "--out") throws(ResultsWriteError) {
        try AtomicDirectory(path: path, kind: kind, flag: flag).write(files)
    }

    /// Why `path` may not be written as a directory of `kind`, or nil; checked before the work
    /// that produces the files, so a refusal costs nothing.
    public static func refusal(_ path: String, kind: ResultsMarker.Kind, flag: String = "--out") -> String? {
        AtomicDirectory(path: path, kind: kind, flag: flag).refusal()
    }
}
