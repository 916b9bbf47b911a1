import Foundation

extension ImageProfile {
    /// Builds the profile of an image: the bootloader, `boot.cfg`, the kernel it names and every module
    /// it names, in load order, each bound by digest (see ``ImageProfile``). The Authenticode digests come
    /// from `boot` (the PE implementation).
    /// - Throws: ``ImageInputError`` naming the file when something the bootloader would load cannot be
    ///   bound: `boot.cfg` malformed, a kernel or module missing (`image.file-missing`), a kernel that is
    ///   not a PE image, a `.vib` that does not parse, a VIB name loaded twice (`profile.duplicate-vib`).
    public static func create(name: String, version: String, hostAcceptance: AcceptanceLevel,
                              image: ImageContents, boot: any BootComponentVerifier) throws -> ImageProfile {
        let cfgPath = ImageContents.bootConfigPath, blPath = ImageContents.bootloaderPath
        let cfg: BootConfig
        do { cfg = try BootConfig(bytes: image.bootConfig) } catch { throw ImageInputError(file: cfgPath, error: error) }
        func load(_ path: String, _ what: String) throws -> Data {
            if image.missing.contains(path) {
                throw ImageInputError(file: path, code: .imageFileMissing, "boot.cfg loads this \(what), but it is not in the image")
            }
            do { return try image.load(path) } catch { throw ImageInputError(file: path, error: error) }
        }
        func authenticode(_ bytes: Data, _ path: String) throws -> [UInt8] {
            do { return try boot.authenticodeSHA256(of: bytes) } catch { throw ImageInputError(file: path, error: error) }
        }
        let bootloader = BootFile(path: blPath, size: image.bootloader.count, sha256: DigestAlgorithm.sha256.hash(image.bootloader),
                                  authenticodeSHA256: try authenticode(image.bootloader, blPath))
        let kernelBytes = try load(cfg.kernelPath, "kernel")
        let kernel = BootFile(path: cfg.kernelPath, size: kernelBytes.count, sha256: DigestAlgorithm.sha256.hash(kernelBytes),
                              authenticodeSHA256: try authenticode(kernelBytes, cfg.kernelPath))
        var modules: [Module] = []
        var names: [String: String] = [:]
        for path in cfg.modulePaths {
            let bytes = try load(path, "module")
            let sha = DigestAlgorithm.sha256.hash(bytes).hex
            guard ImagePath.isVIB(path) else {
                modules.append(Module(path: path, kind: .file, size: bytes.count, sha256: sha, vib: nil))
                continue
            }
            let vib: VIB
            do { vib = try VIB(data: bytes) } catch { throw ImageInputError(file: path, error: error) }
            let d = vib.descriptor
            if let first = names[d.name] {
                throw ImageInputError(file: path, code: .profileDuplicateVib, "VIB \"\(d.name)\" is also loaded from \(first): the profile binds each VIB once")
            }
            names[d.name] = path
            modules.append(Module(path: path, kind: .vib, size: bytes.count, sha256: sha, vib: VIBBinding(
                name: d.name, version: d.version, vendor: d.vendor, acceptanceLevel: d.acceptanceLevel, descriptorSHA256: vib.descriptorSHA256.hex)))
        }
        return ImageProfile(
            format: formatIdentifier, name: name, version: version, hostAcceptance: hostAcceptance, bootloader: bootloader,
            bootConfig: BootConfigEntry(path: cfgPath, sha256: DigestAlgorithm.sha256.hash(image.bootConfig).hex, prefix: cfg.prefix,
                                        kernel: cfg.kernel ?? "", kernelOptions: cfg.kernelOptions, modules: cfg.modules),
            kernel: kernel, modules: modules)
    }
}
