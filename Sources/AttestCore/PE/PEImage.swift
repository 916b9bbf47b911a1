import Foundation

/// A parsed PE/COFF image (Microsoft "PE Format" specification): the headers, the section table and
/// the attribute certificate table, over the image's bytes.
///
/// Unverified: a `PEImage` says what the file claims, never that anyone signed it. Only
/// ``AuthenticodeVerifier`` turns one into a ``VerifiedPEImage``.
///
/// The bytes are kept as they were given (a memory-mapped `Data` stays mapped): parsing reads only
/// the headers and the certificate table, and hashing walks large contiguous ranges in place, so a
/// large image is never copied into the heap.
public struct PEImage: Sendable {
    /// Whether the optional header is `IMAGE_OPTIONAL_HEADER32` or `IMAGE_OPTIONAL_HEADER64`.
    public enum Format: String, Sendable, Codable {
        case pe32 = "PE32"
        case pe32Plus = "PE32+"
    }

    /// The whole file.
    public let bytes: Data
    /// `IMAGE_FILE_HEADER.Machine` (e.g. 0x8664 x64, 0x14c i386, 0xaa64 arm64).
    public let machine: UInt16
    public let format: Format
    public let timeDateStamp: UInt32
    /// `IMAGE_FILE_HEADER.Characteristics`.
    public let characteristics: UInt16
    public let addressOfEntryPoint: UInt32
    public let imageBase: UInt64
    public let sectionAlignment: UInt32
    public let fileAlignment: UInt32
    public let sizeOfImage: UInt32
    public let sizeOfHeaders: UInt32
    /// `IMAGE_OPTIONAL_HEADER.Subsystem` (10 = EFI application, 11 = EFI boot service driver, …).
    public let subsystem: UInt16
    public let dllCharacteristics: UInt16
    /// `IMAGE_OPTIONAL_HEADER.CheckSum` as stored in the file (see ``computedChecksum``).
    public let storedChecksum: UInt32
    public let dataDirectories: [ImageDataDirectory]
    /// Sections in section-table order.
    public let sections: [ImageSectionHeader]
    /// File range of the attribute certificate table (data directory 4), if the image has one.
    public let certificateTable: Range<Int>?
    /// Entries of the attribute certificate table, in file order.
    public let certificates: [WinCertificate]

    /// File offset of `IMAGE_OPTIONAL_HEADER.CheckSum` (4 bytes).
    public let checksumOffset: Int
    /// File offset of the certificate-table entry in the data directories (8 bytes), if present.
    public let certificateDirectoryOffset: Int?
    /// File ranges the Authenticode digest covers, in hashing order.
    public let authenticodeRanges: [Range<Int>]
    /// Where the image data ends and a certificate table starts or would be appended.
    public let endOfImageData: Int

    /// Index of the certificate table in the data directories (PE Format, "Optional Header Data Directories").
    public static let certificateTableIndex = 4

