/// Revoked items a VIB verification checks against (the VIB side of `dbx`): SHA-256 digests of
/// certificates (DER) and of content (a `descriptor.xml` or a payload member).
public struct VIBRevocations: Sendable, Hashable {
    public var sha256: Set<[UInt8]>

    public init(sha256: Set<[UInt8]> = []) { self.sha256 = sha256 }

    public init(certificates: [X509Certificate], digests: [[UInt8]] = []) {
        self.sha256 = Set(certificates.map(\.sha256Fingerprint) + digests.filter { $0.count == 32 })
    }

    public static let none = VIBRevocations()

    public func isRevoked(_ certificate: X509Certificate) -> Bool { sha256.contains(certificate.sha256Fingerprint) }
    public func isRevoked(digest: [UInt8]) -> Bool { sha256.contains(digest) }
}
