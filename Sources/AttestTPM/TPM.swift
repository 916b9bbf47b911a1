import AttestCore

/// One TPM 2.0, whatever carries it: the in-process ``SoftwareTPM`` or a real TPM (or swtpm) through
/// tpm2-tss ESAPI (``TSSDevice``). Pick one with ``TPMSpec``.
///
/// Every method either does what it says or throws a ``TPMError`` with a stable code; nothing
/// is retried silently. Implementations are safe to call from one thread at a time.
public protocol TPM: AnyObject {
    /// What this TPM is, e.g. `software TPM (state /var/lib/x.json)` or `tpm2-tss swtpm:port=2321`.
    var description: String { get }

    /// Manufacturer, firmware, clock, counters and active PCR banks.
    func info() throws -> TPMInfo

    /// The endorsement key made from the TCG default template of `type`, with its certificate when the
    /// TPM holds one.
    func endorsementKey(_ type: EndorsementKeyType) throws -> EndorsementKey

    /// The attestation key: a restricted signing key (ECDSA P-256 with SHA-256 unless `type` says RSA),
    /// the same key on every call and across runs of the process.
    func attestationKey(_ type: AttestationKeyType) throws -> TPMTPublic

    /// Every PCR (0–23) of every requested bank (all active banks when `banks` is nil).
    func pcrRead(banks: [DigestAlgorithm]?) throws -> [PCRBank]

    /// Extends one event's digests into PCR `pcr`: one digest per active bank, each of the bank's size.
    /// A missing or extra bank, a wrong size or an index outside 0–23 is refused before anything is extended.
    func extend(pcr: Int, digests: [DigestAlgorithm: [UInt8]]) throws

    /// Extends several events in order: all are checked before the first is extended. The software TPM
    /// does it in one durable state write; a TSS device sends one TPM2_PCR_Extend per event.
    func extend(events: [(pcr: Int, digests: [DigestAlgorithm: [UInt8]])]) throws

    /// TPM2_Quote with the attestation key of `type` over `selection`, qualified by `nonce` (≤ 64 bytes).
    func quote(nonce: [UInt8], selection: TPMLPCRSelection, key type: AttestationKeyType) throws -> TPMQuote

    /// TPM2_ActivateCredential: the credential protected by `blob` for the attestation key of `keyType`
    /// and the endorsement key of `ekType`, or `tpm.credential-invalid` when the blob was not made for them.
    func activateCredential(_ blob: CredentialBlob, ek ekType: EndorsementKeyType, key keyType: AttestationKeyType) throws -> [UInt8]
}

extension TPM {
    public func extend(events: [(pcr: Int, digests: [DigestAlgorithm: [UInt8]])]) throws {
        let banks = try info().banks
        for e in events { try ExtendCheck.validate(pcr: e.pcr, digests: e.digests, banks: banks, tpm: description) }
        for e in events { try extend(pcr: e.pcr, digests: e.digests) }
    }
}

/// Operations only a software TPM can offer.
public protocol ResettableTPM: TPM {
    /// A power cycle: TPM2_Startup(CLEAR) after a reset — PCRs to their reset values, resetCount + 1.
    func reset() throws
}
