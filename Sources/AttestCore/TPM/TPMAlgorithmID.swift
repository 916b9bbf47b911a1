/// TPM_ALG_ID (TPM 2.0 Part 2, 6.3; values from the TCG Algorithm Registry, table 3).
///
/// A raw 16-bit identifier: unmarshalling keeps unknown values so that the structure that uses the
/// field can name the unknown algorithm in its error.
public struct TPMAlgorithmID: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    public static let rsa = TPMAlgorithmID(0x0001)
    public static let sha1 = TPMAlgorithmID(0x0004)
    public static let hmac = TPMAlgorithmID(0x0005)
    public static let aes = TPMAlgorithmID(0x0006)
    public static let mgf1 = TPMAlgorithmID(0x0007)
    public static let keyedHash = TPMAlgorithmID(0x0008)
    public static let xor = TPMAlgorithmID(0x000A)
    public static let sha256 = TPMAlgorithmID(0x000B)
    public static let sha384 = TPMAlgorithmID(0x000C)
    public static let sha512 = TPMAlgorithmID(0x000D)
    public static let null = TPMAlgorithmID(0x0010)
    public static let sm3_256 = TPMAlgorithmID(0x0012)
    public static let sm4 = TPMAlgorithmID(0x0013)
    public static let rsassa = TPMAlgorithmID(0x0014)
    public static let rsaes = TPMAlgorithmID(0x0015)
    public static let rsapss = TPMAlgorithmID(0x0016)
    public static let oaep = TPMAlgorithmID(0x0017)
    public static let ecdsa = TPMAlgorithmID(0x0018)
    public static let ecdh = TPMAlgorithmID(0x0019)
    public static let ecdaa = TPMAlgorithmID(0x001A)
    public static let sm2 = TPMAlgorithmID(0x001B)
    public static let ecschnorr = TPMAlgorithmID(0x001C)
    public static let ecmqv = TPMAlgorithmID(0x001D)
    public static let kdf1_sp800_56a = TPMAlgorithmID(0x0020)
    public static let kdf2 = TPMAlgorithmID(0x0021)
    public static let kdf1_sp800_108 = TPMAlgorithmID(0x0022)
    public static let ecc = TPMAlgorithmID(0x0023)
    public static let symcipher = TPMAlgorithmID(0x0025)
    public static let camellia = TPMAlgorithmID(0x0026)
    public static let ctr = TPMAlgorithmID(0x0040)
    public static let ofb = TPMAlgorithmID(0x0041)
    public static let cbc = TPMAlgorithmID(0x0042)
    public static let cfb = TPMAlgorithmID(0x0043)
    public static let ecb = TPMAlgorithmID(0x0044)

    private static let names: [UInt16: String] = [
        0x0001: "rsa", 0x0004: "sha1", 0x0005: "hmac", 0x0006: "aes", 0x0007: "mgf1", 0x0008: "keyedhash",
        0x000A: "xor", 0x000B: "sha256", 0x000C: "sha384", 0x000D: "sha512", 0x0010: "null",
        0x0012: "sm3_256", 0x0013: "sm4", 0x0014: "rsassa", 0x0015: "rsaes", 0x0016: "rsapss",
        0x0017: "oaep", 0x0018: "ecdsa", 0x0019: "ecdh", 0x001A: "ecdaa", 0x001B: "sm2",
        0x001C: "ecschnorr", 0x001D: "ecmqv", 0x0020: "kdf1_sp800_56a", 0x0021: "kdf2",
        0x0022: "kdf1_sp800_108", 0x0023: "ecc", 0x0025: "symcipher", 0x0026: "camellia",
        0x0040: "ctr", 0x0041: "ofb", 0x0042: "cbc", 0x0043: "cfb", 0x0044: "ecb",
    ]

    public var description: String {
        Self.names[rawValue] ?? "0x" + String(rawValue, radix: 16, uppercase: false)
    }
}

/// TPM_ST structure tags used by attestation (TPM 2.0 Part 2, 6.9).
public enum TPMST {
    /// TPM_ST_ATTEST_CERTIFY
    public static let attestCertify: UInt16 = 0x8017
    /// TPM_ST_ATTEST_QUOTE
    public static let attestQuote: UInt16 = 0x8018
}

/// TPM_GENERATED_VALUE, the `magic` of every TPMS_ATTEST the TPM itself produced (TPM 2.0 Part 2, 6.2).
public let TPM_GENERATED_VALUE: UInt32 = 0xFF54_4347

/// TPM_ECC_CURVE identifiers (TPM 2.0 Part 2, 6.4; TCG Algorithm Registry).
public enum TPMECCCurve {
    public static let nistP256: UInt16 = 0x0003
    public static let nistP384: UInt16 = 0x0004
    public static let nistP521: UInt16 = 0x0005
}
