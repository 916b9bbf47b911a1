/// The public-key algorithm of every key in a generated chain.
///
/// RSA-2048 is the default because it is what UEFI firmware must accept for `db` entries and
/// Authenticode signatures (UEFI 2.10, 32.6.1: EFI_CERT_RSA2048 / EFI_CERT_X509_SHA256); the larger
/// RSA sizes and the NIST curves are for VIBs, profiles and verifiers that are not firmware.
public enum KeyAlgorithm: String, CaseIterable, Sendable, Codable {
    case rsa2048
    case rsa3072
    case rsa4096
    case p256
    case p384

    /// The default for `hostattest keys init`.
    public static let `default`: KeyAlgorithm = .rsa2048

    public var isRSA: Bool {
        switch self {
        case .rsa2048, .rsa3072, .rsa4096: true
        case .p256, .p384: false
        }
    }

    /// The certificate signature algorithm used with this key type, as its usual name.
    public var signatureAlgorithmName: String {
        switch self {
        case .rsa2048, .rsa3072, .rsa4096: "sha256WithRSAEncryption"
        case .p256: "ecdsa-with-SHA256"
        case .p384: "ecdsa-with-SHA384"
        }
    }

    /// A short human description, e.g. "RSA-2048" or "ECDSA P-256".
    public var displayName: String {
        switch self {
        case .rsa2048: "RSA-2048"
        case .rsa3072: "RSA-3072"
        case .rsa4096: "RSA-4096"
        case .p256: "ECDSA P-256"
        case .p384: "ECDSA P-384"
        }
    }
}
