/// One entry of the enrollment audit (`GET /v1/enrollments`, admin): what the server decided about an
/// enrollment request or an activation, and why. Append-only in the store, like the attestation trail.
/// It never holds the credential secret or its hash.
public struct EnrollmentDecision: Sendable, Hashable, Codable {
    public enum Outcome: String, Sendable, Hashable, Codable, CaseIterable {
        /// `POST /v1/hosts` answered with a MakeCredential challenge (host `pending`).
        case accepted
        /// `POST /v1/hosts/{id}/activate` proved the AK is in the EK's TPM (host `enrolled`).
        case activated
        /// Either request was refused; `code` says why.
        case refused
    }

    public var id: String
    /// RFC 3339.
    public var at: String
    /// The host name asked for.
    public var name: String
    public var group: String
    public var outcome: Outcome
    /// The host the decision is about (nil when a refusal created none).
    public var hostId: String?
    /// The refusal's code (`ek.untrusted`, `host.ek-mismatch`, …); nil when accepted or activated.
    public var code: String?
    /// The reason in words (bounded).
    public var detail: String
    /// SHA-256 of the EK's TPMT_PUBLIC, when the EK parsed.
    public var ekFingerprint: String?
    /// Why the EK is trusted (accepted only).
    public var ekBasis: String?
    /// The AK's TPM name, hex, when the AK parsed.
    public var akName: String?

    public init(id: String, at: String, name: String, group: String, outcome: Outcome, hostId: String?, code: String?, detail: String,
                ekFingerprint: String?, ekBasis: String?, akName: String?) {
        self.id = id; self.at = at; self.name = name; self.group = group; self.outcome = outcome; self.hostId = hostId
        self.code = code; self.detail = detail; self.ekFingerprint = ekFingerprint; self.ekBasis = ekBasis; self.akName = akName
    }
}

/// `GET /v1/enrollments`: the enrollment audit, oldest first.
/// A page of the enrollment audit, oldest first; `next`, when present, is the `after` cursor of the rest.
public struct EnrollmentAudit: Sendable, Hashable, Codable {
    public var enrollments: [EnrollmentDecision]
    public var next: String?
    public init(enrollments: [EnrollmentDecision], next: String? = nil) { self.enrollments = enrollments; self.next = next }
}
