import IntervenSimulation
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

/// The few file-system operations the output writers need, on plain paths, with `errno` turned
/// into text. Every function here either succeeds or says why in one phrase.
enum FileSystem {
    /// What a path is, without following a final symbolic link.
    enum Kind: Equatable {
        case missing, regular, directory, symlink, characterDevice, blockDevice, fifo, socket
    }

    /// The text of the current `errno` (or of `code`).
    static func reason(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }

    /// What is at `path` (`lstat`): nil with `errno` set when it cannot be inspected.
    static func kind(_ path: String) -> Kind? {
        var st = stat()
        guard lstat(path, &st) == 0 else { return errno == ENOENT || errno == ENOTDIR ? .missing : nil }
        switch st.st_mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFDIR: return .directory
        case S_IFLNK: return .symlink
        case S_IFCHR: return .characterDevice
        case S_IFBLK: return .blockDevice
        case S_IFIFO: return .fifo
        default: return .socket
        }
    }

    /// The permission bits of the file at `path` (following links), or nil.
    static func permissions(_ path: String) -> mode_t? {
        var st = stat()
        return stat(path, &st) == 0 ? st.st_mode & 0o7777 : nil
    }

    /// `path` split into its directory and last component (`a/b/` → `a`, `b`; `b` → `.`, `b`;
    /// `/b` → `/`, `b`). Trailing slashes are dropped first.
    static func split(_ path: String) -> (parent: String, name: String) {
        var p = Substring(path)
        while p.count > 1, p.last == "/" { p = p.dropLast() }
        guard let slash = p.lastIndex(of: "/") else { return (".", String(p)) }
        return (slash == p.startIndex ? "/" : String(p[..<slash]), String(p[p.index(after: slash)...]))
    }

    /// `path` with its last component's symbolic links followed (a chain of at most 40), so a
    /// writer replaces the file a link points to and the link stays. A dangling link gives the
    /// path it points to. Throws for a loop.
    static func resolveLinks(_ path: String) throws(FileSystemError) -> String {
        var p = path
        for _ in 0..<40 {
            guard kind(p) == .symlink else { return p }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink(p, &buffer, buffer.count - 1)
            guard n > 0 else { throw FileSystemError(path: p, reason: "cannot read the symbolic link \(p): \(reason())") }
            let link = String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            p = link.hasPrefix("/") ? link : join(split(p).parent, link)
        }
        throw FileSystemError(path: path, reason: "\(path): too many levels of symbolic links")
    }

    /// `name` inside `directory`.
    static func join(_ directory: String, _ name: String) -> String {
        directory == "/" ? "/" + name : directory + "/" + name
    }

    /// `mkdir -p`: creates `path` and its missing ancestors; returns the directories it created,
    /// outermost first, so a caller that fails later can remove exactly those.
    static func createDirectories(_ path: String) throws(FileSystemError) -> [String] {
        var missing: [String] = []
        var p = path
        while true {
            var st = stat()
            if stat(p, &st) == 0 {
                guard st.st_mode & S_IFMT == S_IFDIR else { throw FileSystemError(path: p, reason: "\(p) is not a directory") }
                break
            }
            guard errno == ENOENT else { throw FileSystemError(path: p, reason: "cannot inspect \(p): \(reason())") }
            missing.append(p)
            let parent = split(p).parent
            guard parent != p else { break }
            p = parent
        }
        var created: [String] = []
        for dir in missing.reversed() {
            guard mkdir(dir, 0o755) == 0 || errno == EEXIST else {
                let failure = FileSystemError(path: dir, reason: "cannot create directory \(dir): \(reason())")
                removeDirectories(created)
                throw failure
            }
            created.append(dir)
        }
        return created
    }

    /// Removes directories made by `createDirectories` (innermost first), if still empty.
    static func removeDirectories(_ created: [String]) {
        for dir in created.reversed() { _ = rmdir(dir) }
    }

    /// Removes a file or a directory tree; quiet when it is already gone.
    static func removeTree(_ path: String) {
        guard let k = kind(path), k != .missing else { return }
        if k != .directory { _ = unlink(path); return }
        // A concurrent writer may still add a file while the tree goes; try again then.
        for _ in 0..<3 {
            try? FileManager.default.removeItem(atPath: path)
            if kind(path) == .missing { return }
        }
    }

    /// `fsync` of the file or directory at `path`; false with `errno` set on failure.
    static func sync(_ path: String, directory: Bool) -> Bool {
        let fd = open(path, directory ? O_RDONLY | O_DIRECTORY : O_RDONLY)
        guard fd >= 0 else { return false }
        defer { _ = close(fd) }
        return fsync(fd) == 0
    }

    /// How `exchange` went.
    enum Exchange { case exchanged, unsupported, failed(Int32) }

    /// Swaps the directory entries `a` and `b` in one atomic step (Linux `renameat2` with
    /// `RENAME_EXCHANGE`): afterwards `b` holds what `a` held and `a` what `b` held. Where the
    /// call or the flag is not available (another system, an old kernel, a file system without
    /// it) the answer is `.unsupported` and nothing has changed.
    static func exchange(_ a: String, _ b: String) -> Exchange {
        renameat2(a, b, flags: 2 /* RENAME_EXCHANGE */)
    }

    /// Renames `a` to `b` only if `b` does not exist (`RENAME_NOREPLACE`), falling back to a
    /// plain `rename` where that flag is not available.
    static func renameNoReplace(_ a: String, _ b: String) -> Bool {
        switch renameat2(a, b, flags: 1 /* RENAME_NOREPLACE */) {
        case .exchanged: return true
        case .failed(let code): errno = code; return false
        case .unsupported: return rename(a, b) == 0
        }
    }

    private typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>?, Int32, UnsafePointer<CChar>?, UInt32) -> Int32

    /// glibc's `renameat2`, looked up at run time (Swift's Glibc module does not declare it).
    private static let renameat2Function: RenameAt2? = {
        #if os(Linux)
        guard let symbol = dlsym(nil, "renameat2") else { return nil }
        return unsafeBitCast(symbol, to: RenameAt2.self)
        #else
        return nil
        #endif
    }()

    private static func renameat2(_ a: String, _ b: String, flags: UInt32) -> Exchange {
        #if os(Linux)
        guard let call = renameat2Function else { return .unsupported }
        if call(AT_FDCWD, a, AT_FDCWD, b, flags) == 0 { return .exchanged }
        let code = errno
        return code == ENOSYS || code == EINVAL ? .unsupported : .failed(code)
        #else
        return .unsupported
        #endif
    }

    /// Whether a process with this id exists (a zombie or another user's process counts).
    static func processIsAlive(_ pid: Int32) -> Bool {
        guard pid > 0 else { return false }
        return kill(pid, 0) == 0 || errno == EPERM
    }

    /// The names of the entries of a directory (without `.` and `..`), or nil.
    static func entries(_ directory: String) -> [String]? {
        guard let dir = opendir(directory) else { return nil }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Reads at most `limit` bytes of a regular file, or nil.
    static func readPrefix(_ path: String, limit: Int) -> [UInt8]? {
        MachineMemory.readPrefix(path, limit: limit, followLinks: false)
    }

    /// The hidden names the writers use beside an output `name`: `.<name>.tmp-<pid>` and
    /// `.<name>.old-<pid>`.
    static func temporaryName(_ name: String, pid: Int32) -> String { ".\(name).tmp-\(pid)" }
    static func previousName(_ name: String, pid: Int32) -> String { ".\(name).old-\(pid)" }

    /// Removes the temporaries a killed or crashed writer of `name` left in `directory`:
    /// `.<name>.tmp-<pid>` and `.<name>.old-<pid>` whose process is gone (or is this process,
    /// which has not started writing `name` yet). When `name` itself is missing and a stale
    /// `.old-` copy exists (a crash between the two renames of the fallback), that copy is put
    /// back as `name` instead of being removed.
    static func sweepStale(in directory: String, name: String) {
        guard let names = entries(directory) else { return }
        let me = getpid()
        let target = join(directory, name)
        for entry in names.sorted() {
            for (prefix, isPrevious) in [(".\(name).tmp-", false), (".\(name).old-", true)] where entry.hasPrefix(prefix) {
                guard let pid = Int32(entry.dropFirst(prefix.count)), pid > 0, String(pid) == entry.dropFirst(prefix.count),
                      pid == me || !processIsAlive(pid) else { continue }
                let path = join(directory, entry)
                if isPrevious, kind(target) == .missing, rename(path, target) == 0 { continue }
                removeTree(path)
            }
        }
    }
}

/// A file-system operation that failed: the path it touched and why.
struct FileSystemError: Error {
    var path: String
    var reason: String
}

/// Writes every byte to `fd` (retrying interrupted and partial writes); false on an error, with
/// `errno` set.
func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
    var offset = 0
    while offset < bytes.count {
        let n = posixWrite(fd, bytes.baseAddress! + offset, bytes.count - offset)
        if n < 0 { if errno == EINTR { continue }; return false }
        if n == 0 { errno = EIO; return false }
        offset += n
    }
    return true
}

/// Writes every byte of an array to `fd`; see `writeAll(_:_:)`.
func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBytes { writeAll(fd, $0) }
}

/// `write(2)`, under a name that does not clash with the writers' own `write` methods.
private func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}