    /// Parses the headers, section table and certificate table. Throws ``ParseError`` with code
    /// `pe.not-pe`, `pe.truncated`, `pe.cert-table-out-of-bounds`, `pe.malformed`, `pe.bad-win-certificate`,
    /// or a bound of ``PEImage+Limits``: `pe.too-many-sections`, `pe.overlapping-sections`,
    /// `pe.too-many-certificate-entries`.
    public init(bytes: Data) throws {
        let data = bytes.startIndex == 0 ? bytes : Data(bytes)
        self.bytes = data
        let size = data.count
        let r = RawReader(data)

        // IMAGE_DOS_HEADER (PE Format, "MS-DOS Stub"): e_magic "MZ", e_lfanew at 0x3c.
        guard size >= 2, try r.u16(0, "IMAGE_DOS_HEADER", "e_magic") == 0x5A4D else {
            throw ParseError("IMAGE_DOS_HEADER", at: 0, "no 'MZ' signature: not a PE image", code: .peNotPe)
        }
        guard size >= 0x40 else {
            throw ParseError("IMAGE_DOS_HEADER", at: 0, "file is \(size) bytes, shorter than the 64-byte DOS header", code: .peTruncated)
        }
        let peOffset = Int(try r.u32(0x3C, "IMAGE_DOS_HEADER", "e_lfanew"))
        guard peOffset >= 4 else {
            throw ParseError("IMAGE_DOS_HEADER", at: 0x3C, "e_lfanew \(peOffset) points into the DOS header", code: .peNotPe)
        }
        guard peOffset + 4 <= size else {
            throw ParseError("IMAGE_DOS_HEADER", at: 0x3C, "e_lfanew 0x\(String(peOffset, radix: 16)) points past the end of the \(size)-byte file", code: .peNotPe)
        }
        guard try r.u32(peOffset, "IMAGE_NT_HEADERS", "Signature") == 0x0000_4550 else {
            throw ParseError("IMAGE_NT_HEADERS", at: peOffset, "no 'PE\\0\\0' signature: not a PE image", code: .peNotPe)
        }

        // IMAGE_FILE_HEADER (PE Format, "COFF File Header"), 20 bytes.
        let coff = peOffset + 4
        let fh = "IMAGE_FILE_HEADER"
        machine = try r.u16(coff, fh, "Machine")
        let numberOfSections = Int(try r.u16(coff + 2, fh, "NumberOfSections"))
        guard numberOfSections <= Self.maxSections else {
            throw ParseError(fh, at: coff + 2, "NumberOfSections \(numberOfSections) exceeds the \(Self.maxSections) sections a PE loader accepts", code: .peTooManySections)
        }
        timeDateStamp = try r.u32(coff + 4, fh, "TimeDateStamp")
        let pointerToSymbolTable = Int(try r.u32(coff + 8, fh, "PointerToSymbolTable"))
        let numberOfSymbols = Int(try r.u32(coff + 12, fh, "NumberOfSymbols"))
        let sizeOfOptionalHeader = Int(try r.u16(coff + 16, fh, "SizeOfOptionalHeader"))
        characteristics = try r.u16(coff + 18, fh, "Characteristics")

        // IMAGE_OPTIONAL_HEADER32 / IMAGE_OPTIONAL_HEADER64 (PE Format, "Optional Header").
        let opt = coff + 20
        let magic = try r.u16(opt, "IMAGE_OPTIONAL_HEADER", "Magic")
        let oh: String
        let dataDirectoryStart: Int
        switch magic {
        case 0x10B:
            format = .pe32
            oh = "IMAGE_OPTIONAL_HEADER32"
            imageBase = UInt64(try r.u32(opt + 28, oh, "ImageBase"))
            dataDirectoryStart = opt + 96
        case 0x20B:
            format = .pe32Plus
            oh = "IMAGE_OPTIONAL_HEADER64"
            imageBase = try r.u64(opt + 24, oh, "ImageBase")
            dataDirectoryStart = opt + 112
        default:
            throw ParseError("IMAGE_OPTIONAL_HEADER", at: opt, "unknown Magic 0x\(String(magic, radix: 16)) (expected 0x10b PE32 or 0x20b PE32+)", code: .peNotPe)
        }
        let numberOfRvaAndSizesOffset = dataDirectoryStart - 4
        guard sizeOfOptionalHeader >= numberOfRvaAndSizesOffset + 4 - opt else {
            throw ParseError(oh, at: opt, "SizeOfOptionalHeader \(sizeOfOptionalHeader) is too small for the fixed fields", code: .peMalformed)
        }
        addressOfEntryPoint = try r.u32(opt + 16, oh, "AddressOfEntryPoint")
        sectionAlignment = try r.u32(opt + 32, oh, "SectionAlignment")
        fileAlignment = try r.u32(opt + 36, oh, "FileAlignment")
        sizeOfImage = try r.u32(opt + 56, oh, "SizeOfImage")
        sizeOfHeaders = try r.u32(opt + 60, oh, "SizeOfHeaders")
        checksumOffset = opt + 64
        storedChecksum = try r.u32(opt + 64, oh, "CheckSum")
        subsystem = try r.u16(opt + 68, oh, "Subsystem")
        dllCharacteristics = try r.u16(opt + 70, oh, "DllCharacteristics")
        let numberOfRvaAndSizes = Int(try r.u32(numberOfRvaAndSizesOffset, oh, "NumberOfRvaAndSizes"))
        let directorySpace = (opt + sizeOfOptionalHeader - dataDirectoryStart) / 8
        guard numberOfRvaAndSizes <= directorySpace else {
            throw ParseError(oh, at: numberOfRvaAndSizesOffset, "NumberOfRvaAndSizes \(numberOfRvaAndSizes) does not fit in SizeOfOptionalHeader \(sizeOfOptionalHeader)", code: .peMalformed)
        }
        var directories: [ImageDataDirectory] = []
        for i in 0..<numberOfRvaAndSizes {
            let at = dataDirectoryStart + 8 * i
            directories.append(ImageDataDirectory(
                virtualAddress: try r.u32(at, "IMAGE_DATA_DIRECTORY", "VirtualAddress"),
                size: try r.u32(at + 4, "IMAGE_DATA_DIRECTORY", "Size")))
        }
        dataDirectories = directories
        certificateDirectoryOffset = numberOfRvaAndSizes > Self.certificateTableIndex
            ? dataDirectoryStart + 8 * Self.certificateTableIndex : nil

        // IMAGE_SECTION_HEADER table (PE Format, "Section Table"), 40 bytes each.
        let sectionTable = opt + sizeOfOptionalHeader
        let sectionTableEnd = sectionTable + 40 * numberOfSections
        guard sectionTableEnd <= size else {
            throw ParseError("IMAGE_SECTION_HEADER", at: sectionTable, "table of \(numberOfSections) sections runs past the end of the \(size)-byte file", code: .peTruncated)
        }
        var sections: [ImageSectionHeader] = []
        sections.reserveCapacity(numberOfSections)
        for i in 0..<numberOfSections {
            let at = sectionTable + 40 * i
            let sh = "IMAGE_SECTION_HEADER"
            var section = ImageSectionHeader(
                nameBytes: r.slice(at..<(at + 8)),
                virtualSize: try r.u32(at + 8, sh, "VirtualSize"),
                virtualAddress: try r.u32(at + 12, sh, "VirtualAddress"),
                sizeOfRawData: try r.u32(at + 16, sh, "SizeOfRawData"),
                pointerToRawData: try r.u32(at + 20, sh, "PointerToRawData"),
                characteristics: try r.u32(at + 36, sh, "Characteristics"))
            guard section.rawDataRange.upperBound <= size else {
                throw ParseError(sh, at: at, "section '\(section.name)' raw data 0x\(String(section.pointerToRawData, radix: 16))+0x\(String(section.sizeOfRawData, radix: 16)) runs past the end of the \(size)-byte file", code: .peTruncated)
            }
            // Names longer than 8 bytes are "/n": offset n into the COFF string table, which
            // follows the symbol table (PE Format, "Section Table", Name). `Int` also accepts a sign:
            // "/-40" would put the start before the file, so the offset must be non-negative.
            if section.nameBytes.first == UInt8(ascii: "/"), let n = Int(section.shortName.dropFirst()), n >= 0, pointerToSymbolTable > 0 {
                let start = pointerToSymbolTable + numberOfSymbols * 18 + n
                if start < size {
                    let end = min(size, start + 256)
                    let bytes = r.slice(start..<end)
                    let nul = bytes.firstIndex(of: 0) ?? bytes.count
                    section.longName = String(decoding: bytes[..<nul], as: UTF8.self)
                }
            }
            sections.append(section)
        }
        self.sections = sections
        try Self.checkSectionsDisjoint(sections, tableOffset: sectionTable)

        let headerEnd = Int(sizeOfHeaders)
        guard headerEnd <= size else {
            throw ParseError(oh, at: opt + 60, "SizeOfHeaders 0x\(String(headerEnd, radix: 16)) runs past the end of the \(size)-byte file", code: .peTruncated)
        }
        let minimumHeaderEnd = (certificateDirectoryOffset.map { $0 + 8 }) ?? (checksumOffset + 4)
        guard headerEnd >= minimumHeaderEnd else {
            throw ParseError(oh, at: opt + 60, "SizeOfHeaders 0x\(String(headerEnd, radix: 16)) ends before the optional header's CheckSum and certificate-table fields", code: .peMalformed)
        }

        // Attribute certificate table (PE Format, "The Attribute Certificate Table"): its
        // VirtualAddress is a file offset, not an RVA.
        let sectionDataEnd = sections.filter { $0.sizeOfRawData > 0 }.map { $0.rawDataRange.upperBound }.max() ?? 0
        let dataEnd = max(headerEnd, sectionDataEnd)
        var table: Range<Int>? = nil
        if let dirOffset = certificateDirectoryOffset {
            let entry = directories[Self.certificateTableIndex]
            if entry.size > 0 || entry.virtualAddress > 0 {
                let start = Int(entry.virtualAddress), length = Int(entry.size)
                guard start + length <= size else {
                    throw ParseError("WIN_CERTIFICATE", at: dirOffset, "certificate table 0x\(String(start, radix: 16))+0x\(String(length, radix: 16)) points outside the \(size)-byte file", code: .peCertTableOutOfBounds)
                }
                guard start >= dataEnd else {
                    throw ParseError("WIN_CERTIFICATE", at: dirOffset, "certificate table at 0x\(String(start, radix: 16)) overlaps the headers or section data (which end at 0x\(String(dataEnd, radix: 16)))", code: .peCertTableOutOfBounds)
                }
                if length > 0 { table = start..<(start + length) }
            }
        }
        certificateTable = table
        certificates = try table.map { try WinCertificate.parseTable(data, range: $0) } ?? []

        // Authenticode hashing ranges (Windows Authenticode Portable Executable Signature Format,
        // "Calculating the PE Image Hash"): headers without CheckSum and the certificate-table
        // entry, sections in PointerToRawData order, then the rest of the file except the table.
        var ranges: [Range<Int>] = [0..<checksumOffset]
        if let dirOffset = certificateDirectoryOffset {
            ranges.append((checksumOffset + 4)..<dirOffset)
            ranges.append((dirOffset + 8)..<headerEnd)
        } else {
            ranges.append((checksumOffset + 4)..<headerEnd)
        }
        for section in sections.filter({ $0.sizeOfRawData > 0 }).sorted(by: { $0.pointerToRawData < $1.pointerToRawData }) {
            ranges.append(section.rawDataRange)
        }
        if let table {
            ranges.append(dataEnd..<table.lowerBound)
            ranges.append(table.upperBound..<size)
            endOfImageData = table.lowerBound
        } else {
            ranges.append(dataEnd..<size)
            endOfImageData = size
        }
        authenticodeRanges = ranges.filter { !$0.isEmpty }
    }

