/// Loaded trust: the certificates for each role of a ``TrustFile``, or one certificate trusted for
/// every role (a bare `--trust CERT`). Nothing is trusted by default: an empty role trusts nothing.
public struct TrustAnchors: Sendable {
    /// Anchors for bootloaders (UEFI `db`).
    public var platform: [X509Certificate]
    /// Vendor certificates a bootloader may carry; empty means "any the verified bootloader carries".
    public var bootVendor: [X509Certificate]
    /// VIB root CA(s), informational.
    public var vibRoot: [X509Certificate]
    /// Anchors configured for each signed acceptance level.
    public var vibLevels: [AcceptanceLevel: [X509Certificate]]
    /// Anchors for image-profile signatures (the profile CA); empty means no profile verifies.
    public var profile: [X509Certificate]
    /// Raw deny-list files named by the trust file (parsed by the dbx parser).
    public var dbxFiles: [[UInt8]]
    /// Whether this trust came from a demo-only trust file.
    public var demoOnly: Bool

    public init(platform: [X509Certificate] = [], bootVendor: [X509Certificate] = [], vibRoot: [X509Certificate] = [],
                vibLevels: [AcceptanceLevel: [X509Certificate]] = [:], profile: [X509Certificate] = [],
                dbxFiles: [[UInt8]] = [], demoOnly: Bool = false) {
        self.platform = platform
        self.bootVendor = bootVendor
        self.vibRoot = vibRoot
        self.vibLevels = vibLevels
        self.profile = profile
        self.dbxFiles = dbxFiles
        self.demoOnly = demoOnly
    }

    /// One or more certificates given directly (`--trust CERT`): they anchor the platform role,
    /// every signed acceptance level and image profiles. Usage still separates the roles: a profile
    /// signer needs the profile-signing usage, a VIB signer codeSigning (``SignerPolicy``).
    public static func anchoringEverything(_ certificates: [X509Certificate]) -> TrustAnchors {
        var levels: [AcceptanceLevel: [X509Certificate]] = [:]
        for level in AcceptanceLevel.signedLevels { levels[level] = certificates }
        return TrustAnchors(platform: certificates, vibLevels: levels, profile: certificates)
    }

    /// Every anchor of a role other than image profiles (platform, boot vendor, VIB root and levels):
    /// used to tell a profile signed by another role's key from one signed by a stranger.
    public var nonProfileAnchors: [X509Certificate] {
        var result: [X509Certificate] = []
        for cert in platform + bootVendor + vibRoot + AcceptanceLevel.signedLevels.flatMap({ vibLevels[$0] ?? [] })
        where !result.contains(cert) && !profile.contains(cert) {
            result.append(cert)
        }
        return result
    }

    /// The anchors a VIB declaring `level` may chain to: the CAs of that level and every higher one.
    public func vibAnchors(atLeast level: AcceptanceLevel) -> [X509Certificate] {
        var result: [X509Certificate] = []
        for candidate in AcceptanceLevel.signedLevels where candidate >= level {
            for cert in vibLevels[candidate] ?? [] where !result.contains(cert) { result.append(cert) }
        }
        return result
    }

    /// The highest signed level whose anchors include the anchor a chain ended at.
    public func vibLevel(ofAnchor anchor: X509Certificate) -> AcceptanceLevel? {
        AcceptanceLevel.signedLevels.first { (vibLevels[$0] ?? []).contains(anchor) }
    }
}
