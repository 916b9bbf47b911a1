/// Builds minimal PE32+ EFI application images (x86_64, subsystem 10) for tests and benchmarks:
/// 0x400 bytes of headers, file alignment 0x200, section alignment 0x1000, 16 data directories.
public enum PESynthesizer {
    public static let sizeOfHeaders = 0x400
    static let fileAlignment = 0x200
    static let sectionAlignment = 0x1000

    /// Section raw sizes rounded up to the file alignment.
    public static func rawSize(_ size: Int) -> Int { (size + fileAlignment - 1) / fileAlignment * fileAlignment }

    /// The header bytes (SizeOfHeaders long) for sections of the given names and sizes, laid out one
    /// after another from offset 0x400. The section bodies (zero-padded to ``rawSize(_:)``) follow.
    public static func headers(sections: [(name: String, size: Int)]) -> [UInt8] {
        var h = [UInt8](repeating: 0, count: sizeOfHeaders)
        func put16(_ o: Int, _ v: Int) { h[o] = UInt8(v & 0xFF); h[o + 1] = UInt8((v >> 8) & 0xFF) }
        func put32(_ o: Int, _ v: Int) { for i in 0..<4 { h[o + i] = UInt8((v >> (8 * i)) & 0xFF) } }
        put16(0, 0x5A4D)                 // e_magic "MZ"
        put32(0x3C, 0x40)                // e_lfanew
        put32(0x40, 0x4550)              // "PE\0\0"
        let coff = 0x44
        put16(coff, 0x8664)              // Machine x86_64
        put16(coff + 2, sections.count)  // NumberOfSections
        put16(coff + 16, 240)            // SizeOfOptionalHeader (PE32+ with 16 directories)
        put16(coff + 18, 0x0022)         // EXECUTABLE_IMAGE | LARGE_ADDRESS_AWARE
        let opt = coff + 20
        put16(opt, 0x20B)                // PE32+
        var rva = sectionAlignment
        var file = sizeOfHeaders
        let table = opt + 240
        for (i, section) in sections.enumerated() {
            let at = table + 40 * i
            for (j, byte) in section.name.utf8.prefix(8).enumerated() { h[at + j] = byte }
            put32(at + 8, section.size)          // VirtualSize
            put32(at + 12, rva)                  // VirtualAddress
            put32(at + 16, rawSize(section.size)) // SizeOfRawData
            put32(at + 20, file)                 // PointerToRawData
            put32(at + 36, 0x4000_0040)          // INITIALIZED_DATA | MEM_READ
            rva += (section.size + sectionAlignment - 1) / sectionAlignment * sectionAlignment
            file += rawSize(section.size)
        }
        put32(opt + 4, sections.first.map { rawSize($0.size) } ?? 0) // SizeOfCode
        put32(opt + 16, sectionAlignment)     // AddressOfEntryPoint
        put32(opt + 32, sectionAlignment)     // SectionAlignment
        put32(opt + 36, fileAlignment)        // FileAlignment
        put16(opt + 48, 0)                    // MajorSubsystemVersion
        put32(opt + 56, rva)                  // SizeOfImage
        put32(opt + 60, sizeOfHeaders)        // SizeOfHeaders
        put16(opt + 68, 10)                   // Subsystem: EFI application
        put32(opt + 108, 16)                  // NumberOfRvaAndSizes
        return h
    }

    /// A whole small image with the given section contents. Names longer than 8 bytes are truncated
    /// in the name field, or with `stringTable` written as "/n" into a COFF string table appended
    /// after the sections (what binutils does for long PE section names).
    public static func image(sections: [(name: String, contents: [UInt8])], stringTable: Bool = false) -> [UInt8] {
        var out = headers(sections: sections.map { ($0.name, $0.contents.count) })
        for section in sections {
            out += section.contents
            out += [UInt8](repeating: 0, count: rawSize(section.contents.count) - section.contents.count)
        }
        let long = sections.enumerated().filter { $0.element.name.utf8.count > 8 }
        if stringTable && !long.isEmpty {
            let tableOffset = out.count
            var strings: [UInt8] = []
            for (index, section) in long {
                let reference = Array("/\(4 + strings.count)".utf8)
                let field = 0x148 + 40 * index
                for i in 0..<8 { out[field + i] = i < reference.count ? reference[i] : 0 }
                strings += Array(section.name.utf8) + [0]
            }
            let size = UInt32(4 + strings.count)
            out += [UInt8(size & 0xFF), UInt8((size >> 8) & 0xFF), UInt8((size >> 16) & 0xFF), UInt8(size >> 24)] + strings
            for i in 0..<4 { out[0x44 + 8 + i] = UInt8((tableOffset >> (8 * i)) & 0xFF) } // PointerToSymbolTable
        }
        return out
    }
}
