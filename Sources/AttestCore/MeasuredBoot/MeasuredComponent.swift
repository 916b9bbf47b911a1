import Foundation

/// One component of a host image as measured boot sees it, in boot order, with the outcome of its
/// verification. Built from an ``ImageVerification`` (or by tests); the planner never reads files.
public struct MeasuredComponent: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case bootloader, kernel
        case bootConfig = "boot-config"
        case kernelOptions = "kernel-options"
        case vib, file
    }

    /// The VIB a module carries, as its signed descriptor says.
    public struct VIBIdentity: Sendable, Hashable, Codable {
        public var name: String
        public var version: String
        public var vendor: String
        public var acceptanceLevel: String
        public var descriptorSHA256: [UInt8]
        public init(name: String, version: String, vendor: String, acceptanceLevel: String, descriptorSHA256: [UInt8]) {
            self.name = name; self.version = version; self.vendor = vendor
            self.acceptanceLevel = acceptanceLevel; self.descriptorSHA256 = descriptorSHA256
        }
    }

    public var kind: Kind
    /// The path relative to the image directory (as `boot.cfg` resolves it), or the option text's source.
    public var path: String
    /// SHA-256 of the file (nil for kernel options).
    public var sha256: [UInt8]?
    /// Authenticode digests per PCR bank (bootloader and kernel only).
    public var authenticode: [DigestAlgorithm: [UInt8]]
    /// The PE's ImageBase and file size (for UEFI_IMAGE_LOAD_EVENT; not covered by the digest).
    public var imageBase: UInt64
    public var imageSize: UInt64
    /// The certificate that verified this PE (a `db` anchor for the bootloader, the vendor certificate for the kernel).
    public var authority: X509Certificate?
    public var vib: VIBIdentity?
    /// The kernel options (kind `kernel-options`).
    public var value: String?
    /// Every failed check; empty when the component verified.
    public var failures: [Finding]

    public var verified: Bool { failures.isEmpty }

    public init(kind: Kind, path: String, sha256: [UInt8]? = nil, authenticode: [DigestAlgorithm: [UInt8]] = [:],
                imageBase: UInt64 = 0, imageSize: UInt64 = 0, authority: X509Certificate? = nil, vib: VIBIdentity? = nil,
                value: String? = nil, failures: [Finding] = []) {
        self.kind = kind; self.path = path; self.sha256 = sha256; self.authenticode = authenticode
        self.imageBase = imageBase; self.imageSize = imageSize; self.authority = authority; self.vib = vib
        self.value = value; self.failures = failures
    }

    /// "VIB net-demo-nic 1.4.2-1", "kernel kernel.efi", … (for messages).
    public var displayName: String {
        if let vib { return "VIB \(vib.name) \(vib.version)" }
        return "\(kind.rawValue) \(path)"
    }
}
