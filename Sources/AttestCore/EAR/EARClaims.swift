/// The claims of an EAT Attestation Result (draft-ietf-rats-ear-04) as hostattest issues them: the
/// JSON shape only (signing and checking live with the server and the CLI).
///
/// Claim names are the draft's JSON names: `eat_profile`, `iat`, `exp`, `eat_nonce`,
/// `ear_verifier_id`, `submods` (each `ear_status`, `ear_trustworthiness_vector` with the AR4SI
/// claim names `instance-identity`, `configuration`, …, and `ear_appraisal_policy_ids`, a non-empty
/// list), plus hostattest's private claims `hostattest_host_id` and `hostattest_attestation_id`, and
/// `aud` when the server is configured with an audience.
public struct EARClaims: Sendable, Hashable, Codable {
    /// The profile hostattest emits.
    public static let profile = "tag:ietf.org,2026:rats/ear#04"
    /// The submodule names hostattest uses.
    public static let platformSubmod = "platform"
    public static let imageSubmod = "image"

    public struct VerifierID: Sendable, Hashable, Codable {
        public var build: String
        public var developer: String
        public init(build: String, developer: String) { self.build = build; self.developer = developer }
    }

    /// AR4SI trustworthiness vector; absent claims are omitted.
    public struct TrustworthinessVector: Sendable, Hashable, Codable {
        public var instanceIdentity: Int?
        public var configuration: Int?
        public var executables: Int?
        public var fileSystem: Int?
        public var hardware: Int?
        public var runtimeOpaque: Int?
        public var storageOpaque: Int?
        public var sourcedData: Int?

        public init(instanceIdentity: Int? = nil, configuration: Int? = nil, executables: Int? = nil, fileSystem: Int? = nil,
                    hardware: Int? = nil, runtimeOpaque: Int? = nil, storageOpaque: Int? = nil, sourcedData: Int? = nil) {
            self.instanceIdentity = instanceIdentity; self.configuration = configuration; self.executables = executables
            self.fileSystem = fileSystem; self.hardware = hardware; self.runtimeOpaque = runtimeOpaque
            self.storageOpaque = storageOpaque; self.sourcedData = sourcedData
        }

        enum CodingKeys: String, CodingKey {
            case instanceIdentity = "instance-identity", configuration, executables, fileSystem = "file-system", hardware
            case runtimeOpaque = "runtime-opaque", storageOpaque = "storage-opaque", sourcedData = "sourced-data"
        }
    }

    public struct Submod: Sendable, Hashable, Codable {
        public var status: EARStatus
        public var trustworthinessVector: TrustworthinessVector?
        /// The policies the evidence was appraised against (here: the matched baseline).
        public var appraisalPolicyIDs: [String]?

        public init(status: EARStatus, trustworthinessVector: TrustworthinessVector?, appraisalPolicyIDs: [String]?) {
            self.status = status; self.trustworthinessVector = trustworthinessVector; self.appraisalPolicyIDs = appraisalPolicyIDs
        }

        enum CodingKeys: String, CodingKey {
            case status = "ear_status", trustworthinessVector = "ear_trustworthiness_vector", appraisalPolicyIDs = "ear_appraisal_policy_ids"
        }
    }

    public var profile: String
    /// Issued at, seconds since the epoch.
    public var issuedAt: Int64
    /// Expires at, seconds since the epoch.
    public var expiresAt: Int64
    /// The nonce of the attestation, base64url.
    public var nonce: String
    public var verifierID: VerifierID
    public var submods: [String: Submod]
    public var audience: String?
    public var hostID: String
    public var attestationID: String

    public init(issuedAt: Int64, expiresAt: Int64, nonce: String, verifierID: VerifierID, submods: [String: Submod],
                audience: String?, hostID: String, attestationID: String) {
        self.profile = Self.profile
        self.issuedAt = issuedAt; self.expiresAt = expiresAt; self.nonce = nonce; self.verifierID = verifierID
        self.submods = submods; self.audience = audience; self.hostID = hostID; self.attestationID = attestationID
    }

    enum CodingKeys: String, CodingKey {
        case profile = "eat_profile", issuedAt = "iat", expiresAt = "exp", nonce = "eat_nonce", verifierID = "ear_verifier_id"
        case submods, audience = "aud", hostID = "hostattest_host_id", attestationID = "hostattest_attestation_id"
    }

    /// The overall status: the worst of the submods' (none when there are none).
    public var overallStatus: EARStatus {
        let order: [EARStatus] = [.contraindicated, .warning, .none, .affirming]
        let all = submods.values.map(\.status)
        guard !all.isEmpty else { return .none }
        return order.first { all.contains($0) } ?? .none
    }
}
