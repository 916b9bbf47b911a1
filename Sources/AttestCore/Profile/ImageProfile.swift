import Foundation

/// An image profile (`Manifests/*.profile.json`, format `hostattest-image-profile/2`): every file the
/// bootloader of a host image loads, in load order, each bound by digest. A deployment tool trusts it
/// through a detached CMS signature in `PROFILE.json.p7s`.
///
/// ```json
/// {
///   "format": "hostattest-image-profile/2",
///   "name": "demo-host", "version": "1.0.0", "hostAcceptance": "partner",
///   "bootloader": { "path": "bootx64.efi", "size": 4624, "sha256": "…", "authenticodeSHA256": "…" },
///   "bootConfig": { "path": "boot.cfg", "sha256": "…", "prefix": "", "kernel": "kernel.efi",
///                   "kernelOptions": "…", "modules": ["…"] },
///   "kernel":     { "path": "kernel.efi", "size": 3616, "sha256": "…", "authenticodeSHA256": "…" },
///   "modules": [ { "path": "vibs/x.vib", "kind": "vib", "size": 5042, "sha256": "…",
///                  "vib": { "name": "x", "version": "1.0-1", "vendor": "…", "acceptanceLevel": "partner",
///                           "descriptorSHA256": "…" } },
///                { "path": "extra.gz", "kind": "file", "size": 17, "sha256": "…" } ]
/// }
/// ```
/// Paths are as the bootloader resolves them (`prefix` applied; see ``BootConfig``). Digests are
/// lower-case hex. `sha256` is over the whole file; `authenticodeSHA256` is the PE Authenticode digest
/// (certificate table excluded); `descriptorSHA256` is over the exact `descriptor.xml` member, which the
/// VIB's signature covers (and which holds the payload checksums).
///
/// Format `/1` is refused (`profile.format-outdated`): it did not bind non-VIB modules nor the file each
/// VIB is loaded from, so reading it would keep those holes open. Re-create and re-sign the profile.
public struct ImageProfile: Sendable, Hashable, Codable {
    public static let formatIdentifier = "hostattest-image-profile/2"
    public static let outdatedFormats: Set<String> = ["hostattest-image-profile/1"]
    public static let maxSize = 16 << 20

    public var format: String
    public var name: String
    public var version: String
    /// The lowest acceptance level the host accepts; VIBs below it are refused.
    public var hostAcceptance: AcceptanceLevel
    public var bootloader: BootFile
    public var bootConfig: BootConfigEntry
    public var kernel: BootFile
    /// Every module `boot.cfg` loads, in load order.
    public var modules: [Module]

    public struct BootFile: Sendable, Hashable, Codable {
        public var path: String
        /// File size in bytes.
        public var size: Int
        public var sha256: String
        public var authenticodeSHA256: String
        public init(path: String, size: Int, sha256: [UInt8], authenticodeSHA256: [UInt8]) {
            self.path = path; self.size = size; self.sha256 = sha256.hex; self.authenticodeSHA256 = authenticodeSHA256.hex
        }
    }

    public struct BootConfigEntry: Sendable, Hashable, Codable {
        public var path: String
        public var sha256: String
        public var prefix: String
        public var kernel: String
        public var kernelOptions: String
        /// The `modules=` entries as written (``Module/path`` has them resolved).
        public var modules: [String]
    }

    public enum ModuleKind: String, Sendable, Hashable, Codable { case vib, file }

    public struct Module: Sendable, Hashable, Codable {
        /// Path relative to the image directory, as the bootloader resolves it.
        public var path: String
        public var kind: ModuleKind
        /// File size in bytes.
        public var size: Int
        /// SHA-256 of the whole file.
        public var sha256: String
        /// For `kind == .vib`: what the VIB's signed descriptor says.
        public var vib: VIBBinding?
    }

    public struct VIBBinding: Sendable, Hashable, Codable {
        public var name: String
        public var version: String
        public var vendor: String
        public var acceptanceLevel: AcceptanceLevel
        public var descriptorSHA256: String
    }

    /// The largest file the profile binds (bootloader, kernel or module). `verify image` reads no file
    /// larger than this, so its work is bounded by what the signed profile declares, not by the image.
    public var largestFileSize: Int { ([bootloader.size, kernel.size] + modules.map(\.size)).max() ?? 0 }

    /// The VIB modules, in load order.
    public var vibs: [(path: String, binding: VIBBinding)] { modules.compactMap { m in m.vib.map { (m.path, $0) } } }

    init(format: String, name: String, version: String, hostAcceptance: AcceptanceLevel, bootloader: BootFile,
         bootConfig: BootConfigEntry, kernel: BootFile, modules: [Module]) {
        self.format = format; self.name = name; self.version = version; self.hostAcceptance = hostAcceptance
        self.bootloader = bootloader; self.bootConfig = bootConfig; self.kernel = kernel; self.modules = modules
    }