    /// Parses bytes already in memory.
    public init(bytes: [UInt8]) throws {
        try self.init(bytes: Data(bytes))
    }

    /// The section with this name (first match), if any. A name longer than 8 bytes also matches a
    /// section whose 8-byte name field holds its truncation (as some linkers write it).
    public func section(named name: String) -> ImageSectionHeader? {
        sections.first { $0.name == name } ?? sections.first { $0.longName == nil && name.utf8.count > 8 && $0.shortName == String(decoding: name.utf8.prefix(8), as: UTF8.self) }
    }

    /// The raw bytes of a section (its `SizeOfRawData` bytes from the file).
    public func rawData(of section: ImageSectionHeader) -> Data {
        bytes.subdata(in: section.rawDataRange)
    }

    /// Fuzz entry point: parses arbitrary bytes, computes the digest and never traps.
    public static func fuzz(_ data: [UInt8]) {
        guard let image = try? PEImage(bytes: data) else { return }
        _ = image.authenticodeDigest(.sha256)
        _ = image.computedChecksum
        _ = try? image.vendorCertificate
        for certificate in image.certificates { _ = try? AuthenticodeSignature(certificate: certificate) }
    }
}

/// IMAGE_DATA_DIRECTORY (PE Format, "Optional Header Data Directories").
public struct ImageDataDirectory: Sendable, Hashable, Codable {
    public var virtualAddress: UInt32
    public var size: UInt32
}

