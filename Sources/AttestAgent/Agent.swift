import AttestCore
import AttestTPM
import AttestWire
import Foundation

/// The host agent: enrolls with the attestation server on first use (TPM2_ActivateCredential proves
/// the AK lives in the EK's TPM), then answers each round with challenge → quote → attest. It only
/// makes outbound requests; it needs no inbound port.
///
/// The quote covers sha256 PCRs 0–23, qualified by the server's nonce; the event log goes along
/// so the server can replay it against the quote and appraise it against the group's baselines.
public final class Agent {
    /// The preferred EK; ``endorsementKey(of:)`` falls back to the RSA EK when only that one has a certificate.
    public static let ekType = EndorsementKeyType.eccP256
    public static let akType = AttestationKeyType.ecdsaP256
    /// What is quoted: every sha256 PCR, so any baseline's PCRs are covered.
    public static let selection = TPMLPCRSelection([TPMSPCRSelection(hash: .sha256, indices: Array(0..<24))])

    public let tpm: any TPM
    public let client: AttestClient
    public let store: AgentStateStore
    public let name: String
    public let group: String

    /// The next challenge the last verdict carried, and until when (this machine's clock) to use it.
    private var pending: (hostId: String, challenge: ChallengeResponse, usableUntil: Date)?

    public init(tpm: any TPM, client: AttestClient, store: AgentStateStore, name: String, group: String) {
        self.tpm = tpm; self.client = client; self.store = store; self.name = name; self.group = group
    }

    /// The result of one round.
    public struct Round: Sendable {
        public var verdict: Verdict
        /// True when this round enrolled the host.
        public var enrolled: Bool
        /// The attestation request exactly as sent (its nonce is now used: `hostattest demo` replays it).
        public var request: AttestationRequest
    }

    /// One round: enroll if needed, then attest with `eventLog`. Throws ``AgentError`` (server),
    /// `TPMError` (TPM) — never a verdict it did not get.
    public func attest(eventLog: [UInt8]) async throws -> Round {
        var enrolledNow = false
        var state = try store.load()
        if let s = state, s.server != client.base || s.name != name { state = nil }
        if state?.enrolled != true {
            state = try await enroll()
            enrolledNow = true
        }
        let hostId = state!.hostId
        let challenge: ChallengeResponse
        if let p = pending, p.hostId == hostId, Date() < p.usableUntil {
            challenge = p.challenge
        } else {
            challenge = try await client.post("/v1/hosts/\(hostId)/challenge", as: ChallengeResponse.self)
        }
        pending = nil
        guard let nonce = Data(base64Encoded: challenge.nonce), (1...64).contains(nonce.count) else {
            throw AgentError(.agentResponseInvalid, "the challenge's nonce is not 1–64 bytes of base64")
        }
        let q = try tpm.quote(nonce: Array(nonce), selection: Self.selection, key: Self.akType)
        let request = AttestationRequest(nonce: challenge.nonce, quote: b64(q.attest), signature: b64(q.signature.marshalled()),
                                         pcrs: b64(q.pcrs.tpm2ToolsSerialized()), eventLog: b64(eventLog))
        let sent = Date()
        let verdict = try await client.post("/v1/hosts/\(hostId)/attestations", request, as: Verdict.self)
        guard verdict.hostId == hostId else {
            throw AgentError(.agentResponseInvalid, "the verdict is for host \(verdict.hostId.prefix(80)), not \(hostId)")
        }
        if let next = verdict.nextChallenge, let until = Self.usableUntil(next, verdictAt: verdict.at, sent: sent) {
            pending = (hostId, next, until)
        }
        return Round(verdict: verdict, enrolled: enrolledNow, request: request)
    }

    /// When to stop using a verdict's next challenge, by this machine's clock and without trusting it
    /// to agree with the server's: the lifetime the server gave (expiresAt − the verdict's time)
    /// counted from when the request was sent (before the server's time), less a safety margin.
    /// Nil (ask `/challenge` next time) when the dates do not parse or little of the lifetime is left.
    public static func usableUntil(_ next: ChallengeResponse, verdictAt: String, sent: Date) -> Date? {
        guard let expires = ServerTime.parse(next.expiresAt), let at = ServerTime.parse(verdictAt) else { return nil }
        let lifetime = expires.timeIntervalSince(at)
        let margin = max(2, lifetime * 0.1)
        guard lifetime > margin else { return nil }
        return sent.addingTimeInterval(lifetime - margin)
    }

    /// `POST /v1/hosts` with the EK (and its certificate) and AK, TPM2_ActivateCredential of the
    /// answer, `POST /v1/hosts/{id}/activate`. The state is saved after each step.
    func enroll() async throws -> AgentState {
        let ek = try Self.endorsementKey(of: tpm)
        let ak = try tpm.attestationKey(Self.akType)
        let answer = try await client.post("/v1/hosts", EnrollRequest(name: name, group: group, ekPublic: b64(ek.publicArea.marshalled()),
                                                                     ekCertificate: ek.certificateDER.map(b64), akPublic: b64(ak.marshalled())),
                                           as: EnrollResponse.self)
        var state = AgentState(server: client.base, name: name, group: group, hostId: answer.hostId, enrolled: false)
        guard !answer.hostId.isEmpty, answer.hostId.count <= 128,
              answer.hostId.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            throw AgentError(.agentResponseInvalid, "the host id \(answer.hostId.prefix(80)) is not an id")
        }
        try store.save(state)
        let blob: CredentialBlob
        do {
            guard let file = Data(base64Encoded: answer.tpm2ToolsCredential) else { throw AgentError(.agentResponseInvalid, "not base64") }
            blob = try CredentialBlob(tpm2ToolsFile: Array(file))
        } catch {
            throw AgentError(.agentResponseInvalid, "the enrollment credential is not a tpm2_makecredential file: \(error)")
        }
        let secret = try tpm.activateCredential(blob, ek: ek.type, key: Self.akType)
        _ = try await client.post("/v1/hosts/\(answer.hostId)/activate", ActivateRequest(secret: b64(secret)), as: HostView.self)
        state.enrolled = true
        try store.save(state)
        return state
    }

    /// The EK the server can check: the ECC P-256 EK (template L-2) when the TPM holds its certificate,
    /// else the RSA 2048 EK (L-1) when it holds that one's (many TPMs, and swtpm_setup, certify only RSA
    /// or an ECC curve other than P-256), else the ECC EK without a certificate (the server decides: an
    /// allowlist, or a software TPM).
    public static func endorsementKey(of tpm: any TPM) throws -> EndorsementKey {
        let ecc = try tpm.endorsementKey(.eccP256)
        if ecc.certificateDER != nil { return ecc }
        if let rsa = try? tpm.endorsementKey(.rsa2048), rsa.certificateDER != nil { return rsa }
        return ecc
    }

    private func b64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }
}
