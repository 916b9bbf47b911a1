/// TPM2B_ID_OBJECT (TPM 2.0 Part 2, 11.4.3) holding TPMS_ID_OBJECT (11.4.2): the credential blob of
/// TPM2_MakeCredential.
///
/// `encIdentity` is the AES-CFB encryption of a marshalled TPM2B_DIGEST (the credential), so it carries
/// no size of its own: it is every byte after `integrityHMAC` (TPM 2.0 Part 1, 24.4).
public struct TPM2BIDObject: Sendable, Hashable, TPMMarshallable {
    /// TPM2B_DIGEST `integrityHMAC`: HMAC(HMACkey, encIdentity ‖ name).
    public var integrityHMAC: [UInt8]
    /// The encrypted TPM2B_DIGEST credential.
    public var encIdentity: [UInt8]

    public init(integrityHMAC: [UInt8], encIdentity: [UInt8]) {
        self.integrityHMAC = integrityHMAC
        self.encIdentity = encIdentity
    }

    public init(bytes: [UInt8]) throws {
        var r = ByteReader(bytes, structure: "TPM2B_ID_OBJECT")
        try self.init(from: &r)
        try r.expectEnd("TPM2B_ID_OBJECT")
    }

    init(from r: inout ByteReader) throws {
        let at = r.position
        let inner = try r.tpm2b("credential", max: TPMLimits.idObject)
        var ir = ByteReader(inner, structure: "TPMS_ID_OBJECT", baseOffset: at + 2)
        integrityHMAC = try ir.tpm2b("integrityHMAC", max: TPMLimits.digest)
        // encIdentity: a TPM2B_DIGEST's size (2) plus at least one byte, at most 2 + 64.
        guard ir.remaining >= 2, ir.remaining <= 2 + TPMLimits.digest else {
            throw ParseError("TPMS_ID_OBJECT", at: ir.position, "encIdentity has \(ir.remaining) bytes, expected 2...\(2 + TPMLimits.digest)", code: .parseLength)
        }
        encIdentity = try ir.bytes(ir.remaining, "encIdentity")
    }

    public func marshal(into w: inout TPMWriter) {
        w.u16(UInt16(truncatingIfNeeded: 2 + integrityHMAC.count + encIdentity.count))
        w.tpm2b(integrityHMAC)
        w.raw(encIdentity)
    }

    /// Fuzz entry point: parses arbitrary bytes, never traps.
    public static func fuzz(_ data: [UInt8]) {
        if let o = try? TPM2BIDObject(bytes: data) { _ = o.marshalled() }
    }
}
