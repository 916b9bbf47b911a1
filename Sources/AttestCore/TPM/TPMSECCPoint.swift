/// TPMS_ECC_POINT (TPM 2.0 Part 2, 11.2.5.2).
public struct TPMSECCPoint: Sendable, Hashable, TPMMarshallable {
    public var x: [UInt8]
    public var y: [UInt8]

    public init(x: [UInt8], y: [UInt8]) {
        self.x = x
        self.y = y
    }

    init(from r: inout ByteReader) throws {
        x = try r.tpm2b("x", max: TPMLimits.eccParameter)
        y = try r.tpm2b("y", max: TPMLimits.eccParameter)
    }

    public func marshal(into w: inout TPMWriter) {
        w.tpm2b(x)
        w.tpm2b(y)
    }
}
