import AttestCore
import AttestWire
import Crypto
import Foundation

/// Enrollment: `POST /v1/hosts` checks the EK (``EndorsementKeyVerifier``) and the AK (``AKPolicy``)
/// and answers a MakeCredential challenge for the AK's name under the EK; `activate` binds the AK
/// when the host returns the secret only its TPM could recover. A host's EK is immutable: the same
/// name with another EK is refused (`host.ek-mismatch`) until an admin deletes the host.
public struct EnrollmentService: Sendable {
    let store: any AttestationStore
    let config: ServerConfiguration
    /// Bounds how many unauthenticated refusals reach the audit (see ``RefusalAuditBudget``).
    public let refusalBudget: RefusalAuditBudget

    public init(store: any AttestationStore, config: ServerConfiguration, refusalBudget: RefusalAuditBudget = RefusalAuditBudget()) {
        self.store = store
        self.config = config
        self.refusalBudget = refusalBudget
    }

    /// Writes a refusal to the enrollment audit while the budget allows (accepted decisions are
    /// written with their host, never through here).
    private func recordRefusal(_ audit: EnrollmentDecision, now: Date) async throws {
        guard await refusalBudget.take(now: now) else { return }
        try await store.recordEnrollment(audit)
    }

    static func publicArea(_ bytes: [UInt8], field: String) throws -> TPMTPublic {
        do {
            if bytes.count >= 2, Int(bytes[0]) << 8 | Int(bytes[1]) == bytes.count - 2 {
                return try TPM2BPublic(bytes: bytes).publicArea
            }
            return try TPMTPublic(bytes: bytes)
        } catch {
            throw APIError.badRequest(.requestMalformedTpmPublic, "\(field) is not a TPM2B_PUBLIC or TPMT_PUBLIC: \(error)")
        }
    }

