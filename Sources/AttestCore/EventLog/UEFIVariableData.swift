/// UEFI_VARIABLE_DATA (TCG PC Client PFP r1.05, 10.2.6 / the data of EV_EFI_VARIABLE_DRIVER_CONFIG,
/// EV_EFI_VARIABLE_BOOT, EV_EFI_VARIABLE_BOOT2 and EV_EFI_VARIABLE_AUTHORITY, 10.4.4):
/// VariableName (EFI_GUID), UnicodeNameLength (UINT64, in CHAR16), VariableDataLength (UINT64),
/// UnicodeName, VariableData.
public struct UEFIVariableData: Sendable, Hashable {
    /// The vendor GUID, in registry format (`8be4df61-93ca-11d2-aa0d-00e098032b8c`).
    public let vendorGUID: String
    public let name: String
    public let variableData: ArraySlice<UInt8>
    /// Bytes after VariableData that the structure does not account for. Some firmware logs
    /// EV_EFI_VARIABLE_AUTHORITY with a few such bytes; they are kept (and hashed with the rest
    /// when checking coverage) rather than making the event undecodable.
    public let trailing: ArraySlice<UInt8>

    /// The lengths must fit in `bytes`; bytes after VariableData are returned in ``trailing``.
    public init(bytes: ArraySlice<UInt8>) throws {
        let s = "UEFI_VARIABLE_DATA"
        var r = ByteReader(Array(bytes), structure: s)
        vendorGUID = EFIGUID.format(try r.bytes(16, "VariableName"))
        let nameLength = try r.u64le("UnicodeNameLength")
        let dataLength = try r.u64le("VariableDataLength")
        let (nameBytes, overflow) = nameLength.multipliedReportingOverflow(by: 2)
        guard !overflow, let n = Int(exactly: nameBytes), n <= r.remaining else {
            throw ParseError(s, at: 32, "UnicodeNameLength \(nameLength) runs past the end of the data", code: .parseLength)
        }
        name = EventLogText.decode(try r.bytes(n, "UnicodeName")[...])
        guard let d = Int(exactly: dataLength), d <= r.remaining else {
            throw ParseError(s, at: r.position, "VariableDataLength \(dataLength) runs past the \(r.remaining) bytes that remain", code: .parseLength)
        }
        let start = bytes.startIndex + r.offset
        variableData = bytes[start..<(start + d)]
        trailing = bytes[(start + d)...]
    }
}

/// Text as firmware logs it: UCS-2/UTF-16LE (UEFI CHAR16) or 8-bit strings, NUL-terminated or not.
enum EventLogText {
    static func decode(_ bytes: ArraySlice<UInt8>) -> String {
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var i = bytes.startIndex
        while i + 1 < bytes.endIndex {
            let u = UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8
            if u == 0 { break }
            units.append(u)
            i += 2
        }
        return String(decoding: units, as: UTF16.self)
    }

    /// Decodes printable text: UTF-16LE when it looks like it (even length, ASCII in every low
    /// byte), else UTF-8. Returns nil for binary data.
    static func printable(_ bytes: ArraySlice<UInt8>) -> String? {
        guard !bytes.isEmpty else { return "" }
        var trimmed = bytes
        if bytes.count >= 2, bytes.count % 2 == 0 {
            let odd = stride(from: bytes.startIndex + 1, to: bytes.endIndex, by: 2).map { bytes[$0] }
            let even = stride(from: bytes.startIndex, to: bytes.endIndex, by: 2).map { bytes[$0] }
            let contentEven = even.prefix { $0 != 0 }
            if odd.allSatisfy({ $0 == 0 }), !contentEven.isEmpty, contentEven.allSatisfy(isPrintable) {
                return decode(bytes)
            }
        }
        while let last = trimmed.last, last == 0 { trimmed = trimmed.dropLast() }
        guard trimmed.allSatisfy({ isPrintable($0) || $0 >= 0x80 }) else { return nil }
        let s = String(decoding: trimmed, as: UTF8.self)
        return s.unicodeScalars.contains("\u{FFFD}") ? nil : s
    }

    static func isPrintable(_ b: UInt8) -> Bool { (b >= 0x20 && b < 0x7f) || b == 0x0a || b == 0x0d || b == 0x09 }
}
