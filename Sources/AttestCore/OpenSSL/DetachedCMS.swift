internal import COpenSSL
import Foundation

/// How a signature's certificates are judged in time.
public enum SignatureTimeRule: Sendable, Hashable {
    /// At the signature's own signingTime attribute (VIB practice: signed packages outlive their
    /// signer certificates). A signature without that attribute fails `signature.no-signing-time`.
    case signingTime
    /// At a given instant, normally the wall clock.
    case at(Date)
    /// Not at all (firmware practice).
    case ignoreValidity
}

/// A detached CMS SignedData (RFC 5652) over some content, parsed but not verified: nothing read
/// from it is trusted until ``verify(content:anchors:time:requireCodeSigning:component:)`` says so.
/// Accepts DER, or PEM labelled `PKCS7` (as VMware's `sig.pkcs7`), `CMS` or `PKCS #7 SIGNED DATA`.
public final class DetachedCMSSignature: @unchecked Sendable {
    /// OpenSSL `CMS_ContentInfo*`, owned.
    let cms: OpaquePointer
    public let derEncoded: [UInt8]

    public init(bytes: [UInt8]) throws {
        var der = bytes
        if PEM.looksLikePEM(bytes) {
            let blocks = try PEM.blocks(in: bytes, structure: "CMS signature")
            guard let block = blocks.first(where: { ["PKCS7", "CMS", "PKCS #7 SIGNED DATA"].contains($0.label) }) else {
                throw ParseError("CMS signature", "no PKCS7 or CMS PEM block", code: .signatureMalformed)
            }
            der = block.der
        }
        guard !der.isEmpty, der.count < 16 << 20 else {
            throw ParseError("CMS signature", "empty or larger than 16 MiB", code: .signatureMalformed)
        }
        OpenSSL.clearErrors()
        let parsed: (OpaquePointer?, Int) = der.withUnsafeBufferPointer { buffer in
            var p: UnsafePointer<UInt8>? = buffer.baseAddress
            let cms = d2i_CMS_ContentInfo(nil, &p, buffer.count)
            return (cms, p.map { $0 - buffer.baseAddress! } ?? 0)
        }
        guard let cms = parsed.0 else {
            let reason = OpenSSL.error("d2i_CMS_ContentInfo").reasons.first ?? "parse error"
            throw ParseError("CMS ContentInfo", at: 0, "not a DER CMS structure (\(reason))", code: .signatureMalformed)
        }
        guard parsed.1 == der.count else {
            CMS_ContentInfo_free(cms)
            throw ParseError("CMS ContentInfo", at: parsed.1, "\(der.count - parsed.1) trailing bytes", code: .signatureMalformed)
        }
        guard OBJ_obj2nid(CMS_get0_type(cms)) == NID_pkcs7_signed else {
            CMS_ContentInfo_free(cms)
            throw ParseError("CMS ContentInfo", at: 0, "content type is not SignedData", code: .signatureMalformed)
        }
        // Bounded work: CMS_verify matches signers against every carried certificate, and chain
        // building looks issuers up among them. (More than one signer is refused in `verify`
        // before CMS_verify runs.)
        let certificateCount = Self.carriedCertificateCount(cms)
        guard certificateCount <= Self.maxCertificates else {
            CMS_ContentInfo_free(cms)
            throw ParseError("CMS SignedData", at: 0, "carries \(certificateCount) certificates; at most \(Self.maxCertificates) are accepted", code: .signatureTooManyCertificates)
        }
        self.cms = cms
        self.derEncoded = der
    }

    /// Most certificates a detached signature may carry (`signature.too-many-certificates`).
    public static let maxCertificates = 64

    static func carriedCertificateCount(_ cms: OpaquePointer) -> Int {
        guard let stack = CMS_get1_certs(cms) else { return 0 }
        defer { COpenSSL_sk_X509_pop_free(stack) }
        return Int(COpenSSL_sk_X509_num(stack))
    }

    deinit { CMS_ContentInfo_free(cms) }

