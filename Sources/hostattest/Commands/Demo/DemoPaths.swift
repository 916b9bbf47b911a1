import Foundation

/// Where the demo finds its own executable and the repository's sample material: the `Images`
/// folder (`demo-host/` with its `boot.cfg`, `src/` with the C and VIB sources), and beside it
/// `Scripts/make-boot-images.sh` (builds the EFI images and signs them with `sign pe`) and `Keys/demo`
/// (the fallback chain when no EFI toolchain is installed).
struct DemoPaths {
    let executable: String
    let images: URL

    var vibSources: URL { images.appendingPathComponent("src/vibs") }
    var bootImagesScript: URL { images.deletingLastPathComponent().appendingPathComponent("Scripts/make-boot-images.sh") }
    var demoKeys: URL { images.deletingLastPathComponent().appendingPathComponent("Keys/demo") }

    /// `--images DIR`, else the first `Images` folder above the executable or the current folder.
    static func resolve(images: String?) throws -> DemoPaths {
        let exe = executablePath()
        let folder: URL
        if let images {
            folder = URL(fileURLWithPath: images).standardizedFileURL
            if let problem = problem(folder) { throw DemoError.setup("--images \(images): \(problem)") }
        } else {
            var candidates: [URL] = []
            var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
            while dir.path != "/" { candidates.append(dir.appendingPathComponent("Images")); dir.deleteLastPathComponent() }
            candidates.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Images"))
            guard let found = candidates.first(where: { problem($0) == nil }) else {
                throw DemoError.setup("no sample images found above \(exe) or in the current folder; pass --images DIR (the repository's Images folder)")
            }
            folder = found
        }
        let paths = DemoPaths(executable: exe, images: folder)
        guard FileManager.default.isReadableFile(atPath: paths.bootImagesScript.path) else {
            throw DemoError.setup("--images \(folder.path): \(paths.bootImagesScript.path) is missing (the folder must be the repository's Images folder)")
        }
        return paths
    }

    /// Why `folder` is not a sample image folder, or nil.
    static func problem(_ folder: URL) -> String? {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDir), isDir.boolValue else { return "no such folder" }
        for needed in ["demo-host/boot.cfg", "src/boot.cfg", "src/vibs"] where !FileManager.default.fileExists(atPath: folder.appendingPathComponent(needed).path) {
            return "not the repository's Images folder (\(needed) is missing)"
        }
        return nil
    }

    /// This process's executable (/proc/self/exe, else argv[0] resolved against the current folder).
    static func executablePath() -> String {
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return target }
        let arg0 = CommandLine.arguments.first ?? "hostattest"
        if arg0.hasPrefix("/") { return arg0 }
        if arg0.contains("/") { return FileManager.default.currentDirectoryPath + "/" + arg0 }
        return DemoSWTPM.which(arg0) ?? arg0
    }
}