    static func validName(_ s: String) -> Bool {
        !s.isEmpty && s.count <= 253 && s.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0) } && s.utf8.allSatisfy { $0 < 0x80 }
    }

    public func enroll(_ request: EnrollRequest, now: Date) async throws -> EnrollResponse {
        guard Self.validName(request.name) else { throw APIError.badRequest(.requestInvalidName, "name must be 1–253 characters of A–Z a–z 0–9 - _ .") }
        guard Self.validName(request.group) else { throw APIError.badRequest(.requestInvalidGroup, "group must be 1–253 characters of A–Z a–z 0–9 - _ .") }
        let ek = try Self.publicArea(try Base64Field.decode(request.ekPublic, field: "ekPublic"), field: "ekPublic")
        let ak = try Self.publicArea(try Base64Field.decode(request.akPublic, field: "akPublic"), field: "akPublic")
        let cert = try request.ekCertificate.map { try Base64Field.decode($0, field: "ekCertificate") }
        // From here on every answer is a decision about a well-formed request: it goes into the
        // enrollment audit (an acceptance in the host's own transaction, a refusal on its own).
        var audit = EnrollmentDecision(id: UUID().uuidString.lowercased(), at: Timestamp.string(now), name: request.name, group: request.group,
                                       outcome: .accepted, hostId: nil, code: nil, detail: "", ekFingerprint: EndorsementKeyVerifier.fingerprint(ek),
                                       ekBasis: nil, akName: ak.name.hex)
        do {
            return try await decide(ek: ek, ak: ak, certificate: cert, request: request, now: now, audit: &audit)
        } catch let refusal as APIError {
            audit.outcome = .refused
            audit.code = refusal.code.rawValue
            audit.detail = Self.bounded(refusal.detail)
            audit.ekBasis = nil
            try await recordRefusal(audit, now: now)
            throw refusal
        }
    }

    /// Details can quote attacker-chosen text (a certificate's issuer): the audit keeps a bounded prefix.
    static func bounded(_ text: String) -> String { text.count <= 512 ? text : String(text.prefix(509)) + "…" }

    private func decide(ek: TPMTPublic, ak: TPMTPublic, certificate cert: [UInt8]?, request: EnrollRequest, now: Date,
                        audit: inout EnrollmentDecision) async throws -> EnrollResponse {
        let akReport = AKPolicy.check(ak)
        guard akReport.isValid else {
            throw APIError(422, akReport.failures[0].code, "the attestation key is not a restricted signing key bound to the TPM",
                           findings: akReport.failures.map(\.wire))
        }
        do { _ = try AttestationKey(publicArea: ak) } catch {
            throw APIError(422, .akUnsupported, "the attestation key cannot verify quotes: \(error)")
        }
        let (ekReport, verifiedEK) = config.endorsement.verify(ek: ek, certificate: cert, time: now)
        guard let verifiedEK else {
            let reasons = ekReport.failures.map { "[\($0.code)] \($0.message)" }.joined(separator: "; ")
            throw APIError(403, ekReport.failures.first?.code ?? .ekUntrusted, "the endorsement key is not trusted: \(reasons)",
                           findings: ekReport.failures.map(\.wire))
        }
        var secret = [UInt8](repeating: 0, count: 32)
        for i in secret.indices { secret[i] = UInt8.random(in: 0...255) }
        let blob: CredentialBlob
        do {
            blob = try MakeCredential.make(ekPublic: ek, objectName: ak.name, credential: Array(secret.prefix(ek.nameAlg.digestSize)))
        } catch {
            throw APIError(422, .ekUnsupported, "cannot make a credential for this EK: \(error)")
        }
        let credential = Array(secret.prefix(ek.nameAlg.digestSize))
        let secretHash = Array(SHA256.hash(data: credential))
        audit.ekBasis = verifiedEK.basis.rawValue

        if let existing = try await store.host(name: request.name) {
            guard existing.ekFingerprint == verifiedEK.fingerprint else {
                audit.hostId = existing.id
                throw APIError(409, .hostEkMismatch, "host \(request.name) is enrolled with another endorsement key; an admin must delete it first")
            }
            guard existing.state == .pending else {
                audit.hostId = existing.id
                throw APIError(409, .hostAlreadyEnrolled, "host \(request.name) is already enrolled; an admin must delete it to enroll it again")
            }
            var h = existing
            h.akPublic = ak.marshalled(); h.akName = ak.name.hex; h.secretHash = secretHash; h.group = request.group
            audit.hostId = h.id
            audit.detail = "pending host \(h.name) answered with a new MakeCredential challenge (EK \(verifiedEK.basis.rawValue))"
            try await store.updateHost(h, recording: audit)
            return response(h, blob)
        }
        let host = HostRecord(id: UUID().uuidString.lowercased(), name: request.name, group: request.group, state: .pending,
                              ekPublic: ek.marshalled(), ekFingerprint: verifiedEK.fingerprint, ekBasis: verifiedEK.basis.rawValue,
                              akPublic: ak.marshalled(), akName: ak.name.hex, secretHash: secretHash, enrolledAt: now)
        audit.hostId = host.id
        audit.detail = "host \(host.name) is pending: MakeCredential challenge sent (EK \(verifiedEK.basis.rawValue))"
        do {
            try await store.insertHost(host, recording: audit)
        } catch StoreError.hostExists(let id) {
            audit.hostId = id
            throw APIError(409, .hostEkMismatch, "host \(request.name) was enrolled concurrently; retry")
        }
        return response(host, blob)
    }

    private func response(_ h: HostRecord, _ blob: CredentialBlob) -> EnrollResponse {
        EnrollResponse(hostId: h.id, state: h.state, credentialBlob: Data(blob.idObject.marshalled()).base64EncodedString(),
                       encryptedSecret: Data(blob.encryptedSecret.marshalled()).base64EncodedString(),
                       tpm2ToolsCredential: Data(blob.tpm2ToolsFile()).base64EncodedString())
    }

    public func activate(hostID: String, _ request: ActivateRequest, now: Date) async throws -> HostRecord {
        guard var host = try await store.host(id: hostID) else { throw APIError.unknownHost(hostID) }
        var audit = EnrollmentDecision(id: UUID().uuidString.lowercased(), at: Timestamp.string(now), name: host.name, group: host.group,
                                       outcome: .refused, hostId: host.id, code: nil, detail: "", ekFingerprint: host.ekFingerprint,
                                       ekBasis: host.ekBasis, akName: host.akName)
        func refuse(_ e: APIError) async throws -> Never {
            audit.code = e.code.rawValue
            audit.detail = Self.bounded(e.detail)
            try await recordRefusal(audit, now: now)
            throw e
        }
        guard host.state == .pending, let expected = host.secretHash else {
            try await refuse(APIError(409, .hostNotPending, "host \(host.name) is \(host.state.rawValue), not waiting for activation"))
        }
        let given = try Base64Field.decode(request.secret, field: "secret")
        guard ConstantTime.equal(Array(SHA256.hash(data: given)), expected) else {
            try await refuse(APIError(403, .enrollSecretMismatch, "the secret does not match the credential: the AK is not proven to be in the EK's TPM"))
        }
        host.secretHash = nil
        host.state = .enrolled
        audit.outcome = .activated
        audit.detail = "host \(host.name) proved its AK is in the EK's TPM (TPM2_ActivateCredential)"
        try await store.updateHost(host, recording: audit)
        return host
    }
}

extension Finding {
    var wire: WireFinding { WireFinding(code: code.rawValue, message: message, component: component) }
}
