internal import COpenSSL

/// Several OpenSSL EVP digests fed the same bytes at once (one pass over a large image for
/// SHA-1/256/384/512). OpenSSL's EVP code is what `openssl dgst` runs, so throughput matches it.
final class AuthenticodeHasher {
    private var contexts: [OpaquePointer] = []
    let algorithms: [DigestAlgorithm]

    init(_ algorithms: [DigestAlgorithm]) {
        self.algorithms = algorithms
        for algorithm in algorithms {
            // EVP_MD_CTX_new and EVP_DigestInit_ex fail only on allocation failure.
            guard let ctx = EVP_MD_CTX_new() else { continue }
            EVP_DigestInit_ex(ctx, Self.md(algorithm), nil)
            contexts.append(ctx)
        }
    }

    deinit { for ctx in contexts { EVP_MD_CTX_free(ctx) } }

    static func md(_ algorithm: DigestAlgorithm) -> OpaquePointer? {
        switch algorithm {
        case .sha1: return EVP_sha1()
        case .sha256: return EVP_sha256()
        case .sha384: return EVP_sha384()
        case .sha512: return EVP_sha512()
        }
    }

    func update(_ buffer: UnsafeRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        for ctx in contexts { EVP_DigestUpdate(ctx, base, buffer.count) }
    }

    func finalize() -> [DigestAlgorithm: [UInt8]] {
        var out: [DigestAlgorithm: [UInt8]] = [:]
        for (algorithm, ctx) in zip(algorithms, contexts) {
            var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
            var length: UInt32 = 0
            EVP_DigestFinal_ex(ctx, &digest, &length)
            out[algorithm] = Array(digest.prefix(Int(length)))
        }
        return out
    }
}
