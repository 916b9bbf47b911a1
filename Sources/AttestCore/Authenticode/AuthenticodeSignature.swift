import Foundation
import SwiftASN1
import X509

/// One Authenticode signature as carried in a `WIN_CERTIFICATE` entry: a PKCS#7 SignedData (RFC
/// 2315) whose content is an `SpcIndirectDataContent` (OID 1.3.6.1.4.1.311.2.1.4) naming the image
/// digest (Windows Authenticode Portable Executable Signature Format, "Authenticode Signatures").
///
/// Unverified: it says which digest the signer claims and which certificates it carries. Only
/// ``AuthenticodeVerifier`` checks the signature, the digest and the chain.
public struct AuthenticodeSignature: Sendable {
    /// The ContentInfo DER (without the WIN_CERTIFICATE padding).
    public let derEncoded: [UInt8]
    /// The algorithm named in SpcIndirectDataContent's DigestInfo.
    public let digestAlgorithm: DigestAlgorithm
    /// The image digest the signer signed (SpcIndirectDataContent's DigestInfo.digest).
    public let imageDigest: [UInt8]
    /// Every certificate in SignedData.certificates, DER, in order.
    public let certificates: [[UInt8]]
    /// The certificate whose issuer and serial number match the SignerInfo, if the signature carries it.
    public let signerCertificate: [UInt8]?
    /// SignerInfo.issuerAndSerialNumber, as text (RFC 4514) and hex.
    public private(set) var signerIssuerName: String
    public let signerSerialNumber: String
    /// Subject of the signer certificate, when carried.
    public let signerSubjectName: String?

    // What the verifier needs; not public API.
    let signerIssuerDER: [UInt8]
    let signerSerialBytes: [UInt8]
    let signerSerialDER: [UInt8]
    /// The contents octets of the SpcIndirectDataContent SEQUENCE: what messageDigest covers
    /// (the Authenticode quirk: without the SEQUENCE's tag and length).
    let indirectDataContents: [UInt8]
    /// SignerInfo.digestAlgorithm.
    let signerDigestAlgorithm: DigestAlgorithm?
    let signerDigestAlgorithmOID: String
    /// The authenticated attributes re-tagged as `SET OF` (what the signature covers), or nil.
    let signedAttributes: [UInt8]?
    let contentTypeAttribute: ASN1ObjectIdentifier?
    let messageDigestAttribute: [UInt8]?
    let signatureAlgorithmOID: String
    /// SignedData.digestAlgorithms.
    let digestAlgorithmOIDs: [String]
    let signatureValue: [UInt8]

    static let s = "PKCS7_SIGNED_DATA"

    /// Most certificates a signature may carry (`authenticode.too-many-certificates`). A signer, its
    /// intermediates and perhaps a timestamping chain need a handful; every carried certificate is
    /// parsed, compared and offered to chain building, so the count is capped.
    public static let maxCertificates = 64

    public init(certificate entry: WinCertificate) throws {
        guard entry.certificateType == WinCertificate.typePKCSSignedData else {
            throw ParseError("WIN_CERTIFICATE", at: entry.offset, "wCertificateType 0x\(String(entry.certificateType, radix: 16)) is not WIN_CERT_TYPE_PKCS_SIGNED_DATA", code: .authenticodeUnsupportedType)
        }
        do {
            try self.init(derEncoded: entry.certificate)
        } catch var error as ParseError {
            error.offset = (error.offset ?? 0) + entry.offset + 8
            throw error
        }
    }

