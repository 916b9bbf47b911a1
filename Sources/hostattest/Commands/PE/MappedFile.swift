import AttestCore
import Foundation

/// A read-only memory mapping of a whole file, handed to AttestCore as a `Data` without copying.
///
/// Pages that were hashed can be released again (`release`), so hashing a file larger than memory
/// budget keeps only a few chunks resident: the PE parser and the Authenticode hasher read the
/// mapping in place.
final class MappedFile: @unchecked Sendable {
    let path: String
    let count: Int
    private let base: UnsafeMutableRawPointer?
    private let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    init(_ path: String) throws {
        self.path = path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CLIError.file(path, "no such file")
        }
        guard !isDirectory.boolValue else { throw CLIError.file(path, "is a directory, expected a file") }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw CLIError.file(path, "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw CLIError.file(path, "cannot stat: \(String(cString: strerror(errno)))") }
        count = Int(st.st_size)
        if count == 0 {
            base = nil
            return
        }
        let p = mmap(nil, count, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let p, p != MAP_FAILED else { throw CLIError.file(path, "cannot map: \(String(cString: strerror(errno)))") }
        base = p
        madvise(p, count, MADV_SEQUENTIAL)
    }

    deinit {
        if let base { munmap(base, count) }
    }

    /// The mapping as `Data` (no copy). The `MappedFile` must outlive it.
    var data: Data {
        guard let base else { return Data() }
        return Data(bytesNoCopy: base, count: count, deallocator: .none)
    }

    /// Drops the resident pages wholly inside `range` (they are re-read from the file if touched again).
    func release(_ range: Range<Int>) {
        guard let base else { return }
        let start = (range.lowerBound + pageSize - 1) / pageSize * pageSize
        let end = range.upperBound / pageSize * pageSize
        guard end > start else { return }
        madvise(base + start, end - start, MADV_DONTNEED)
    }
}

/// Peak resident memory of this process (VmHWM from /proc/self/status), in KiB.
enum PeakMemory {
    static func kibibytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        }
        return nil
    }
}

extension CLIError {
    /// A parse failure of a PE-related input, with its stable code: `FILE: [pe.truncated] …`.
    static func coded(_ path: String, _ error: ParseError) -> CLIError {
        CLIError("\(path): [\(error.code)] \(error)")
    }
}
