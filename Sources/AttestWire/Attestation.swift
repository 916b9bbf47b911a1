/// `POST /v1/hosts/{id}/challenge`.
public struct ChallengeResponse: Sendable, Hashable, Codable {
    /// 32 random bytes, base64: the quote's qualifying data.
    public var nonce: String
    /// RFC 3339.
    public var expiresAt: String
    public init(nonce: String, expiresAt: String) { self.nonce = nonce; self.expiresAt = expiresAt }
}

/// `POST /v1/hosts/{id}/attestations`. Binary fields are standard base64.
public struct AttestationRequest: Sendable, Hashable, Codable {
    public var nonce: String
    /// TPMS_ATTEST (or TPM2B_ATTEST), `tpm2_quote -m`.
    public var quote: String
    /// TPMT_SIGNATURE, `tpm2_quote -s`.
    public var signature: String
    /// The quoted PCR values in tpm2-tools' serialized form (`tpm2_quote -o`, `-F serialized`).
    public var pcrs: String
    /// The TCG event log (binary_bios_measurements).
    public var eventLog: String

    public init(nonce: String, quote: String, signature: String, pcrs: String, eventLog: String) {
        self.nonce = nonce; self.quote = quote; self.signature = signature; self.pcrs = pcrs; self.eventLog = eventLog
    }
}

/// One reason, as in AttestCore's findings.
public struct WireFinding: Sendable, Hashable, Codable {
    public var code: String
    public var message: String
    public var component: String?
    public init(code: String, message: String, component: String?) { self.code = code; self.message = message; self.component = component }
}

/// The answer to an attestation, and an entry of the audit trail.
public struct Verdict: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable { case admitted, rejected }

    public var attestationId: String
    public var hostId: String
    public var status: Status
    /// RFC 3339.
    public var at: String
    /// Every reason for a rejection (empty when admitted).
    public var findings: [WireFinding]
    /// Notes that do not reject (a reboot since the last attestation).
    public var notes: [String]
    /// "name version" of the baseline the host matched.
    public var baseline: String?
    /// The EAR (ES256 JWT) for an admitted host; only in the answer (the audit trail and a host's last
    /// verdict never hold a token).
    public var token: String?
    /// The host's next challenge, issued in the verdict's own transaction when the quote verified under the
    /// host's AK over a valid nonce and the host is not revoked (admitted or rejected by the appraisal), so
    /// that re-attesting takes one request instead of two. Single use and expiring like any challenge.
    /// Never stored in the audit trail.
    public var nextChallenge: ChallengeResponse?

    public init(attestationId: String, hostId: String, status: Status, at: String, findings: [WireFinding], notes: [String],
                baseline: String?, token: String?, nextChallenge: ChallengeResponse? = nil) {
        self.attestationId = attestationId; self.hostId = hostId; self.status = status; self.at = at
        self.findings = findings; self.notes = notes; self.baseline = baseline; self.token = token
        self.nextChallenge = nextChallenge
    }
}

/// A page of a host's audit trail, oldest first; `next`, when present, is the `after` cursor of the rest.
public struct AuditTrail: Sendable, Hashable, Codable {
    public var attestations: [Verdict]
    public var next: String?
    public init(attestations: [Verdict], next: String? = nil) { self.attestations = attestations; self.next = next }
}
