internal import COpenSSL
import Foundation

/// A private key for signing (RSA or EC), held by OpenSSL. Only unencrypted PEM keys are read:
/// an encrypted key is refused rather than prompting for a passphrase on the terminal.
public final class SigningKey: @unchecked Sendable {
    /// OpenSSL `EVP_PKEY*`, owned.
    let pkey: OpaquePointer

    public init(pemEncoded bytes: [UInt8]) throws {
        OpenSSL.clearErrors()
        guard !bytes.isEmpty, bytes.count <= 1 << 20 else {
            throw ParseError("Private key", "empty or larger than 1 MiB", code: .keyMalformed)
        }
        // A callback that supplies no passphrase: encrypted keys fail instead of prompting.
        let noPassphrase: @convention(c) (UnsafeMutablePointer<CChar>?, Int32, Int32, UnsafeMutableRawPointer?) -> Int32 = { _, _, _, _ in 0 }
        // A memory BIO reads `bytes` in place (no copy): use and free it inside withUnsafeBytes,
        // where the buffer is guaranteed alive.
        let read: OpaquePointer? = try bytes.withUnsafeBytes { buffer in
            let bio = try OpenSSL.nonNull(BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)), "BIO_new_mem_buf")
            defer { BIO_free(bio) }
            return PEM_read_bio_PrivateKey(bio, nil, noPassphrase, nil)
        }
        guard let key = read else {
            let reason = OpenSSL.error("PEM_read_bio_PrivateKey").reasons.first ?? "no PRIVATE KEY block"
            throw ParseError("Private key", "not an unencrypted PEM private key (\(reason))", code: .keyMalformed)
        }
        pkey = key
    }

    deinit { EVP_PKEY_free(pkey) }

    /// `RSA-2048`, `EC P-256`, …
    public var algorithmDescription: String {
        let bits = EVP_PKEY_get_bits(pkey)
        switch EVP_PKEY_get_base_id(pkey) {
        case EVP_PKEY_RSA: return "RSA-\(bits)"
        case EVP_PKEY_EC: return "EC P-\(bits)"
        default: return "key (\(bits) bits)"
        }
    }

    /// Whether this key is the private half of `certificate`'s public key.
    public func matches(_ certificate: X509Certificate) -> Bool {
        let ok = X509_check_private_key(certificate.x509, pkey) == 1
        OpenSSL.clearErrors()
        return ok
    }
}
