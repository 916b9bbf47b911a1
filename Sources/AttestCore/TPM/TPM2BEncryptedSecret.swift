/// TPM2B_ENCRYPTED_SECRET (TPM 2.0 Part 2, 11.4.33): the seed, encrypted to the EK — an RSA-OAEP
/// ciphertext, or for an ECC EK the marshalled ephemeral TPMS_ECC_POINT.
public struct TPM2BEncryptedSecret: Sendable, Hashable, TPMMarshallable {
    public var secret: [UInt8]

    public init(secret: [UInt8]) { self.secret = secret }

    public init(bytes: [UInt8]) throws {
        var r = ByteReader(bytes, structure: "TPM2B_ENCRYPTED_SECRET")
        try self.init(from: &r)
        try r.expectEnd("TPM2B_ENCRYPTED_SECRET")
    }

    init(from r: inout ByteReader) throws {
        secret = try r.tpm2b("secret", max: TPMLimits.encryptedSecret)
    }

    public func marshal(into w: inout TPMWriter) { w.tpm2b(secret) }

    /// For an ECC EK: the ephemeral point the secret carries (TPMS_ECC_POINT, exact).
    public func eccPoint() throws -> TPMSECCPoint {
        var r = ByteReader(secret, structure: "TPM2B_ENCRYPTED_SECRET.secret", baseOffset: 2)
        let p = try TPMSECCPoint(from: &r)
        try r.expectEnd("TPMS_ECC_POINT")
        return p
    }

    /// Fuzz entry point: parses arbitrary bytes, never traps.
    public static func fuzz(_ data: [UInt8]) {
        if let s = try? TPM2BEncryptedSecret(bytes: data) { _ = s.marshalled(); _ = try? s.eccPoint() }
    }
}
