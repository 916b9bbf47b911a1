/// The values of the PCRs a quote covers, in selection order (bank by bank as the TPML_PCR_SELECTION
/// lists them, PCRs ascending within a bank) — the order in which TPM2_Quote hashes them into
/// `pcrDigest` (TPM 2.0 Part 3, 18.4).
public struct PCRValues: Sendable, Hashable {
    /// One PCR value.
    public struct Value: Sendable, Hashable, Codable {
        public var algorithm: DigestAlgorithm
        public var index: Int
        public var digest: [UInt8]

        public init(algorithm: DigestAlgorithm, index: Int, digest: [UInt8]) {
            self.algorithm = algorithm
            self.index = index
            self.digest = digest
        }
    }

    public let selection: TPMLPCRSelection
    /// In selection order.
    public let values: [Value]

    /// Pairs `digests` (in selection order) with `selection`. Throws unless there is exactly one digest of
    /// the bank's size per selected PCR.
    public init(selection: TPMLPCRSelection, digests: [[UInt8]]) throws {
        guard digests.count == selection.pcrCount else {
            throw ParseError("PCR values", "\(digests.count) values given for \(selection.pcrCount) selected PCRs (\(selection.description))", code: .parseCount)
        }
        var out: [Value] = []
        out.reserveCapacity(digests.count)
        var i = 0
        for bank in selection.selections {
            for index in bank.indices {
                let d = digests[i]
                guard d.count == bank.hash.digestSize else {
                    throw ParseError("PCR values", "PCR \(bank.hash):\(index) value has \(d.count) bytes, a \(bank.hash) digest has \(bank.hash.digestSize)", code: .parseLength)
                }
                out.append(Value(algorithm: bank.hash, index: index, digest: d))
                i += 1
            }
        }
        self.selection = selection
        self.values = out
    }

    /// The value of one PCR, if selected.
    public subscript(algorithm: DigestAlgorithm, index: Int) -> [UInt8]? {
        values.first { $0.algorithm == algorithm && $0.index == index }?.digest
    }
}
