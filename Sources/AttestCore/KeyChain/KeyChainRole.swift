/// One certificate of the hostattest signing key chain, with the file names other parts of
/// hostattest rely on (`<fileStem>.crt.pem` and `<fileStem>.key.pem`).
///
/// ```
/// platform-root (self-signed; UEFI db role)          signs bootloaders directly
/// boot-vendor-ca (self-signed; shim vendor_cert role) carried inside the bootloader
///   └─ kernel-signer                                  signs the kernel
/// vib-root-ca (self-signed)
///   ├─ vib-certified-ca ─ vib-certified-signer        VIB acceptance level "certified"
///   ├─ vib-accepted-ca  ─ vib-accepted-signer         VIB acceptance level "accepted"
///   ├─ vib-partner-ca   ─ vib-partner-signer          VIB acceptance level "partner"
///   └─ profile-ca       ─ profile-signer              image profiles (EKU SignerPolicy.profileSigningOID)
/// ```
public enum KeyChainRole: String, CaseIterable, Sendable, Codable {
    case platformRoot = "platform-root"
    case bootVendorCA = "boot-vendor-ca"
    case kernelSigner = "kernel-signer"
    case vibRootCA = "vib-root-ca"
    case vibCertifiedCA = "vib-certified-ca"
    case vibAcceptedCA = "vib-accepted-ca"
    case vibPartnerCA = "vib-partner-ca"
    case profileCA = "profile-ca"
    case vibCertifiedSigner = "vib-certified-signer"
    case vibAcceptedSigner = "vib-accepted-signer"
    case vibPartnerSigner = "vib-partner-signer"
    case profileSigner = "profile-signer"

    /// Where a certificate sits in its chain.
    public enum Kind: String, Sendable, Codable {
        /// Self-signed.
        case root
        /// A CA issued by a root.
        case intermediate
        /// An end-entity signing certificate.
        case leaf
    }

    /// `platform-root`, `vib-certified-signer`, …
    public var fileStem: String { rawValue }
    /// `platform-root.crt.pem`, …
    public var certificateFile: String { "\(rawValue).crt.pem" }
    /// `platform-root.key.pem`, … (written with mode 0600)
    public var privateKeyFile: String { "\(rawValue).key.pem" }

    /// The role whose key signs this certificate; nil for self-signed roots.
    public var issuer: KeyChainRole? {
        switch self {
        case .platformRoot, .bootVendorCA, .vibRootCA: nil
        case .kernelSigner: .bootVendorCA
        case .vibCertifiedCA, .vibAcceptedCA, .vibPartnerCA, .profileCA: .vibRootCA
        case .vibCertifiedSigner: .vibCertifiedCA
        case .vibAcceptedSigner: .vibAcceptedCA
        case .vibPartnerSigner: .vibPartnerCA
        case .profileSigner: .profileCA
        }
    }

    public var kind: Kind {
        switch self {
        case .platformRoot, .bootVendorCA, .vibRootCA: .root
        case .vibCertifiedCA, .vibAcceptedCA, .vibPartnerCA, .profileCA: .intermediate
        case .kernelSigner, .vibCertifiedSigner, .vibAcceptedSigner, .vibPartnerSigner, .profileSigner: .leaf
        }
    }

    /// Validity in years from generation: roots 20, intermediates 10, leaves 5.
    public var validityYears: Int {
        switch kind {
        case .root: 20
        case .intermediate: 10
        case .leaf: 5
        }
    }

    /// The common name after the "hostattest " / "hostattest DEMO " prefix.
    var commonNameSuffix: String {
        switch self {
        case .platformRoot: "Platform Root (db)"
        case .bootVendorCA: "Boot Vendor CA"
        case .kernelSigner: "Kernel Signer"
        case .vibRootCA: "VIB Root CA"
        case .vibCertifiedCA: "VIB Certified CA"
        case .vibAcceptedCA: "VIB Accepted CA"
        case .vibPartnerCA: "VIB Partner CA"
        case .vibCertifiedSigner: "VIB Certified Signer"
        case .vibAcceptedSigner: "VIB Accepted Signer"
        case .vibPartnerSigner: "VIB Partner Signer"
        case .profileCA: "Profile CA"
        case .profileSigner: "Profile Signer"
        }
    }

    /// The certificate's common name: `hostattest Platform Root (db)`, or with `DEMO` for the demo chain.
    public func commonName(demo: Bool) -> String {
        demo ? "hostattest DEMO \(commonNameSuffix)" : "hostattest \(commonNameSuffix)"
    }

    /// What the certificate is for, as one sentence (used in the generated README and `keys init` output).
    public var purpose: String {
        switch self {
        case .platformRoot:
            "Self-signed platform root in the UEFI `db` role: signs bootloaders (bootx64.efi) directly, like a self-made Secure Boot db key. Trust anchor `platform` in trust.json."
        case .bootVendorCA:
            "Self-signed boot vendor CA in the shim `vendor_cert` role: its DER is carried in the bootloader's `.vendor_cert` section and it issues the kernel signer. Listed as `bootVendor` in trust.json."
        case .kernelSigner:
            "Leaf issued by boot-vendor-ca: signs the kernel (kernel.efi)."
        case .vibRootCA:
            "Self-signed root of the VIB signing hierarchy: issues one CA per acceptance level and the profile CA. Listed as `vib.root` in trust.json (informational: nothing is anchored at it)."
        case .vibCertifiedCA:
            "Intermediate CA (pathLen 0) for VIBs at acceptance level `certified`. Pinned as `vib.certified` in trust.json."
        case .vibAcceptedCA:
            "Intermediate CA (pathLen 0) for VIBs at acceptance level `accepted`. Pinned as `vib.accepted` in trust.json."
        case .vibPartnerCA:
            "Intermediate CA (pathLen 0) for VIBs at acceptance level `partner`. Pinned as `vib.partner` in trust.json."
        case .vibCertifiedSigner:
            "Leaf issued by vib-certified-ca: signs VIBs at acceptance level `certified`."
        case .vibAcceptedSigner:
            "Leaf issued by vib-accepted-ca: signs VIBs at acceptance level `accepted`."
        case .vibPartnerSigner:
            "Leaf issued by vib-partner-ca: signs VIBs at acceptance level `partner`."
        case .profileCA:
            "Intermediate CA (pathLen 0) that issues image-profile signers only. Pinned as `profile` in trust.json: the only anchor for profile signatures."
        case .profileSigner:
            "Leaf issued by profile-ca with the image-profile-signing extended key usage (\(SignerPolicy.profileSigningOID)) and no other: signs image profiles (`profile sign`), and nothing else."
        }
    }
}
