import Foundation
import SwiftASN1

/// Signs PE images with Authenticode (SHA-256): builds `SpcIndirectDataContent` (SpcPeImageData with
/// an SpcLink file "<<<Obsolete>>>", as signtool and sbsign write it), a PKCS#7 SignedData over it,
/// and appends it as a `WIN_CERTIFICATE` (revision 0x0200, WIN_CERT_TYPE_PKCS_SIGNED_DATA,
/// quadword-aligned); then updates the certificate-table data directory and the PE checksum.
///
/// The signed attributes are contentType = SpcIndirectDataContent, SpcSpOpusInfo (empty) and
/// messageDigest = SHA-256 over the contents octets of the SpcIndirectDataContent SEQUENCE, which is
/// what Windows, UEFI firmware (EDK2 `AuthenticodeVerify`) and sbverify check.
public struct AuthenticodeSigner {
    let key: SigningKey
    let certificate: X509Certificate
    let chain: [X509Certificate]
    /// SHA-256 for every signature hostattest makes; other algorithms only through the internal
    /// initialiser (tests of the verifier's weak-algorithm refusal).
    public let digestAlgorithm: DigestAlgorithm

    /// - Parameters:
    ///   - key: the signer's private key (RSA or EC).
    ///   - certificate: the signer certificate; its public key must match `key`.
    ///   - chain: intermediate certificates to carry in the signature.
    public init(key: SigningKey, certificate: X509Certificate, chain: [X509Certificate] = []) throws {
        try self.init(key: key, certificate: certificate, chain: chain, digestAlgorithm: .sha256)
    }

    init(key: SigningKey, certificate: X509Certificate, chain: [X509Certificate] = [], digestAlgorithm: DigestAlgorithm) throws {
        guard AuthenticodeCrypto.isRSA(key) || AuthenticodeCrypto.isEC(key) else {
            throw ParseError("Private key", "only RSA and EC keys can sign Authenticode (got \(key.algorithmDescription))", code: .authenticodeUnsupportedKey)
        }
        guard key.matches(certificate) else {
            throw ParseError("Certificate", "the public key of \(certificate.subject) does not match the private key", code: .authenticodeKeyMismatch)
        }
        self.key = key
        self.certificate = certificate
        self.chain = chain
        self.digestAlgorithm = digestAlgorithm
    }

    /// Returns the signed image. Without `append`, an existing certificate table is replaced; with
    /// it, the new signature is added as another `WIN_CERTIFICATE` after the existing ones.
    public func sign(_ image: PEImage, append: Bool = false) throws -> Data {
        guard image.certificateDirectoryOffset != nil else {
            throw ParseError("IMAGE_OPTIONAL_HEADER", "the image has no certificate-table data directory entry (NumberOfRvaAndSizes ≤ 4)", code: .peNoCertDirectory)
        }
        if let table = image.certificateTable, table.upperBound != image.bytes.count {
            throw ParseError("WIN_CERTIFICATE", at: table.lowerBound, "the certificate table is not at the end of the file; refusing to re-sign", code: .peCertTableNotLast)
        }
        var existing: [UInt8] = []
        var out = Data(image.bytes[0..<image.endOfImageData])
        if append, let table = image.certificateTable {
            existing = Array(image.bytes[table])
            while existing.count % 8 != 0 { existing.append(0) }
        } else {
            // New table: the image data is padded to a quadword boundary (the padding is hashed).
            while out.count % 8 != 0 { out.append(0) }
        }
        let tableStart = out.count
        // Digest the image as it will be (the table is excluded, so only its position matters).
        try Self.setCertificateDirectory(&out, image: image, offset: tableStart, size: 0)
        let unsigned = try PEImage(bytes: out)
        let digest = unsigned.authenticodeDigest(digestAlgorithm)

        let entry = WinCertificate(certificate: try signedData(imageDigest: digest)).encoded
        let table = existing + entry
        out.append(contentsOf: table)
        try Self.setCertificateDirectory(&out, image: image, offset: tableStart, size: table.count)
        Self.writeChecksum(&out, at: image.checksumOffset)
        return out
    }

