/// A host's state: `pending` (enrollment challenge not answered), `enrolled` (AK bound, never
/// attested), `admitted`, `rejected`, `stale` (no attestation within the staleness period:
/// unreachable is not untrusted), `revoked` (by an admin).
public enum HostState: String, Sendable, Hashable, Codable, CaseIterable {
    case pending, enrolled, admitted, rejected, stale, revoked
}

/// `GET /v1/hosts/{id}`.
public struct HostView: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var group: String
    public var state: HostState
    /// SHA-256 of the EK's TPMT_PUBLIC.
    public var ekFingerprint: String
    /// Why the EK is trusted: manufacturer-certificate, allowlist or software-tpm.
    public var ekBasis: String
    /// The AK's TPM name, hex.
    public var akName: String
    public var enrolledAt: String
    public var lastAttestationAt: String?
    public var lastVerdict: Verdict?

    public init(id: String, name: String, group: String, state: HostState, ekFingerprint: String, ekBasis: String, akName: String,
                enrolledAt: String, lastAttestationAt: String?, lastVerdict: Verdict?) {
        self.id = id; self.name = name; self.group = group; self.state = state; self.ekFingerprint = ekFingerprint
        self.ekBasis = ekBasis; self.akName = akName; self.enrolledAt = enrolledAt; self.lastAttestationAt = lastAttestationAt
        self.lastVerdict = lastVerdict
    }
}

/// A page of hosts by name; `next`, when present, is the `after` name of the rest.
public struct HostList: Sendable, Hashable, Codable {
    public var hosts: [HostView]
    public var next: String?
    public init(hosts: [HostView], next: String? = nil) { self.hosts = hosts; self.next = next }
}
