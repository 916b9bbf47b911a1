/// TPMT_SYM_DEF_OBJECT (TPM 2.0 Part 2, 11.1.7): the symmetric algorithm of a storage key
/// (`algorithm` is TPM_ALG_NULL for signing keys).
public struct TPMTSymDefObject: Sendable, Hashable, TPMMarshallable {
    public var algorithm: TPMAlgorithmID
    public var keyBits: UInt16
    public var mode: TPMAlgorithmID

    public static let null = TPMTSymDefObject(algorithm: .null, keyBits: 0, mode: .null)
    public static let aes128CFB = TPMTSymDefObject(algorithm: .aes, keyBits: 128, mode: .cfb)

    public init(algorithm: TPMAlgorithmID, keyBits: UInt16, mode: TPMAlgorithmID) {
        self.algorithm = algorithm
        self.keyBits = keyBits
        self.mode = mode
    }

    init(from r: inout ByteReader) throws {
        let at = r.position
        algorithm = try r.alg("symmetric.algorithm")
        switch algorithm {
        case .null:
            keyBits = 0
            mode = .null
        case .aes, .sm4, .camellia:
            keyBits = try r.u16be("symmetric.keyBits")
            let modeAt = r.position
            mode = try r.alg("symmetric.mode")
            guard [.ctr, .ofb, .cbc, .cfb, .ecb, .null].contains(mode) else { throw r.unknownAlgorithm("symmetric.mode", mode, at: modeAt) }
        default:
            throw r.unknownAlgorithm("symmetric.algorithm", algorithm, at: at)
        }
    }

    public func marshal(into w: inout TPMWriter) {
        w.alg(algorithm)
        guard algorithm != .null else { return }
        w.u16(keyBits)
        w.alg(mode)
    }
}

/// TPMT_RSA_SCHEME / TPMT_ECC_SCHEME / TPMT_KDF_SCHEME (TPM 2.0 Part 2, 11.2.4.2, 11.2.5.6, 11.2.3.3):
/// a scheme selector and its details (a hash, and for ECDAA a count).
public struct TPMTScheme: Sendable, Hashable, TPMMarshallable {
    public var scheme: TPMAlgorithmID
    /// `details.hashAlg`, absent for TPM_ALG_NULL and RSAES.
    public var hashAlg: DigestAlgorithm?
    /// `details.count` (ECDAA only).
    public var count: UInt16?

    public static let null = TPMTScheme(scheme: .null, hashAlg: nil)

    public init(scheme: TPMAlgorithmID, hashAlg: DigestAlgorithm?, count: UInt16? = nil) {
        self.scheme = scheme
        self.hashAlg = hashAlg
        self.count = count
    }

    init(from r: inout ByteReader, field: String, allowed: Set<TPMAlgorithmID>) throws {
        let at = r.position
        scheme = try r.alg("\(field).scheme")
        guard scheme == .null || allowed.contains(scheme) else { throw r.unknownAlgorithm("\(field).scheme", scheme, at: at) }
        switch scheme {
        case .null, .rsaes:
            hashAlg = nil
            count = nil
        case .ecdaa:
            hashAlg = try r.hashAlg("\(field).details.hashAlg")
            count = try r.u16be("\(field).details.count")
        default:
            hashAlg = try r.hashAlg("\(field).details.hashAlg")
            count = nil
        }
    }

    public func marshal(into w: inout TPMWriter) {
        w.alg(scheme)
        if let hashAlg { w.alg(hashAlg) }
        if let count { w.u16(count) }
    }

    static let rsaSchemes: Set<TPMAlgorithmID> = [.rsassa, .rsapss, .rsaes, .oaep]
    static let eccSchemes: Set<TPMAlgorithmID> = [.ecdsa, .ecdaa, .sm2, .ecschnorr, .ecdh, .ecmqv]
    static let kdfSchemes: Set<TPMAlgorithmID> = [.mgf1, .kdf1_sp800_56a, .kdf2, .kdf1_sp800_108]
}

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
            throw ParseError(r.structure, at: attrAt, "objectAttributes 0x\(String(objectAttributes.rawValue, radix: 16)) sets reserved bits", code: "parse.malformed")
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
