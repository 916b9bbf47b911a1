import Foundation

/// A host image as the verifier sees it: the boot files' bytes and a loader for each VIB, so VIBs
/// can be mapped one at a time and released (the verifier never holds the whole image in memory).
public struct ImageContents: Sendable {
    public var bootloader: Data
    public var kernel: Data
    public var bootConfig: [UInt8]
    /// VIB files relative to the image (`vibs/x.vib`), in the order they are found.
    public var vibFiles: [String]
    /// Returns the bytes of one VIB file (memory-mapped by the caller).
    public var loadVIB: @Sendable (String) throws -> Data

    public init(bootloader: Data, kernel: Data, bootConfig: [UInt8], vibFiles: [String], loadVIB: @escaping @Sendable (String) throws -> Data) {
        self.bootloader = bootloader; self.kernel = kernel; self.bootConfig = bootConfig
        self.vibFiles = vibFiles; self.loadVIB = loadVIB
    }
}

/// A VIB file of the image could not be parsed: verification stops (bad input, not a verdict).
public struct ImageInputError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var error: any Error
    public var description: String { "\(file): \(error)" }
}

/// Verifies a whole host image in boot order, as the host would boot it:
/// profile signature → bootloader (Authenticode, platform anchors) → vendor certificate carried in
/// the bootloader → kernel → boot configuration → every VIB (signature, chain, acceptance level,
/// payload checksums; concurrently on all cores) → profile completeness (missing, extra, duplicate,
/// other-version VIBs).
public enum ImageVerifier {
    public struct Options: Sendable {
        public var time: SignatureTimeRule
        public var deep: Bool
        public var requireCodeSigning: Bool
        public init(time: SignatureTimeRule = .signingTime, deep: Bool = false, requireCodeSigning: Bool = false) {
            self.time = time; self.deep = deep; self.requireCodeSigning = requireCodeSigning
        }
    }

