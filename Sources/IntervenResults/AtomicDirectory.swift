#if canImport(FoundationEssentials)
import FoundationEssentials     // FileManager without the internationalisation libraries
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Puts a set of files in place as one directory in a single rename, so a reader (or a crash)
/// sees the previous directory or the complete new one, never a half-written one.
///
/// The files are written to a hidden sibling `.<name>.tmp-<pid>`; an existing directory is moved
/// to `.<name>.old-<pid>`, the new one renamed in, and the old one deleted. Any failure removes
/// the temporary directory and puts the previous one back. An existing directory is replaced
/// only when it is empty or holds a `summary.json`, so a mistyped `--out` cannot delete a
/// directory that is not a results directory.
struct AtomicDirectory {
    /// The directory as the caller named it.
    let target: String
    /// The directory that holds it (created with its ancestors when missing).
    let parent: String
    /// Its last path component.
    let name: String
    /// Where the new files are written first: `.<name>.tmp-<pid>` beside the target.
    let temporary: String
    /// Where an existing target waits while the new one is renamed in: `.<name>.old-<pid>`.
    let previous: String
    /// A file whose presence marks a directory as results that may be replaced.
    let marker: String

    init(path: String, marker: String, pid: Int32 = getpid()) {
        var p = Substring(path)
        while p.count > 1, p.last == "/" { p = p.dropLast() }
        target = String(p)
        if let slash = p.lastIndex(of: "/") {
            name = String(p[p.index(after: slash)...])
            parent = slash == p.startIndex ? "/" : String(p[..<slash])
        } else {
            name = String(p)
            parent = "."
        }
        let prefix = parent == "/" ? "/" : parent + "/"
        temporary = prefix + ".\(name).tmp-\(pid)"
        previous = prefix + ".\(name).old-\(pid)"
        self.marker = marker
    }

    /// Writes `files` (name and bytes, in order) as the whole content of the directory.
    func write(_ files: [ResultsWriter.File]) throws(ResultsWriteError) {
        try write(files.map(\.name)) { i in files[i].bytes }
    }

    /// Writes the files `names`, rendering each (by index) just before it is written, so only
    /// one file's bytes are in memory at a time.
    func write(_ names: [String], contents: (Int) -> [UInt8]) throws(ResultsWriteError) {
        guard !name.isEmpty, name != ".", name != ".." else {
            throw failure(target, "'\(target)' does not name a directory that can be replaced")
        }
        try createDirectories(parent)
        let replacing = try existingResults()

        removeQuietly(temporary)    // left by a crashed run that had the same process id
        guard mkdir(temporary, 0o755) == 0 else { throw failure(temporary, "cannot create directory \(temporary): \(osReason())") }
        do {
            for (i, name) in names.enumerated() { try writeFile(temporary + "/" + name, contents(i)) }
        } catch {
            removeQuietly(temporary)
            throw error
        }

        if replacing {
            removeQuietly(previous)
            guard rename(target, previous) == 0 else {
                let reason = osReason()
                removeQuietly(temporary)
                throw failure(target, "cannot move the previous \(target) aside to \(previous): \(reason)")
            }
        }
        guard rename(temporary, target) == 0 else {
            let reason = osReason()
            if replacing { _ = rename(previous, target) }
            removeQuietly(temporary)
            throw failure(target, "cannot rename \(temporary) to \(target): \(reason)")
        }
        if replacing { removeQuietly(previous) }
    }

    /// Whether the target exists as a directory this writer may replace; throws when it exists
    /// as anything else.
    private func existingResults() throws(ResultsWriteError) -> Bool {
        var st = stat()
        guard lstat(target, &st) == 0 else {
            if errno == ENOENT { return false }
            throw failure(target, "cannot inspect \(target): \(osReason())")
        }
        guard st.st_mode & S_IFMT == S_IFDIR else { throw failure(target, "\(target) exists and is not a directory") }
        var markerStat = stat()
        if lstat(target + "/" + marker, &markerStat) == 0 { return true }
        guard let dir = opendir(target) else { throw failure(target, "cannot list \(target): \(osReason())") }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let entryName = withUnsafePointer(to: &entry.pointee.d_name) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            if entryName != "." && entryName != ".." {
                throw failure(target, "refusing to replace \(target): it is not empty and has no \(marker), so it does not look like a results directory")
            }
        }
        return true
    }

    /// `mkdir -p`: creates `path` and its missing ancestors.
    private func createDirectories(_ path: String) throws(ResultsWriteError) {
        var st = stat()
        if stat(path, &st) == 0 {
            guard st.st_mode & S_IFMT == S_IFDIR else { throw failure(path, "cannot create directory \(target): \(path) is not a directory") }
            return
        }
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            try createDirectories(String(path[..<slash]))
        }
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else {
            throw failure(path, "cannot create directory \(path): \(osReason())")
        }
    }

    private func writeFile(_ path: String, _ bytes: [UInt8]) throws(ResultsWriteError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else { throw failure(path, "cannot create \(path): \(osReason())") }
        guard writeAll(fd, bytes) else {
            let reason = osReason()
            _ = close(fd)
            throw failure(path, "cannot write \(path): \(reason)")
        }
        guard close(fd) == 0 else { throw failure(path, "cannot write \(path): \(osReason())") }
    }

    private func removeQuietly(_ path: String) {
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        try? FileManager.default.removeItem(atPath: path)
    }

    private func failure(_ path: String, _ reason: String) -> ResultsWriteError {
        ResultsWriteError(directory: target, path: path, reason: reason)
    }

    private func osReason() -> String { String(cString: strerror(errno)) }
}

/// Writes every byte to `fd` (retrying interrupted writes); false on an error, with `errno` set.
func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
    var offset = 0
    return bytes.withUnsafeBytes { raw -> Bool in
        while offset < raw.count {
            let n = posixWrite(fd, raw.baseAddress! + offset, raw.count - offset)
            if n < 0 { if errno == EINTR { continue }; return false }
            offset += n
        }
        return true
    }
}

/// `write(2)`, under a name that does not clash with `AtomicDirectory.write`.
private func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}

/// Writes a set of files as one directory, all at once (see `AtomicDirectory`): for outputs
/// other than a run's results, such as a sweep's. An existing directory at `path` is replaced
/// only when it is empty or holds `marker`.
public enum FileSetDirectory {
    public static func write(_ files: [ResultsWriter.File], to path: String, marker: String) throws(ResultsWriteError) {
        try AtomicDirectory(path: path, marker: marker).write(files)
    }
}
