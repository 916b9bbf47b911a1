import Foundation

/// Files that only their owner may read or write (mode 0600): a store holding private keys.
///
/// `prepare` is called before a library (SQLite) opens the file: it creates a missing file with
/// mode 0600, refuses a symbolic link or anything but a regular file, and takes the group and other
/// permission bits off an existing one (and off its companions, such as SQLite's `-wal` and `-shm`).
/// SQLite gives the `-wal` and `-shm` files it creates the mode of the database file, so a database
/// prepared here keeps all three private.
public enum OwnerOnlyFile {
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case cannotOpen(path: String, reason: String)
        case notRegular(path: String)
        case cannotRestrict(path: String, reason: String)

        public var description: String {
            switch self {
            case .cannotOpen(let path, let reason): return "cannot open \(path): \(reason)"
            case .notRegular(let path): return "\(path) is not a regular file"
            case .cannotRestrict(let path, let reason): return "cannot make \(path) private (mode 0600): \(reason)"
            }
        }
    }

    /// A file whose group or other permission bits were taken off.
    public struct Tightened: Sendable, Equatable, CustomStringConvertible {
        public let path: String
        /// The permission bits before and after (`0o644`, `0o600`).
        public let from: mode_t, to: mode_t
        public var description: String { "\(path): mode \(String(from, radix: 8)) → \(String(to, radix: 8))" }
    }

    /// Creates `path` when missing (0600), and makes `path` and each existing `path + suffix`
    /// owner-only. Symbolic links (the last component) and non-regular files are refused.
    /// Returns the files whose mode had to be narrowed.
    public static func prepare(_ path: String, companions suffixes: [String] = []) throws(Failure) -> [Tightened] {
        var tightened: [Tightened] = []
        if let t = try restrict(path, create: true) { tightened.append(t) }
        for suffix in suffixes {
            if let t = try restrict(path + suffix, create: false) { tightened.append(t) }
        }
        return tightened
    }

    /// One file: opened without following a link (created when asked), checked regular, narrowed.
    private static func restrict(_ path: String, create: Bool) throws(Failure) -> Tightened? {
        let flags = O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | (create ? O_CREAT : 0)
        let fd = open(path, flags, 0o600)
        guard fd >= 0 else {
            let code = errno
            if !create && code == ENOENT { return nil }
            if code == ELOOP { throw .cannotOpen(path: path, reason: "it is a symbolic link (refused: the store must be the file itself)") }
            throw .cannotOpen(path: path, reason: String(cString: strerror(code)))
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        guard st.st_mode & S_IFMT == S_IFREG else { throw .notRegular(path: path) }
        let permissions = st.st_mode & 0o7777
        guard permissions & 0o077 != 0 else { return nil }
        let narrowed = permissions & 0o700
        guard fchmod(fd, narrowed) == 0 else { throw .cannotRestrict(path: path, reason: String(cString: strerror(errno))) }
        return Tightened(path: path, from: permissions, to: narrowed)
    }
}
