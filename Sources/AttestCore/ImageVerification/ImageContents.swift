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