    /// - Parameters:
    ///   - profileBytes: the exact profile file bytes (what `profileSignature` signs).
    ///   - profileSignature: the `.p7s` bytes, or nil when there is none (refused: `profile.unsigned`).
    ///   - progress: called with the number of VIBs done, from any thread.
    /// - Throws: ``ImageInputError`` when a VIB file cannot be read or parsed, ``ParseError`` for a
    ///   malformed profile.
    public static func verify(image: ImageContents, imageName: String = "image", profileBytes: [UInt8], profileName: String = "profile",
                              profileSignature: [UInt8]?, trust: TrustAnchors, revoked: VIBRevocations = .none,
                              boot: any BootComponentVerifier, options: Options = Options(),
                              progress: (@Sendable (Int) -> Void)? = nil) throws -> ImageVerification {
        let profile = try ImageProfile(jsonBytes: profileBytes)
        var result = ImageVerification(image: imageName, profile: profileName, components: [], report: VerificationReport())

        // 1. The profile's own signature: anchored at the VIB root CA(s) when configured, else at any VIB level CA.
        var pr = VerificationReport()
        if let sig = profileSignature, sig.contains(where: { !$0.isASCIIWhitespace }) {
            do {
                let signature = try DetachedCMSSignature(bytes: sig)
                let anchors = trust.vibRoot.isEmpty ? trust.vibAnchors(atLeast: .partner) : trust.vibRoot
                let v = signature.verify(content: profileBytes, anchors: anchors, time: options.time,
                                         requireCodeSigning: options.requireCodeSigning, component: profileName)
                pr.merge(v.report)
                if v.isValid { pr.pass("profile signed by \(v.signer?.subject ?? "?")") } else {
                    pr.fail("profile.signature-invalid", "the profile's signature does not verify", component: profileName)
                }
                if let signer = v.signer, revoked.isRevoked(signer) {
                    pr.fail("profile.signer-revoked", "profile signer \(signer.subject) is revoked (dbx)", component: profileName)
                }
            } catch {
                let code = (error as? ParseError)?.code == "signature.too-many-certificates" ? "signature.too-many-certificates" : "profile.signature-invalid"
                pr.fail(code, "the profile signature is not a CMS signature: \(error)", component: profileName)
            }
        } else {
            pr.fail("profile.unsigned", "the profile has no signature (.p7s)", component: profileName)
        }
        result.add(kind: "profile", name: profileName, pr)

        // 2. Bootloader.
        var br = VerificationReport()
        checkFileDigest(image.bootloader, expected: profile.bootloader.sha256, name: profile.bootloader.path, into: &br)
        let bl = boot.verifyBootloader(image.bootloader, anchors: trust.platform, component: profile.bootloader.path)
        br.merge(bl.report)
        checkAuthenticode(bl.authenticodeSHA256, expected: profile.bootloader.authenticodeSHA256, name: profile.bootloader.path, into: &br)
        result.add(kind: "bootloader", name: profile.bootloader.path, br)

        // 3. Vendor certificate → kernel.
        var kr = VerificationReport()
        checkFileDigest(image.kernel, expected: profile.kernel.sha256, name: profile.kernel.path, into: &kr)
        var vendor: [X509Certificate] = []
        if bl.report.isValid, let cert = bl.vendorCertificate {
            if trust.bootVendor.isEmpty || trust.bootVendor.contains(cert) {
                vendor = [cert]
                kr.pass("vendor certificate \(cert.subject) carried by the bootloader")
            } else {
                kr.fail("boot.vendor-cert-untrusted", "the bootloader's vendor certificate \(cert.subject) is not a configured boot vendor", component: profile.kernel.path)
            }
        } else if bl.report.isValid {
            kr.fail("boot.vendor-cert-missing", "the bootloader carries no vendor certificate to verify the kernel with", component: profile.kernel.path)
        } else {
            kr.fail("boot.chain-broken", "the bootloader did not verify, so its vendor certificate cannot be trusted", component: profile.kernel.path)
        }
        if !vendor.isEmpty {
            let kv = boot.verifyKernel(image.kernel, vendorCertificates: vendor, component: profile.kernel.path)
            kr.merge(kv.report)
            checkAuthenticode(kv.authenticodeSHA256, expected: profile.kernel.authenticodeSHA256, name: profile.kernel.path, into: &kr)
        }
        result.add(kind: "kernel", name: profile.kernel.path, kr)

        // 4. Boot configuration.
        var cr = VerificationReport()
        let cfgName = profile.bootConfig.path
        let cfgDigest = DigestAlgorithm.sha256.hash(image.bootConfig)
        if let expected = Hex.decode(profile.bootConfig.sha256), ConstantTime.equal(expected, cfgDigest) {
            cr.pass("\(cfgName) SHA-256 matches the profile")
        } else {
            cr.fail("image.digest-mismatch", "\(cfgName) SHA-256: expected \(profile.bootConfig.sha256), actual \(cfgDigest.hex)", component: cfgName)
        }
        do {
            let cfg = try BootConfig(bytes: image.bootConfig)
            if cfg.kernelOptions != profile.bootConfig.kernelOptions {
                cr.fail("image.boot-config-mismatch", "kernel options: expected \"\(profile.bootConfig.kernelOptions)\", actual \"\(cfg.kernelOptions)\"", component: cfgName)
            }
            if cfg.modules != profile.bootConfig.modules {
                cr.fail("image.boot-config-mismatch", "module list: expected \(profile.bootConfig.modules), actual \(cfg.modules)", component: cfgName)
            }
            let present = Set(image.vibFiles) // a set: modules × files would be quadratic
            for module in cfg.modules where module.hasPrefix("vibs/") && !present.contains(module) {
                cr.fail("image.module-missing", "boot.cfg loads \(module), which is not in the image", component: cfgName)
            }
        } catch {
            cr.fail("image.boot-config-malformed", "\(error)", component: cfgName)
        }
        result.add(kind: "boot-config", name: cfgName, cr)

        // 5. Every VIB, concurrently; each is mapped, verified and released inside its iteration.
        let vibOptions = VIBVerificationOptions(hostAcceptance: profile.hostAcceptance, time: options.time, deep: options.deep,
                                                requireCodeSigning: options.requireCodeSigning)
        let outcomes = try verifyVIBs(image: image, trust: trust, revoked: revoked, options: vibOptions, progress: progress)

        // 6. Match against the profile.
        var byName: [String: [Int]] = [:]
        for (i, o) in outcomes.enumerated() { byName[o.name, default: []].append(i) }
        var vibReports = outcomes.map { $0.verification.report }
        for (name, indices) in byName where indices.count > 1 {
            // Name at most 8 of the files in each finding: listing all k in each of k findings is quadratic.
            let files = indices.prefix(8).map { outcomes[$0].file }.joined(separator: ", ") + (indices.count > 8 ? ", …" : "")
            for i in indices {
                vibReports[i].fail("image.vib-duplicate", "VIB \"\(name)\" appears \(indices.count) times: \(files)", component: name)
            }
        }
        var completeness = VerificationReport()
        let profileNames = Set(profile.vibs.map(\.name))
        for entry in profile.vibs {
            guard let indices = byName[entry.name] else {
                completeness.fail("image.vib-missing", "VIB \"\(entry.name)\" \(entry.version) named by the profile is not in the image", component: entry.name)
                continue
            }
            for i in indices {
                let o = outcomes[i]
                if o.version != entry.version {
                    if VIBVersion.isLower(o.version, than: entry.version) {
                        vibReports[i].fail("vib.downgrade", "version \(o.version) is a downgrade from the profile's \(entry.version)", component: entry.name)
                    } else {
                        vibReports[i].fail("image.vib-version-mismatch", "version \(o.version) differs from the profile's \(entry.version)", component: entry.name)
                    }
                } else if !(Hex.decode(entry.descriptorSHA256).map { ConstantTime.equal($0, o.descriptorSHA256) } ?? false) {
                    vibReports[i].fail("image.vib-descriptor-mismatch", "descriptor.xml SHA-256: expected \(entry.descriptorSHA256), actual \(o.descriptorSHA256.hex)", component: entry.name)
                }
                if o.vendor != entry.vendor || o.level != entry.acceptanceLevel {
                    vibReports[i].fail("image.vib-metadata-mismatch", "vendor/level \(o.vendor)/\(o.level) differ from the profile's \(entry.vendor)/\(entry.acceptanceLevel)", component: entry.name)
                }
            }
        }
        for (i, o) in outcomes.enumerated() where !profileNames.contains(o.name) {
            vibReports[i].fail("image.vib-unexpected", "VIB \"\(o.name)\" (\(o.file)) is not named by the profile", component: o.name)
        }
        // Boot order: profile order first, then anything unexpected in file order.
        let order = profile.vibs.flatMap { byName[$0.name] ?? [] } + outcomes.indices.filter { !profileNames.contains(outcomes[$0].name) }
        for i in order {
            var r = vibReports[i]
            if r.isValid { r.pass("matches the profile entry") }
            result.add(kind: "vib", name: "\(outcomes[i].name) (\(outcomes[i].file))", r)
        }
        if completeness.isValid { completeness.pass("every VIB named by the profile is present") }
        result.add(kind: "image", name: "profile completeness", completeness)
        return result
    }

