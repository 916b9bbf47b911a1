/// Reading the EK certificates TPMs really ship, which bend DER: some carry trailing padding after
/// the certificate (the NV index is larger than the DER), some encode names with SET members out of
/// DER order. Only the padding is trimmed here (bytes after the outer SEQUENCE that are all 0x00 or
/// all 0xFF); OpenSSL parses non-DER name ordering and checks the signature over the bytes as
/// encoded, so nothing is accepted without the issuer's signature verifying.
public enum EKCertificate {
    /// The largest EK certificate read (TPM NV indices hold a few KiB).
    public static let maxSize = 16 << 10

    /// Parses one EK certificate (DER, or PEM) after trimming trailing padding.
    public static func parse(_ bytes: [UInt8]) throws -> X509Certificate {
        guard bytes.count <= maxSize else {
            throw ParseError("EK certificate", "\(bytes.count) bytes; the limit is \(maxSize)", code: .ekCertificateMalformed)
        }
        if PEM.looksLikePEM(bytes) {
            guard let first = try X509Certificate.load(bytes).first else {
                throw ParseError("EK certificate", "no certificate in the PEM text", code: .ekCertificateMalformed)
            }
            return first
        }
        return try X509Certificate(derEncoded: trimmed(bytes))
    }

    /// The DER with trailing all-zero or all-0xFF padding removed; otherwise unchanged (so other
    /// trailing bytes are still refused by the parser).
    static func trimmed(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.count >= 4, bytes[0] == 0x30 else { return bytes }
        var length = 0, header = 2
        let first = Int(bytes[1])
        if first < 0x80 {
            length = first
        } else {
            let n = first & 0x7f
            guard (1...3).contains(n), bytes.count >= 2 + n else { return bytes }
            for i in 0..<n { length = length << 8 | Int(bytes[2 + i]) }
            header = 2 + n
        }
        let end = header + length
        guard end < bytes.count else { return bytes }
        let tail = bytes[end...]
        if tail.allSatisfy({ $0 == 0 }) || tail.allSatisfy({ $0 == 0xff }) { return Array(bytes[..<end]) }
        return bytes
    }
}
