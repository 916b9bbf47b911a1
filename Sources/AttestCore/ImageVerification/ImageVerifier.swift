import Foundation

/// Verifies a whole host image as the host would boot it, against a signed profile:
/// profile signature → bootloader (Authenticode, platform anchors) → `boot.cfg` (digest; it decides
/// what is loaded) → vendor certificate carried in the bootloader → the kernel `boot.cfg` names →
/// every module `boot.cfg` names, in load order (concurrently on all cores). Each loaded file is
/// matched to the profile binding at the same position and path: the kernel by file and Authenticode
/// SHA-256, a VIB by file SHA-256 and its signed descriptor (plus signature, chain, acceptance level,
/// payload checksums), any other module by file SHA-256. Files in the image that nothing loads are
/// reported as notes (`image.file-unreferenced`); they do not fail the image.
public enum ImageVerifier {
    public struct Options: Sendable {
        public var time: SignatureTimeRule
        public var deep: Bool
        public init(time: SignatureTimeRule = .signingTime, deep: Bool = false) {
            self.time = time; self.deep = deep
        }
    }

    /// - Parameters:
    ///   - profileBytes: the exact profile file bytes (what `profileSignature` signs).
    ///   - profileSignature: the `.p7s` bytes, or nil when there is none (refused: `profile.unsigned`).
    ///   - progress: called with the number of modules done, from any thread.
    /// - Throws: ``ImageInputError`` when `boot.cfg` is malformed or a loaded file cannot be read or
    ///   parsed, ``ParseError`` for a malformed profile.
    public static func verify(image: ImageContents, imageName: String = "image", profileBytes: [UInt8], profileName: String = "profile",
                              profileSignature: [UInt8]?, trust: TrustAnchors, revoked: VIBRevocations = .none,
                              boot: any BootComponentVerifier, options: Options = Options(),
                              progress: (@Sendable (Int) -> Void)? = nil) throws -> ImageVerification {
        let profile = try ImageProfile(jsonBytes: profileBytes)
        let cfg: BootConfig
        do { cfg = try BootConfig(bytes: image.bootConfig) } catch { throw ImageInputError(file: ImageContents.bootConfigPath, error: error) }
        var result = ImageVerification(image: imageName, profile: profileName, components: [], report: VerificationReport())

        // 1. The profile's own signature: a profile signer under a `profile` anchor (ProfileSignatureVerifier).
        let pr = ProfileSignatureVerifier.verify(profileBytes: profileBytes, signature: profileSignature, trust: trust,
                                                 revoked: revoked, time: options.time, component: profileName).report
        result.add(kind: "profile", name: profileName, pr)

        // Bootloader: the fixed path firmware loads.
        let blName = ImageContents.bootloaderPath
        var br = VerificationReport()
        checkPath(blName, expected: profile.bootloader.path, what: "bootloader", into: &br)
        let bl: BootComponentVerification
        if let tooLarge = checkSize(image.bootloader.count, profile: profile, name: blName) {
            br.merge(tooLarge)
            bl = BootComponentVerification(report: tooLarge)
        } else {
            let blSHA256 = DigestAlgorithm.sha256.hash(image.bootloader)
            result.measurement.bootloaderSHA256 = blSHA256
            checkDigest(blSHA256, expected: profile.bootloader.sha256, name: blName, code: .imageDigestMismatch, into: &br)
            bl = boot.verifyBootloader(image.bootloader, anchors: trust.platform, component: blName)
            br.merge(bl.report)
            checkAuthenticode(bl.authenticodeSHA256, expected: profile.bootloader.authenticodeSHA256, name: blName, into: &br)
        }
        result.add(kind: "bootloader", name: blName, br)
        result.measurement.bootloaderAuthority = bl.report.isValid ? bl.authority : nil
        result.measurement.sizeLimit = profile.largestFileSize
        result.measurement.profileName = profile.name
        result.measurement.profileVersion = profile.version
        result.measurement.hostAcceptance = profile.hostAcceptance.rawValue
        result.measurement.kernelPath = cfg.kernelPath
        result.measurement.kernelOptions = cfg.kernelOptions

        // boot.cfg: what the bootloader reads to decide what to load.
        result.add(kind: "boot-config", name: ImageContents.bootConfigPath, checkBootConfig(image.bootConfig, cfg, profile))

        // Kernel: prefix + kernel=, verified under the vendor certificate of the verified bootloader.
        let (kernelReport, kernelAuthority, kernelSHA256) = try verifyKernel(image, cfg.kernelPath, profile, bootloader: bl, trust: trust, boot: boot)
        result.add(kind: "kernel", name: cfg.kernelPath, kernelReport)
        result.measurement.kernelAuthority = kernelReport.isValid ? kernelAuthority : nil
        result.measurement.kernelSHA256 = kernelSHA256

        // Every module boot.cfg loads, matched by position and path.
        let vibOptions = VIBVerificationOptions(hostAcceptance: profile.hostAcceptance, time: options.time, deep: options.deep)
        let outcomes = try loadModules(cfg.modulePaths, image: image, sizeLimit: profile.largestFileSize, trust: trust, revoked: revoked,
                                       options: vibOptions, progress: progress)
        for (kind, name, report) in matchModules(outcomes, profile: profile) { result.add(kind: kind, name: name, report) }
        result.measurement.modules = outcomes.map { o in
            .init(path: o.path, sha256: o.sha256, vib: o.vib.map {
                MeasuredComponent.VIBIdentity(name: $0.name, version: $0.version, vendor: $0.vendor,
                                              acceptanceLevel: $0.level.rawValue, descriptorSHA256: $0.descriptorSHA256)
            })
        }

        var completeness = VerificationReport()
        for (i, m) in profile.modules.enumerated().dropFirst(outcomes.count) {
            completeness.fail(.imageModuleNotLoaded, "the profile binds \(m.path) at position \(i + 1), but boot.cfg does not load it", component: m.path)
        }
        if completeness.isValid { completeness.pass("boot.cfg loads exactly the \(profile.modules.count) module(s) the profile binds") }
        result.add(kind: "image", name: "profile completeness", completeness)

        result.notes = image.unreferenced.map {
            Finding(.imageFileUnreferenced, "in the image but nothing loads it (not verified)", component: $0)
        }
        return result
    }

