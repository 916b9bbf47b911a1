import Foundation

/// The EFI_SIGNATURE_LIST signature types (UEFI 2.10, 32.4.1 "Signature Database", EFI_CERT_*_GUID).
extension EFIGUID {
    public static let certSHA256 = EFIGUID("c1c41626-504c-4092-aca9-41f936934328")!
    public static let certX509 = EFIGUID("a5c059a1-94e4-4aa7-87b5-ab155c2bf072")!
    public static let certSHA1 = EFIGUID("826ca512-cf10-4ac9-b187-be01496631bd")!
    public static let certSHA384 = EFIGUID("ff3e5307-9fd0-48c9-85f1-8ad56c701e01")!
    public static let certSHA512 = EFIGUID("093e0fae-a6c4-4f50-9f1b-d41e2b89c19a")!
    public static let certRSA2048 = EFIGUID("3c5766e8-269c-4e34-aa14-ed776e85b3b6")!
    public static let certX509SHA256 = EFIGUID("3bd2a492-96c0-4079-b420-fcf98ef103ed")!
    /// EFI_CERT_EXTERNAL_MANAGEMENT_GUID (UEFI 2.8+): a single zero byte of data; marks a key
    /// database managed from outside the platform rather than holding a key.
    public static let certExternalManagement = EFIGUID("452e8ced-dfff-4b8c-ae01-5118862e682c")!

    public var name: String? {
        switch self {
        case .certSHA256: return "EFI_CERT_SHA256_GUID"
        case .certX509: return "EFI_CERT_X509_GUID"
        case .certSHA1: return "EFI_CERT_SHA1_GUID"
        case .certSHA384: return "EFI_CERT_SHA384_GUID"
        case .certSHA512: return "EFI_CERT_SHA512_GUID"
        case .certRSA2048: return "EFI_CERT_RSA2048_GUID"
        case .certX509SHA256: return "EFI_CERT_X509_SHA256_GUID"
        case .certExternalManagement: return "EFI_CERT_EXTERNAL_MANAGEMENT_GUID"
        default: return nil
        }
    }

    var digestAlgorithm: DigestAlgorithm? {
        switch self {
        case .certSHA1: return .sha1
        case .certSHA256: return .sha256
        case .certSHA384: return .sha384
        case .certSHA512: return .sha512
        default: return nil
        }
    }

    /// Data size every entry of this type must have, where the spec fixes it.
    var fixedDataSize: Int? {
        if let alg = digestAlgorithm { return alg.digestSize }
        switch self {
        case .certRSA2048: return 256
        case .certX509SHA256: return 48
        case .certExternalManagement: return 1
        default: return nil
        }
    }

    var isUsed: Bool { self == .certX509 || self == .certX509SHA256 || digestAlgorithm != nil }
}
