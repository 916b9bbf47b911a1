import Foundation

/// An image profile (`Manifests/*.profile.json`, format `hostattest-image-profile/1`): what a host
/// image must contain, in boot order: bootloader, kernel, boot configuration, then every VIB.
/// A deployment tool trusts it through a detached CMS signature in `PROFILE.json.p7s`.
///
/// ```json
/// {
///   "format": "hostattest-image-profile/1",
///   "name": "demo-host", "version": "1.0.0", "hostAcceptance": "partner",
///   "bootloader": { "path": "bootx64.efi", "sha256": "…", "authenticodeSHA256": "…" },
///   "kernel":     { "path": "kernel.efi",  "sha256": "…", "authenticodeSHA256": "…" },
///   "bootConfig": { "path": "boot.cfg", "sha256": "…", "kernel": "kernel.efi",
///                   "kernelOptions": "…", "modules": ["…"] },
///   "vibs": [ { "file": "vibs/x.vib", "name": "x", "version": "1.0-1", "vendor": "…",
///               "acceptanceLevel": "partner", "descriptorSHA256": "…" } ]
/// }
/// ```
/// Digests are lower-case hex. `sha256` is over the whole file; `authenticodeSHA256` is the PE
/// Authenticode digest (certificate table excluded); `descriptorSHA256` is over the exact
/// `descriptor.xml` member, which the VIB's signature covers (and which holds the payload checksums).
public struct ImageProfile: Sendable, Hashable, Codable {
    public static let formatIdentifier = "hostattest-image-profile/1"
    public static let maxSize = 16 << 20

    public var format: String
    public var name: String
    public var version: String
    /// The lowest acceptance level the host accepts; VIBs below it are refused.
    public var hostAcceptance: AcceptanceLevel
    public var bootloader: BootFile
    public var kernel: BootFile
    public var bootConfig: BootConfigEntry
    /// VIBs in boot (load) order.
    public var vibs: [VIBEntry]

    public struct BootFile: Sendable, Hashable, Codable {
        public var path: String
        public var sha256: String
        public var authenticodeSHA256: String
        public init(path: String, sha256: [UInt8], authenticodeSHA256: [UInt8]) {
            self.path = path; self.sha256 = sha256.hex; self.authenticodeSHA256 = authenticodeSHA256.hex
        }
    }

    public struct BootConfigEntry: Sendable, Hashable, Codable {
        public var path: String
        public var sha256: String
        public var kernel: String?
        public var kernelOptions: String
        public var modules: [String]
    }

    public struct VIBEntry: Sendable, Hashable, Codable {
        /// Path of the `.vib` relative to the image directory.
        public var file: String
        public var name: String
        public var version: String
        public var vendor: String
        public var acceptanceLevel: AcceptanceLevel
        public var descriptorSHA256: String
    }

    public init(name: String, version: String, hostAcceptance: AcceptanceLevel, bootloader: BootFile, kernel: BootFile,
                bootConfig: BootConfigEntry, vibs: [VIBEntry]) {
        self.format = Self.formatIdentifier
        self.name = name; self.version = version; self.hostAcceptance = hostAcceptance
        self.bootloader = bootloader; self.kernel = kernel; self.bootConfig = bootConfig; self.vibs = vibs
    }

    /// Parses a profile strictly: known format, digests of the right length, no duplicate VIB names.
    public init(jsonBytes bytes: [UInt8]) throws {
        let s = "image profile"
        guard bytes.count <= Self.maxSize else { throw ParseError(s, "file is \(bytes.count) bytes; the limit is \(Self.maxSize)", code: "profile.too-large") }
        let decoded: ImageProfile
        do {
            decoded = try JSONDecoder().decode(ImageProfile.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw ParseError(s, Self.describe(error), code: "profile.malformed")
        } catch {
            throw ParseError(s, "not valid JSON: \(error.localizedDescription)", code: "profile.malformed")
        }
        guard decoded.format == Self.formatIdentifier else {
            throw ParseError(s, "format is \"\(decoded.format)\", expected \"\(Self.formatIdentifier)\"", code: "profile.format")
        }
        func digest(_ hex: String, _ field: String) throws {
            guard let d = Hex.decode(hex), d.count == 32 else { throw ParseError(s, "\(field) \"\(hex.prefix(80))\" is not a SHA-256 digest (64 hex digits)", code: "profile.malformed") }
        }
        try digest(decoded.bootloader.sha256, "bootloader.sha256")
        try digest(decoded.bootloader.authenticodeSHA256, "bootloader.authenticodeSHA256")
        try digest(decoded.kernel.sha256, "kernel.sha256")
        try digest(decoded.kernel.authenticodeSHA256, "kernel.authenticodeSHA256")
        try digest(decoded.bootConfig.sha256, "bootConfig.sha256")
        var names = Set<String>()
        for (i, v) in decoded.vibs.enumerated() {
            try digest(v.descriptorSHA256, "vibs[\(i)].descriptorSHA256")
            guard names.insert(v.name).inserted else { throw ParseError(s, "VIB \"\(v.name)\" is listed twice", code: "profile.duplicate-vib") }
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

extension ImageProfile {
    /// Builds a profile from an image's parts. `vibs` are (path relative to the image, parsed VIB); they
    /// are recorded in boot order: first those boot.cfg's `modules=` names (in that order), then the rest
    /// in the order given. The Authenticode digests come from the caller's PE implementation.
    public static func create(name: String, version: String, hostAcceptance: AcceptanceLevel,
                              bootloader: (path: String, bytes: Data, authenticodeSHA256: [UInt8]),
                              kernel: (path: String, bytes: Data, authenticodeSHA256: [UInt8]),
                              bootConfig: (path: String, bytes: [UInt8]),
                              vibs: [(file: String, vib: VIB)]) throws -> ImageProfile {
        let cfg = try BootConfig(bytes: bootConfig.bytes)
        let modules = cfg.modules
        let ordered = vibs.enumerated().sorted { a, b in
            let x = modules.firstIndex(of: a.element.file) ?? Int.max, y = modules.firstIndex(of: b.element.file) ?? Int.max
            return x != y ? x < y : a.offset < b.offset
        }.map(\.element)
        var seen = Set<String>()
        for v in ordered where !seen.insert(v.vib.descriptor.name).inserted {
            throw ParseError("image", "VIB name \"\(v.vib.descriptor.name)\" appears twice (\(v.file))", code: "profile.duplicate-vib")
        }
        return ImageProfile(
            name: name, version: version, hostAcceptance: hostAcceptance,
            bootloader: BootFile(path: bootloader.path, sha256: DigestAlgorithm.sha256.hash(bootloader.bytes), authenticodeSHA256: bootloader.authenticodeSHA256),
            kernel: BootFile(path: kernel.path, sha256: DigestAlgorithm.sha256.hash(kernel.bytes), authenticodeSHA256: kernel.authenticodeSHA256),
            bootConfig: BootConfigEntry(path: bootConfig.path, sha256: DigestAlgorithm.sha256.hash(bootConfig.bytes).hex,
                                        kernel: cfg.kernel, kernelOptions: cfg.kernelOptions, modules: cfg.modules),
            vibs: ordered.map { f in
                let d = f.vib.descriptor
                return VIBEntry(file: f.file, name: d.name, version: d.version, vendor: d.vendor,
                                acceptanceLevel: d.acceptanceLevel, descriptorSHA256: f.vib.descriptorSHA256.hex)
            })
    }
}
