/// Final PCR values per bank, as replaying an event log computes them (``EventLog/replay()``).
public struct PCRBanks: Sendable, Hashable, Codable {
    /// The 24 PCRs of one hash bank.
    public struct Bank: Sendable, Hashable, Codable {
        public let algorithm: DigestAlgorithm
        /// `values[i]` is PCR i (24 entries). PCRs no event touched hold their reset value.
        public internal(set) var values: [[UInt8]]
        /// PCRs that at least one event extended (or whose start a StartupLocality event set).
        public internal(set) var touched: Set<Int>
        /// Records of extended events that carry no digest for this bank: the bank's replay is
        /// then incomplete and must not be trusted. Empty for a well-formed log.
        public internal(set) var eventsMissingDigest: [Int]

        public var isComplete: Bool { eventsMissingDigest.isEmpty }
    }

    /// A bank the log declares but hostattest cannot hash (e.g. SM3_256, 0x0012): its digests were
    /// parsed with the Spec ID size but it is not replayed.
    public struct UnsupportedBank: Sendable, Hashable, Codable {
        public let algorithmID: UInt16
        public let digestSize: Int
        public var name: String { EventLog.algorithmName(algorithmID) }
    }

    /// Replayed banks, in the order of the log's Spec ID table (SHA-1 only for a legacy log).
    public internal(set) var banks: [Bank]
    public internal(set) var unsupported: [UnsupportedBank]

    public func bank(_ algorithm: DigestAlgorithm) -> Bank? {
        banks.first { $0.algorithm == algorithm }
    }

    /// The replayed value of one PCR, or nil when the log has no such bank or the index is not a PCR.
    public subscript(algorithm: DigestAlgorithm, pcr: Int) -> [UInt8]? {
        guard (0..<EventLog.pcrCount).contains(pcr) else { return nil }
        return bank(algorithm)?.values[pcr]
    }

    /// The reset value of a PCR (PC Client PTP / PFP 2.3.4): 0x00… except PCRs 17–22 (the DRTM
    /// PCRs), which start at 0xFF… until a dynamic launch resets them.
    public static func resetValue(pcr: Int, size: Int) -> [UInt8] {
        [UInt8](repeating: (17...22).contains(pcr) ? 0xFF : 0x00, count: size)
    }
}
