#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes one file so that a reader (or a crash) sees the old file or the complete new one:
/// the bytes go to a hidden sibling `.<name>.tmp-<pid>`, which is then renamed over the target.
/// Missing parent directories are created.
public enum AtomicFile {
    public static func write(_ bytes: [UInt8], to path: String) throws(ResultsWriteError) {
        let slash = path.lastIndex(of: "/")
        let parent = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let fail = { (what: String) in ResultsWriteError(directory: parent, path: path, reason: "\(what) \(path): \(String(cString: strerror(errno)))") }
        if parent != "." { try makeDirectories(parent, fail) }
        let temporary = (parent == "/" ? "/" : parent + "/") + ".\(name).tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw fail("cannot create a file beside") }
        let error = writeAll(fd, bytes) ? nil : fail("cannot write")
        if close(fd) != 0 || error != nil {
            let e = error ?? fail("cannot write")
            unlink(temporary)
            throw e
        }
        guard rename(temporary, path) == 0 else {
            let e = fail("cannot rename into")
            unlink(temporary)
            throw e
        }
    }

    private static func makeDirectories(_ path: String, _ fail: (String) -> ResultsWriteError) throws(ResultsWriteError) {
        var st = stat()
        if stat(path, &st) == 0 { return }
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            try makeDirectories(String(path[..<slash]), fail)
        }
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else { throw fail("cannot create the directory for") }
    }
}
