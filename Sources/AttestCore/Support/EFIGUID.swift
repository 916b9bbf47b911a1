import Foundation

/// An EFI_GUID as stored (UEFI 2.10, appendix A: the first three fields little-endian).
public struct EFIGUID: Sendable, Hashable, Codable, CustomStringConvertible {
    public var bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// From the textual form `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`.
    public init?(_ text: String) {
        let hex = text.replacingOccurrences(of: "-", with: "")
        guard hex.count == 32, let b = Hex.decode(hex) else { return nil }
        bytes = [b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6]] + b[8...]
    }

    /// Registry format of 16 bytes in EFI_GUID layout (UEFI 2.10, appendix A: the first three
    /// fields little-endian); hex for any other length.
    public static func format<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        EFIGUID(bytes: Array(bytes)).description
    }

    public var description: String {
        guard bytes.count == 16 else { return bytes.hex }
        let b = bytes
        let d1 = [b[3], b[2], b[1], b[0]].hex, d2 = [b[5], b[4]].hex, d3 = [b[7], b[6]].hex
        return "\(d1)-\(d2)-\(d3)-\(b[8...9].hex)-\(b[10...].hex)"
    }
}
