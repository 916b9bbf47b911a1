/// `POST /v1/hosts`: a host asks to enroll. Binary fields are standard base64.
public struct EnrollRequest: Sendable, Hashable, Codable {
    public var name: String
    public var group: String
    /// TPM2B_PUBLIC or TPMT_PUBLIC of the endorsement key (`tpm2_createek -u`).
    public var ekPublic: String
    /// The EK certificate from the TPM's NV (DER; trailing padding is tolerated), if any.
    public var ekCertificate: String?
    /// TPM2B_PUBLIC or TPMT_PUBLIC of the attestation key (`tpm2_createak -u`).
    public var akPublic: String

    public init(name: String, group: String, ekPublic: String, ekCertificate: String?, akPublic: String) {
        self.name = name; self.group = group; self.ekPublic = ekPublic; self.ekCertificate = ekCertificate; self.akPublic = akPublic
    }
}

/// The MakeCredential challenge: the host's TPM recovers the secret with TPM2_ActivateCredential
/// only if it holds the EK and the AK is loaded in it.
public struct EnrollResponse: Sendable, Hashable, Codable {
    public var hostId: String
    public var state: HostState
    /// TPM2B_ID_OBJECT (integrityHMAC ‖ encIdentity), base64.
    public var credentialBlob: String
    /// TPM2B_ENCRYPTED_SECRET, base64.
    public var encryptedSecret: String
    /// The same two in the file format of `tpm2_makecredential -o` (for `tpm2_activatecredential -i`), base64.
    public var tpm2ToolsCredential: String

    public init(hostId: String, state: HostState, credentialBlob: String, encryptedSecret: String, tpm2ToolsCredential: String) {
        self.hostId = hostId; self.state = state; self.credentialBlob = credentialBlob
        self.encryptedSecret = encryptedSecret; self.tpm2ToolsCredential = tpm2ToolsCredential
    }
}

/// `POST /v1/hosts/{id}/activate`: the secret the TPM recovered.
public struct ActivateRequest: Sendable, Hashable, Codable {
    public var secret: String
    public init(secret: String) { self.secret = secret }
}
