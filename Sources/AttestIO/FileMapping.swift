import AttestCore
import Foundation

/// Read-only memory mapping of a whole opened file, unmapped when the returned `Data` is released.
/// Verifying an image touches each module's pages once and drops them right after (peak RSS stays at
/// a few modules, not the image).
enum FileMapping {
    /// Maps `fd` (a regular file the caller checked with `fstat`) of `size` bytes; `path` names it in errors.
    static func map(_ fd: Int32, size: Int, path: String) throws -> Data {
        if size == 0 { return Data() }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw ImageInputError(file: path, code: .imageUnreadable, "cannot map: \(String(cString: strerror(errno)))")
        }
        _ = madvise(base, size, MADV_SEQUENTIAL)
        return Data(bytesNoCopy: base, count: size, deallocator: .custom { pointer, count in _ = munmap(pointer, count) })
    }
}