    static func checkBootConfig(_ bytes: [UInt8], _ cfg: BootConfig, _ profile: ImageProfile) -> VerificationReport {
        let name = ImageContents.bootConfigPath
        var cr = VerificationReport()
        checkPath(name, expected: profile.bootConfig.path, what: "boot configuration", into: &cr)
        checkFileDigest(Data(bytes), expected: profile.bootConfig.sha256, name: name, into: &cr)
        let p = profile.bootConfig
        if cfg.prefix != p.prefix || (cfg.kernel ?? "") != p.kernel {
            cr.fail(.imageBootConfigMismatch, "prefix/kernel: expected \"\(p.prefix)\"/\"\(p.kernel)\", actual \"\(cfg.prefix)\"/\"\(cfg.kernel ?? "")\"", component: name)
        }
        if cfg.kernelOptions != p.kernelOptions {
            cr.fail(.imageBootConfigMismatch, "kernel options: expected \"\(p.kernelOptions)\", actual \"\(cfg.kernelOptions)\"", component: name)
        }
        if cfg.modules != p.modules {
            cr.fail(.imageBootConfigMismatch, "module list: expected \(p.modules), actual \(cfg.modules)", component: name)
        }
        return cr
    }

    static func verifyKernel(_ image: ImageContents, _ path: String, _ profile: ImageProfile, bootloader bl: BootComponentVerification,
                             trust: TrustAnchors, boot: any BootComponentVerifier) throws -> (VerificationReport, X509Certificate?, [UInt8]?) {
        var kr = VerificationReport()
        checkPath(path, expected: profile.kernel.path, what: "kernel", code: .imageKernelPathMismatch, into: &kr)
        guard !image.missing.contains(path) else {
            kr.fail(.imageKernelMissing, "boot.cfg loads the kernel \(path), which is not in the image", component: path)
            return (kr, nil, nil)
        }
        let kernel: Data
        do { kernel = try image.load(path) } catch { throw ImageInputError(file: path, error: error) }
        if let tooLarge = checkSize(kernel.count, profile: profile, name: path) {
            kr.merge(tooLarge)
            return (kr, nil, nil)
        }
        let kernelSHA256 = DigestAlgorithm.sha256.hash(kernel)
        checkDigest(kernelSHA256, expected: profile.kernel.sha256, name: path, code: .imageDigestMismatch, into: &kr)
        var vendor: [X509Certificate] = []
        if bl.report.isValid, let cert = bl.vendorCertificate {
            if trust.bootVendor.isEmpty || trust.bootVendor.contains(cert) {
                vendor = [cert]
                kr.pass("vendor certificate \(cert.subject) carried by the bootloader")
            } else {
                kr.fail(.bootVendorCertUntrusted, "the bootloader's vendor certificate \(cert.subject) is not a configured boot vendor", component: path)
            }
        } else if bl.report.isValid {
            kr.fail(.bootVendorCertMissing, "the bootloader carries no vendor certificate to verify the kernel with", component: path)
        } else {
            kr.fail(.bootChainBroken, "the bootloader did not verify, so its vendor certificate cannot be trusted", component: path)
        }
        if !vendor.isEmpty {
            let kv = boot.verifyKernel(kernel, vendorCertificates: vendor, component: path)
            kr.merge(kv.report)
            checkAuthenticode(kv.authenticodeSHA256, expected: profile.kernel.authenticodeSHA256, name: path, into: &kr)
        }
        return (kr, vendor.first, kernelSHA256)
    }

