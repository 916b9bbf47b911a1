internal import COpenSSL
import Foundation

/// The public-key operations of Authenticode signing and signer verification, over OpenSSL EVP.
enum AuthenticodeCrypto {
    /// Verifies `signature` over `message` with the public key of the DER certificate `certificateDER`,
    /// hashing with `digest` (RSA PKCS#1 v1.5 or ECDSA, whichever the key is). Returns false for a
    /// bad signature or an unusable key.
    static func verify(signature: [UInt8], message: [UInt8], digest: DigestAlgorithm, certificateDER: [UInt8]) -> Bool {
        OpenSSL.clearErrors()
        defer { OpenSSL.clearErrors() }
        guard let x509 = certificateDER.withUnsafeBufferPointer({ buffer -> OpaquePointer? in
            var p: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_X509(nil, &p, buffer.count)
        }) else { return false }
        defer { X509_free(x509) }
        guard let key = X509_get0_pubkey(x509), let ctx = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(ctx) }
        guard EVP_DigestVerifyInit(ctx, nil, AuthenticodeHasher.md(digest), nil, key) == 1 else { return false }
        return EVP_DigestVerify(ctx, signature, signature.count, message, message.count) == 1
    }

    /// A private key loaded from PEM (PKCS#8, traditional RSA or EC).
    final class PrivateKey {
        let key: OpaquePointer

        init(pem: [UInt8]) throws {
            OpenSSL.clearErrors()
            let bio = try OpenSSL.nonNull(pem.withUnsafeBytes { BIO_new_mem_buf($0.baseAddress, Int32($0.count)) }, "BIO_new_mem_buf")
            defer { BIO_free(bio) }
            key = try OpenSSL.nonNull(PEM_read_bio_PrivateKey(bio, nil, nil, nil), "PEM_read_bio_PrivateKey")
        }

        deinit { EVP_PKEY_free(key) }

        var isRSA: Bool { EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA }
        var isEC: Bool { EVP_PKEY_get_base_id(key) == EVP_PKEY_EC }

        func sign(_ message: [UInt8], digest: DigestAlgorithm) throws -> [UInt8] {
            OpenSSL.clearErrors()
            let ctx = try OpenSSL.nonNull(EVP_MD_CTX_new(), "EVP_MD_CTX_new")
            defer { EVP_MD_CTX_free(ctx) }
            try OpenSSL.check(EVP_DigestSignInit(ctx, nil, AuthenticodeHasher.md(digest), nil, key), "EVP_DigestSignInit")
            var length = 0
            try OpenSSL.check(EVP_DigestSign(ctx, nil, &length, message, message.count), "EVP_DigestSign")
            var signature = [UInt8](repeating: 0, count: length)
            try OpenSSL.check(EVP_DigestSign(ctx, &signature, &length, message, message.count), "EVP_DigestSign")
            return Array(signature.prefix(length))
        }

        /// True if the DER certificate carries this key's public half.
        func matches(certificateDER: [UInt8]) -> Bool {
            guard let x509 = certificateDER.withUnsafeBufferPointer({ buffer -> OpaquePointer? in
                var p: UnsafePointer<UInt8>? = buffer.baseAddress
                return d2i_X509(nil, &p, buffer.count)
            }) else { return false }
            defer { X509_free(x509) }
            guard let pub = X509_get0_pubkey(x509) else { return false }
            return EVP_PKEY_eq(pub, key) == 1
        }
    }
}
