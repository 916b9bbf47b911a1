internal import COpenSSL

/// An RSA public key held by OpenSSL, for what swift-crypto cannot do: RSA-OAEP with a label
/// (MakeCredential, TPM 2.0 Part 1, 24.4 / B.10.3) and PSS verification with the salt length read from
/// the signature (TPMs differ between digest-sized and maximal salts).
final class OpenSSLRSAPublicKey: @unchecked Sendable {
    private let pkey: OpaquePointer

    /// Builds the key from its modulus and public exponent (EVP_PKEY_fromdata).
    init(modulus: [UInt8], exponent: UInt32) throws {
        OpenSSL.clearErrors()
        let bld = try OpenSSL.nonNull(OSSL_PARAM_BLD_new(), "OSSL_PARAM_BLD_new")
        defer { OSSL_PARAM_BLD_free(bld) }
        let n = try OpenSSL.nonNull(BN_bin2bn(modulus, Int32(modulus.count), nil), "BN_bin2bn")
        defer { BN_free(n) }
        let e = try OpenSSL.nonNull(BN_new(), "BN_new")
        defer { BN_free(e) }
        try OpenSSL.check(BN_set_word(e, UInt(exponent)), "BN_set_word")
        // The builder keeps the key-name pointers until OSSL_PARAM_BLD_to_param: they must be static.
        try OpenSSL.check(OSSL_PARAM_BLD_push_BN(bld, Self.cString("n"), n), "OSSL_PARAM_BLD_push_BN")
        try OpenSSL.check(OSSL_PARAM_BLD_push_BN(bld, Self.cString("e"), e), "OSSL_PARAM_BLD_push_BN")
        let params = try OpenSSL.nonNull(OSSL_PARAM_BLD_to_param(bld), "OSSL_PARAM_BLD_to_param")
        defer { OSSL_PARAM_free(params) }
        let ctx = try OpenSSL.nonNull(EVP_PKEY_CTX_new_from_name(nil, "RSA", nil), "EVP_PKEY_CTX_new_from_name")
        defer { EVP_PKEY_CTX_free(ctx) }
        try OpenSSL.check(EVP_PKEY_fromdata_init(ctx), "EVP_PKEY_fromdata_init")
        var key: OpaquePointer?
        try OpenSSL.check(EVP_PKEY_fromdata(ctx, &key, Int32(OSSL_KEYMGMT_SELECT_PUBLIC_KEY | OSSL_KEYMGMT_SELECT_DOMAIN_PARAMETERS | OSSL_KEYMGMT_SELECT_OTHER_PARAMETERS), params), "EVP_PKEY_fromdata")
        pkey = try OpenSSL.nonNull(key, "EVP_PKEY_fromdata")
    }

    /// Reads an RSA SubjectPublicKeyInfo in PEM.
    init(pem: String) throws {
        OpenSSL.clearErrors()
        let bytes = Array(pem.utf8)
        guard bytes.count <= 1 << 20 else {
            throw ParseError("RSA public key", "PEM text larger than 1 MiB", code: .parseLength)
        }
        // A memory BIO reads the caller's buffer in place (no copy): it must be used and freed
        // inside withUnsafeBytes, where the buffer is guaranteed alive.
        let key = try bytes.withUnsafeBytes { buffer in
            let bio = try OpenSSL.nonNull(BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)), "BIO_new_mem_buf")
            defer { BIO_free(bio) }
            return try OpenSSL.nonNull(PEM_read_bio_PUBKEY(bio, nil, nil, nil), "PEM_read_bio_PUBKEY")
        }
        guard EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA else {
            EVP_PKEY_free(key)
            throw OpenSSLError(function: "PEM_read_bio_PUBKEY", reasons: ["not an RSA key"])
        }
        pkey = key
    }

    deinit { EVP_PKEY_free(pkey) }

    private static func cString(_ s: StaticString) -> UnsafePointer<CChar> {
        UnsafeRawPointer(s.utf8Start).assumingMemoryBound(to: CChar.self)
    }

    var bits: Int { Int(EVP_PKEY_get_bits(pkey)) }

    private static func md(_ hash: DigestAlgorithm) -> OpaquePointer? {
        switch hash {
        case .sha1: return EVP_sha1()
        case .sha256: return EVP_sha256()
        case .sha384: return EVP_sha384()
        case .sha512: return EVP_sha512()
        }
    }

    /// Verifies an RSASSA-PKCS1-v1_5 or RSASSA-PSS signature over `digest` (PSS salt length detected).
    func isValidSignature(_ signature: [UInt8], digest: [UInt8], hash: DigestAlgorithm, pss: Bool) -> Bool {
        defer { OpenSSL.clearErrors() }
        guard let ctx = EVP_PKEY_CTX_new(pkey, nil) else { return false }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_verify_init(ctx) == 1,
              EVP_PKEY_CTX_set_rsa_padding(ctx, pss ? RSA_PKCS1_PSS_PADDING : RSA_PKCS1_PADDING) > 0,
              EVP_PKEY_CTX_set_signature_md(ctx, Self.md(hash)) > 0
        else { return false }
        if pss {
            guard EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, RSA_PSS_SALTLEN_AUTO) > 0,
                  EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, Self.md(hash)) > 0
            else { return false }
        }
        return EVP_PKEY_verify(ctx, signature, signature.count, digest, digest.count) == 1
    }

    /// RSAES-OAEP with MGF1 over `hash` and the given label (the label's bytes exactly, so a
    /// terminating NUL must be part of `label`).
    func encryptOAEP(_ plaintext: [UInt8], hash: DigestAlgorithm, label: [UInt8]) throws -> [UInt8] {
        OpenSSL.clearErrors()
        let ctx = try OpenSSL.nonNull(EVP_PKEY_CTX_new(pkey, nil), "EVP_PKEY_CTX_new")
        defer { EVP_PKEY_CTX_free(ctx) }
        try OpenSSL.check(EVP_PKEY_encrypt_init(ctx), "EVP_PKEY_encrypt_init")
        try OpenSSL.check(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING), "EVP_PKEY_CTX_set_rsa_padding", positive: true)
        try OpenSSL.check(EVP_PKEY_CTX_set_rsa_oaep_md(ctx, Self.md(hash)), "EVP_PKEY_CTX_set_rsa_oaep_md", positive: true)
        try OpenSSL.check(EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, Self.md(hash)), "EVP_PKEY_CTX_set_rsa_mgf1_md", positive: true)
        if !label.isEmpty {
            // set0 takes ownership: the label must come from OpenSSL's allocator.
            let copy = try OpenSSL.nonNull(CRYPTO_malloc(label.count, nil, 0), "CRYPTO_malloc")
            label.withUnsafeBytes { copy.copyMemory(from: $0.baseAddress!, byteCount: label.count) }
            let rc = EVP_PKEY_CTX_set0_rsa_oaep_label(ctx, copy, Int32(label.count))
            if rc <= 0 {
                CRYPTO_free(copy, nil, 0)
                throw OpenSSL.error("EVP_PKEY_CTX_set0_rsa_oaep_label")
            }
        }
        var outLength = 0
        try OpenSSL.check(EVP_PKEY_encrypt(ctx, nil, &outLength, plaintext, plaintext.count), "EVP_PKEY_encrypt")
        var out = [UInt8](repeating: 0, count: outLength)
        try OpenSSL.check(EVP_PKEY_encrypt(ctx, &out, &outLength, plaintext, plaintext.count), "EVP_PKEY_encrypt")
        return Array(out.prefix(outLength))
    }
}