    /// A file larger than anything the profile binds is refused unread (`image.file-too-large`): the
    /// verifier's work is bounded by the signed profile, not by what was put in the image.
    static func checkSize(_ size: Int, profile: ImageProfile, name: String) -> VerificationReport? {
        let limit = profile.largestFileSize
        guard size > limit else { return nil }
        var r = VerificationReport()
        r.fail(.imageFileTooLarge, "\(name) is \(size) bytes, larger than any file the profile binds (\(limit) bytes): not read", component: name)
        return r
    }

    static func checkPath(_ actual: String, expected: String, what: String, code: VerificationCode = .imagePathMismatch, into report: inout VerificationReport) {
        if actual == expected { report.pass("\(what) path \(actual) matches the profile") } else {
            report.fail(code, "the bootloader loads the \(what) from \(actual); the profile binds \(expected)", component: actual)
        }
    }

    static func checkFileDigest(_ bytes: Data, expected: String, name: String, code: VerificationCode = .imageDigestMismatch, into report: inout VerificationReport) {
        checkDigest(DigestAlgorithm.sha256.hash(bytes), expected: expected, name: name, code: code, into: &report)
    }

    static func checkDigest(_ actual: [UInt8], expected: String, name: String, code: VerificationCode, into report: inout VerificationReport) {
        if let e = Hex.decode(expected), ConstantTime.equal(e, actual) {
            report.pass("\(name) SHA-256 matches the profile")
        } else {
            report.fail(code, "\(name) SHA-256: expected \(expected), actual \(actual.hex)", component: name)
        }
    }

    private static func checkAuthenticode(_ actual: [UInt8]?, expected: String, name: String, into report: inout VerificationReport) {
        guard let actual else { return }
        if let e = Hex.decode(expected), ConstantTime.equal(e, actual) {
            report.pass("\(name) Authenticode SHA-256 matches the profile")
        } else {
            report.fail(.imageAuthenticodeMismatch, "\(name) Authenticode SHA-256: expected \(expected), actual \(actual.hex)", component: name)
        }
    }
}

#if !canImport(ObjectiveC)
@inline(__always) func autoreleasepool<R>(_ body: () throws -> R) rethrows -> R { try body() }
#endif
