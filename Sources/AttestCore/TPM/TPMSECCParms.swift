/// TPMS_ECC_PARMS (TPM 2.0 Part 2, 12.2.3.6).
public struct TPMSECCParms: Sendable, Hashable, TPMMarshallable {
    public var symmetric: TPMTSymDefObject
    public var scheme: TPMTScheme
    /// TPMI_ECC_CURVE (see ``TPMECCCurve``).
    public var curveID: UInt16
    public var kdf: TPMTScheme

    public init(symmetric: TPMTSymDefObject, scheme: TPMTScheme, curveID: UInt16, kdf: TPMTScheme) {
        self.symmetric = symmetric
        self.scheme = scheme
        self.curveID = curveID
        self.kdf = kdf
    }

    public func marshal(into w: inout TPMWriter) {
        symmetric.marshal(into: &w)
        scheme.marshal(into: &w)
        w.u16(curveID)
        kdf.marshal(into: &w)
    }
}