    /// Parses a PKCS#7 ContentInfo holding Authenticode SignedData. Trailing zero padding is ignored.
    public init(derEncoded input: [UInt8]) throws {
        let s = Self.s
        let bytes: [UInt8]
        if let length = try? PEImage.derElementLength(input[...], structure: s, baseOffset: 0) {
            bytes = Array(input[0..<length])
        } else {
            bytes = input
        }
        derEncoded = bytes
        do {
            let root = try BER.parse(bytes)
            let contentInfo = try ASN1Reader(root, s)
            let type = try contentInfo.oid()
            guard type == OIDs.signedData else {
                throw ParseError(s, at: 0, "ContentInfo type \(type) is not signedData (1.2.840.113549.1.7.2)", code: .authenticodeMalformed)
            }
            let signedData = try ASN1Reader(try contentInfo.explicit(0), s)
            try signedData.version(1)
            let digestAlgorithms = try ASN1Reader(try signedData.next("digestAlgorithms"), "digestAlgorithms", tag: .set)
            var digestOIDs: [String] = []
            while !digestAlgorithms.isAtEnd {
                digestOIDs.append(String(describing: try ASN1Reader(try digestAlgorithms.next("AlgorithmIdentifier"), "AlgorithmIdentifier").algorithm()))
            }
            digestAlgorithmOIDs = digestOIDs
            // contentInfo: SpcIndirectDataContent.
            let inner = try ASN1Reader(try signedData.next("contentInfo"), s)
            let innerType = try inner.oid()
            guard innerType == OIDs.spcIndirectDataContent else {
                throw ParseError(s, at: 0, "content type \(innerType) is not SpcIndirectDataContent (1.3.6.1.4.1.311.2.1.4)", code: .authenticodeMalformed)
            }
            let indirect = try inner.explicit(0)
            indirectDataContents = try Self.contentsOctets(indirect)
            let spc = try ASN1Reader(indirect, "SpcIndirectDataContent")
            _ = try spc.next("data")
            let digestInfo = try ASN1Reader(try spc.next("messageDigest"), "DigestInfo")
            let algorithmOID = try ASN1Reader(try digestInfo.next("digestAlgorithm"), "AlgorithmIdentifier").algorithm()
            guard let algorithm = OIDs.digestAlgorithm(algorithmOID) else {
                throw ParseError("DigestInfo", at: 0, "unknown digest algorithm \(algorithmOID)", code: .authenticodeUnknownAlgorithm)
            }
            digestAlgorithm = algorithm
            imageDigest = try digestInfo.octetString("digest")
            guard imageDigest.count == algorithm.digestSize else {
                throw ParseError("DigestInfo", at: 0, "\(algorithm) digest is \(imageDigest.count) bytes, expected \(algorithm.digestSize)", code: .authenticodeMalformed)
            }

            // certificates [0] IMPLICIT, crls [1] IMPLICIT, then signerInfos.
            var certs: [[UInt8]] = []
            var node = try signedData.next("signerInfos")
            if node.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) {
                if case .constructed(let children) = node.content {
                    for child in children {
                        guard certs.count < Self.maxCertificates else {
                            throw ParseError("SignedData.certificates", at: 0, "carries more than \(Self.maxCertificates) certificates", code: .authenticodeTooManyCertificates)
                        }
                        certs.append(Array(child.encodedBytes))
                    }
                }
                node = try signedData.next("signerInfos")
            }
            if node.identifier == ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific) {
                node = try signedData.next("signerInfos")
            }
            certificates = certs
            let signerInfos = try ASN1Reader(node, "SignerInfos", tag: .set)
            let signerInfo = try ASN1Reader(try signerInfos.next("SignerInfo"), "SignerInfo")
            guard signerInfos.isAtEnd else {
                throw ParseError("SignerInfos", at: 0, "Authenticode allows exactly one SignerInfo", code: .authenticodeMalformed)
            }
            try signerInfo.version(1)
            let issuerAndSerial = try ASN1Reader(try signerInfo.next("issuerAndSerialNumber"), "IssuerAndSerialNumber")
            let issuerNode = try issuerAndSerial.next("issuer")
            signerIssuerDER = Array(issuerNode.encodedBytes)
            let serialNode = try issuerAndSerial.next("serialNumber")
            guard case .primitive(let serial) = serialNode.content else {
                throw ParseError("IssuerAndSerialNumber", at: 0, "serialNumber is not an INTEGER", code: .authenticodeMalformed)
            }
            signerSerialBytes = Array(serial)
            signerSerialDER = Array(serialNode.encodedBytes)
            signerSerialNumber = signerSerialBytes.hex
            signerIssuerName = (try? String(describing: DistinguishedName(derEncoded: issuerNode))) ?? signerIssuerDER.hex

