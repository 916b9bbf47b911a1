import Foundation

/// `trust.json` (format `hostattest-trust/1`): which certificate plays which role. File names are
/// relative to the trust file's folder; loading them is the caller's job (see ``TrustAnchors``).
///
/// ```json
/// { "format": "hostattest-trust/1", "demoOnly": false,
///   "platform": ["platform-root.crt.pem"], "bootVendor": ["boot-vendor-ca.crt.pem"],
///   "vib": { "root": ["vib-root-ca.crt.pem"], "certified": ["vib-certified-ca.crt.pem"],
///            "accepted": ["vib-accepted-ca.crt.pem"], "partner": ["vib-partner-ca.crt.pem"] },
///   "profile": ["profile-ca.crt.pem"], "dbx": [] }
/// ```
///
/// `profile` is optional in the file format, so a trust.json written before the role existed still
/// loads; but with no `profile` anchor no image profile verifies (`profile.no-trust-for-profiles`):
/// profiles are never anchored at the VIB CAs.
/// ```
/// ```
public struct TrustFile: Sendable, Hashable, Codable {
    public static let formatIdentifier = "hostattest-trust/1"

    public struct VIBRoles: Sendable, Hashable, Codable {
        /// The VIB root CA(s). Informational: VIBs are anchored at the per-level CAs.
        public var root: [String]?
        public var certified: [String]?
        public var accepted: [String]?
        public var partner: [String]?

        public init(root: [String]? = nil, certified: [String]? = nil, accepted: [String]? = nil, partner: [String]? = nil) {
            self.root = root
            self.certified = certified
            self.accepted = accepted
            self.partner = partner
        }

        public func files(for level: AcceptanceLevel) -> [String] {
            switch level {
            case .certified: return certified ?? []
            case .accepted: return accepted ?? []
            case .partner: return partner ?? []
            case .community: return []
            }
        }
    }

    public var format: String
    /// True only for the committed demo chain: tools warn loudly when it is used.
    public var demoOnly: Bool?
    /// Anchors for bootloaders (the UEFI `db` role).
    public var platform: [String]?
    /// The boot vendor certificate(s) a bootloader may carry to verify kernels (shim `vendor_cert`).
    public var bootVendor: [String]?
    /// Anchors per signed VIB acceptance level.
    public var vib: VIBRoles?
    /// Anchors for image-profile signatures (the profile CA). Absent in trust files made before the
    /// role existed: then no profile verifies.
    public var profile: [String]?
    /// Deny-list files (Authenticode digests and certificates), as for `--dbx`.
    public var dbx: [String]?

    public init(format: String = TrustFile.formatIdentifier, demoOnly: Bool? = nil, platform: [String]? = nil,
                bootVendor: [String]? = nil, vib: VIBRoles? = nil, profile: [String]? = nil, dbx: [String]? = nil) {
        self.format = format
        self.demoOnly = demoOnly
        self.platform = platform
        self.bootVendor = bootVendor
        self.vib = vib
        self.profile = profile
        self.dbx = dbx
    }

    static let topLevelKeys: Set<String> = ["format", "demoOnly", "platform", "bootVendor", "vib", "profile", "dbx"]
    static let vibKeys: Set<String> = ["root", "certified", "accepted", "partner"]

    /// Parses and checks a trust file: the format identifier, no unknown keys (a misspelt role
    /// must not silently trust nothing), at least one role, and plain relative or absolute paths.
    public init(jsonData bytes: [UInt8]) throws {
        guard bytes.count <= 1 << 20 else { throw ParseError("trust.json", "larger than 1 MiB", code: .trustMalformed) }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes))
        } catch {
            throw ParseError("trust.json", "not valid JSON (\(error.localizedDescription))", code: .trustMalformed)
        }
        guard let dict = object as? [String: Any] else {
            throw ParseError("trust.json", "top level must be a JSON object", code: .trustMalformed)
        }
        let unknown = Set(dict.keys).subtracting(Self.topLevelKeys)
        guard unknown.isEmpty else {
            throw ParseError("trust.json", "unknown key(s) \(unknown.sorted().joined(separator: ", ")); allowed: \(Self.topLevelKeys.sorted().joined(separator: ", "))", code: .trustMalformed)
        }
        if let vib = dict["vib"] as? [String: Any] {
            let unknownVIB = Set(vib.keys).subtracting(Self.vibKeys)
            guard unknownVIB.isEmpty else {
                throw ParseError("trust.json", "unknown key(s) in vib: \(unknownVIB.sorted().joined(separator: ", "))", code: .trustMalformed)
            }
        }
        do {
            self = try JSONDecoder().decode(TrustFile.self, from: Data(bytes))
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw ParseError("trust.json", "\(path): \(context.debugDescription)", code: .trustMalformed)
        } catch {
            throw ParseError("trust.json", "\(error)", code: .trustMalformed)
        }
        guard format == Self.formatIdentifier else {
            throw ParseError("trust.json", "format is \"\(format)\", expected \"\(Self.formatIdentifier)\"", code: .trustMalformed)
        }
        guard !allFiles.isEmpty else {
            throw ParseError("trust.json", "names no certificate for any role", code: .trustMalformed)
        }
        for file in allFiles + (dbx ?? []) where file.isEmpty || file.contains("\0") {
            throw ParseError("trust.json", "empty or invalid file name", code: .trustMalformed)
        }
    }

    /// Every certificate file named, in role order.
    public var allFiles: [String] {
        (platform ?? []) + (bootVendor ?? []) + (vib?.root ?? [])
            + AcceptanceLevel.signedLevels.flatMap { vib?.files(for: $0) ?? [] } + (profile ?? [])
    }
}
