/// TPMT_PUBLIC (TPM 2.0 Part 2, 12.2.4) for RSA and ECC keys: the public area whose hash is the
/// object's name.
public struct TPMTPublic: Sendable, Hashable, TPMMarshallable {
    /// TPMU_PUBLIC_PARMS (12.2.3.7) with TPMU_PUBLIC_ID (12.2.3.2) for the two asymmetric types.
    public enum Key: Sendable, Hashable {
        /// `parameters.rsaDetail` and `unique.rsa` (TPM2B_PUBLIC_KEY_RSA, the modulus).
        case rsa(TPMSRSAParms, modulus: [UInt8])
        /// `parameters.eccDetail` and `unique.ecc`.
        case ecc(TPMSECCParms, point: TPMSECCPoint)
    }

    /// `nameAlg`: the hash of the object's name.
    public var nameAlg: DigestAlgorithm
    public var objectAttributes: TPMAObject
    /// TPM2B_DIGEST `authPolicy`.
    public var authPolicy: [UInt8]
    public var key: Key

    public init(nameAlg: DigestAlgorithm, objectAttributes: TPMAObject, authPolicy: [UInt8], key: Key) {
        self.nameAlg = nameAlg
        self.objectAttributes = objectAttributes
        self.authPolicy = authPolicy
        self.key = key
    }

    /// TPMI_ALG_PUBLIC `type`.
    public var type: TPMAlgorithmID {
        switch key {
        case .rsa: return .rsa
        case .ecc: return .ecc
        }
    }

    /// Parses a marshalled TPMT_PUBLIC; trailing bytes are an error.
    public init(bytes: [UInt8]) throws {
        var r = ByteReader(bytes, structure: "TPMT_PUBLIC")
        try self.init(from: &r)
        try r.expectEnd("TPMT_PUBLIC")
    }

    init(from r: inout ByteReader) throws {
        let typeAt = r.position
        let type = try r.alg("type")
        guard type == .rsa || type == .ecc else { throw r.unknownAlgorithm("type", type, at: typeAt) }
        nameAlg = try r.hashAlg("nameAlg")
        let attrAt = r.position
        objectAttributes = TPMAObject(rawValue: try r.u32be("objectAttributes"))
        guard objectAttributes.isDisjoint(with: .reserved) else {
            throw ParseError(r.structure, at: attrAt, "objectAttributes 0x\(String(objectAttributes.rawValue, radix: 16)) sets reserved bits", code: .parseMalformed)
        }
        authPolicy = try r.tpm2b("authPolicy", max: TPMLimits.digest)
        let symmetric = try TPMTSymDefObject(from: &r)
        if type == .rsa {
            let scheme = try TPMTScheme(from: &r, field: "scheme", allowed: TPMTScheme.rsaSchemes)
            let keyBits = try r.u16be("keyBits")
            let exponent = try r.u32be("exponent")
            let modulus = try r.tpm2b("unique.rsa", max: TPMLimits.rsaKey)
            key = .rsa(TPMSRSAParms(symmetric: symmetric, scheme: scheme, keyBits: keyBits, exponent: exponent), modulus: modulus)
        } else {
            let scheme = try TPMTScheme(from: &r, field: "scheme", allowed: TPMTScheme.eccSchemes)
            let curveID = try r.u16be("curveID")
            let kdf = try TPMTScheme(from: &r, field: "kdf", allowed: TPMTScheme.kdfSchemes)
            let point = try TPMSECCPoint(from: &r)
            key = .ecc(TPMSECCParms(symmetric: symmetric, scheme: scheme, curveID: curveID, kdf: kdf), point: point)
        }
    }

    public func marshal(into w: inout TPMWriter) {
        w.alg(type)
        w.alg(nameAlg)
        w.u32(objectAttributes.rawValue)
        w.tpm2b(authPolicy)
        switch key {
        case .rsa(let parms, let modulus):
            parms.marshal(into: &w)
            w.tpm2b(modulus)
        case .ecc(let parms, let point):
            parms.marshal(into: &w)
            point.marshal(into: &w)
        }
    }

    /// The object's name: `nameAlg` (UINT16) ‖ H_nameAlg(marshalled TPMT_PUBLIC)
    /// (TPM 2.0 Part 1, 16 "Names").
    public var name: [UInt8] {
        var w = TPMWriter(capacity: 2 + nameAlg.digestSize)
        w.alg(nameAlg)
        w.raw(nameAlg.hash(marshalled()))
        return w.bytes
    }

    /// The symmetric definition of a storage key (an EK), from its parameters.
    public var symmetric: TPMTSymDefObject {
        switch key {
        case .rsa(let p, _): return p.symmetric
        case .ecc(let p, _): return p.symmetric
        }
    }

    /// The signing/encryption scheme of the key's parameters.
    public var scheme: TPMTScheme {
        switch key {
        case .rsa(let p, _): return p.scheme
        case .ecc(let p, _): return p.scheme
        }
    }

    /// Fuzz entry point: parses arbitrary bytes (as TPMT_PUBLIC and as TPM2B_PUBLIC), never traps.
    public static func fuzz(_ data: [UInt8]) {
        if let p = try? TPMTPublic(bytes: data) { _ = p.name }
        if let p = try? TPM2BPublic(bytes: data) { _ = p.publicArea.name; _ = p.marshalled() }
    }
}
