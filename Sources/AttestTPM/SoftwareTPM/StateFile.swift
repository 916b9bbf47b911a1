import AttestCore
import AttestIO

import Foundation

/// The software TPM's state file: read under an exclusive lock, replaced atomically.
///
/// Writes go to a temporary file created 0600 with O_EXCL beside the state, are fsync'd, renamed over
/// the state and the directory is fsync'd, so a reader (or a crash, or SIGKILL at any point) sees the
/// old state or the new one, never a mix. A lock file (`PATH.lock`, flock) serialises processes.
struct StateFile: Sendable {
    let path: String

    /// Runs `body` holding the lock. Nothing else of hostattest reads or writes the state meanwhile.
    func locked<T>(_ body: () throws -> T) throws -> T {
        let lockPath = path + ".lock"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw failure(TPMError.stateWrite, "cannot open the lock file \(lockPath): \(errnoText())") }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw failure(TPMError.stateWrite, "cannot lock \(lockPath): \(errnoText())") }
        }
        defer { _ = flock(fd, LOCK_UN) }
        return try body()
    }

    /// The file's bytes, or nil when it does not exist. Refuses a file that group or others may read
    /// (it holds private keys) and anything but a regular file.
    func read() throws -> Data? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw failure(TPMError.stateCorrupt, "cannot open: \(errnoText())")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw failure(TPMError.stateCorrupt, "cannot stat: \(errnoText())") }
        guard st.st_mode & S_IFMT == S_IFREG else { throw failure(TPMError.stateCorrupt, "is not a regular file") }
        guard st.st_mode & 0o077 == 0 else {
            throw failure(TPMError.statePermissions, "mode \(String(st.st_mode & 0o777, radix: 8)) lets group or others read it; it holds private keys (chmod 600)")
        }
        guard st.st_size <= 1 << 20 else { throw failure(TPMError.stateCorrupt, "is larger than 1 MiB") }
        var data = Data(count: Int(st.st_size))
        var offset = 0
        let ok = data.withUnsafeMutableBytes { buf -> Bool in
            while offset < buf.count {
                let n = Foundation.read(fd, buf.baseAddress! + offset, buf.count - offset)
                if n < 0 { if errno == EINTR { continue }; return false }
                if n == 0 { break }
                offset += n
            }
            return true
        }
        guard ok else { throw failure(TPMError.stateCorrupt, "cannot read: \(errnoText())") }
        return data.prefix(offset)
    }

    /// Atomic replace: temp file (0600, O_EXCL) → write → fsync → rename → fsync(directory).
    /// Call it holding the lock: temporary files of this state left by a writer killed mid-write
    /// (only writers holding the lock create them) are removed first.
    func write(_ data: Data) throws {
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        removeStaleTemporaries(in: dir)
        do { try AtomicFile.write(data, to: path, mode: 0o600) } catch { throw failure(TPMError.stateWrite, error.problem) }
    }

    private func removeStaleTemporaries(in dir: String) {
        let prefix = AtomicFile.temporaryPrefix(for: path)
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return }
        for e in entries where e.hasPrefix(prefix) { unlink("\(dir)/\(e)") }
    }

    private func failure(_ code: VerificationCode, _ problem: String) -> TPMError {
        TPMError(code, "software TPM state \(path): \(problem)")
    }

    private func errnoText() -> String { String(cString: strerror(errno)) }
}
