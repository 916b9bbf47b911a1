import Foundation

extension PEImage {
    /// The shim convention's section name for an embedded vendor certificate.
    public static let vendorCertificateSectionName = ".vendor_cert"

    /// The DER X.509 certificate embedded in a `.vendor_cert` section, or nil if the image has no
    /// such section (or it is empty).
    ///
    /// Two layouts are accepted: the section starts with the certificate's DER SEQUENCE (possibly
    /// zero-padded to the file alignment; the DER length says where it ends), or shim's
    /// `cert_table` header (UINT32 vendor_authorized_size, vendor_deauthorized_size,
    /// vendor_authorized_offset, vendor_deauthorized_offset; offsets relative to the section start).
    /// Throws ``ParseError`` (`pe.bad-vendor-cert`) when the section is there but holds neither.
    public var vendorCertificate: [UInt8]? {
        get throws {
            guard let section = section(named: Self.vendorCertificateSectionName) else { return nil }
            let raw = [UInt8](rawData(of: section))
            let s = "IMAGE_SECTION_HEADER(.vendor_cert)"
            let base = Int(section.pointerToRawData)
            if raw.isEmpty || raw.allSatisfy({ $0 == 0 }) { return nil }
            if raw.first == 0x30 {
                let length = try Self.derElementLength(raw[...], structure: s, baseOffset: base)
                return Array(raw[0..<length])
            }
            // shim's cert_table: sizes and offsets of the authorised certificate and the deny list.
            var r = ByteReader(raw, structure: s, baseOffset: base)
            let authorizedSize = Int(try r.u32le("vendor_authorized_size"))
            _ = try r.u32le("vendor_deauthorized_size")
            let authorizedOffset = Int(try r.u32le("vendor_authorized_offset"))
            guard authorizedSize > 0 else { return nil }
            guard authorizedOffset <= raw.count, authorizedSize <= raw.count - authorizedOffset else {
                throw ParseError(s, at: base, "vendor_authorized 0x\(String(authorizedOffset, radix: 16))+0x\(String(authorizedSize, radix: 16)) runs past the section's \(raw.count) bytes", code: .peBadVendorCert)
            }
            let cert = Array(raw[authorizedOffset..<(authorizedOffset + authorizedSize)])
            guard cert.first == 0x30 else {
                throw ParseError(s, at: base + authorizedOffset, "vendor certificate is not a DER SEQUENCE", code: .peBadVendorCert)
            }
            let length = try Self.derElementLength(cert[...], structure: s, baseOffset: base + authorizedOffset)
            return Array(cert[0..<length])
        }
    }

    /// Total length (tag + length + contents) of the DER element at the start of `bytes`; throws if
    /// it is indefinite, over-long, or runs past the end.
    static func derElementLength(_ bytes: ArraySlice<UInt8>, structure: String, baseOffset: Int) throws -> Int {
        let b = Array(bytes)
        guard b.count >= 2 else {
            throw ParseError(structure, at: baseOffset, "truncated DER header", code: .peBadVendorCert)
        }
        let first = b[1]
        var header = 2
        var length = 0
        if first < 0x80 {
            length = Int(first)
        } else {
            let n = Int(first & 0x7F)
            guard n >= 1, n <= 4, b.count >= 2 + n else {
                throw ParseError(structure, at: baseOffset + 1, "unsupported or truncated DER length (0x\(String(first, radix: 16)))", code: .peBadVendorCert)
            }
            for i in 0..<n { length = (length << 8) | Int(b[2 + i]) }
            header += n
        }
        guard length <= b.count - header else {
            throw ParseError(structure, at: baseOffset, "DER length \(length) runs past the section's \(b.count) bytes", code: .peBadVendorCert)
        }
        return header + length
    }
}
