import ArgumentParser
import AttestCore
import Foundation

/// `hostattest profile create`: record an image's components in a profile.
struct ProfileCreate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create an image profile (JSON) from an image directory.",
        discussion: "Records bootloader/kernel SHA-256 and Authenticode SHA-256, boot.cfg (kernel options, modules) and every VIB (name, version, vendor, level, descriptor SHA-256). Sign it with `profile sign`.")

    @Argument(help: "The image directory (bootx64.efi, kernel.efi, boot.cfg, vibs/*.vib).") var imageDir: String
    @Option(name: .shortAndLong, help: "Output profile JSON.") var output: String
    @Option(name: .long, help: "Image name (default: the directory name).") var name: String?
    @Option(name: .long, help: "Image version.") var version: String = "1.0.0"
    @Option(name: .long, help: "Host acceptance level (default partner).") var hostAcceptance: String = "partner"
    @OptionGroup var out: OutputOptions

    func run() throws {
        guard let host = AcceptanceLevel(rawValue: hostAcceptance.lowercased()) else {
            throw CLIError("--host-acceptance \(hostAcceptance): expected certified, accepted, partner or community")
        }
        let image = try ImageLoader.load(imageDir)
        let base = URL(fileURLWithPath: imageDir)
        let boot = try BootVerifiers.current(TrustAnchors())
        func authenticode(_ data: Data, _ file: String) throws -> [UInt8] {
            do { return try boot.authenticodeSHA256(of: data) } catch { throw CLIError.parse(base.appendingPathComponent(file).path, error) }
        }
        var vibs: [(file: String, vib: VIB)] = []
        for file in image.vibFiles {
            let path = base.appendingPathComponent(file).path
            do { vibs.append((file, try VIB(data: try Files.read(path)))) } catch let e as ParseError { throw CLIError.parse(path, e) }
        }
        let profile: ImageProfile
        do {
            profile = try ImageProfile.create(
                name: name ?? base.standardizedFileURL.lastPathComponent, version: version, hostAcceptance: host,
                bootloader: (ImageLoader.bootloader, image.bootloader, try authenticode(image.bootloader, ImageLoader.bootloader)),
                kernel: (ImageLoader.kernel, image.kernel, try authenticode(image.kernel, ImageLoader.kernel)),
                bootConfig: (ImageLoader.bootConfig, image.bootConfig), vibs: vibs)
        } catch let e as ParseError {
            throw CLIError.parse(imageDir, e)
        }
        try Files.write(Data(profile.encoded()), to: output)
        try Output.emit(profile, json: out.json) { "wrote \(output): \(profile.name) \(profile.version), \(profile.vibs.count) VIB(s), host acceptance \(profile.hostAcceptance)" }
    }
}
