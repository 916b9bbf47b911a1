import Foundation

/// Finds data hidden in a PE image's attribute certificate table: bytes that no signature covers and
/// no verifier reads, where a signed image can carry a payload without changing its Authenticode
/// digest (the table is excluded from it).
///
/// What is allowed: `WIN_CERTIFICATE` entries (revision 0x0200, `WIN_CERT_TYPE_PKCS_SIGNED_DATA`)
/// holding one DER PKCS#7 SignedData each, followed inside `bCertificate` by at most 7 zero bytes (the
/// quadword padding signtool and sbsign put there), and after each entry at most 7 zero bytes up to
/// the next multiple of 8. Everything else is a finding:
/// - `pe.cert-trailing-data`: bytes after the DER signature inside `bCertificate` beyond that padding,
///   or any non-zero byte there;
/// - `pe.cert-padding-nonzero`: the alignment padding after an entry is not all zero;
/// - `pe.cert-table-slack`: the table runs on after its last entry's padding (zero bytes; the parser
///   already refuses anything else there);
/// - `pe.cert-bad-revision`: an entry's `wRevision` is not 0x0200;
/// - `pe.cert-unsupported-type`: an entry that is not `WIN_CERT_TYPE_PKCS_SIGNED_DATA`;
/// - `pe.cert-unparsable`: an entry whose content is not an Authenticode signature.
///
/// Linear in the table size: every byte is looked at at most once.
public enum CertificateTableAudit {
    /// Every code ``findings(in:component:)`` can report.
    public static let codes: Set<VerificationCode> = [
        .peCertTrailingData, .peCertPaddingNonzero, .peCertTableSlack,
        .peCertBadRevision, .peCertUnsupportedType, .peCertUnparsable,
    ]

    public static func findings(in image: PEImage, component: String) -> [Finding] {
        guard let table = image.certificateTable else { return [] }
        var out: [Finding] = []
        var end = table.lowerBound
        for (i, entry) in image.certificates.enumerated() {
            let name = "\(component) certificate table entry #\(i + 1) at 0x\(String(entry.offset, radix: 16))"
            if entry.revision != WinCertificate.revision2 {
                out.append(Finding(.peCertBadRevision, "\(name): wRevision 0x\(String(entry.revision, radix: 16)) is not WIN_CERT_REVISION_2_0 (0x0200)", component: component))
            }
            if entry.certificateType != WinCertificate.typePKCSSignedData {
                out.append(Finding(.peCertUnsupportedType, "\(name): wCertificateType 0x\(String(entry.certificateType, radix: 16)) is not a PKCS#7 Authenticode signature; \(entry.certificate.count) bytes no verifier reads", component: component))
            } else if let length = try? PEImage.derElementLength(entry.certificate[...], structure: "PKCS7_SIGNED_DATA", baseOffset: entry.offset + 8),
                      (try? AuthenticodeSignature(derEncoded: entry.certificate)) != nil {
                let rest = entry.certificate[length...]
                if rest.count >= 8 || rest.contains(where: { $0 != 0 }) {
                    out.append(Finding(.peCertTrailingData, "\(name): \(rest.count) bytes after the \(length)-byte signature inside the entry are not quadword zero padding (no signature covers them)", component: component))
                }
            } else {
                out.append(Finding(.peCertUnparsable, "\(name): the \(entry.certificate.count)-byte entry is not an Authenticode signature", component: component))
            }
            let entryEnd = entry.offset + Int(entry.length)
            let paddedEnd = min(entry.offset + ((Int(entry.length) + 7) & ~7), table.upperBound)
            if entryEnd < paddedEnd, image.bytes[(image.bytes.startIndex + entryEnd)..<(image.bytes.startIndex + paddedEnd)].contains(where: { $0 != 0 }) {
                out.append(Finding(.peCertPaddingNonzero, "\(name): the \(paddedEnd - entryEnd) alignment bytes after the entry are not zero", component: component))
            }
            end = max(end, paddedEnd)
        }
        if end < table.upperBound {
            out.append(Finding(.peCertTableSlack, "\(component): the certificate table has \(table.upperBound - end) bytes after its last entry (UEFI firmware refuses such a table)", component: component))
        }
        return out
    }
}
