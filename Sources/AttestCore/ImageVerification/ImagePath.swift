/// A path inside a host image directory, as the bootloader resolves it: relative, `/`-separated, no
/// `..`, `.` or empty components, no backslash (a separator on the FAT boot volume), no NUL or other
/// control characters, at most ``maxLength`` bytes and ``maxComponentLength`` bytes per component.
/// This is the syntactic rule; the reader (`AttestIO.ImageDirectory`) also refuses symlinks and
/// anything that is not a regular file before it opens a file for reading.
public enum ImagePath {
    public static let maxLength = 1024
    public static let maxComponentLength = 255
    public static let maxDepth = 32

    public struct Unsafe: Error, Sendable, Hashable, CustomStringConvertible {
        public var path: String
        public var problem: String
        public var description: String { "\(path): \(problem)" }
    }

    /// Returns `path` unchanged when it is safe, else throws ``Unsafe`` saying why.
    @discardableResult
    public static func validate(_ path: String) throws -> String {
        func unsafe(_ problem: String) -> Unsafe { Unsafe(path: String(path.prefix(200)), problem: problem) }
        guard !path.isEmpty else { throw unsafe("the path is empty") }
        guard path.utf8.count <= maxLength else { throw unsafe("the path is \(path.utf8.count) bytes; the limit is \(maxLength)") }
        guard !path.hasPrefix("/") else { throw unsafe("an absolute path leaves the image directory") }
        if let c = path.unicodeScalars.first(where: { $0.value < 0x20 || $0.value == 0x7f }) {
            throw unsafe("it contains the control character U+\(String(c.value, radix: 16, uppercase: true))")
        }
        guard !path.contains("\\") else { throw unsafe("a backslash is a path separator on the boot volume") }
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        guard components.count <= maxDepth else { throw unsafe("\(components.count) components; the limit is \(maxDepth)") }
        for c in components {
            if c.isEmpty { throw unsafe("an empty path component (\"//\" or a trailing \"/\")") }
            if c == ".." { throw unsafe("a \"..\" component leaves the image directory") }
            if c == "." { throw unsafe("a \".\" component") }
            if c.utf8.count > maxComponentLength { throw unsafe("a component of \(c.utf8.count) bytes; the limit is \(maxComponentLength)") }
        }
        return path
    }

    /// Whether a module at `path` is loaded as a VIB: its name ends in `.vib` (any case).
    public static func isVIB(_ path: String) -> Bool { path.lowercased().hasSuffix(".vib") }
}
