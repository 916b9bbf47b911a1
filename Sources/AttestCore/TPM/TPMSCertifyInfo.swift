/// TPMS_CERTIFY_INFO (TPM 2.0 Part 2, 10.12.3).
public struct TPMSCertifyInfo: Sendable, Hashable, TPMMarshallable {
    public var name: [UInt8]
    public var qualifiedName: [UInt8]

    public init(name: [UInt8], qualifiedName: [UInt8]) {
        self.name = name
        self.qualifiedName = qualifiedName
    }

    public func marshal(into w: inout TPMWriter) {
        w.tpm2b(name)
        w.tpm2b(qualifiedName)
    }
}
