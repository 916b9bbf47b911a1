/// What a VIB verification treats as revoked (the VIB side of `dbx`): certificates (by encoding or
/// TBSCertificate digest, as in ``DenyList``) and SHA-256 digests of content (a `descriptor.xml` or a
/// payload member).
public struct VIBRevocations: Sendable, Hashable {
    public var denyList: DenyList

    public init(_ denyList: DenyList = .empty) { self.denyList = denyList }

    public init(certificates: [X509Certificate], digests: [[UInt8]] = []) {
        denyList = DenyList(digests: digests.map { DenyList.Digest(algorithm: .sha256, value: $0) },
                            certificates: certificates.map(\.derEncoded))
    }

    public init(sha256: Set<[UInt8]>) { self.init(certificates: [], digests: Array(sha256)) }

    public static let none = VIBRevocations()

    public func isRevoked(_ certificate: X509Certificate) -> Bool { denyList.contains(certificate: certificate.derEncoded) }
    public func isRevoked(digest: [UInt8]) -> Bool { denyList.contains(digest: digest, algorithm: .sha256) }
}