    struct VIBOutcome: Sendable {
        var file: String
        var name: String
        var version: String
        var vendor: String
        var level: AcceptanceLevel
        var descriptorSHA256: [UInt8]
        var verification: VIBVerification
    }

    private final class Results: @unchecked Sendable {
        let lock = NSLock()
        var outcomes: [VIBOutcome?]
        var errors: [(Int, ImageInputError)] = []
        var done = 0
        init(count: Int) { outcomes = Array(repeating: nil, count: count) }
    }

    static func verifyVIBs(image: ImageContents, trust: TrustAnchors, revoked: VIBRevocations, options: VIBVerificationOptions,
                           progress: (@Sendable (Int) -> Void)?) throws -> [VIBOutcome] {
        let files = image.vibFiles
        let results = Results(count: files.count)
        DispatchQueue.concurrentPerform(iterations: files.count) { i in
            let file = files[i]
            var outcome: VIBOutcome? = nil
            var failure: ImageInputError? = nil
            autoreleasepool {
                do {
                    let vib = try VIB(data: try image.loadVIB(file))
                    let d = vib.descriptor
                    let v = VIBVerifier.verify(vib, trust: trust, revoked: revoked, options: options, component: d.name)
                    outcome = VIBOutcome(file: file, name: d.name, version: d.version, vendor: d.vendor, level: d.acceptanceLevel,
                                         descriptorSHA256: vib.descriptorSHA256, verification: v)
                } catch {
                    failure = ImageInputError(file: file, error: error)
                }
            }
            results.lock.lock()
            results.outcomes[i] = outcome
            if let failure { results.errors.append((i, failure)) }
            results.done += 1
            let done = results.done
            results.lock.unlock()
            progress?(done)
        }
        if let first = results.errors.min(by: { $0.0 < $1.0 }) { throw first.1 }
        return results.outcomes.compactMap { $0 }
    }

    private static func checkFileDigest(_ bytes: Data, expected: String, name: String, into report: inout VerificationReport) {
        let actual = DigestAlgorithm.sha256.hash(bytes)
        if let e = Hex.decode(expected), ConstantTime.equal(e, actual) {
            report.pass("\(name) SHA-256 matches the profile")
        } else {
            report.fail("image.digest-mismatch", "\(name) SHA-256: expected \(expected), actual \(actual.hex)", component: name)
        }
    }

    private static func checkAuthenticode(_ actual: [UInt8]?, expected: String, name: String, into report: inout VerificationReport) {
        guard let actual else { return }
        if let e = Hex.decode(expected), ConstantTime.equal(e, actual) {
            report.pass("\(name) Authenticode SHA-256 matches the profile")
        } else {
            report.fail("image.authenticode-mismatch", "\(name) Authenticode SHA-256: expected \(expected), actual \(actual.hex)", component: name)
        }
    }
}

#if !canImport(ObjectiveC)
@inline(__always) func autoreleasepool<R>(_ body: () throws -> R) rethrows -> R { try body() }
#endif
