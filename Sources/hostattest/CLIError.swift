import AttestCore
import Foundation

/// Bad input or an environment problem. Always exits 2 with a message that names the file.
struct CLIError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) { self.description = description }

    /// A problem with a named file.
    static func file(_ path: String, _ problem: String) -> CLIError {
        CLIError("\(path): \(problem)")
    }

    /// Wraps a parser error with the file it came from.
    static func parse(_ path: String, _ error: Error) -> CLIError {
        CLIError("\(path): \(error)")
    }
}

/// File access for commands. Commands gather bytes here and hand them to AttestCore.
enum Files {
    /// Reads a whole file; large files are memory-mapped so they are not copied into the heap.
    static func read(_ path: String) throws -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CLIError.file(path, "no such file")
        }
        guard !isDirectory.boolValue else { throw CLIError.file(path, "is a directory, expected a file") }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path), options: [.alwaysMapped])
        } catch {
            throw CLIError.file(path, "cannot read: \(error.localizedDescription)")
        }
    }

    static func readBytes(_ path: String) throws -> [UInt8] { Array(try read(path)) }

    static func readText(_ path: String) throws -> String {
        let data = try read(path)
        guard let text = String(data: data, encoding: .utf8) else { throw CLIError.file(path, "is not UTF-8 text") }
        return text
    }

    /// Writes atomically: a temporary file beside `path` is created exclusively with `mode` (so a
    /// private key is never readable by others, not even briefly), written, synced and renamed over
    /// `path`. Private keys pass `mode: 0o600`.
    static func write(_ data: Data, to path: String, mode: mode_t = 0o644) throws {
        let url = URL(fileURLWithPath: path)
        let tmp = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0 ... .max))").path
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw CLIError.file(path, "cannot create: \(String(cString: strerror(errno)))") }
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
        let savedErrno = errno
        close(fd)
        guard ok, rename(tmp, path) == 0 else {
            let problem = String(cString: strerror(ok ? errno : savedErrno))
            unlink(tmp)
            throw CLIError.file(path, "cannot write: \(problem)")
        }
    }
}
