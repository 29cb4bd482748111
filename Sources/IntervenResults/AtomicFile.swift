#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes one output file (a report, a baseline, benchmark figures) without ever destroying
/// what the path names:
///
/// - a regular file (or a new one) is replaced atomically: the bytes go to a hidden sibling
///   `.<name>.tmp-<pid>`, flushed to disk, renamed over the file, and the directory is flushed;
///   a reader (or a crash) sees the old file or the complete new one, and the old file's
///   permissions are kept;
/// - a symbolic link is followed: its target is written as above, beside the target, and the
///   link stays a link;
/// - a character device or a FIFO (`/dev/null`, `/dev/stdout`, a named pipe) is written
///   through, as a shell redirection would, and stays what it is;
/// - a directory, a block device or a socket is refused (`refused`), before anything is written.
///
/// Missing parent directories are created, and removed again when the write fails.
public enum AtomicFile {
    /// Why `path` cannot be an output file, or nil. `flag` names it in the message (`--report`).
    public static func refusal(_ path: String, flag: String) -> String? {
        guard !path.isEmpty else { return "\(flag) needs a file name (got an empty string)" }
        let resolved: String
        do { resolved = try FileSystem.resolveLinks(path) } catch { return "\(flag) \(error.reason)" }
        let shown = resolved == path ? path : "\(path) (a link to \(resolved))"
        switch FileSystem.kind(resolved) {
        case .missing?, .regular?, .characterDevice?, .fifo?:
            guard !path.hasSuffix("/") else { return "\(flag) \(path) names a directory; name a file" }
            return nil
        case .directory?: return "\(flag) \(shown) is a directory; name a file"
        case .blockDevice?: return "\(flag) \(shown) is a block device; refusing to write a report onto it"
        case .socket?: return "\(flag) \(shown) is a socket; name a file"
        case .symlink?, nil: return "cannot inspect \(shown): \(FileSystem.reason())"
        }
    }

    /// Writes `bytes` to `path` as described above. `flag` names the path in refusals.
    public static func write(_ bytes: [UInt8], to path: String, flag: String = "the output") throws(ResultsWriteError) {
        if let why = refusal(path, flag: flag) { throw ResultsWriteError(directory: path, path: path, reason: why, refused: true) }
        let resolved: String
        do { resolved = try FileSystem.resolveLinks(path) } catch { throw fileError(path, error.path, error.reason) }
        switch FileSystem.kind(resolved) {
        case .characterDevice?, .fifo?: try writeThrough(bytes, to: resolved, named: path)
        default: try replace(resolved, with: bytes, named: path)
        }
    }

    /// Opens an existing device or FIFO for writing (no create, no truncate) and writes to it.
    private static func writeThrough(_ bytes: [UInt8], to path: String, named shown: String) throws(ResultsWriteError) {
        let fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else { throw fileError(shown, path, FileSystem.reason()) }
        let written = writeAll(fd, bytes)
        let reason = FileSystem.reason()
        let closed = close(fd) == 0
        guard written, closed else { throw fileError(shown, path, written ? FileSystem.reason() : reason) }
    }

    /// Writes a hidden sibling of `path` and renames it over `path`.
    private static func replace(_ path: String, with bytes: [UInt8], named shown: String) throws(ResultsWriteError) {
        let (parent, name) = FileSystem.split(path)
        let fail = { (p: String, what: String) in fileError(shown, p, "\(what): \(FileSystem.reason())") }
        FileSystem.sweepStale(in: parent, name: name)
        let created: [String]
        do { created = try FileSystem.createDirectories(parent) } catch { throw fileError(shown, error.path, error.reason) }
        let temporary = FileSystem.join(parent, FileSystem.temporaryName(name, pid: getpid()))
        var fd: Int32 = -1
        guard let token = TemporaryOutputs.create(temporary, {
            fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            return fd >= 0
        }) else {
            let error = fail(temporary, "cannot create \(temporary)")
            FileSystem.removeDirectories(created)
            throw error
        }
        do throws(ResultsWriteError) {
            let mode = FileSystem.permissions(path) ?? 0o644
            guard writeAll(fd, bytes), fchmod(fd, mode) == 0, fsync(fd) == 0 else {
                let error = fail(temporary, "cannot write \(temporary)")
                _ = close(fd)
                throw error
            }
            guard close(fd) == 0 else { throw fail(temporary, "cannot write \(temporary)") }
            try TemporaryOutputs.locked { () throws(ResultsWriteError) in
                guard rename(temporary, path) == 0 else { throw fail(path, "cannot rename \(temporary) to \(path)") }
            }
            guard FileSystem.sync(parent, directory: true) else { throw fail(parent, "cannot flush \(parent) to disk") }
        } catch {
            _ = unlink(temporary)
            TemporaryOutputs.unregister(token)
            FileSystem.removeDirectories(created)
            throw error
        }
        TemporaryOutputs.unregister(token)
    }

    /// A failed write of the output `shown`: `cannot write SHOWN: REASON`.
    private static func fileError(_ shown: String, _ path: String, _ reason: String) -> ResultsWriteError {
        var e = ResultsWriteError(directory: shown, path: path, reason: reason)
        e.file = true
        return e
    }
}
