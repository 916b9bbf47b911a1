/// A quote whose every check passed: signed by the attestation key over a TPM-generated
/// TPMS_ATTEST of type quote, carrying the expected nonce, and covering exactly `pcrs`
/// (and, when a log was given, the log replays to those values). Only ``QuoteVerifier`` makes one.
public struct VerifiedQuote: Sendable, Hashable {
    public let attest: TPMSAttest
    /// The PCR values the quote covers, in selection order.
    public let pcrs: PCRValues
    /// The hash of the signature and of `pcrDigest`.
    public let hashAlgorithm: DigestAlgorithm
    /// Whether an event log was replayed against the PCRs.
    public let eventLogChecked: Bool
    /// The TPM name of the AK that signed (when it was given as a TPM public area): what the server
    /// bound to the EK through credential activation.
    public let attestationKeyName: [UInt8]?

    public var nonce: [UInt8] { attest.extraData }
    public var clockInfo: TPMSClockInfo { attest.clockInfo }
    public var firmwareVersion: UInt64 { attest.firmwareVersion }
    public var qualifiedSigner: [UInt8] { attest.qualifiedSigner }

    init(attest: TPMSAttest, pcrs: PCRValues, hashAlgorithm: DigestAlgorithm, eventLogChecked: Bool, attestationKeyName: [UInt8]?) {
        self.attestationKeyName = attestationKeyName
        self.attest = attest
        self.pcrs = pcrs
        self.hashAlgorithm = hashAlgorithm
        self.eventLogChecked = eventLogChecked
    }
}
