import AttestCore

/// What TPM2_Quote returned, with the PCR values it covers (read in the same session) and the AK.
public struct TPMQuote: Sendable {
    /// The TPMS_ATTEST bytes exactly as the TPM signed them (`tpm2_quote -m`).
    public var attest: [UInt8]
    /// TPMT_SIGNATURE (`tpm2_quote -s`).
    public var signature: TPMTSignature
    /// The selected PCRs' values in selection order (`tpm2_quote -o`).
    public var pcrs: PCRValues
    /// The attestation key's public area (`tpm2_createak -u` as TPM2B_PUBLIC).
    public var attestationKey: TPMTPublic

    public init(attest: [UInt8], signature: TPMTSignature, pcrs: PCRValues, attestationKey: TPMTPublic) {
        self.attest = attest
        self.signature = signature
        self.pcrs = pcrs
        self.attestationKey = attestationKey
    }
}