    /// The certificates carried in the signature. Untrusted.
    public var untrustedCertificates: [X509Certificate] {
        guard let stack = CMS_get1_certs(cms) else { return [] }
        defer { COpenSSL_sk_X509_pop_free(stack) }
        return (0..<COpenSSL_sk_X509_num(stack)).compactMap { i in
            COpenSSL_sk_X509_value(stack, i).flatMap { try? X509Certificate(retaining: $0) }
        }
    }

    var firstSignerInfo: OpaquePointer? {
        guard let infos = CMS_get0_SignerInfos(cms), COpenSSL_sk_CMS_SignerInfo_num(infos) > 0 else { return nil }
        return COpenSSL_sk_CMS_SignerInfo_value(infos, 0)
    }

    public var signerCount: Int {
        guard let infos = CMS_get0_SignerInfos(cms) else { return 0 }
        return Int(COpenSSL_sk_CMS_SignerInfo_num(infos))
    }

    /// The signingTime signed attribute of the first signer. Untrusted until verified.
    public var untrustedSigningTime: Date? {
        guard let si = firstSignerInfo else { return nil }
        let index = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1)
        guard index >= 0, let attr = CMS_signed_get_attr(si, index) else { return nil }
        for type in [V_ASN1_UTCTIME, V_ASN1_GENERALIZEDTIME] {
            if let raw = X509_ATTRIBUTE_get0_data(attr, 0, type, nil) {
                return X509Certificate.date(UnsafePointer(raw.assumingMemoryBound(to: ASN1_TIME.self)))
            }
        }
        return nil
    }

    /// The messageDigest signed attribute of the first signer. Untrusted until verified.
    var untrustedMessageDigest: [UInt8]? {
        guard let si = firstSignerInfo,
              let raw = CMS_signed_get0_data_by_OBJ(si, OBJ_nid2obj(NID_pkcs9_messageDigest), -3, V_ASN1_OCTET_STRING) else { return nil }
        let octets = raw.assumingMemoryBound(to: ASN1_OCTET_STRING.self)
        guard let data = ASN1_STRING_get0_data(octets) else { return nil }
        return Array(UnsafeBufferPointer(start: data, count: Int(ASN1_STRING_length(octets))))
    }

    /// The digest algorithm of the first signer (`sha256`, …).
    public var digestAlgorithmName: String {
        guard let si = firstSignerInfo else { return "none" }
        var digest: UnsafeMutablePointer<X509_ALGOR>? = nil
        CMS_SignerInfo_get0_algs(si, nil, nil, &digest, nil)
        var object: OpaquePointer? = nil
        X509_ALGOR_get0(&object, nil, nil, digest)
        guard let object, let name = OBJ_nid2sn(OBJ_obj2nid(object)) else { return "unknown" }
        return String(cString: name).lowercased().replacingOccurrences(of: "-", with: "")
    }

    /// Verifies the signature over `content` and the signer's chain to `anchors`.
    ///
    /// Every check runs and every failure is reported: content type and detachment, digest
    /// algorithm strength, the signature (message digest over the exact `content` bytes and the
    /// signer's signature over the signed attributes), the signing time if `time` needs it, and the
    /// chain (``ChainVerifier``). A ``VerifiedCMSSignature`` is produced only when all pass.
    public func verify(content: [UInt8], anchors: [X509Certificate], time: SignatureTimeRule,
                       requireCodeSigning: Bool, component: String) -> DetachedCMSVerification {
        verify(content: content, anchors: anchors, time: time,
               policy: requireCodeSigning ? .authenticode : .unrestricted, component: component)
    }

    /// As above, with the signer held to `policy` (``SignerPolicy/vibSigning``,
    /// ``SignerPolicy/profileSigning``, …).
    public func verify(content: [UInt8], anchors: [X509Certificate], time: SignatureTimeRule,
                       policy: SignerPolicy, component: String) -> DetachedCMSVerification {
        var report = VerificationReport()
        guard content.count <= Int(Int32.max) else {
            report.fail(.signatureContentTooLarge, "the signed content is \(content.count) bytes, more than a detached signature is checked over here", component: component)
            return DetachedCMSVerification(report: report, verified: nil, signer: nil, signingTime: nil)
        }
        OpenSSL.clearErrors()
        if CMS_is_detached(cms) != 1 {
            report.fail(.signatureNotDetached, "the signature embeds its content instead of being detached", component: component)
        }
        if signerCount != 1 {
            report.fail(.signatureSignerCount, "the signature has \(signerCount) signers; exactly one is required", component: component)
        }
        let digestName = digestAlgorithmName
        if !["sha256", "sha384", "sha512"].contains(digestName) {
            report.fail(.signatureWeakDigest, "digest algorithm \(digestName) is not accepted (SHA-256, SHA-384 or SHA-512 required)", component: component)
        }

        // Signature and message digest, signer found among the carried certificates; chain checked below.
        // The content goes in through a null filter BIO: handed a bare memory BIO, OpenSSL 3's CMS_verify
        // copies it into a temporary BIO that it leaks (272 bytes) when CMS_dataInit fails, e.g. for an
        // unknown digest algorithm — an attacker-triggered leak per signature (found by libFuzzer + LSan).
        // Only a single signer is ever checked: CMS_verify would verify every SignerInfo.
        let signatureOK: Bool = signerCount == 1 && content.withUnsafeBytes { buffer in
            guard let memory = BIO_new_mem_buf(buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(buffer.count)) else { return false }
            guard let filter = BIO_new(BIO_f_null()) else { BIO_free(memory); return false }
            BIO_push(filter, memory)
            defer { BIO_free_all(filter) }
            return CMS_verify(cms, nil, nil, filter, nil, UInt32(CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY | CMS_DETACHED)) == 1
        }
        var signer: X509Certificate? = nil
        if signatureOK {
            if let signers = CMS_get0_signers(cms) {
                if COpenSSL_sk_X509_num(signers) > 0, let first = COpenSSL_sk_X509_value(signers, 0) {
                    signer = try? X509Certificate(retaining: first)
                }
                COpenSSL_sk_X509_free(signers)
            }
            report.pass("signature over \(content.count) bytes of content (\(digestName))")
        } else {
            let reasons = OpenSSL.error("CMS_verify").reasons
            let joined = reasons.joined(separator: "; ")
            if joined.contains("signer certificate not found") {
                report.fail(.signatureNoSignerCertificate, "the signer's certificate is not carried in the signature", component: component)
            } else if let claimed = untrustedMessageDigest, let algorithm = DigestAlgorithm(name: digestName),
                      !ConstantTime.equal(claimed, algorithm.hash(content)) {
                report.fail(.signatureDigestMismatch, "the content does not match the signed message digest (content altered)", component: component)
            } else {
                report.fail(.signatureInvalid, "the signature does not verify\(joined.isEmpty ? "" : " (\(joined))")", component: component)
            }
        }

        let signingTime = untrustedSigningTime
        var chain: [X509Certificate] = []
        if let signer {
            let timePolicy: CertificateTimePolicy
            switch time {
            case .ignoreValidity: timePolicy = .ignoreValidity
            case .at(let date): timePolicy = .at(date)
            case .signingTime:
                if let signingTime {
                    timePolicy = .at(signingTime)
                } else {
                    report.fail(.signatureNoSigningTime, "the signature has no signingTime attribute to judge certificate validity at", component: component)
                    timePolicy = .ignoreValidity
                }
            }
            let others = untrustedCertificates.filter { $0 != signer }
            let result = ChainVerifier.verify(signer: signer, untrusted: others, anchors: anchors, time: timePolicy,
                                              policy: policy, component: component)
            report.merge(result.report)
            chain = result.chain
        }
        OpenSSL.clearErrors()
        let verified = (report.isValid && signer != nil)
            ? VerifiedCMSSignature(signer: signer!, chain: chain, signingTime: signingTime, digestAlgorithm: digestName)
            : nil
        return DetachedCMSVerification(report: report, verified: verified, signer: signer, signingTime: signingTime)
    }
}

