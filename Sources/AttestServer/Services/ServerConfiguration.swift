import AttestCore
import Foundation

/// What the server is told at start: who may sign baselines, which EKs it trusts, the admin token,
/// and its timings. Immutable; every replica is started with the same configuration.
public struct ServerConfiguration: Sendable {
    /// Anchors for baseline signatures. Empty trusts no baseline (and so admits no host).
    public var baselineAnchors: [X509Certificate]
    public var endorsement: EndorsementKeyVerifier
    /// The admin bearer token; nil disables the admin API.
    public var adminToken: String?
    public var nonceLifetime: TimeInterval
    public var tokenLifetime: TimeInterval
    public var tokenAudience: String?
    /// An admitted host with no attestation for this long is reported `stale`.
    public var staleAfter: TimeInterval
    /// Request bodies larger than this are refused (413).
    public var maxBodySize: Int
    /// Accept SHA-1 quote signatures and small RSA AKs (never by default).
    public var allowWeakAlgorithms: Bool

    public init(baselineAnchors: [X509Certificate], endorsement: EndorsementKeyVerifier, adminToken: String?,
                nonceLifetime: TimeInterval = 60, tokenLifetime: TimeInterval = 300, tokenAudience: String? = nil,
                staleAfter: TimeInterval = 3600, maxBodySize: Int = 4 << 20, allowWeakAlgorithms: Bool = false) {
        self.baselineAnchors = baselineAnchors; self.endorsement = endorsement; self.adminToken = adminToken
        self.nonceLifetime = nonceLifetime; self.tokenLifetime = tokenLifetime; self.tokenAudience = tokenAudience
        self.staleAfter = staleAfter; self.maxBodySize = maxBodySize; self.allowWeakAlgorithms = allowWeakAlgorithms
    }
}
