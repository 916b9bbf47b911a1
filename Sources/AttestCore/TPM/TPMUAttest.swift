/// TPMU_ATTEST (TPM 2.0 Part 2, 10.12.11), restricted to the members hostattest verifies.
public enum TPMUAttest: Sendable, Hashable {
    case quote(TPMSQuoteInfo)
    case certify(TPMSCertifyInfo)

    public var tag: UInt16 {
        switch self {
        case .quote: return TPMST.attestQuote
        case .certify: return TPMST.attestCertify
        }
    }
}