/// The outcome of verifying a ``DetachedCMSSignature``.
public struct DetachedCMSVerification: Sendable {
    public var report: VerificationReport
    /// Present only when every check passed.
    public var verified: VerifiedCMSSignature?
    /// The signer whose signature verified cryptographically (its chain may still have failed).
    public var signer: X509Certificate?
    /// The claimed signing time (trusted only through ``verified``).
    public var signingTime: Date?
    public var isValid: Bool { verified != nil }
}

/// A detached signature that verified over the content and chains to a trust anchor.
/// Only ``DetachedCMSSignature/verify(content:anchors:time:requireCodeSigning:component:)`` makes one.
public struct VerifiedCMSSignature: Sendable {
    public let signer: X509Certificate
    /// Signer first, trust anchor last.
    public let chain: [X509Certificate]
    public let signingTime: Date?
    public let digestAlgorithm: String

    init(signer: X509Certificate, chain: [X509Certificate], signingTime: Date?, digestAlgorithm: String) {
        self.signer = signer
        self.chain = chain
        self.signingTime = signingTime
        self.digestAlgorithm = digestAlgorithm
    }

    /// The trust anchor the chain ended at.
    public var anchor: X509Certificate? { chain.last }
}

/// Signing of detached CMS SignedData: what `vib sign` and `profile sign` use.
public enum DetachedCMS {
    /// Signs `content` with SHA-256, signed attributes contentType, signingTime (`signingTime`) and
    /// messageDigest, carrying the signer certificate and `chain`. Returns DER.
    public static func signDER(content: [UInt8], key: SigningKey, certificate: X509Certificate,
                               chain: [X509Certificate] = [], signingTime: Date = Date()) throws -> [UInt8] {
        guard key.matches(certificate) else {
            throw SigningError("the private key does not belong to certificate \(certificate.subject)")
        }
        guard content.count <= Int(Int32.max) else {
            throw SigningError("content of \(content.count) bytes is too large to sign")
        }
        OpenSSL.clearErrors()
        let flags = UInt32(CMS_DETACHED | CMS_BINARY | CMS_PARTIAL)
        let cms = try OpenSSL.nonNull(CMS_sign(nil, nil, nil, nil, flags), "CMS_sign")
        defer { CMS_ContentInfo_free(cms) }
        let si = try OpenSSL.nonNull(
            CMS_add1_signer(cms, certificate.x509, key.pkey, EVP_sha256(), UInt32(CMS_BINARY | CMS_PARTIAL | CMS_NOSMIMECAP)),
            "CMS_add1_signer")
        let time = try OpenSSL.nonNull(ASN1_TIME_set(nil, time_t(signingTime.timeIntervalSince1970.rounded(.down))), "ASN1_TIME_set")
        defer { ASN1_TIME_free(time) }
        try OpenSSL.check(CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, ASN1_STRING_type(time), time, -1),
                          "CMS_signed_add1_attr_by_NID(signingTime)")
        for cert in chain where cert != certificate {
            try OpenSSL.check(CMS_add1_cert(cms, cert.x509), "CMS_add1_cert")
        }
        try content.withUnsafeBytes { buffer in
            let bio = try OpenSSL.nonNull(BIO_new_mem_buf(buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(buffer.count)), "BIO_new_mem_buf")
            defer { BIO_free(bio) }
            try OpenSSL.check(CMS_final(cms, bio, nil, UInt32(CMS_DETACHED | CMS_BINARY)), "CMS_final")
        }
        var out: UnsafeMutablePointer<UInt8>? = nil
        let n = i2d_CMS_ContentInfo(cms, &out)
        guard n > 0, let out else { throw OpenSSL.error("i2d_CMS_ContentInfo") }
        defer { CRYPTO_free(out, #fileID, #line) }
        return Array(UnsafeBufferPointer(start: out, count: Int(n)))
    }

    /// As ``signDER(content:key:certificate:chain:signingTime:)``, PEM-encoded with the `PKCS7`
    /// label that VMware's `sig.pkcs7` uses (and `openssl cms -inform PEM` reads).
    public static func sign(content: [UInt8], key: SigningKey, certificate: X509Certificate,
                            chain: [X509Certificate] = [], signingTime: Date = Date()) throws -> String {
        PEM.encode(der: try signDER(content: content, key: key, certificate: certificate, chain: chain, signingTime: signingTime), label: "PKCS7")
    }
}

/// Signing could not be done with the inputs given (wrong key for the certificate, …).
public struct SigningError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