            signerDigestAlgorithmOID = String(describing: try ASN1Reader(try signerInfo.next("digestAlgorithm"), "AlgorithmIdentifier").algorithm())
            signerDigestAlgorithm = OIDs.digestAlgorithm(try ASN1ObjectIdentifier(dotRepresentation: signerDigestAlgorithmOID))
            var next = try signerInfo.next("digestEncryptionAlgorithm")
            var attributes: [UInt8]? = nil
            var contentType: ASN1ObjectIdentifier? = nil
            var messageDigest: [UInt8]? = nil
            if next.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) {
                var retagged = Array(next.encodedBytes)
                retagged[0] = 0x31
                attributes = retagged
                if case .constructed(let attrs) = next.content {
                    for attr in attrs {
                        let a = try ASN1Reader(attr, "Attribute")
                        let attrType = try a.oid()
                        let values = try a.next("values")
                        guard case .constructed(let valueSet) = values.content, let first = valueSet.first(where: { _ in true }) else { continue }
                        if attrType == OIDs.contentType {
                            contentType = try ASN1ObjectIdentifier(derEncoded: first)
                        } else if attrType == OIDs.messageDigest {
                            guard case .primitive(let d) = first.content else { continue }
                            messageDigest = Array(d)
                        }
                    }
                }
                next = try signerInfo.next("digestEncryptionAlgorithm")
            }
            signedAttributes = attributes
            contentTypeAttribute = contentType
            messageDigestAttribute = messageDigest
            signatureAlgorithmOID = String(describing: try ASN1Reader(next, "AlgorithmIdentifier").algorithm())
            signatureValue = try signerInfo.octetString("encryptedDigest")
        } catch let error as ParseError {
            throw error
        } catch {
            throw ParseError(s, at: 0, "malformed DER: \(error)", code: .authenticodeMalformed)
        }

        // The signer certificate, by issuer and serial number.
        var signer: [UInt8]? = nil
        var subject: String? = nil
        var issuerName = signerIssuerName
        for der in certificates {
            guard let (issuer, serial) = try? AuthenticodeSigner.issuerAndSerial(of: der) else { continue }
            if issuer == signerIssuerDER && serial == signerSerialDER {
                signer = der
                if let cert = try? X509Certificate(derEncoded: der) {
                    subject = cert.subject
                    issuerName = cert.issuer
                }
                break
            }
        }
        signerCertificate = signer
        signerSubjectName = subject
        signerIssuerName = issuerName
    }

    /// A DER INTEGER's contents without a leading 0x00 sign byte (swift-certificates stores serials that way).
    static func stripIntegerPadding(_ bytes: [UInt8]) -> [UInt8] {
        var b = bytes[...]
        while b.count > 1, b.first == 0 { b = b.dropFirst() }
        return Array(b)
    }

    /// Contents octets (after tag and length) of a node parsed with a definite length.
    static func contentsOctets(_ node: ASN1Node) throws -> [UInt8] {
        let encoded = Array(node.encodedBytes)
        guard encoded.count >= 2 else { throw ParseError("SpcIndirectDataContent", at: 0, "truncated", code: .authenticodeMalformed) }
        var header = 2
        if encoded[1] & 0x80 != 0 {
            let n = Int(encoded[1] & 0x7F)
            guard n > 0 else {
                // Indefinite length: contents end before the two end-of-contents octets.
                guard encoded.count >= 4 else { throw ParseError("SpcIndirectDataContent", at: 0, "truncated", code: .authenticodeMalformed) }
                return Array(encoded[2..<(encoded.count - 2)])
            }
            header += n
        }
        guard header <= encoded.count else { throw ParseError("SpcIndirectDataContent", at: 0, "truncated", code: .authenticodeMalformed) }
        return Array(encoded[header...])
    }

    /// Fuzz entry point: never traps.
    public static func fuzz(_ data: [UInt8]) {
        _ = try? AuthenticodeSignature(derEncoded: data)
    }
}

/// Sequential access to the children of a constructed node, throwing ``ParseError`` when one is missing.
final class ASN1Reader {
    private var iterator: ASN1NodeCollection.Iterator
    private var peeked: ASN1Node?
    let structure: String

    init(_ node: ASN1Node, _ structure: String, tag: ASN1Identifier = .sequence) throws {
        guard node.identifier == tag, case .constructed(let children) = node.content else {
            throw ParseError(structure, at: 0, "expected a constructed \(tag == .set ? "SET" : "SEQUENCE")", code: .authenticodeMalformed)
        }
        self.iterator = children.makeIterator()
        self.structure = structure
    }

    var isAtEnd: Bool {
        if peeked == nil { peeked = iterator.next() }
        return peeked == nil
    }

    func next(_ field: String) throws -> ASN1Node {
        if let p = peeked { peeked = nil; return p }
        guard let node = iterator.next() else {
            throw ParseError(structure, at: 0, "missing \(field)", code: .authenticodeMalformed)
        }
        return node
    }

