import Foundation

/// Turns an image and its ``ImageVerification`` into what measured boot extends: the components in
/// boot order (bootloader, `boot.cfg`, kernel, kernel options, every module `boot.cfg` loads) with
/// their digests, authorities, VIB identities and failures, and the profile's identity.
///
/// The verdicts come from the verification alone; this adds only digests. The bootloader and kernel
/// are hashed once more here, in every bank at once (Authenticode SHA-1, SHA-256, SHA-384, SHA-512) and by
/// file SHA-256; modules are not read again (the verifier kept their SHA-256 and VIB identity).
/// A PE that does not parse is measured by the hash of its file bytes, and a file that was not read
/// (missing, or larger than anything the profile binds) by the hash of nothing: either way the PCRs
/// differ from a good boot's, and the component carries its failures.
public enum MeasuredComponents {
    /// The banks whose Authenticode digests are computed for each PE (every bank a TPM may have
    /// active that hostattest can hash; swtpm activates sha512 too).
    public static let banks: [DigestAlgorithm] = [.sha1, .sha256, .sha384, .sha512]
    /// The banks `boot --predict` uses unless told otherwise (those of the software TPM).
    public static let defaultPredictionBanks: [DigestAlgorithm] = [.sha1, .sha256, .sha384]

    /// - Throws: ``ImageInputError`` when the kernel cannot be read, or `boot.image-changed` when the
    ///   bootloader or kernel bytes differ from those the verifier read (a file swapped mid-boot).
    public static func components(image: ImageContents, verification v: ImageVerification) throws -> [MeasuredComponent] {
        let m = v.measurement
        func failures(_ kinds: Set<String>) -> [Finding] {
            v.components.filter { kinds.contains($0.kind) }.flatMap(\.failures)
        }
        var out: [MeasuredComponent] = []

        let bootloader = image.bootloader.count <= m.sizeLimit ? image.bootloader : nil
        out.append(try pe(.bootloader, ImageContents.bootloaderPath, bootloader, verified: m.bootloaderSHA256,
                          authority: m.bootloaderAuthority, failures: failures(["bootloader"])))

        // boot.cfg carries the module list: a module the profile binds but boot.cfg omits is its failure.
        out.append(MeasuredComponent(kind: .bootConfig, path: ImageContents.bootConfigPath, sha256: DigestAlgorithm.sha256.hash(image.bootConfig),
                                     failures: failures(["boot-config", "image"])))

        var kernel: Data? = nil
        if !image.missing.contains(m.kernelPath) {
            do { kernel = try image.load(m.kernelPath) } catch { throw ImageInputError(file: m.kernelPath, error: error) }
            if let k = kernel, k.count > m.sizeLimit { kernel = nil }
        }
        out.append(try pe(.kernel, m.kernelPath, kernel, verified: m.kernelSHA256, authority: m.kernelAuthority, failures: failures(["kernel"])))
        out.append(MeasuredComponent(kind: .kernelOptions, path: ImageContents.bootConfigPath, value: m.kernelOptions))

        let moduleVerdicts = v.components.filter { $0.kind == "vib" || $0.kind == "module" }
        for (i, module) in m.modules.enumerated() {
            let found = i < moduleVerdicts.count ? moduleVerdicts[i].failures : [Finding(.bootVerdictMissing, "no verdict for this module", component: module.path)]
            out.append(MeasuredComponent(kind: ImagePath.isVIB(module.path) ? .vib : .file, path: module.path, sha256: module.sha256,
                                         vib: module.vib, failures: found))
        }
        return out
    }

    /// The profile's identity and its own failures (its signature), for ``MeasuredBootPolicy``.
    public static func profile(verification v: ImageVerification, profileBytes: [UInt8]) -> MeasuredBootPolicy.Profile {
        let m = v.measurement
        return MeasuredBootPolicy.Profile(name: m.profileName, version: m.profileVersion, sha256: DigestAlgorithm.sha256.hash(profileBytes),
                                          hostAcceptance: m.hostAcceptance,
                                          failures: v.components.filter { $0.kind == "profile" }.flatMap(\.failures))
    }

    /// - Parameter verified: the SHA-256 of the bytes the verifier read; other bytes are refused.
    static func pe(_ kind: MeasuredComponent.Kind, _ path: String, _ bytes: Data?, verified: [UInt8]?, authority: X509Certificate?,
                   failures: [Finding]) throws -> MeasuredComponent {
        guard let bytes, let verified else {
            return MeasuredComponent(kind: kind, path: path, authenticode: digests(of: Data()), failures: failures)
        }
        let sha256 = DigestAlgorithm.sha256.hash(bytes)
        guard ConstantTime.equal(sha256, verified) else {
            throw ImageInputError(file: path, code: .bootImageChanged,
                                  "the file changed between its verification and its measurement (SHA-256 \(verified.hex), now \(sha256.hex)): nothing was measured")
        }
        guard let image = try? PEImage(bytes: bytes) else {
            return MeasuredComponent(kind: kind, path: path, sha256: sha256, authenticode: digests(of: bytes),
                                     imageSize: UInt64(bytes.count), failures: failures)
        }
        return MeasuredComponent(kind: kind, path: path, sha256: sha256, authenticode: image.authenticodeDigests(banks),
                                 imageBase: image.imageBase, imageSize: UInt64(bytes.count),
                                 authority: failures.isEmpty ? authority : nil, failures: failures)
    }

    static func digests(of bytes: Data) -> [DigestAlgorithm: [UInt8]] {
        Dictionary(uniqueKeysWithValues: banks.map { ($0, $0.hash(bytes)) })
    }
}