/// IMAGE_SECTION_HEADER (PE Format, "Section Table (Section Headers)").
public struct ImageSectionHeader: Sendable, Hashable, Codable {
    /// The 8-byte name field, NUL-padded.
    public var nameBytes: [UInt8]
    public var virtualSize: UInt32
    public var virtualAddress: UInt32
    public var sizeOfRawData: UInt32
    public var pointerToRawData: UInt32
    public var characteristics: UInt32
    /// The name from the COFF string table, when the name field is "/n".
    public var longName: String?

    public init(nameBytes: [UInt8], virtualSize: UInt32, virtualAddress: UInt32, sizeOfRawData: UInt32,
                pointerToRawData: UInt32, characteristics: UInt32, longName: String? = nil) {
        self.nameBytes = nameBytes
        self.virtualSize = virtualSize
        self.virtualAddress = virtualAddress
        self.sizeOfRawData = sizeOfRawData
        self.pointerToRawData = pointerToRawData
        self.characteristics = characteristics
        self.longName = longName
    }

    /// The 8-byte name field up to the first NUL, as UTF-8 (invalid bytes replaced).
    public var shortName: String {
        let end = nameBytes.firstIndex(of: 0) ?? nameBytes.count
        return String(decoding: nameBytes[..<end], as: UTF8.self)
    }

