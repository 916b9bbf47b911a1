internal import COpenSSL
import Foundation

/// How certificate validity periods are judged.
public enum CertificateTimePolicy: Sendable, Hashable {
    /// Firmware practice: UEFI has no trusted clock, so validity periods are not enforced.
    case ignoreValidity
    /// Every certificate must be valid at this instant (the wall clock, or a signature's signing time).
    case at(Date)
}

/// The result of building and checking a signer's chain to the caller's trust anchors.
public struct ChainVerification: Sendable {
    /// Every failed check (codes `chain.*`).
    public var report: VerificationReport
    /// The chain from the signer to the anchor that was used, when one was built.
    public var chain: [X509Certificate]
    public var isValid: Bool { report.isValid }
}

/// Builds and checks a certificate chain with OpenSSL, with the trust semantics of UEFI `db`:
/// any anchor may be a pinned certificate that is not self-signed (an intermediate trusted
/// directly, `X509_V_FLAG_PARTIAL_CHAIN`), and validity periods are checked only on request.
public enum ChainVerifier {
    /// Most distinct untrusted certificates offered to chain building (`chain.too-many-certificates`).
    public static let maxUntrustedCertificates = 64

    /// As ``verify(signer:untrusted:anchors:time:policy:component:)`` with ``SignerPolicy/authenticode``
    /// when `requireCodeSigning` (code signing where the certificate restricts usage), else
    /// ``SignerPolicy/unrestricted``.
    public static func verify(signer: X509Certificate, untrusted: [X509Certificate] = [], anchors: [X509Certificate],
                              time: CertificateTimePolicy, requireCodeSigning: Bool, component: String) -> ChainVerification {
        verify(signer: signer, untrusted: untrusted, anchors: anchors, time: time,
               policy: requireCodeSigning ? .authenticode : .unrestricted, component: component)
    }

    /// - Parameters:
    ///   - signer: the end-entity certificate whose key made the signature.
    ///   - untrusted: other certificates carried with the signature (intermediates); never anchors.
    ///   - anchors: the only certificates trusted. An empty list trusts nothing.
    ///   - time: whether and when validity periods are enforced.
    ///   - policy: the usage rules of the role the signer signs for (``SignerPolicy``).
    ///   - component: names the signed thing in findings.
    public static func verify(signer: X509Certificate, untrusted: [X509Certificate] = [], anchors: [X509Certificate],
                              time: CertificateTimePolicy, policy: SignerPolicy, component: String) -> ChainVerification {
        var report = policy.check(signer, component: component)
        var chain: [X509Certificate] = []
        // De-duplicate the carried certificates in linear time (a set of DER), drop the signer and
        // the anchors, and cap what is handed to OpenSSL: chain building looks issuers up among them.
        var seen = Set<[UInt8]>([signer.derEncoded])
        for anchor in anchors { seen.insert(anchor.derEncoded) }
        let distinct = untrusted.filter { seen.insert($0.derEncoded).inserted }
        guard distinct.count <= Self.maxUntrustedCertificates else {
            report.fail(.chainTooManyCertificates, "the signature carries \(distinct.count) distinct certificates besides its signer; at most \(Self.maxUntrustedCertificates) are considered for a chain", component: component)
            return ChainVerification(report: report, chain: [])
        }
        guard !anchors.isEmpty else {
            report.fail(.chainUntrusted, "no trust anchors were given, so signer \(signer.subject) cannot be trusted", component: component)
            return ChainVerification(report: report, chain: [])
        }
        OpenSSL.clearErrors()
        guard let store = X509_STORE_new(), let ctx = X509_STORE_CTX_new(), let stack = COpenSSL_sk_X509_new_null() else {
            report.fail(.chainInternalError, "OpenSSL could not allocate a certificate store", component: component)
            return ChainVerification(report: report, chain: [])
        }
        defer {
            X509_STORE_CTX_free(ctx)
            X509_STORE_free(store)
            COpenSSL_sk_X509_free(stack)  // the stack borrows; certificates stay owned by their wrappers
        }
        for anchor in anchors { X509_STORE_add_cert(store, anchor.x509) }
        for cert in distinct { _ = COpenSSL_sk_X509_push(stack, cert.x509) }
        guard X509_STORE_CTX_init(ctx, store, signer.x509, stack) == 1, let param = X509_STORE_CTX_get0_param(ctx) else {
            report.fail(.chainInternalError, "OpenSSL could not initialise chain verification", component: component)
            return ChainVerification(report: report, chain: [])
        }
        var flags = UInt(X509_V_FLAG_PARTIAL_CHAIN)
        switch time {
        case .ignoreValidity:
            flags |= UInt(X509_V_FLAG_NO_CHECK_TIME)
        case .at(let date):
            X509_VERIFY_PARAM_set_time(param, time_t(date.timeIntervalSince1970.rounded(.down)))
        }
        X509_VERIFY_PARAM_set_flags(param, flags)

        let ok = X509_verify_cert(ctx) == 1
        if let built = X509_STORE_CTX_get1_chain(ctx) {
            for i in 0..<COpenSSL_sk_X509_num(built) {
                if let c = COpenSSL_sk_X509_value(built, i), let wrapped = try? X509Certificate(retaining: c) { chain.append(wrapped) }
            }
            COpenSSL_sk_X509_pop_free(built)
        }
        if !ok {
            let err = X509_STORE_CTX_get_error(ctx)
            let depth = X509_STORE_CTX_get_error_depth(ctx)
            let reason = String(cString: X509_verify_cert_error_string(Int(err)))
            let subject = X509_STORE_CTX_get_current_cert(ctx).map { X509Certificate.name(X509_get_subject_name($0)) } ?? signer.subject
            let code: VerificationCode
            switch err {
            case X509_V_ERR_CERT_HAS_EXPIRED: code = .chainExpired
            case X509_V_ERR_CERT_NOT_YET_VALID: code = .chainNotYetValid
            case X509_V_ERR_CERT_SIGNATURE_FAILURE: code = .chainSignatureInvalid
            case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
                 X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN,
                 X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
                code = .chainUntrusted
            case X509_V_ERR_INVALID_CA, X509_V_ERR_PATH_LENGTH_EXCEEDED, X509_V_ERR_INVALID_PURPOSE:
                code = .chainInvalidCa
            default: code = .chainInvalid
            }
            let text: String
            if code == .chainUntrusted {
                text = "signer \(signer.subject) does not chain to any trust anchor (\(reason) at depth \(depth): \(subject))"
            } else {
                text = "chain of signer \(signer.subject) is invalid: \(reason) at depth \(depth) (\(subject))"
            }
            report.fail(code, text, component: component)
        } else {
            report.pass("chain to trust anchor \(chain.last?.subject ?? "?")")
        }
        OpenSSL.clearErrors()
        return ChainVerification(report: report, chain: chain)
    }
}
