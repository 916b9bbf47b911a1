import AttestCore
import Foundation

extension SafeDirectory {
    /// At most this many entries are listed below an image directory (`image.too-many-files`).
    static let maxEntries = 65_536

    /// Every non-directory entry below the directory (files, symlinks, FIFOs, devices), relative and
    /// sorted. Nothing is opened but directories (`O_NOFOLLOW`), and symlinks are not followed.
    /// Directories deeper than ``ImagePath/maxDepth`` are listed themselves (with a trailing `/`), not entered.
    func listFiles() throws -> [String] {
        var result: [String] = []
        var count = 0
        var pending: [(fd: Int32, prefix: String, depth: Int)] = []
        let top = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard top >= 0 else { throw ImageInputError(file: "", code: .imageUnreadable, "cannot list: \(String(cString: strerror(errno)))") }
        pending.append((top, "", 1))
        defer { for p in pending { close(p.fd) } }
        while let next = pending.popLast() {
            let (dfd, prefix, depth) = next
            guard let dir = fdopendir(dfd) else {
                close(dfd)
                throw ImageInputError(file: prefix, code: .imageUnreadable, "cannot list: \(String(cString: strerror(errno)))")
            }
            defer { closedir(dir) }
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name == "." || name == ".." { continue }
                count += 1
                guard count <= Self.maxEntries else {
                    throw ImageInputError(file: "", code: .imageTooManyFiles, "more than \(Self.maxEntries) entries in the image directory")
                }
                let relative = prefix.isEmpty ? name : prefix + "/" + name
                var st = stat()
                guard fstatat(dirfd(dir), name, &st, AT_SYMLINK_NOFOLLOW) == 0 else { result.append(relative); continue }
                guard (st.st_mode & S_IFMT) == S_IFDIR else { result.append(relative); continue }
                guard depth < ImagePath.maxDepth else { result.append(relative + "/"); continue }
                let sub = openat(dirfd(dir), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                guard sub >= 0 else { result.append(relative + "/"); continue }
                pending.append((sub, relative, depth + 1))
            }
        }
        return result.sorted()
    }
}
