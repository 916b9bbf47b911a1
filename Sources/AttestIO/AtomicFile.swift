import Foundation

/// Replaces a file atomically and durably: a temporary file beside it, created exclusively with its
/// final mode (so a private key is never readable by others, not even briefly), written whole, synced,
/// renamed over the target, then the directory synced. A reader sees the old file or the new one,
/// never a torn one, even if the writer is killed.
public enum AtomicFile {
    /// Why a write failed, as a sentence fragment naming the step (`cannot create …: Permission denied`).
    public struct WriteError: Error, Sendable, CustomStringConvertible {
        public let problem: String
        public var description: String { problem }
    }

    /// The prefix of the temporary files made for `path` (`.NAME.tmp-`), for cleaning up after a killed writer.
    public static func temporaryPrefix(for path: String) -> String {
        ".\(URL(fileURLWithPath: path).lastPathComponent).tmp-"
    }

    public static func write(_ data: Data, to path: String, mode: mode_t) throws(WriteError) {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        let tmp = "\(dir)/\(temporaryPrefix(for: path))\(getpid())-\(UInt32.random(in: 0 ... .max))"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)
        guard fd >= 0 else { throw WriteError(problem: "cannot create \(tmp): \(String(cString: strerror(errno)))") }
        var ok = fchmod(fd, mode) == 0  // the umask may have narrowed the mode; never widens past `mode`
        ok = ok && data.withUnsafeBytes { raw -> Bool in
            guard let base = raw.baseAddress else { return raw.isEmpty }
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(fd, base + offset, raw.count - offset)
                if n < 0 { if errno == EINTR { continue }; return false }
                offset += n
            }
            return true
        }
        ok = ok && fsync(fd) == 0
        let saved = errno
        close(fd)
        guard ok, rename(tmp, path) == 0 else {
            let text = String(cString: strerror(ok ? errno : saved))
            unlink(tmp)
            throw WriteError(problem: "cannot write: \(text)")
        }
        let dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 {
            _ = fsync(dfd)
            close(dfd)
        }
    }
}
