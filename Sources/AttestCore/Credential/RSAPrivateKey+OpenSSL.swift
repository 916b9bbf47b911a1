internal import COpenSSL

/// An RSA private key held by OpenSSL, for RSA-OAEP decryption with a label: the inverse of
/// ``OpenSSLRSAPublicKey/encryptOAEP(_:hash:label:)``, which the software TPM's ActivateCredential needs for
/// an RSA EK (TPM 2.0 Part 1, B.10.3; swift-crypto's OAEP takes no label).
package final class OpenSSLRSAPrivateKey: @unchecked Sendable {
    private let pkey: OpaquePointer

    /// A DER private key (PKCS#8 or PKCS#1 RSAPrivateKey).
    package init(der: [UInt8]) throws {
        OpenSSL.clearErrors()
        guard !der.isEmpty, der.count <= 1 << 16 else {
            throw OpenSSLError(function: "d2i_AutoPrivateKey", reasons: ["a DER private key of \(der.count) bytes"])
        }
        let key: OpaquePointer? = der.withUnsafeBufferPointer { buf in
            var p: UnsafePointer<UInt8>? = buf.baseAddress
            return d2i_AutoPrivateKey(nil, &p, buf.count)
        }
        let k = try OpenSSL.nonNull(key, "d2i_AutoPrivateKey")
        guard EVP_PKEY_get_base_id(k) == EVP_PKEY_RSA else {
            EVP_PKEY_free(k)
            throw OpenSSLError(function: "d2i_AutoPrivateKey", reasons: ["not an RSA key"])
        }
        pkey = k
    }

    deinit { EVP_PKEY_free(pkey) }

    /// RSAES-OAEP decryption with MGF1 over `hash` and the given label (its bytes exactly).
    package func decryptOAEP(_ ciphertext: [UInt8], hash: DigestAlgorithm, label: [UInt8]) throws -> [UInt8] {
        OpenSSL.clearErrors()
        let md: OpaquePointer?
        switch hash {
        case .sha1: md = EVP_sha1()
        case .sha256: md = EVP_sha256()
        case .sha384: md = EVP_sha384()
        case .sha512: md = EVP_sha512()
        }
        let ctx = try OpenSSL.nonNull(EVP_PKEY_CTX_new(pkey, nil), "EVP_PKEY_CTX_new")
        defer { EVP_PKEY_CTX_free(ctx) }
        try OpenSSL.check(EVP_PKEY_decrypt_init(ctx), "EVP_PKEY_decrypt_init")
        try OpenSSL.check(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING), "EVP_PKEY_CTX_set_rsa_padding", positive: true)
        try OpenSSL.check(EVP_PKEY_CTX_set_rsa_oaep_md(ctx, md), "EVP_PKEY_CTX_set_rsa_oaep_md", positive: true)
        try OpenSSL.check(EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, md), "EVP_PKEY_CTX_set_rsa_mgf1_md", positive: true)
        if !label.isEmpty {
            let copy = try OpenSSL.nonNull(CRYPTO_malloc(label.count, nil, 0), "CRYPTO_malloc")
            label.withUnsafeBytes { copy.copyMemory(from: $0.baseAddress!, byteCount: label.count) }
            if EVP_PKEY_CTX_set0_rsa_oaep_label(ctx, copy, Int32(label.count)) <= 0 {
                CRYPTO_free(copy, nil, 0)
                throw OpenSSL.error("EVP_PKEY_CTX_set0_rsa_oaep_label")
            }
        }
        var outLength = 0
        try OpenSSL.check(EVP_PKEY_decrypt(ctx, nil, &outLength, ciphertext, ciphertext.count), "EVP_PKEY_decrypt")
        var out = [UInt8](repeating: 0, count: outLength)
        try OpenSSL.check(EVP_PKEY_decrypt(ctx, &out, &outLength, ciphertext, ciphertext.count), "EVP_PKEY_decrypt")
        return Array(out.prefix(outLength))
    }
}
