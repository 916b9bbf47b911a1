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
    /// Raw deny-list files named by the trust file (parsed by the dbx parser).
    public var dbxFiles: [[UInt8]]
    /// Whether this trust came from a demo-only trust file.
    public var demoOnly: Bool

    public init(platform: [X509Certificate] = [], bootVendor: [X509Certificate] = [], vibRoot: [X509Certificate] = [],
                vibLevels: [AcceptanceLevel: [X509Certificate]] = [:], dbxFiles: [[UInt8]] = [], demoOnly: Bool = false) {
        self.platform = platform
        self.bootVendor = bootVendor
        self.vibRoot = vibRoot
        self.vibLevels = vibLevels
        self.dbxFiles = dbxFiles
        self.demoOnly = demoOnly
    }

    /// One or more certificates given directly (`--trust CERT`): they anchor the platform role and
    /// every signed acceptance level.
    public static func anchoringEverything(_ certificates: [X509Certificate]) -> TrustAnchors {
        var levels: [AcceptanceLevel: [X509Certificate]] = [:]
        for level in AcceptanceLevel.signedLevels { levels[level] = certificates }
        return TrustAnchors(platform: certificates, vibLevels: levels)
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
