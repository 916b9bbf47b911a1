import Foundation

/// What ``AuthenticodeVerifier`` found: the overall report, one result per `WIN_CERTIFICATE`, the
/// computed digests, and — only when the image is valid — the ``VerifiedPEImage``.
///
/// Rule: the image is valid when at least one signature verifies (its SpcIndirectDataContent digest
/// equals the recomputed Authenticode digest, its PKCS#7 signer signature is good, and its signer
/// chains to a trust anchor with code-signing usage) and nothing is revoked (neither the image
/// digest nor any certificate in any signature's chain is in the deny list). Signatures that fail
/// next to a good one are reported in ``signatures`` but do not fail the image, as in UEFI firmware.
public struct AuthenticodeVerification: Sendable {
    /// Empty failures when valid; otherwise every failed check of every signature, and revocations.
    public let report: VerificationReport
    public let signatures: [AuthenticodeSignatureResult]
    /// The recomputed Authenticode digests (always SHA-256, plus what signatures and the deny list name).
    public let digests: [DigestAlgorithm: [UInt8]]
    /// Non-nil exactly when the image is valid.
    public let verified: VerifiedPEImage?

    public var isValid: Bool { verified != nil }
}

/// The checks of one signature in the certificate table.
public struct AuthenticodeSignatureResult: Sendable, Codable {
    /// 1-based position in the certificate table.
    public var index: Int
    public var digestAlgorithm: DigestAlgorithm?
    /// The digest the signature names (hex).
    public var signedDigest: String?
    public var signerSubject: String?
    public var signerIssuer: String?
    /// Subjects from the signer to the trust anchor, when a chain was built.
    public var chain: [String]
    /// Every failed check of this signature (empty when it verified).
    public var failures: [Finding] { didSet { valid = failures.isEmpty } }
    public var passed: [String]
    /// Whether this signature verified on its own (digest, signer signature, chain).
    public private(set) var valid: Bool = true
    public var isValid: Bool { valid }

    init(index: Int, chain: [String] = [], failures: [Finding] = [], passed: [String] = []) {
        self.index = index
        self.chain = chain
        self.failures = failures
        self.passed = passed
        self.valid = failures.isEmpty
    }
}

/// A PE image whose Authenticode signature verified against the caller's anchors and deny list.
/// Only ``AuthenticodeVerifier`` makes one.
public struct VerifiedPEImage: Sendable {
    public let image: PEImage
    /// The Authenticode SHA-256 of the image (what UEFI measures and dbx lists).
    public let authenticodeSHA256: [UInt8]
    /// 1-based index of the first signature that verified.
    public let signatureIndex: Int
    /// The signer chain of that signature, from the signer to the anchor.
    public let chain: [X509Certificate]
    public var signer: X509Certificate? { chain.first }
    public var anchor: X509Certificate? { chain.last }

    init(image: PEImage, authenticodeSHA256: [UInt8], signatureIndex: Int, chain: [X509Certificate]) {
        self.image = image
        self.authenticodeSHA256 = authenticodeSHA256
        self.signatureIndex = signatureIndex
        self.chain = chain
    }
}
