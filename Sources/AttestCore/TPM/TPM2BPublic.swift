/// TPM2B_PUBLIC (TPM 2.0 Part 2, 12.2.5): a size-prefixed TPMT_PUBLIC, as written by
/// `tpm2_createak -u` and `tpm2_createek -u`. The size must equal the TPMT_PUBLIC exactly.
public struct TPM2BPublic: Sendable, Hashable, TPMMarshallable {
    public var publicArea: TPMTPublic

    public init(_ publicArea: TPMTPublic) { self.publicArea = publicArea }

    public init(bytes: [UInt8]) throws {
        var r = ByteReader(bytes, structure: "TPM2B_PUBLIC")
        let inner = try r.tpm2b("publicArea", max: TPMLimits.publicArea)
        try r.expectEnd("TPM2B_PUBLIC")
        var ir = ByteReader(inner, structure: "TPM2B_PUBLIC.publicArea", baseOffset: 2)
        publicArea = try TPMTPublic(from: &ir)
        try ir.expectEnd("TPMT_PUBLIC (size does not match the structure)")
    }

    public func marshal(into w: inout TPMWriter) { w.tpm2b(publicArea.marshalled()) }
}
