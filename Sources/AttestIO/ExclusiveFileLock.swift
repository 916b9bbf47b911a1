import Foundation

/// An exclusive advisory lock (`flock(2)`, non-blocking) on a lock file, held for as long as the value
/// lives and released by the kernel when the process exits, however it exits.
///
/// `serve` holds one beside its SQLite store (`STORE.lock`), so that a second server on the same file
/// is refused at startup instead of running with its own in-memory caches beside the first. The lock
/// is on a separate file, never on the database itself: closing any descriptor of a file drops every
/// POSIX lock the process holds on it, SQLite's own included.
public final class ExclusiveFileLock: @unchecked Sendable {
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// Another open file description holds the lock (another process, or another lock in this one).
        case held(path: String)
        case cannotOpen(path: String, reason: String)
        case cannotLock(path: String, reason: String)

        public var description: String {
            switch self {
            case .held(let path): return "\(path) is locked by another process"
            case .cannotOpen(let path, let reason): return "cannot open \(path): \(reason)"
            case .cannotLock(let path, let reason): return "cannot lock \(path): \(reason)"
            }
        }
    }

    public let path: String
    private let fd: Int32

    /// Creates `path` when it does not exist (mode 0600), then takes the lock or throws at once.
    public init(path: String) throws(Failure) {
        self.path = path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        var result: Int32
        repeat { result = flock(fd, LOCK_EX | LOCK_NB) } while result != 0 && errno == EINTR
        guard result == 0 else {
            let code = errno
            close(fd)
            if code == EWOULDBLOCK { throw .held(path: path) }
            throw .cannotLock(path: path, reason: String(cString: strerror(code)))
        }
        self.fd = fd
    }

    deinit { close(fd) }
}
