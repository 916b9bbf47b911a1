/// TPMS_QUOTE_INFO (TPM 2.0 Part 2, 10.12.4).
public struct TPMSQuoteInfo: Sendable, Hashable, TPMMarshallable {
    public var pcrSelect: TPMLPCRSelection
    /// The hash, with the signing scheme's hash, of the selected PCR values in selection order.
    public var pcrDigest: [UInt8]

    public init(pcrSelect: TPMLPCRSelection, pcrDigest: [UInt8]) {
        self.pcrSelect = pcrSelect
        self.pcrDigest = pcrDigest
    }

    public func marshal(into w: inout TPMWriter) {
        pcrSelect.marshal(into: &w)
        w.tpm2b(pcrDigest)
    }
}
