import AttestCore
import Foundation

/// Reads a host image directory for ``ImageVerifier`` and ``ImageProfile/create(name:version:hostAcceptance:image:boot:)``:
/// exactly the files the bootloader would load, reached safely.
///
/// Order: `bootx64.efi` and `boot.cfg` are checked (regular files, no symlinks) and `boot.cfg` is read
/// and parsed (``BootConfig``: unknown or duplicate keys, unsafe paths refused); then every path it
/// makes the bootloader load (`prefix` + `kernel`, `prefix` + each module) is checked without being
/// opened (symlinks, FIFOs, devices, directories refused); then the bootloader is mapped, and the kernel
/// and modules are mapped on demand, one at a time, each re-checked on its opened descriptor. Files that
/// nothing loads are listed (not opened) as ``ImageContents/unreferenced``. Every refusal throws an
/// ``ImageInputError`` naming the file relative to the image and carrying a stable code.
///
/// The boot volume is FAT (case-insensitive): a file nothing loads whose name differs from a loaded
/// file's only in case (`vibs/A.vib` beside `vibs/a.vib`) would replace it, or be replaced, when the image
/// is copied there, so it is refused (`image.path-case-collision`).
public enum ImageDirectory {
    public static func open(_ path: String) throws -> ImageContents {
        let dir = try SafeDirectory(path)
        let fixed = [ImageContents.bootloaderPath, ImageContents.bootConfigPath]
        for file in fixed {
            if try dir.check(file) == .missing {
                throw ImageInputError(file: file, code: .imageFileMissing, "no such file (every image has \(fixed.joined(separator: " and ")))")
            }
        }
        // boot.cfg is copied: refuse a huge one from its size before it is read.
        let cfgData = try dir.read(ImageContents.bootConfigPath)
        guard cfgData.count <= BootConfig.maxSize else {
            throw ImageInputError(file: ImageContents.bootConfigPath, code: .bootcfgTooLarge,
                                  "\(cfgData.count) bytes; the limit is \(BootConfig.maxSize)")
        }
        let cfgBytes = Array(cfgData)
        let cfg: BootConfig
        do { cfg = try BootConfig(bytes: cfgBytes) } catch { throw ImageInputError(file: ImageContents.bootConfigPath, error: error) }
        let loaded = [cfg.kernelPath] + cfg.modulePaths
        var absent = Set<String>()
        for file in loaded {
            if try dir.check(file) == .missing { absent.insert(file) }
        }
        let missing = absent
        let bootloader = try dir.read(ImageContents.bootloaderPath)
        let referenced = Set(fixed + loaded)
        let listed = try dir.listFiles()
        try refuseCaseCollisions(listed, referenced: referenced)
        let unreferenced = listed.filter { !referenced.contains($0) }
        return ImageContents(bootloader: bootloader, bootConfig: cfgBytes, missing: missing, unreferenced: unreferenced) { file in
            guard referenced.contains(file) else {
                throw ImageInputError(file: file, code: .imagePathUnreferenced, "boot.cfg does not make the bootloader load this file")
            }
            guard !missing.contains(file) else { throw ImageInputError(file: file, code: .imageFileMissing, "no such file") }
            return try dir.read(file)
        }
    }

    static func refuseCaseCollisions(_ listed: [String], referenced: Set<String>) throws {
        var byFolded: [String: String] = [:]
        for path in Set(listed).union(referenced).sorted() {
            let folded = path.lowercased()
            if let other = byFolded[folded], other != path, referenced.contains(path) || referenced.contains(other) {
                let loaded = referenced.contains(path) ? path : other, colliding = loaded == path ? other : path
                throw ImageInputError(file: loaded, code: .imagePathCaseCollision,
                                      "\(colliding) differs only in case; on the case-insensitive boot volume one would replace the other")
            }
            byFolded[folded] = path
        }
    }
}
