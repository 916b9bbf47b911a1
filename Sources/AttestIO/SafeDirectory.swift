import AttestCore
import Foundation

/// An open directory and the files below it, reached without following symlinks and opened only when
/// they are regular files. Paths are ``ImagePath``s (relative, no `..`). The rule is strict: a symlink
/// anywhere on a path is refused (`image.path-symlink`), even one that stays inside the directory.
///
/// Checking happens twice: ``check(_:)`` walks the path with `fstatat(AT_SYMLINK_NOFOLLOW)` before
/// anything is opened (so a FIFO or a device is never opened), and ``open(_:)`` walks it again with
/// `openat(O_NOFOLLOW)` per component, opens the file with `O_NONBLOCK` (opening a FIFO that appeared
/// since cannot block) and refuses it unless `fstat` on the opened descriptor says it is a regular file.
final class SafeDirectory: @unchecked Sendable {
    let fd: Int32
    let path: String

    enum State: Equatable { case regular(size: Int), missing }

    init(_ path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            let e = errno
            throw ImageInputError(file: "", code: e == ENOENT ? .imageFileMissing : .imageNotADirectory,
                                  "is not an image directory: \(String(cString: strerror(e)))")
        }
        self.fd = fd
    }

    deinit { close(fd) }

    /// What is at `relative`, without opening anything: a regular file, or missing. Anything else throws.
    func check(_ relative: String) throws -> State {
        try Self.validate(relative)
        let components = relative.split(separator: "/").map(String.init)
        var prefix = ""
        for (i, c) in components.enumerated() {
            prefix = prefix.isEmpty ? c : prefix + "/" + c
            var st = stat()
            guard fstatat(fd, prefix, &st, AT_SYMLINK_NOFOLLOW) == 0 else {
                let e = errno
                if e == ENOENT { return .missing }
                throw ImageInputError(file: relative, code: e == ENOTDIR ? .imagePathNotDirectory : .imageUnreadable,
                                      "cannot inspect \(prefix): \(String(cString: strerror(e)))")
            }
            let type = st.st_mode & S_IFMT
            let last = i == components.count - 1
            if type == S_IFLNK {
                throw ImageInputError(file: relative, code: .imagePathSymlink, "\(prefix) is a symbolic link; files the bootloader loads must not be links")
            }
            if !last {
                guard type == S_IFDIR else {
                    throw ImageInputError(file: relative, code: .imagePathNotDirectory, "\(prefix) is not a directory")
                }
                continue
            }
            if type == S_IFDIR { throw ImageInputError(file: relative, code: .imagePathDirectory, "is a directory, expected a file") }
            guard type == S_IFREG else {
                throw ImageInputError(file: relative, code: .imageNotRegularFile, "is a \(Self.describe(type)), not a regular file")
            }
            return .regular(size: Int(st.st_size))
        }
        return .missing
    }

    /// Opens and maps a regular file at `relative` (see the type's comment for the checks).
    func read(_ relative: String) throws -> Data {
        try Self.validate(relative)
        let components = relative.split(separator: "/").map(String.init)
        var dirfd = fd
        var opened: [Int32] = []
        defer { for d in opened { close(d) } }
        for c in components.dropLast() {
            let next = openat(dirfd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard next >= 0 else { throw openError(relative, errno) }
            opened.append(next)
            dirfd = next
        }
        let file = openat(dirfd, components.last ?? "", O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        guard file >= 0 else { throw openError(relative, errno) }
        defer { close(file) }
        var st = stat()
        guard fstat(file, &st) == 0 else {
            throw ImageInputError(file: relative, code: .imageUnreadable, "cannot stat: \(String(cString: strerror(errno)))")
        }
        let type = st.st_mode & S_IFMT
        if type == S_IFDIR { throw ImageInputError(file: relative, code: .imagePathDirectory, "is a directory, expected a file") }
        guard type == S_IFREG else {
            throw ImageInputError(file: relative, code: .imageNotRegularFile, "is a \(Self.describe(type)), not a regular file")
        }
        return try FileMapping.map(file, size: Int(st.st_size), path: relative)
    }

    static func validate(_ relative: String) throws {
        do { try ImagePath.validate(relative) } catch let e as ImagePath.Unsafe {
            throw ImageInputError(file: relative, code: .imagePathUnsafe, e.problem)
        }
    }

    private func openError(_ relative: String, _ e: Int32) -> ImageInputError {
        switch e {
        case ELOOP: return ImageInputError(file: relative, code: .imagePathSymlink, "a component is a symbolic link; files the bootloader loads must not be links")
        case ENOTDIR: return ImageInputError(file: relative, code: .imagePathNotDirectory, "a component is not a directory")
        case ENOENT: return ImageInputError(file: relative, code: .imageFileMissing, "no such file")
        default: return ImageInputError(file: relative, code: .imageUnreadable, "cannot open: \(String(cString: strerror(e)))")
        }
    }

    static func describe(_ type: mode_t) -> String {
        switch type {
        case S_IFIFO: return "FIFO"
        case S_IFCHR: return "character device"
        case S_IFBLK: return "block device"
        case S_IFSOCK: return "socket"
        case S_IFLNK: return "symbolic link"
        case S_IFDIR: return "directory"
        default: return "special file"
        }
    }
}
