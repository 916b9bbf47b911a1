extension EventLog {
    /// One record of the log: a `TCG_PCR_EVENT` (PFP 10.2.1) or `TCG_PCR_EVENT2` (PFP 10.2.2).
    ///
    /// The digests are what was extended into the PCR. The event data is NOT covered by them in
    /// general (for EV_EFI_BOOT_SERVICES_APPLICATION the digest is the image's Authenticode hash):
    /// use ``verifiedData`` for decisions and ``untrustedDecoded`` only for display.
    public struct Event: Sendable {
        /// Position in the log, from 0 (the Spec ID event of a crypto-agile log is number 0).
        public let number: Int
        /// Byte offset of the record in the log.
        public let offset: Int
        public let pcrIndex: Int
        public let type: EventType
        /// One digest per bank, in log order (a single SHA-1 digest in a legacy record).
        public let digests: [EventDigest]
        /// The raw event data (a slice of the log's buffer). Untrusted unless ``verifiedData`` says otherwise.
        public let data: ArraySlice<UInt8>
        /// Byte offset of `data` in the log.
        public let dataOffset: Int
        /// Size in bytes of a UEFI UINTN in this log's event data: 4 when the Spec ID event says
        /// `uintnSize` 1 (UINT32), else 8 (PFP 10.4.5.1; legacy SHA-1 logs do not say and are read as 8).
        public let uintnBytes: Int

        /// `"StartupLocality\0"` (PFP 10.4.5.3, TCG_EfiStartupLocalityEvent).
        public static let startupLocalitySignature: [UInt8] = Array("StartupLocality".utf8) + [0]
        /// `"H-CRTM CompMeas\0"` (PFP 10.4.5.4, TCG_HCRTMComponentEvent).
        public static let hcrtmComponentSignature: [UInt8] = Array("H-CRTM CompMeas".utf8) + [0]

        /// True for every event that is extended into its PCR (all but EV_NO_ACTION, PFP 10.4.5).
        public var isExtended: Bool { type != .EV_NO_ACTION }

        /// The digest for an algorithm, if this record carries one.
        public func digest(_ algorithm: DigestAlgorithm) -> ArraySlice<UInt8>? {
            let id = algorithm.tpmAlgorithmID
            for d in digests where d.algorithmID == id { return d.digest }
            return nil
        }

        /// The locality of a StartupLocality event (EV_NO_ACTION in PCR 0, PFP 10.4.5.3), else nil.
        public var startupLocality: UInt8? {
            guard type == .EV_NO_ACTION, pcrIndex == 0, data.count == 17,
                  data.starts(with: Self.startupLocalitySignature) else { return nil }
            return data[data.startIndex + 16]
        }

        /// A short name for messages: `#12 EV_EFI_BOOT_SERVICES_APPLICATION`.
        public var label: String { "#\(number) \(type.name)" }
    }

    /// One entry of a record's digest list (TPMT_HA, TPM 2.0 Part 2, 10.3.2).
    public struct EventDigest: Sendable, Hashable {
        /// TPM_ALG_ID.
        public let algorithmID: UInt16
        /// The algorithm when hostattest can hash with it.
        public let algorithm: DigestAlgorithm?
        public let digest: ArraySlice<UInt8>

        /// `sha256`, or `alg_0x0012` for an algorithm hostattest cannot hash.
        public var algorithmName: String { algorithm?.rawValue ?? EventLog.algorithmName(algorithmID) }
    }

    static func algorithmName(_ id: UInt16) -> String {
        if let a = DigestAlgorithm(tpmAlgorithmID: id) { return a.rawValue }
        if id == 0x0012 { return "sm3_256" }
        return "alg_0x" + String(id, radix: 16)
    }
}
