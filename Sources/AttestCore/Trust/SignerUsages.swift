internal import COpenSSL

/// The usage extensions of a signer certificate as ``SignerPolicy`` reads them (RFC 5280, 4.2.1.3
/// keyUsage, 4.2.1.12 extKeyUsage), from the certificate OpenSSL already parsed.
struct SignerUsages {
    static let codeSigning = "1.3.6.1.5.5.7.3.3"
    static let anyUsage = "2.5.29.37.0"

    struct Unreadable: Error, CustomStringConvertible {
        var description: String { "OpenSSL marks its extensions invalid" }
    }

    /// nil when there is no keyUsage extension.
    let digitalSignature: Bool?
    let keyUsageText: String
    /// Dotted OIDs; nil when there is no extendedKeyUsage extension.
    let extendedKeyUsages: [String]?

    init(_ certificate: X509Certificate) throws {
        let x509 = certificate.x509
        let flags = X509_get_extension_flags(x509)
        guard flags & UInt32(EXFLAG_INVALID) == 0 else { throw Unreadable() }
        if flags & UInt32(EXFLAG_KUSAGE) != 0 {
            let ku = X509_get_key_usage(x509)
            digitalSignature = ku & UInt32(KU_DIGITAL_SIGNATURE) != 0
            let names: [(Int32, String)] = [
                (KU_DIGITAL_SIGNATURE, "digitalSignature"), (KU_NON_REPUDIATION, "nonRepudiation"),
                (KU_KEY_ENCIPHERMENT, "keyEncipherment"), (KU_DATA_ENCIPHERMENT, "dataEncipherment"),
                (KU_KEY_AGREEMENT, "keyAgreement"), (KU_KEY_CERT_SIGN, "keyCertSign"), (KU_CRL_SIGN, "cRLSign"),
            ]
            let set = names.filter { ku & UInt32($0.0) != 0 }.map(\.1)
            keyUsageText = "keyUsage " + (set.isEmpty ? "empty" : set.joined(separator: ", "))
        } else {
            digitalSignature = nil
            keyUsageText = "no keyUsage"
        }
        if flags & UInt32(EXFLAG_XKUSAGE) != 0 {
            guard let raw = X509_get_ext_d2i(x509, NID_ext_key_usage, nil, nil) else { throw Unreadable() }
            let stack = OpaquePointer(raw)
            defer { EXTENDED_KEY_USAGE_free(stack) }
            var oids: [String] = []
            for i in 0..<COpenSSL_sk_ASN1_OBJECT_num(stack) {
                guard let object = COpenSSL_sk_ASN1_OBJECT_value(stack, i) else { continue }
                var buffer = [CChar](repeating: 0, count: 128)
                let n = OBJ_obj2txt(&buffer, Int32(buffer.count), object, 1)
                guard n > 0, Int(n) < buffer.count else { throw Unreadable() }
                oids.append(String(cString: buffer))
            }
            extendedKeyUsages = oids
        } else {
            extendedKeyUsages = nil
        }
    }

    var ekuText: String {
        guard let ekus = extendedKeyUsages else { return "no extended key usage" }
        return ekus.isEmpty ? "an empty extended key usage" : "extended key usage " + ekus.joined(separator: ", ")
    }
}
