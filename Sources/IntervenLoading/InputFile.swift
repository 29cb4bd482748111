#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a path names, as far as reading input is concerned, with symbolic links followed.
public enum InputFile {
    /// A file's identity on its file system: two paths with one identity are the same file.
    public struct Identity: Hashable, Sendable {
        public var device: UInt64
        public var inode: UInt64
    }

    /// What a path leads to.
    public enum Kind: Equatable, Sendable {
        /// A regular file, with its identity.
        case regular(Identity)
        /// A directory, with its identity.
        case directory(Identity)
        /// Anything else that exists: `a FIFO`, `a character device`, `a block device`, `a socket`.
        case special(String)
        /// Nothing: no such file (a symbolic link to nothing is `brokenLink`).
        case missing
        /// A symbolic link whose target does not exist.
        case brokenLink(target: String)
        /// Symbolic links that lead back to themselves (or more than the system follows).
        case linkLoop
        /// The path cannot be examined: a directory on the way cannot be searched, or the name is too long.
        case unreachable(String)
    }

    /// What `path` leads to, following symbolic links.
    public static func kind(of path: String) -> Kind {
        var s = stat()
        if stat(path, &s) == 0 {
            let id = Identity(device: UInt64(s.st_dev), inode: UInt64(s.st_ino))
            switch s.st_mode & S_IFMT {
            case S_IFREG: return .regular(id)
            case S_IFDIR: return .directory(id)
            case S_IFIFO: return .special("a FIFO")
            case S_IFCHR: return .special("a character device")
            case S_IFBLK: return .special("a block device")
            case S_IFSOCK: return .special("a socket")
            default: return .special("not a file or directory")
            }
        }
        let error = errno
        switch error {
        case ELOOP:
            return .linkLoop
        case ENOENT:
            var l = stat()
            if lstat(path, &l) == 0, l.st_mode & S_IFMT == S_IFLNK { return .brokenLink(target: linkTarget(path) ?? "?") }
            return .missing
        case ENOTDIR:
            return .missing
        case EACCES:
            return .unreachable("permission denied")
        case ENAMETOOLONG:
            return .unreachable("the path is too long")
        default:
            return .unreachable(String(cString: strerror(error)))
        }
    }

    /// The text a symbolic link holds.
    static func linkTarget(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4097)
        let n = readlink(path, &buffer, 4096)
        guard n >= 0 else { return nil }
        return String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Why a path that should be a `what` (`rules file`, `scenario file`) is not one, as a message
    /// tail for `PATH: ...`; nil for a regular file.
    public static func problem(_ kind: Kind, expected what: String) -> String? {
        switch kind {
        case .regular: nil
        case .directory: "is a directory, not a \(what)"
        case .special(let name): "is not a regular file (\(name)); expected a \(what)"
        case .missing: "no such \(what)"
        case .brokenLink(let target): "is a symbolic link to '\(Escaping.escaped(target))', which does not exist"
        case .linkLoop: "is a symbolic link loop; expected a \(what)"
        case .unreachable(let why): "cannot be reached (\(why))"
        }
    }

    /// The bytes of a regular file, or why they cannot be read.
    static func contents(of path: String) -> Result<[UInt8], ReadFailure> {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return .failure(ReadFailure(errno: errno)) }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n == 0 { return .success(out) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(ReadFailure(errno: errno))
            }
            out.append(contentsOf: chunk[..<n])
        }
    }

    /// Why a read failed.
    struct ReadFailure: Error {
        var errno: Int32
        var reason: String {
            switch errno {
            case EACCES, EPERM: "permission denied"
            case EISDIR: "it is a directory"
            default: String(cString: strerror(errno))
            }
        }
    }
}
