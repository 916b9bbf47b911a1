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

    /// Signs `message` with `key`, hashing with `digest` (RSA PKCS#1 v1.5 or ECDSA, by key type).
    static func sign(_ message: [UInt8], key: SigningKey, digest: DigestAlgorithm) throws -> [UInt8] {
        OpenSSL.clearErrors()
        let ctx = try OpenSSL.nonNull(EVP_MD_CTX_new(), "EVP_MD_CTX_new")
        defer { EVP_MD_CTX_free(ctx) }
        try OpenSSL.check(EVP_DigestSignInit(ctx, nil, AuthenticodeHasher.md(digest), nil, key.pkey), "EVP_DigestSignInit")
        var length = 0
        try OpenSSL.check(EVP_DigestSign(ctx, nil, &length, message, message.count), "EVP_DigestSign")
        var signature = [UInt8](repeating: 0, count: length)
        try OpenSSL.check(EVP_DigestSign(ctx, &signature, &length, message, message.count), "EVP_DigestSign")
        return Array(signature.prefix(length))
    }

    static func isRSA(_ key: SigningKey) -> Bool { EVP_PKEY_get_base_id(key.pkey) == EVP_PKEY_RSA }
    static func isEC(_ key: SigningKey) -> Bool { EVP_PKEY_get_base_id(key.pkey) == EVP_PKEY_EC }
}
