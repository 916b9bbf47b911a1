import Foundation

/// Signs a VIB: a detached CMS SignedData (PEM, SHA-256; signed attributes contentType,
/// signingTime, messageDigest) over the exact `descriptor.xml` bytes, stored as `sig.pkcs7`.
public enum VIBSigner {
    public static func sign(_ vib: VIB, key: SigningKey, certificate: X509Certificate, chain: [X509Certificate] = [],
                            signingTime: Date = Date()) throws -> [UInt8] {
        let pem = try DetachedCMS.sign(content: vib.descriptorBytes, key: key, certificate: certificate, chain: chain, signingTime: signingTime)
        return try vib.replacingSignature(Array(pem.utf8))
    }
}