    /// The section's name: the long name if there is one, else the name field.
    public var name: String { longName ?? shortName }

    /// File range of the raw data (cannot overflow: both fields are 32-bit, `Int` is 64-bit).
    public var rawDataRange: Range<Int> {
        let start = Int(pointerToRawData)
        return start..<(start + Int(sizeOfRawData))
    }
}

/// Little-endian reads at absolute offsets of a `Data` whose indices start at 0, throwing
/// `pe.truncated` instead of trapping.
struct RawReader {
    let data: Data
    init(_ data: Data) { self.data = data }

    private func need(_ offset: Int, _ width: Int, _ structure: String, _ field: String) throws {
        guard offset >= 0, offset <= data.count - width else {
            throw ParseError(structure, at: offset, "truncated: \(field) needs \(width) bytes at offset 0x\(String(offset, radix: 16)) but the file is \(data.count) bytes", code: .peTruncated)
        }
    }

    func u16(_ offset: Int, _ structure: String, _ field: String) throws -> UInt16 {
        try need(offset, 2, structure, field)
        return data.withUnsafeBytes { UInt16(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt16.self)) }
    }

    func u32(_ offset: Int, _ structure: String, _ field: String) throws -> UInt32 {
        try need(offset, 4, structure, field)
        return data.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
    }

    func u64(_ offset: Int, _ structure: String, _ field: String) throws -> UInt64 {
        try need(offset, 8, structure, field)
        return data.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
    }

    /// Bytes of an in-bounds range (callers check bounds first).
    func slice(_ range: Range<Int>) -> [UInt8] {
        data.withUnsafeBytes { Array($0[range]) }
    }
}
