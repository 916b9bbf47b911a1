import Foundation

/// A host image as the verifier sees it: the bootloader and `boot.cfg` bytes, and a loader for every
/// other file, so modules can be mapped one at a time and released (the verifier never holds the
/// whole image in memory). The reader (`AttestIO.ImageDirectory`) resolves and checks every path
/// `boot.cfg` names before this value exists.
public struct ImageContents: Sendable {
    /// What firmware loads: `\EFI\BOOT\BOOTX64.EFI` on the boot volume, here the image's root.
    public static let bootloaderPath = "bootx64.efi"
    /// What the bootloader reads, beside itself.
    public static let bootConfigPath = "boot.cfg"

    public var bootloader: Data
    public var bootConfig: [UInt8]
    /// Resolved paths named by `boot.cfg` (kernel or module) that do not exist in the image.
    public var missing: Set<String>
    /// Files (not directories) in the image that nothing loads, relative to the image, sorted.
    public var unreferenced: [String]
    /// Returns the bytes of the kernel or a module at a resolved path (memory-mapped by the reader).
    public var load: @Sendable (String) throws -> Data

    public init(bootloader: Data, bootConfig: [UInt8], missing: Set<String> = [], unreferenced: [String] = [],
                load: @escaping @Sendable (String) throws -> Data) {
        self.bootloader = bootloader; self.bootConfig = bootConfig
        self.missing = missing; self.unreferenced = unreferenced; self.load = load
    }
}

/// A file of the image could not be read, was unsafe, or could not be parsed: verification stops
/// (bad input, not a verdict; exit 2). `file` is relative to the image directory.
public struct ImageInputError: Error, Sendable, CustomStringConvertible {
    public var file: String
    /// A stable code: `image.path-symlink`, `image.not-regular-file`, `bootcfg.duplicate-key`, `vib.*`, …
    public var code: String
    public var error: any Error
    public var description: String { "\(file): [\(code)] \(error)" }

    public init(file: String, code: String? = nil, error: any Error) {
        self.file = file
        self.error = error
        self.code = code ?? (error as? ImageInputError)?.code ?? (error as? ParseError)?.code ?? "image.unreadable"
    }

    /// An input problem described by a sentence.
    public init(file: String, code: String, _ problem: String) {
        self.init(file: file, code: code, error: Problem(text: problem))
    }

    struct Problem: Error, Sendable, CustomStringConvertible { var text: String; var description: String { text } }
}
