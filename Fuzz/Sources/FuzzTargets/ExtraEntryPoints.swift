import AttestCore
import Foundation

/// Entry points for parsers that have no `fuzz(_:)` of their own in AttestCore: each parses, then
/// reads everything a caller would read from the result. Errors are expected and ignored.
enum ExtraEntryPoints {
    /// `X509Certificate.load` (PEM bundle or DER) and every property the CLI prints.
    @Sendable static func x509Certificate(_ data: [UInt8]) {
        guard let certificates = try? X509Certificate.load(data) else { return }
        for c in certificates {
            _ = (c.subject, c.issuer, c.serialNumberHex, c.notBefore, c.notAfter, c.publicKeyDER)
            _ = (c.isSelfIssued, c.isCA, c.allowsCodeSigning, c.allowsDigitalSignature, c.description)
        }
    }

    /// `SigningKey(pemEncoded:)`: the memory-BIO path where the first campaign found a use-after-free.
    @Sendable static func signingKey(_ data: [UInt8]) {
        guard let key = try? SigningKey(pemEncoded: data) else { return }
        _ = key.algorithmDescription
    }

    @Sendable static func trustFile(_ data: [UInt8]) {
        _ = try? TrustFile(jsonData: data)
    }

    /// A detached CMS signature: parse, read its untrusted fields, then verify it over a fixed
    /// content with its own certificates as anchors (reaching the digest, signature and chain checks).
    @Sendable static func detachedCMS(_ data: [UInt8]) {
        guard let signature = try? DetachedCMSSignature(bytes: data) else { return }
        let certificates = signature.untrustedCertificates
        _ = (signature.signerCount, signature.untrustedSigningTime, signature.digestAlgorithmName)
        _ = signature.verify(content: Array("fuzz".utf8), anchors: certificates, time: .signingTime,
                             requireCodeSigning: true, component: "fuzz")
    }

    /// A VIB and its `--deep` payload check (ar members, descriptor, checksums, gunzip of each payload).
    @Sendable static func vibDeep(_ data: [UInt8]) {
        guard let vib = try? VIB(bytes: data) else { return }
        _ = VIBPayloadCheck.check(vib, deep: true, component: "fuzz")
    }

    /// Gzip (concatenated members), output capped at 4 MiB as a caller with a limit would.
    @Sendable static func gzip(_ data: [UInt8]) {
        _ = try? data.withUnsafeBytes { try Gzip.decompress($0, maxOutput: 4 << 20) { _ in } }
    }
}
