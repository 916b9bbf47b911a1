internal import COpenSSL

/// AES in full-block CFB mode (CFB128), as TPM 2.0 uses for parameter and credential encryption
/// (TPM 2.0 Part 1, 11.4.6.3; the IV is zero for MakeCredential, Part 1, 24.4).
package enum AESCFB {
    package static func encrypt(key: [UInt8], iv: [UInt8], _ data: [UInt8]) throws -> [UInt8] {
        try crypt(key: key, iv: iv, data, encrypt: true)
    }

    package static func decrypt(key: [UInt8], iv: [UInt8], _ data: [UInt8]) throws -> [UInt8] {
        try crypt(key: key, iv: iv, data, encrypt: false)
    }

    private static func crypt(key: [UInt8], iv: [UInt8], _ data: [UInt8], encrypt: Bool) throws -> [UInt8] {
        OpenSSL.clearErrors()
        let cipher: OpaquePointer?
        switch key.count {
        case 16: cipher = EVP_aes_128_cfb128()
        case 24: cipher = EVP_aes_192_cfb128()
        case 32: cipher = EVP_aes_256_cfb128()
        default: throw OpenSSLError(function: "AES-CFB", reasons: ["key of \(key.count) bytes is not an AES key"])
        }
        guard iv.count == 16 else { throw OpenSSLError(function: "AES-CFB", reasons: ["IV must be 16 bytes"]) }
        let ctx = try OpenSSL.nonNull(EVP_CIPHER_CTX_new(), "EVP_CIPHER_CTX_new")
        defer { EVP_CIPHER_CTX_free(ctx) }
        try OpenSSL.check(EVP_CipherInit_ex(ctx, cipher, nil, key, iv, encrypt ? 1 : 0), "EVP_CipherInit_ex")
        var out = [UInt8](repeating: 0, count: data.count + 16)
        var written: Int32 = 0
        try OpenSSL.check(EVP_CipherUpdate(ctx, &out, &written, data, Int32(data.count)), "EVP_CipherUpdate")
        var total = Int(written)
        try out.withUnsafeMutableBufferPointer { buf in
            var final: Int32 = 0
            try OpenSSL.check(EVP_CipherFinal_ex(ctx, buf.baseAddress! + total, &final), "EVP_CipherFinal_ex")
            total += Int(final)
        }
        return Array(out.prefix(total))
    }
}