    /// An INTEGER version field that must have this value.
    func version(_ expected: UInt8) throws {
        let node = try next("version")
        guard node.identifier == .integer, case .primitive(let bytes) = node.content, Array(bytes) == [expected] else {
            throw ParseError(structure, at: 0, "version is not \(expected)", code: .authenticodeMalformed)
        }
    }

    func oid(_ field: String = "type") throws -> ASN1ObjectIdentifier {
        try ASN1ObjectIdentifier(derEncoded: try next(field))
    }

    /// The OID of an AlgorithmIdentifier whose parameters are absent or NULL (all the digest and
    /// signature algorithms Authenticode uses).
    func algorithm() throws -> ASN1ObjectIdentifier {
        let oid = try oid("algorithm")
        if !isAtEnd {
            let parameters = try next("parameters")
            guard parameters.identifier == .null, case .primitive(let bytes) = parameters.content, bytes.isEmpty, isAtEnd else {
                throw ParseError(structure, at: 0, "parameters of \(oid) are neither absent nor NULL", code: .authenticodeMalformed)
            }
        }
        return oid
    }

    func octetString(_ field: String) throws -> [UInt8] {
        let node = try next(field)
        guard node.identifier == .octetString, case .primitive(let bytes) = node.content else {
            throw ParseError(structure, at: 0, "\(field) is not an OCTET STRING", code: .authenticodeMalformed)
        }
        return Array(bytes)
    }

    /// The single child of an `[n] EXPLICIT` wrapper.
    func explicit(_ tag: UInt) throws -> ASN1Node {
        let node = try next("[\(tag)]")
        guard node.identifier == ASN1Identifier(tagWithNumber: tag, tagClass: .contextSpecific),
              case .constructed(let children) = node.content, let first = children.first(where: { _ in true }) else {
            throw ParseError(structure, at: 0, "expected [\(tag)] EXPLICIT content", code: .authenticodeMalformed)
        }
        return first
    }
}

/// Object identifiers used by Authenticode.
enum OIDs {
    static let signedData: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 7, 2]
    static let contentType: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 3]
    static let messageDigest: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 4]
    static let spcIndirectDataContent: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 311, 2, 1, 4]
    static let spcPEImageData: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 311, 2, 1, 15]
    static let spcSpOpusInfo: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 311, 2, 1, 12]
    static let sha1: ASN1ObjectIdentifier = [1, 3, 14, 3, 2, 26]
    static let sha256: ASN1ObjectIdentifier = [2, 16, 840, 1, 101, 3, 4, 2, 1]
    static let sha384: ASN1ObjectIdentifier = [2, 16, 840, 1, 101, 3, 4, 2, 2]
    static let sha512: ASN1ObjectIdentifier = [2, 16, 840, 1, 101, 3, 4, 2, 3]
    static let rsaEncryption: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 1, 1]
    static let ecdsaWithSHA256: ASN1ObjectIdentifier = [1, 2, 840, 10045, 4, 3, 2]

    /// SignerInfo.digestEncryptionAlgorithm values accepted, with the digest each implies (nil: the
    /// bare key algorithm, any digest): rsaEncryption, sha{1,256,384,512}WithRSAEncryption,
    /// id-ecPublicKey, ecdsa-with-SHA{1,256,384,512}.
    static let signatureAlgorithms: [String: DigestAlgorithm?] = [
        "1.2.840.113549.1.1.1": nil, "1.2.840.113549.1.1.5": .sha1, "1.2.840.113549.1.1.11": .sha256,
        "1.2.840.113549.1.1.12": .sha384, "1.2.840.113549.1.1.13": .sha512,
        "1.2.840.10045.2.1": nil, "1.2.840.10045.4.1": .sha1, "1.2.840.10045.4.3.2": .sha256,
        "1.2.840.10045.4.3.3": .sha384, "1.2.840.10045.4.3.4": .sha512,
    ]

    static func digestAlgorithm(_ oid: ASN1ObjectIdentifier) -> DigestAlgorithm? {
        switch oid {
        case sha1: return .sha1
        case sha256: return .sha256
        case sha384: return .sha384
        case sha512: return .sha512
        default: return nil
        }
    }

    static func oid(_ algorithm: DigestAlgorithm) -> ASN1ObjectIdentifier {
        switch algorithm {
        case .sha1: return sha1
        case .sha256: return sha256
        case .sha384: return sha384
        case .sha512: return sha512
        }
    }
}
