import AttestCore

/// What `hostattest tpm info` shows.
public struct TPMInfo: Sendable, Hashable, Codable {
    /// `software` (hostattest's in-process TPM) or `tpm2-tss`.
    public var backend: String
    /// True for hostattest's software TPM: it protects nothing and must never be trusted as hardware.
    public var isSoftware: Bool
    /// The TCTI or state file.
    public var location: String
    /// TPM_PT_MANUFACTURER as four characters (e.g. `IBM `, `HATT`).
    public var manufacturer: String
    /// TPM_PT_VENDOR_STRING_1…4.
    public var vendor: String
    /// TPM_PT_FIRMWARE_VERSION_1 ‖ _2, as in TPMS_ATTEST.firmwareVersion.
    public var firmwareVersion: UInt64
    public var clockInfo: TPMSClockInfo
    /// The active PCR banks.
    public var banks: [DigestAlgorithm]

    public init(backend: String, isSoftware: Bool, location: String, manufacturer: String, vendor: String,
                firmwareVersion: UInt64, clockInfo: TPMSClockInfo, banks: [DigestAlgorithm]) {
        self.backend = backend
        self.isSoftware = isSoftware
        self.location = location
        self.manufacturer = manufacturer
        self.vendor = vendor
        self.firmwareVersion = firmwareVersion
        self.clockInfo = clockInfo
        self.banks = banks
    }
}
