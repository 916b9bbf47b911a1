import AttestCore

/// Why a TPM operation failed. `code` is stable (`tpm.*`); the message names the TPM (its TCTI or
/// state file) and, for tpm2-tss, the return code as `Tss2_RC_Decode` renders it.
public struct TPMError: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: VerificationCode
    public var message: String

    public init(_ code: VerificationCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "[\(code)] \(message)" }

    // The codes, in one place (README "Verification codes", TPMs).
    /// The `--tpm` string does not parse.
    static let badSpec = VerificationCode.tpmBadSpec
    /// The TCTI could not be loaded or the TPM did not answer (connection refused, no device).
    static let unreachable = VerificationCode.tpmUnreachable
    /// The TPM did not answer within the timeout.
    static let timeout = VerificationCode.tpmTimeout
    /// The TPM answered a command with an error return code.
    static let commandFailed = VerificationCode.tpmCommandFailed
    /// The software TPM state file is unreadable, malformed or from another format.
    static let stateCorrupt = VerificationCode.tpmStateCorrupt
    /// The software TPM state file is readable by group or others (it holds private keys).
    static let statePermissions = VerificationCode.tpmStatePermissions
    /// The state file could not be written.
    static let stateWrite = VerificationCode.tpmStateWrite
    /// A PCR index outside 0–23.
    static let badPCRIndex = VerificationCode.tpmBadPcrIndex
    /// An extend without a digest for an active bank, with one for an inactive bank, or of the wrong size.
    static let badDigest = VerificationCode.tpmBadDigest
    /// A quote selection naming a bank the TPM does not have, or a PCR outside 0–23.
    static let badSelection = VerificationCode.tpmBadSelection
    /// A nonce longer than 64 bytes (TPM2B_DATA) or empty.
    static let badNonce = VerificationCode.tpmBadNonce
    /// A credential blob whose integrity HMAC does not match this EK and AK (or that does not decrypt).
    static let credentialInvalid = VerificationCode.tpmCredentialInvalid
    /// The operation is not supported by this TPM (e.g. reset on a hardware TPM).
    static let unsupported = VerificationCode.tpmUnsupported
}
