internal import COpenSSL
import Foundation

/// An X.509 certificate, parsed and held by OpenSSL so that CMS, PKCS#7 and chain verification can
/// use it. Equality is byte equality of the DER encoding.
///
/// Parsing a certificate does not make it trusted: trust comes only from ``ChainVerifier`` with
/// anchors the caller chose.
public final class X509Certificate: @unchecked Sendable, Hashable, CustomStringConvertible {
    /// OpenSSL `X509*`, owned (freed in deinit). Immutable after init, so safe to share across threads.
    let x509: OpaquePointer
    /// The DER encoding.
    public let derEncoded: [UInt8]

    /// Takes ownership of one reference to `x509`.
    init(owning x509: OpaquePointer) throws {
        self.x509 = x509
        var out: UnsafeMutablePointer<UInt8>? = nil
        let n = i2d_X509(x509, &out)
        guard n > 0, let out else {
            X509_free(x509)
            throw OpenSSL.error("i2d_X509")
        }
        derEncoded = Array(UnsafeBufferPointer(start: out, count: Int(n)))
        CRYPTO_free(out, #fileID, #line)
    }

    /// Wraps a borrowed `X509*` by taking a new reference to it.
    convenience init(retaining x509: OpaquePointer) throws {
        X509_up_ref(x509)
        try self.init(owning: x509)
    }

    /// Parses one DER-encoded certificate. Trailing bytes are an error.
    public convenience init(derEncoded der: [UInt8]) throws {
        guard !der.isEmpty, der.count <= Int(Int32.max) else {
            throw ParseError("Certificate", at: 0, "empty or oversized DER (\(der.count) bytes)", code: .certMalformed)
        }
        OpenSSL.clearErrors()
        let parsed: (OpaquePointer?, Int) = der.withUnsafeBufferPointer { buffer in
            var p: UnsafePointer<UInt8>? = buffer.baseAddress
            let cert = d2i_X509(nil, &p, buffer.count)
            let consumed = p.map { $0 - buffer.baseAddress! } ?? 0
            return (cert, consumed)
        }
        guard let cert = parsed.0 else {
            throw ParseError("Certificate", at: 0, "not a DER X.509 certificate (\(OpenSSL.error("d2i_X509").reasons.first ?? "parse error"))", code: .certMalformed)
        }
        guard parsed.1 == der.count else {
            X509_free(cert)
            throw ParseError("Certificate", at: parsed.1, "\(der.count - parsed.1) trailing bytes after the certificate", code: .certMalformed)
        }
        try self.init(owning: cert)
    }

    /// Loads every certificate from PEM text (one or more `CERTIFICATE` blocks) or a single DER
    /// certificate, whichever `bytes` holds. Throws if there is none.
    public static func load(_ bytes: [UInt8]) throws -> [X509Certificate] {
        if PEM.looksLikePEM(bytes) {
            let blocks = try PEM.blocks(in: bytes, structure: "PEM certificate file")
            let certs = try blocks.filter { $0.label == "CERTIFICATE" || $0.label == "TRUSTED CERTIFICATE" }
                .map { try X509Certificate(derEncoded: $0.der) }
            guard !certs.isEmpty else {
                throw ParseError("PEM certificate file", "no CERTIFICATE block found", code: .certMalformed)
            }
            return certs
        }
        return [try X509Certificate(derEncoded: bytes)]
    }

    deinit { X509_free(x509) }

    /// Subject distinguished name, RFC 2253 style (`CN=…,O=…`).
    public var subject: String { Self.name(X509_get_subject_name(x509)) }
    /// Issuer distinguished name, RFC 2253 style.
    public var issuer: String { Self.name(X509_get_issuer_name(x509)) }

    /// The serial number in upper-case hexadecimal.
    public var serialNumberHex: String {
        guard let serial = X509_get0_serialNumber(x509), let bn = ASN1_INTEGER_to_BN(serial, nil) else { return "" }
        defer { BN_free(bn) }
        guard let hex = BN_bn2hex(bn) else { return "" }
        defer { CRYPTO_free(hex, #fileID, #line) }
        return String(cString: hex)
    }

    /// SHA-256 over the DER encoding: how deny lists (dbx) and pins name a certificate.
    public var sha256Fingerprint: [UInt8] { DigestAlgorithm.sha256.hash(derEncoded) }

    public var notBefore: Date? { Self.date(X509_get0_notBefore(x509)) }
    public var notAfter: Date? { Self.date(X509_get0_notAfter(x509)) }

    /// The DER SubjectPublicKeyInfo.
    public var publicKeyDER: [UInt8] {
        guard let key = X509_get0_pubkey(x509) else { return [] }
        var out: UnsafeMutablePointer<UInt8>? = nil
        let n = i2d_PUBKEY(key, &out)
        guard n > 0, let out else { return [] }
        defer { CRYPTO_free(out, #fileID, #line) }
        return Array(UnsafeBufferPointer(start: out, count: Int(n)))
    }

    /// Whether subject and issuer names are equal (a root, or a self-issued certificate).
    public var isSelfIssued: Bool {
        X509_NAME_cmp(X509_get_subject_name(x509), X509_get_issuer_name(x509)) == 0
    }

    /// Whether the certificate may act as a CA (basicConstraints CA:TRUE).
    public var isCA: Bool { X509_check_ca(x509) > 0 }

    /// Whether an extended key usage extension is present and allows code signing. Nil when the
    /// certificate has no EKU extension (which allows any usage).
    public var allowsCodeSigning: Bool? {
        let flags = X509_get_extension_flags(x509)
        guard flags & UInt32(EXFLAG_XKUSAGE) != 0 else { return nil }
        return X509_get_extended_key_usage(x509) & UInt32(XKU_CODE_SIGN | XKU_ANYEKU) != 0
    }

    /// Whether a key usage extension is present and allows digital signatures. Nil when absent.
    public var allowsDigitalSignature: Bool? {
        let flags = X509_get_extension_flags(x509)
        guard flags & UInt32(EXFLAG_KUSAGE) != 0 else { return nil }
        return X509_get_key_usage(x509) & UInt32(KU_DIGITAL_SIGNATURE) != 0
    }

    /// PEM text of this certificate.
    public var pemEncoded: String { PEM.encode(der: derEncoded, label: "CERTIFICATE") }

    public var description: String { "\(subject) (SHA-256 \(sha256Fingerprint.hex.prefix(16))…)" }

    public static func == (a: X509Certificate, b: X509Certificate) -> Bool { a.derEncoded == b.derEncoded }
    public func hash(into hasher: inout Hasher) { hasher.combine(derEncoded) }

    static func name(_ name: OpaquePointer?) -> String {
        guard let name, let bio = BIO_new(BIO_s_mem()) else { return "" }
        defer { BIO_free(bio) }
        guard X509_NAME_print_ex(bio, name, 0, COpenSSL_XN_FLAG_RFC2253()) >= 0 else { return "" }
        return BIOText.read(bio)
    }

    static func date(_ time: UnsafePointer<ASN1_TIME>?) -> Date? {
        guard let time else { return nil }
        var tm = tm()
        guard ASN1_TIME_to_tm(time, &tm) == 1 else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&tm)))
    }
}

enum BIOText {
    static func read(_ bio: OpaquePointer) -> String {
        var data: UnsafeMutablePointer<CChar>? = nil
        let n = COpenSSL_BIO_get_mem_data(bio, &data)
        guard n > 0, let data else { return "" }
        return data.withMemoryRebound(to: UInt8.self, capacity: n) {
            String(decoding: UnsafeBufferPointer(start: $0, count: n), as: UTF8.self)
        }
    }

    static func bytes(_ bio: OpaquePointer) -> [UInt8] {
        var data: UnsafeMutablePointer<CChar>? = nil
        let n = COpenSSL_BIO_get_mem_data(bio, &data)
        guard n > 0, let data else { return [] }
        return data.withMemoryRebound(to: UInt8.self, capacity: n) { Array(UnsafeBufferPointer(start: $0, count: n)) }
    }
}
