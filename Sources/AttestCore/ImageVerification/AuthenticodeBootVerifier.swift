import Foundation

/// ``BootComponentVerifier`` over the Authenticode verifier: the bootloader against the platform
/// anchors (UEFI db semantics) and dbx; the kernel against the vendor certificate the bootloader carries.
public struct AuthenticodeBootVerifier: BootComponentVerifier {
    public let dbx: DenyList

    public init(dbx: DenyList) { self.dbx = dbx }

    public func authenticodeSHA256(of image: Data) throws -> [UInt8] {
        try PEImage(bytes: image).authenticodeDigest(.sha256)
    }

    public func verifyBootloader(_ image: Data, anchors: [X509Certificate], component: String) -> BootComponentVerification {
        verify(image, anchors: anchors, component: component, wantVendor: true)
    }

    public func verifyKernel(_ image: Data, vendorCertificates: [X509Certificate], component: String) -> BootComponentVerification {
        verify(image, anchors: vendorCertificates, component: component, wantVendor: false)
    }

    private func verify(_ bytes: Data, anchors: [X509Certificate], component: String, wantVendor: Bool) -> BootComponentVerification {
        let pe: PEImage
        do { pe = try PEImage(bytes: bytes) } catch {
            var r = VerificationReport()
            r.fail(.authenticodeMalformed, "not a PE image: \(error)", component: component)
            return BootComponentVerification(report: r)
        }
        // The deployment gate is strict: no SHA-1, and no data hidden in a certificate table.
        let v = AuthenticodeVerifier.verify(pe, anchors: anchors, dbx: dbx, component: component,
                                            options: AuthenticodeOptions(allowWeakAlgorithms: false, strictCertificateTable: true))
        var report = v.report
        var vendor: X509Certificate? = nil
        if wantVendor {
            do {
                if let der = try pe.vendorCertificate { vendor = try X509Certificate(derEncoded: der) }
            } catch {
                report.fail(.bootVendorCertMalformed, "the .vendor_cert section is malformed: \(error)", component: component)
            }
        }
        return BootComponentVerification(report: report, authenticodeSHA256: v.digests[.sha256] ?? pe.authenticodeDigest(.sha256), vendorCertificate: vendor,
                                         authority: v.verified?.chain.last)
    }
}
