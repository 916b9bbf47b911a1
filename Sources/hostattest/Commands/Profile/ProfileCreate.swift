import ArgumentParser
import AttestCore
import AttestIO
import Foundation

/// `hostattest profile create`: record an image's components in a profile.
struct ProfileCreate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create an image profile (JSON) from an image directory.",
        discussion: """
        Binds every file the bootloader loads, in load order: bootx64.efi (SHA-256, Authenticode SHA-256), boot.cfg
        (SHA-256, prefix, kernel, kernel options, modules), the kernel at prefix + kernel= (SHA-256, Authenticode
        SHA-256), and each module at prefix + module: a *.vib by file SHA-256 and its descriptor (name, version,
        vendor, level, descriptor SHA-256), anything else by SHA-256. A module that cannot be bound (missing, unsafe
        path, symlink, not a regular file, a .vib that does not parse) is refused (exit 2). Sign it with `profile sign`.
        """)

    @Argument(help: "The image directory (bootx64.efi, boot.cfg and the files boot.cfg loads).") var imageDir: String
    @Option(name: .shortAndLong, help: "Output profile JSON.") var output: String
    @Option(name: .long, help: "Image name (default: the directory name).") var name: String?
    @Option(name: .long, help: "Image version.") var version: String = "1.0.0"
    @Option(name: .long, help: "Host acceptance level (default partner).") var hostAcceptance: String = "partner"
    @OptionGroup var out: OutputOptions

    func run() throws {
        guard let host = AcceptanceLevel(rawValue: hostAcceptance.lowercased()) else {
            throw CLIError("--host-acceptance \(hostAcceptance): expected certified, accepted, partner or community")
        }
        let base = URL(fileURLWithPath: imageDir)
        let profile: ImageProfile
        let image: ImageContents
        do {
            image = try ImageDirectory.open(imageDir)
            profile = try ImageProfile.create(name: name ?? base.standardizedFileURL.lastPathComponent, version: version, hostAcceptance: host,
                                              image: image, boot: try BootVerifiers.current(TrustAnchors()))
        } catch let e as ImageInputError {
            throw CLIError.image(imageDir, e)
        }
        for file in image.unreferenced {
            FileHandle.standardError.write(Data("note: [image.file-unreferenced] \(file): in the image but nothing loads it (not bound by the profile)\n".utf8))
        }
        try Files.write(Data(profile.encoded()), to: output)
        try Output.emit(profile, json: out.json) { "wrote \(output): \(profile.name) \(profile.version), kernel \(profile.kernel.path), \(profile.modules.count) module(s) of which \(profile.vibs.count) VIB(s), host acceptance \(profile.hostAcceptance)" }
    }
}