    /// `SpcIndirectDataContent` (Authenticode PE, "SpcIndirectDataContent") for an image digest.
    static func indirectDataContent(digest: [UInt8], algorithm: DigestAlgorithm) -> [UInt8] {
        let link = DERWriter.contextConstructed(0, DERWriter.contextConstructed(2, DERWriter.contextPrimitive(0, DERWriter.bmp("<<<Obsolete>>>"))))
        let peImageData = DERWriter.sequence([0x03, 0x01, 0x00], link)
        let data = DERWriter.sequence(DERWriter.oid(OIDs.spcPEImageData), peImageData)
        let digestInfo = DERWriter.sequence(DERWriter.algorithm(OIDs.oid(algorithm)), DERWriter.octetString(digest))
        return DERWriter.sequence(data, digestInfo)
    }

    /// The PKCS#7 ContentInfo (SignedData) for an image digest.
    func signedData(imageDigest: [UInt8]) throws -> [UInt8] {
        let content = Self.indirectDataContent(digest: imageDigest, algorithm: digestAlgorithm)
        let contentsOctets = try AuthenticodeSignature.contentsOctets(try DER.parse(content))
        let messageDigest = digestAlgorithm.hash(contentsOctets)
        let attributes = [
            DERWriter.sequence(DERWriter.oid(OIDs.contentType), DERWriter.setOf([DERWriter.oid(OIDs.spcIndirectDataContent)])),
            DERWriter.sequence(DERWriter.oid(OIDs.spcSpOpusInfo), DERWriter.setOf([DERWriter.sequence()])),
            DERWriter.sequence(DERWriter.oid(OIDs.messageDigest), DERWriter.setOf([DERWriter.octetString(messageDigest)])),
        ]
        let signedAttributes = DERWriter.setOf(attributes)
        let signature = try AuthenticodeCrypto.sign(signedAttributes, key: key, digest: digestAlgorithm)
        let (issuer, serial) = try Self.issuerAndSerial(of: certificate.derEncoded)
        let signatureAlgorithm = AuthenticodeCrypto.isRSA(key)
            ? DERWriter.algorithm(OIDs.rsaEncryption)
            : DERWriter.algorithm(OIDs.ecdsaWithSHA256, nullParameters: false)
        var implicitAttributes = signedAttributes
        implicitAttributes[0] = 0xA0
        let signerInfo = DERWriter.sequence(
            DERWriter.integer(1),
            DERWriter.sequence(issuer, serial),
            DERWriter.algorithm(OIDs.oid(digestAlgorithm)),
            implicitAttributes,
            signatureAlgorithm,
            DERWriter.octetString(signature))
        let signed = DERWriter.sequence(
            DERWriter.integer(1),
            DERWriter.setOf([DERWriter.algorithm(OIDs.oid(digestAlgorithm))]),
            DERWriter.sequence(DERWriter.oid(OIDs.spcIndirectDataContent), DERWriter.contextConstructed(0, content)),
            DERWriter.contextConstructed(0, ([certificate] + chain).flatMap(\.derEncoded)),
            DERWriter.setOf([signerInfo]))
        return DERWriter.sequence(DERWriter.oid(OIDs.signedData), DERWriter.contextConstructed(0, signed))
    }

    /// The issuer Name and serialNumber INTEGER encodings of a DER certificate (RFC 5280, 4.1).
    static func issuerAndSerial(of certificate: [UInt8]) throws -> ([UInt8], [UInt8]) {
        let root = try DER.parse(certificate)
        let cert = try ASN1Reader(root, "Certificate")
        let tbs = try ASN1Reader(try cert.next("tbsCertificate"), "TBSCertificate")
        var node = try tbs.next("serialNumber")
        if node.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) {
            node = try tbs.next("serialNumber")
        }
        let serial = Array(node.encodedBytes)
        _ = try tbs.next("signature")
        let issuer = Array(try tbs.next("issuer").encodedBytes)
        return (issuer, serial)
    }

    static func setCertificateDirectory(_ data: inout Data, image: PEImage, offset: Int, size: Int) throws {
        guard let at = image.certificateDirectoryOffset,
              let o = UInt32(exactly: offset), let s = UInt32(exactly: size) else {
            throw ParseError("IMAGE_DATA_DIRECTORY", "certificate table does not fit 32-bit offsets", code: .peTooLarge)
        }
        write32(&data, at: at, o)
        write32(&data, at: at + 4, s)
    }

    static func writeChecksum(_ data: inout Data, at offset: Int) {
        write32(&data, at: offset, 0)
        write32(&data, at: offset, PEImage.checksum(of: data, checksumOffset: offset))
    }

    static func write32(_ data: inout Data, at offset: Int, _ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { bytes in
            data.replaceSubrange((data.startIndex + offset)..<(data.startIndex + offset + 4), with: bytes)
        }
    }
}
