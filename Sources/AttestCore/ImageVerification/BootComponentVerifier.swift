import Foundation

/// The boot part of an image verification (bootloader and kernel), provided by the PE/Authenticode
/// implementation. Kept behind a protocol so the image verifier depends only on this contract;
/// an implementation holds its own deny list (dbx).
public protocol BootComponentVerifier: Sendable {
    /// The Authenticode SHA-256 of a PE image (certificate table excluded). Throws for a malformed PE.
    func authenticodeSHA256(of image: Data) throws -> [UInt8]
    /// Verifies a bootloader's Authenticode signature against the platform anchors (UEFI `db`) and
    /// the deny list, and returns the vendor certificate it carries (`.vendor_cert`), if any.
    func verifyBootloader(_ image: Data, anchors: [X509Certificate], component: String) -> BootComponentVerification
    /// Verifies a kernel against the vendor certificate carried by the verified bootloader.
    func verifyKernel(_ image: Data, vendorCertificates: [X509Certificate], component: String) -> BootComponentVerification
}

/// What a ``BootComponentVerifier`` found for one component.
public struct BootComponentVerification: Sendable {
    public var report: VerificationReport
    public var authenticodeSHA256: [UInt8]?
    /// For a bootloader: the vendor certificate it carries (only meaningful when `report` is valid).
    public var vendorCertificate: X509Certificate?
    /// The trust anchor the verified signature chains to (the last certificate of its chain); nil
    /// unless the signature verified. Measured boot records it in PCR 7 (EV_EFI_VARIABLE_AUTHORITY).
    public var authority: X509Certificate?

    public init(report: VerificationReport, authenticodeSHA256: [UInt8]? = nil, vendorCertificate: X509Certificate? = nil,
                authority: X509Certificate? = nil) {
        self.report = report
        self.authenticodeSHA256 = authenticodeSHA256
        self.vendorCertificate = vendorCertificate
        self.authority = authority
    }
}

/// A stand-in used when no PE implementation is linked: every boot component fails with
/// `boot.verifier-unavailable` (never a pass).
public struct UnavailableBootComponentVerifier: BootComponentVerifier {
    public init() {}
    struct Unavailable: Error, CustomStringConvertible { var description: String { "PE/Authenticode verification is not available in this build" } }
    public func authenticodeSHA256(of image: Data) throws -> [UInt8] { throw Unavailable() }
    public func verifyBootloader(_ image: Data, anchors: [X509Certificate], component: String) -> BootComponentVerification {
        var r = VerificationReport(); r.fail(.bootVerifierUnavailable, "PE/Authenticode verification is not available in this build", component: component)
        return BootComponentVerification(report: r)
    }
    public func verifyKernel(_ image: Data, vendorCertificates: [X509Certificate], component: String) -> BootComponentVerification {
        var r = VerificationReport(); r.fail(.bootVerifierUnavailable, "PE/Authenticode verification is not available in this build", component: component)
        return BootComponentVerification(report: r)
    }
}
