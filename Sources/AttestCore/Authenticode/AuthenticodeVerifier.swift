import Foundation

/// Verifies the Authenticode signatures of a PE image with UEFI `db`/`dbx` semantics. Pure: takes the
/// image, the anchors, the deny list and a time policy; returns an ``AuthenticodeVerification``.
///
/// Failure codes: `authenticode.unsigned`, `authenticode.malformed`, `authenticode.unsupported-type`,
/// `authenticode.too-many-certificates`,
/// `authenticode.digest-mismatch`, `authenticode.signature-invalid`, `authenticode.signer-missing`,
/// `chain.untrusted`, `chain.expired`, `chain.not-yet-valid`, `chain.not-code-signing`, `chain.*`,
/// `dbx.digest-revoked`, `dbx.certificate-revoked`, `authenticode.weak-digest`,
/// `authenticode.weak-signer-digest`; and the ``CertificateTableAudit`` codes (`pe.cert-*`), as
/// warnings unless ``AuthenticodeOptions/strictCertificateTable``.
public enum AuthenticodeVerifier {
    /// - Parameters:
    ///   - image: the parsed image.
    ///   - anchors: UEFI `db`: any anchor may be an intermediate or a leaf (partial chains allowed).
    ///   - dbx: digests and certificates that revoke.
    ///   - time: validity periods are ignored by default (firmware practice).
    ///   - component: names the image in findings (e.g. its file name).
    ///   - options: weak algorithms and certificate-table strictness (``AuthenticodeOptions``).
    ///   - onRangeHashed: called after each hashed chunk (progress, or releasing mapped pages).
    public static func verify(_ image: PEImage, anchors: [X509Certificate], dbx: DenyList = .empty,
                              time: CertificateTimePolicy = .ignoreValidity, component: String = "PE image",
                              options: AuthenticodeOptions = AuthenticodeOptions(),
                              onRangeHashed: ((Range<Int>) -> Void)? = nil) -> AuthenticodeVerification {
        // Parse every signature first so one pass over the image computes every digest needed.
        var parsed: [(Int, Result<AuthenticodeSignature, ParseError>)] = []
        for (i, entry) in image.certificates.enumerated() {
            do {
                parsed.append((i + 1, .success(try AuthenticodeSignature(certificate: entry))))
            } catch let error as ParseError {
                parsed.append((i + 1, .failure(error)))
            } catch {
                parsed.append((i + 1, .failure(ParseError("WIN_CERTIFICATE", at: entry.offset, "\(error)", code: .authenticodeMalformed))))
            }
        }
        var algorithms: Set<DigestAlgorithm> = [.sha256]
        algorithms.formUnion(dbx.digestAlgorithms)
        for case (_, .success(let signature)) in parsed { algorithms.insert(signature.digestAlgorithm) }
        let ordered = DigestAlgorithm.allCases.filter { algorithms.contains($0) }
        let digests = image.authenticodeDigests(ordered, onRangeHashed: onRangeHashed)

        var report = VerificationReport()
        var results: [AuthenticodeSignatureResult] = []
        var firstValid: (Int, [X509Certificate])? = nil
        var revoked = VerificationReport()

        for d in ordered where dbx.contains(digest: digests[d] ?? [], algorithm: d) {
            revoked.fail(.dbxDigestRevoked, "the image's Authenticode \(d) digest \((digests[d] ?? []).hex) is in the deny list", component: component)
        }

        if image.certificates.isEmpty {
            report.fail(.authenticodeUnsigned, "the image has no certificate table, so it carries no Authenticode signature", component: component)
        }

        for (index, outcome) in parsed {
            let name = "\(component) signature #\(index)"
            var result = AuthenticodeSignatureResult(index: index, chain: [], failures: [], passed: [])
            var r = VerificationReport()
            switch outcome {
            case .failure(let error):
                r.fail(error.code.hasPrefix("authenticode.") ? error.code : .authenticodeMalformed,
                       "the signature cannot be parsed: \(error)", component: name)
            case .success(let signature):
                result.digestAlgorithm = signature.digestAlgorithm
                result.signedDigest = signature.imageDigest.hex
                result.signerSubject = signature.signerSubjectName
                result.signerIssuer = signature.signerIssuerName
                let chain = check(signature, digests: digests, anchors: anchors, time: time, options: options, name: name, report: &r)
                result.chain = chain.map(\.subject)
                // A revoked certificate anywhere in this signature's chain revokes the image.
                // De-duplicated with a set: linear in the certificates carried.
                var seen = Set<[UInt8]>()
                let carried = signature.certificates
                for der in chain.map(\.derEncoded) + carried where seen.insert(der).inserted {
                    if dbx.contains(certificate: der) {
                        let subject = (try? X509Certificate(derEncoded: der))?.subject ?? "a certificate"
                        revoked.fail(.dbxCertificateRevoked, "\(subject) in the chain of signature #\(index) is in the deny list", component: component)
                    }
                }
                if r.isValid && firstValid == nil { firstValid = (index, chain) }
            }
            result.failures = r.failures
            result.passed = r.passed
            report.merge(r)
            results.append(result)
        }

        var final = VerificationReport(passed: report.passed)
        if firstValid == nil { final.failures = report.failures }
        final.failures += revoked.failures
        if revoked.isValid && !dbx.isEmpty { final.pass("neither the image digest nor any signer certificate is in the deny list") }
        let hidden = CertificateTableAudit.findings(in: image, component: component)
        if options.strictCertificateTable {
            final.failures += hidden
        } else {
            final.warnings += hidden
        }
        if hidden.isEmpty && image.certificateTable != nil { final.pass("the certificate table holds only signatures and their padding") }
        var verified: VerifiedPEImage? = nil
        if final.isValid, let (index, chain) = firstValid {
            verified = VerifiedPEImage(image: image, authenticodeSHA256: digests[.sha256] ?? [], signatureIndex: index, chain: chain)
        }
        return AuthenticodeVerification(report: final, signatures: results, digests: digests, verified: verified)
    }

