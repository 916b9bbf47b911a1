/// TPMS_RSA_PARMS (TPM 2.0 Part 2, 12.2.3.5).
public struct TPMSRSAParms: Sendable, Hashable, TPMMarshallable {
    public var symmetric: TPMTSymDefObject
    public var scheme: TPMTScheme
    public var keyBits: UInt16
    /// 0 means the default exponent 65537.
    public var exponent: UInt32

    public init(symmetric: TPMTSymDefObject, scheme: TPMTScheme, keyBits: UInt16, exponent: UInt32) {
        self.symmetric = symmetric
        self.scheme = scheme
        self.keyBits = keyBits
        self.exponent = exponent
    }

    /// The public exponent, with 0 read as 65537.
    public var effectiveExponent: UInt32 { exponent == 0 ? 65537 : exponent }

    public func marshal(into w: inout TPMWriter) {
        symmetric.marshal(into: &w)
        scheme.marshal(into: &w)
        w.u16(keyBits)
        w.u32(exponent)
    }
}
