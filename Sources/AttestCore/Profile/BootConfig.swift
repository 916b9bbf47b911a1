/// An ESXi-style `boot.cfg`, parsed completely: `key=value` lines (`#` comments, blank lines).
///
/// Keys that decide what the bootloader loads: `prefix` (a directory prefix for the kernel and every
/// module), `kernel` (required), `kernelopt` (the kernel command line) and `modules` (module files in
/// load order, separated by ` --- `). Keys that are recorded but load nothing: ``recordedKeys``
/// (`bootstate`, `title`, `timeout`, `build`, `updated`, `nobootif`, `norts`, `noquirks`). Any other key
/// is refused (`bootcfg.unknown-key`): a key hostattest does not understand could change what is loaded.
/// A key given twice is refused (`bootcfg.duplicate-key`): which one a loader uses is not something to
/// guess.
///
/// Paths: the loaded path of a file is `prefix + "/" + name` (a trailing `/` of `prefix` is not
/// doubled), or `name` when `prefix` is empty; it is relative to the image directory (the volume the
/// bootloader was loaded from). Every resolved path must be an ``ImagePath``; absolute paths, `..`, `.`,
/// empty components, backslashes and control characters are refused (`bootcfg.path-unsafe`). A module
/// entry with arguments (whitespace inside it) is refused (`bootcfg.module-arguments`). A file loaded twice
/// (kernel or module, compared case-insensitively as on the FAT boot volume) is refused
/// (`bootcfg.duplicate-module`).
public struct BootConfig: Sendable, Hashable {
    public static let maxSize = 64 * 1024
    public static let maxModules = 1024
    public static let loadingKeys: Set<String> = ["prefix", "kernel", "kernelopt", "modules"]
    public static let recordedKeys: Set<String> = ["bootstate", "title", "timeout", "build", "updated", "nobootif", "norts", "noquirks"]

    /// Every `key=value` pair in file order.
    public var entries: [Entry]
    public struct Entry: Sendable, Hashable, Codable { public var key: String; public var value: String }

    public var prefix: String { value("prefix") ?? "" }
    /// The `kernel=` value as written (see ``kernelPath`` for the resolved path).
    public var kernel: String? { value("kernel") }
    public var kernelOptions: String { value("kernelopt") ?? "" }
    /// The `modules=` entries as written, in load order.
    public var modules: [String] {
        guard let text = value("modules") else { return [] }
        return Self.splitModules(text)
    }
    /// The kernel's path in the image, `prefix` applied.
    public let kernelPath: String
    /// Each module's path in the image, `prefix` applied, in load order.
    public let modulePaths: [String]

    public func value(_ key: String) -> String? { entries.first { $0.key == key }?.value }

    public init(bytes: [UInt8]) throws {
        let s = "boot.cfg"
        guard bytes.count <= Self.maxSize else { throw ParseError(s, "file is \(bytes.count) bytes; the limit is \(Self.maxSize)", code: .bootcfgTooLarge) }
        guard String(validating: bytes, as: UTF8.self) != nil else { throw ParseError(s, "not UTF-8 text", code: .bootcfgMalformed) }
        var entries: [Entry] = []
        var seen: [String: Int] = [:]
        var offset = 0
        // Lines end at LF (a CR before it is dropped); split on bytes so that offsets are exact and no
        // other Unicode line separator starts a line the loader would not see.
        for rawLine in bytes.split(separator: 0x0a, omittingEmptySubsequences: false) {
            defer { offset += rawLine.count + 1 }
            let body = rawLine.last == 0x0d ? rawLine.dropLast() : rawLine
            let line = String(decoding: body, as: UTF8.self).trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let eq = line.firstIndex(of: "=") else {
                throw ParseError(s, at: offset, "line \"\(line.prefix(60))\" is not key=value", code: .bootcfgMalformed)
            }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty, key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
                throw ParseError(s, at: offset, "bad key \"\(key.prefix(60))\"", code: .bootcfgMalformed)
            }
            guard Self.loadingKeys.contains(key) || Self.recordedKeys.contains(key) else {
                throw ParseError(s, at: offset, "unknown key \"\(key)\": it could change what the bootloader loads", code: .bootcfgUnknownKey)
            }
            if let first = seen[key] {
                throw ParseError(s, at: offset, "key \"\(key)\" is given twice (first at offset 0x\(String(first, radix: 16))): which one the loader uses is ambiguous", code: .bootcfgDuplicateKey)
            }
            seen[key] = offset
            entries.append(Entry(key: key, value: line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)))
        }
        self.entries = entries
        func entryOffset(_ key: String) -> Int? { seen[key] }

        let prefix = entries.first { $0.key == "prefix" }?.value ?? ""
        guard let kernel = entries.first(where: { $0.key == "kernel" })?.value, !kernel.isEmpty else {
            throw ParseError(s, "no kernel= line: the bootloader would have nothing to load", code: .bootcfgKernelMissing)
        }
        self.kernelPath = try Self.resolve(kernel, prefix: prefix, at: entryOffset("kernel"))
        let modules = (entries.first { $0.key == "modules" }?.value).map(Self.splitModules) ?? []
        guard modules.count <= Self.maxModules else {
            throw ParseError(s, at: entryOffset("modules"), "\(modules.count) modules; the limit is \(Self.maxModules)", code: .bootcfgTooManyModules)
        }
        let paths = try modules.map { try Self.resolve($0, prefix: prefix, at: entryOffset("modules")) }
        // Each file is loaded once (compared case-insensitively, as on the FAT boot volume): a file named
        // n times would cost n verifications and has no use.
        var loaded: Set<String> = [kernelPath.lowercased()]
        for p in paths where !loaded.insert(p.lowercased()).inserted {
            throw ParseError(s, at: entryOffset("modules"), "\(p) is loaded more than once (as the kernel or an earlier module)", code: .bootcfgDuplicateModule)
        }
        self.modulePaths = paths
    }

    /// Splits a `modules=` value on `---`; an empty entry (`a --- --- b`) is kept and refused by ``resolve``.
    static func splitModules(_ text: String) -> [String] {
        if text.allSatisfy(\.isWhitespace) { return [] }  // `modules=` loads nothing
        return text.components(separatedBy: "---").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// `prefix` + `/` + `name` (or `name` alone when the prefix is empty), checked as an ``ImagePath``.
    static func resolve(_ name: String, prefix: String, at offset: Int?) throws -> String {
        let s = "boot.cfg"
        guard !name.isEmpty else { throw ParseError(s, at: offset, "an empty module entry (\"--- ---\")", code: .bootcfgMalformed) }
        if name.contains(where: { $0 == " " || $0 == "\t" }) {
            throw ParseError(s, at: offset, "\"\(name.prefix(80))\" has arguments; module arguments are not supported", code: .bootcfgModuleArguments)
        }
        let joined: String
        if prefix.isEmpty { joined = name } else if name.hasPrefix("/") { joined = name } else {
            joined = prefix.hasSuffix("/") ? prefix + name : prefix + "/" + name
        }
        do { return try ImagePath.validate(joined) } catch let e as ImagePath.Unsafe {
            throw ParseError(s, at: offset, "\"\(joined.prefix(120))\" (prefix \"\(prefix.prefix(60))\", entry \"\(name.prefix(60))\"): \(e.problem)", code: .bootcfgPathUnsafe)
        }
    }

    public static func fuzz(_ data: [UInt8]) { _ = try? BootConfig(bytes: data) }
}