    /// Parses a profile strictly: known format, digests of the right length, safe paths, a kind that
    /// matches each module's name, a VIB binding exactly for VIB modules, no VIB name twice.
    public init(jsonBytes bytes: [UInt8]) throws {
        let s = "image profile"
        guard bytes.count <= Self.maxSize else { throw ParseError(s, "file is \(bytes.count) bytes; the limit is \(Self.maxSize)", code: .profileTooLarge) }
        if let format = Self.peekFormat(bytes), Self.outdatedFormats.contains(format) {
            throw ParseError(s, "format \"\(format)\" is no longer accepted: it does not bind every file the bootloader loads; re-create the profile with `hostattest profile create` and sign it again", code: .profileFormatOutdated)
        }
        let decoded: ImageProfile
        do {
            decoded = try JSONDecoder().decode(ImageProfile.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw ParseError(s, Self.describe(error), code: .profileMalformed)
        } catch {
            throw ParseError(s, "not valid JSON: \(error.localizedDescription)", code: .profileMalformed)
        }
        guard decoded.format == Self.formatIdentifier else {
            throw ParseError(s, "format is \"\(decoded.format)\", expected \"\(Self.formatIdentifier)\"", code: .profileFormat)
        }
        func digest(_ hex: String, _ field: String) throws {
            guard let d = Hex.decode(hex), d.count == 32 else { throw ParseError(s, "\(field) \"\(hex.prefix(80))\" is not a SHA-256 digest (64 hex digits)", code: .profileMalformed) }
        }
        func path(_ p: String, _ field: String) throws {
            do { try ImagePath.validate(p) } catch { throw ParseError(s, "\(field): \(error)", code: .profilePathUnsafe) }
        }
        try digest(decoded.bootloader.sha256, "bootloader.sha256")
        try digest(decoded.bootloader.authenticodeSHA256, "bootloader.authenticodeSHA256")
        try digest(decoded.kernel.sha256, "kernel.sha256")
        try digest(decoded.kernel.authenticodeSHA256, "kernel.authenticodeSHA256")
        try digest(decoded.bootConfig.sha256, "bootConfig.sha256")
        try path(decoded.bootloader.path, "bootloader.path")
        try path(decoded.bootConfig.path, "bootConfig.path")
        try path(decoded.kernel.path, "kernel.path")
        func size(_ n: Int, _ field: String) throws {
            guard n >= 0 else { throw ParseError(s, "\(field) \(n) is negative", code: .profileMalformed) }
        }
        try size(decoded.bootloader.size, "bootloader.size")
        try size(decoded.kernel.size, "kernel.size")
        guard decoded.modules.count <= BootConfig.maxModules else {
            throw ParseError(s, "\(decoded.modules.count) modules; the limit is \(BootConfig.maxModules)", code: .profileMalformed)
        }
        var names = Set<String>()
        for (i, m) in decoded.modules.enumerated() {
            try path(m.path, "modules[\(i)].path")
            try digest(m.sha256, "modules[\(i)].sha256")
            try size(m.size, "modules[\(i)].size")
            let isVIB = ImagePath.isVIB(m.path)
            guard (m.kind == .vib) == isVIB, (m.vib != nil) == isVIB else {
                throw ParseError(s, "modules[\(i)] \(m.path): kind \"\(m.kind.rawValue)\" does not fit the file (a module named *.vib is a VIB with a vib binding; anything else is a file)", code: .profileModuleKind)
            }
            if let v = m.vib {
                try digest(v.descriptorSHA256, "modules[\(i)].vib.descriptorSHA256")
                guard names.insert(v.name).inserted else { throw ParseError(s, "VIB \"\(v.name)\" is listed twice", code: .profileDuplicateVib) }
            }
        }
        self = decoded
    }

    /// Canonical JSON (sorted keys, two-space indentation, trailing newline): the bytes to sign.
    public func encoded() -> [UInt8] {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings, arrays and enums cannot fail.
        let data = (try? e.encode(self)) ?? Data()
        return Array(data) + [0x0a]
    }

    /// The `format` member, read without decoding the rest (so an outdated profile gets a clear message).
    static func peekFormat(_ bytes: [UInt8]) -> String? {
        struct Head: Decodable { var format: String }
        return try? JSONDecoder().decode(Head.self, from: Data(bytes)).format
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ c: DecodingError.Context) -> String {
            let p = c.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return p.isEmpty ? "top level" : String(p.drop { $0 == "." })
        }
        switch error {
        case .keyNotFound(let key, let c): return "missing field \"\(key.stringValue)\" at \(path(c))"
        case .typeMismatch(_, let c), .valueNotFound(_, let c): return "wrong type at \(path(c)): \(c.debugDescription)"
        case .dataCorrupted(let c): return "invalid value at \(path(c)): \(c.debugDescription)"
        @unknown default: return "\(error)"
        }
    }

    /// Fuzz entry point: must never trap.
    public static func fuzz(_ data: [UInt8]) { _ = try? ImageProfile(jsonBytes: data) }
}
