import AttestCore

/// The 24 PCRs of one bank, as read from a TPM.
public struct PCRBank: Sendable, Hashable {
    public static let pcrCount = 24

    public var algorithm: DigestAlgorithm
    /// `values[i]` is PCR i.
    public var values: [[UInt8]]

    public init(algorithm: DigestAlgorithm, values: [[UInt8]]) {
        self.algorithm = algorithm
        self.values = values
    }

    /// The PCR values of a TPM just after TPM2_Startup(CLEAR): zero, PCRs 17–22 all-ones.
    public static func reset(_ algorithm: DigestAlgorithm) -> PCRBank {
        PCRBank(algorithm: algorithm, values: (0..<pcrCount).map { PCRBanks.resetValue(pcr: $0, size: algorithm.digestSize) })
    }
}
