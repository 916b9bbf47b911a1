import Foundation

/// WIN_CERTIFICATE (PE Format, "The Attribute Certificate Table (Image Only)"; UEFI 2.10, 32.2.4):
/// one entry of the attribute certificate table.
///
/// Entries are quadword-aligned: `dwLength` counts the 8-byte header and `bCertificate` but not the
/// zero padding that follows up to the next multiple of 8.
public struct WinCertificate: Sendable, Hashable {
    /// WIN_CERT_REVISION_2_0.
    public static let revision2: UInt16 = 0x0200
    /// WIN_CERT_TYPE_PKCS_SIGNED_DATA: `bCertificate` is a PKCS#7 SignedData (Authenticode).
    public static let typePKCSSignedData: UInt16 = 0x0002
    /// WIN_CERT_TYPE_EFI_GUID (UEFI 2.10, 32.2.4).
    public static let typeEFIGUID: UInt16 = 0x0EF1

    /// File offset of this entry.
    public var offset: Int
    public var length: UInt32
    public var revision: UInt16
    public var certificateType: UInt16
    /// `bCertificate`: `length - 8` bytes.
    public var certificate: [UInt8]

    public init(offset: Int = 0, revision: UInt16 = WinCertificate.revision2, certificateType: UInt16 = WinCertificate.typePKCSSignedData, certificate: [UInt8]) {
        self.offset = offset
        self.length = UInt32(truncatingIfNeeded: certificate.count + 8)
        self.revision = revision
        self.certificateType = certificateType
        self.certificate = certificate
    }

    /// The entry as stored, zero-padded to a multiple of 8 bytes.
    public var encoded: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(certificate.count + 16)
        let length = UInt32(certificate.count + 8)
        withUnsafeBytes(of: length.littleEndian) { out.append(contentsOf: $0) }
        withUnsafeBytes(of: revision.littleEndian) { out.append(contentsOf: $0) }
        withUnsafeBytes(of: certificateType.littleEndian) { out.append(contentsOf: $0) }
        out += certificate
        while out.count % 8 != 0 { out.append(0) }
        return out
    }

    /// Parses every entry of a certificate table occupying `range` of `data` (bounds already checked).
    /// Trailing bytes too short for another header must be zero padding.
    static func parseTable(_ data: Data, range: Range<Int>) throws -> [WinCertificate] {
        let s = "WIN_CERTIFICATE"
        let r = RawReader(data)
        var entries: [WinCertificate] = []
        var at = range.lowerBound
        while range.upperBound - at >= 8 {
            let length = try r.u32(at, s, "dwLength")
            let revision = try r.u16(at + 4, s, "wRevision")
            let type = try r.u16(at + 6, s, "wCertificateType")
            if length == 0 && revision == 0 && type == 0 && entries.count > 0 {
                // Zero padding at the end of the table.
                break
            }
            guard entries.count < PEImage.maxCertificateEntries else {
                throw ParseError(s, at: at, "the certificate table holds more than \(PEImage.maxCertificateEntries) entries", code: .peTooManyCertificateEntries)
            }
            guard length >= 8 else {
                throw ParseError(s, at: at, "dwLength \(length) is shorter than the 8-byte header", code: .peBadWinCertificate)
            }
            guard Int(length) <= range.upperBound - at else {
                throw ParseError(s, at: at, "dwLength \(length) runs past the end of the certificate table (0x\(String(range.upperBound, radix: 16)))", code: .peCertTableOutOfBounds)
            }
            let body = r.slice((at + 8)..<(at + Int(length)))
            var entry = WinCertificate(offset: at, revision: revision, certificateType: type, certificate: body)
            entry.length = length
            entries.append(entry)
            let padded = (Int(length) + 7) & ~7
            at += padded
        }
        if at < range.upperBound {
            let rest = r.slice(at..<range.upperBound)
            guard rest.allSatisfy({ $0 == 0 }) else {
                throw ParseError(s, at: at, "\(rest.count) trailing bytes in the certificate table are not zero padding", code: .peBadWinCertificate)
            }
        }
        return entries
    }
}
