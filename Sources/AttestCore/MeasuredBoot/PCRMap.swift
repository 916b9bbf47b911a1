/// What `hostattest boot` measures into which PCR, following the TCG PC Client PFP (r1.05, 3.3.4)
/// for the firmware and boot-manager PCRs and the systemd convention for the OS range:
///
/// | PCR | events |
/// |---|---|
/// | 0 | EV_S_CRTM_VERSION: the version of the measuring pipeline; EV_SEPARATOR |
/// | 1–3, 5, 6 | EV_SEPARATOR only |
/// | 4 | EV_EFI_ACTION "Calling EFI Application from Boot Option"; EV_SEPARATOR; EV_EFI_BOOT_SERVICES_APPLICATION (Authenticode digest) of the bootloader, then of the kernel |
/// | 7 | Secure Boot policy: SecureBoot (1 enforce, 0 measure-only), PK, KEK, db (platform anchors), dbx (deny list), HostattestPolicy (boot vendor and VIB CAs, profile); EV_SEPARATOR; then EV_EFI_VARIABLE_AUTHORITY of the anchor that verified the bootloader (`db`) and of the vendor certificate that verified the kernel (`Shim`), or an EV_EFI_ACTION naming a component that failed verification (measure-only) |
/// | 8 | EV_IPL: `boot.cfg` (path, SHA-256, verdict) |
/// | 12 | EV_IPL: the kernel options |
/// | 13 | EV_IPL: each module `boot.cfg` loads, in order: a VIB (file, name, version, vendor, level, descriptor and file SHA-256, verdict) or another file (path, SHA-256, verdict) |
///
/// Every event in PCRs 7, 8, 12 and 13 (except the authorities' certificates) carries data its
/// digests cover, so a verifier can name a component from covered data only.
public enum PCRMap {
    public static let pipelineVersion = 0
    public static let bootManagerCode = 4
    public static let secureBootPolicy = 7
    public static let bootConfig = 8
    public static let kernelOptions = 12
    public static let modules = 13
    /// The PCRs a boot by hostattest extends (the others stay at their reset values).
    public static let measured: [Int] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 13]
    /// PCRs that depend only on the boot chain (what a predicted baseline governs).
    public static let imagePCRs: [Int] = [4, 7, 8, 12, 13]

    /// Which PCRs a failing component changes, relative to the same boot with a good component.
    public static func pcrs(affectedBy kind: MeasuredComponent.Kind) -> [Int] {
        switch kind {
        case .bootloader, .kernel: [bootManagerCode, secureBootPolicy]
        case .bootConfig: [bootConfig]
        case .kernelOptions: [kernelOptions]
        case .vib, .file: [modules]
        }
    }
}