    /// Convenience: parse and verify bytes. Malformed images throw ``ParseError``.
    public static func verify(bytes: Data, anchors: [X509Certificate], dbx: DenyList = .empty,
                              time: CertificateTimePolicy = .ignoreValidity, component: String = "PE image",
                              options: AuthenticodeOptions = AuthenticodeOptions()) throws -> AuthenticodeVerification {
        verify(try PEImage(bytes: bytes), anchors: anchors, dbx: dbx, time: time, component: component, options: options)
    }

    /// The checks of one signature; returns the chain built (signer first) when there is one.
    static func check(_ signature: AuthenticodeSignature, digests: [DigestAlgorithm: [UInt8]], anchors: [X509Certificate],
                      time: CertificateTimePolicy, options: AuthenticodeOptions, name: String,
                      report r: inout VerificationReport) -> [X509Certificate] {
        // 0. SHA-1 is collision-broken: a SHA-1 image digest or signer digest is refused unless allowed.
        if !options.allowWeakAlgorithms {
            if signature.digestAlgorithm == .sha1 {
                r.fail(.authenticodeWeakDigest, "the signature names a SHA-1 Authenticode digest of the image (SpcIndirectDataContent DigestInfo); SHA-256 or stronger is required (--allow-weak-algorithms accepts it)", component: name)
            }
            if signature.signerDigestAlgorithm == .sha1 {
                r.fail(.authenticodeWeakSignerDigest, "the signer signs a SHA-1 digest of its attributes (SignerInfo digestAlgorithm); SHA-256 or stronger is required (--allow-weak-algorithms accepts it)", component: name)
            }
        }
        // 1. The signed digest must be the image's digest.
        let actual = digests[signature.digestAlgorithm] ?? []
        r.check(ConstantTime.equal(actual, signature.imageDigest),
                pass: "\(signature.digestAlgorithm) Authenticode digest matches",
                fail: .authenticodeDigestMismatch,
                "signed \(signature.digestAlgorithm) digest \(signature.imageDigest.hex) does not match the image's \(actual.hex)",
                component: name)

        // 2. The PKCS#7 signer signature, with Authenticode's messageDigest rule.
        guard let signerDER = signature.signerCertificate, let signer = try? X509Certificate(derEncoded: signerDER) else {
            r.fail(.authenticodeSignerMissing, "the signature does not carry the certificate of its signer (issuer \(signature.signerIssuerName), serial \(signature.signerSerialNumber))", component: name)
            return []
        }
        guard let digest = signature.signerDigestAlgorithm else {
            r.fail(.authenticodeSignatureInvalid, "SignerInfo digest algorithm \(signature.signerDigestAlgorithmOID) is not supported", component: name)
            return []
        }
        r.check(signature.digestAlgorithmOIDs.contains(signature.signerDigestAlgorithmOID),
                pass: "SignedData.digestAlgorithms names the signer's digest",
                fail: .authenticodeSignatureInvalid,
                "SignedData.digestAlgorithms does not list the signer's digest algorithm \(signature.signerDigestAlgorithmOID)", component: name)
        let implied = OIDs.signatureAlgorithms[signature.signatureAlgorithmOID]
        r.check(implied != nil && (implied! == nil || implied! == digest),
                pass: "signature algorithm is supported",
                fail: .authenticodeSignatureInvalid,
                "signature algorithm \(signature.signatureAlgorithmOID) is not RSA PKCS#1 v1.5 or ECDSA with \(digest)", component: name)
        var signedBytes = signature.indirectDataContents
        if let attributes = signature.signedAttributes {
            r.check(signature.contentTypeAttribute == OIDs.spcIndirectDataContent,
                    pass: "contentType attribute is SpcIndirectDataContent",
                    fail: .authenticodeSignatureInvalid,
                    "the contentType signed attribute is not SpcIndirectDataContent", component: name)
            let expected = digest.hash(signature.indirectDataContents)
            r.check(signature.messageDigestAttribute.map { ConstantTime.equal($0, expected) } ?? false,
                    pass: "messageDigest attribute covers SpcIndirectDataContent",
                    fail: .authenticodeSignatureInvalid,
                    "the messageDigest signed attribute \(signature.messageDigestAttribute?.hex ?? "(missing)") does not match the \(digest) of SpcIndirectDataContent \(expected.hex)",
                    component: name)
            signedBytes = attributes
        }
        r.check(AuthenticodeCrypto.verify(signature: signature.signatureValue, message: signedBytes, digest: digest, certificateDER: signerDER),
                pass: "PKCS#7 signature by \(signer.subject) is valid",
                fail: .authenticodeSignatureInvalid,
                "the PKCS#7 signature does not verify with the public key of \(signer.subject)", component: name)

        // 3. The chain to a trust anchor, with code-signing usage.
        var carried = Set<[UInt8]>([signerDER])
        let untrusted = signature.certificates.filter { carried.insert($0).inserted }.compactMap { try? X509Certificate(derEncoded: $0) }
        let chain = ChainVerifier.verify(signer: signer, untrusted: untrusted, anchors: anchors, time: time,
                                         policy: .authenticode, component: name)
        r.merge(chain.report)
        return chain.chain.isEmpty ? [signer] : chain.chain
    }
}

/// How strictly ``AuthenticodeVerifier`` judges what UEFI firmware tolerates.
public struct AuthenticodeOptions: Sendable, Hashable {
    /// Accept SHA-1 image digests and SHA-1 signer digests (refused by default:
    /// `authenticode.weak-digest`, `authenticode.weak-signer-digest`).
    public var allowWeakAlgorithms: Bool
    /// Refuse an image whose certificate table hides data (``CertificateTableAudit``); by default
    /// those findings are warnings.
    public var strictCertificateTable: Bool

    public init(allowWeakAlgorithms: Bool = false, strictCertificateTable: Bool = false) {
        self.allowWeakAlgorithms = allowWeakAlgorithms
        self.strictCertificateTable = strictCertificateTable
    }
}
