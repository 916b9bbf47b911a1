import Foundation

/// A Unix `ar` archive in the common (System V / GNU) layout that VMware's VIB tooling writes:
/// the global header `!<arch>\n`, then for each member a 60-byte header
/// (`ar_name[16] ar_date[12] ar_uid[6] ar_gid[6] ar_mode[8] ar_size[10] ar_fmag[2]`, all ASCII) followed
/// by the member bytes and a `\n` pad byte when the size is odd.
///
/// Parsing only records where each member lies; member bytes are never copied, so a memory-mapped
/// archive of any size can be parsed and hashed in place. Names are 16-byte names without the GNU
/// trailing `/` (a trailing `/` is tolerated on input); GNU symbol tables and long-name tables, and
/// BSD `#1/` long names, are rejected because VIBs never contain them.
public struct ArArchive: Sendable, Hashable {
    /// `!<arch>\n`
    public static let globalHeader: [UInt8] = Array("!<arch>\n".utf8)
    /// Size of one member header.
    public static let memberHeaderSize = 60
    /// At most this many members are accepted (a VIB has a handful).
    public static let maxMembers = 4096

    /// One member: its name, numeric header fields and where its bytes are in the archive.
    public struct Member: Sendable, Hashable, Codable {
        public var name: String
        /// Offset of the 60-byte header from the start of the archive.
        public var headerOffset: Int
        /// Offset of the first byte of the member's data.
        public var dataOffset: Int
        public var size: Int
        public var date: Int
        public var uid: Int
        public var gid: Int
        /// `ar_mode`, octal in the header.
        public var mode: Int

        /// The byte range of the member's data within the archive.
        public var range: Range<Int> { dataOffset..<(dataOffset + size) }
    }

    public let members: [Member]
    /// Total length of the parsed archive.
    public let length: Int

    /// Parses an archive held in `bytes` (copying nothing but the member headers).
    public init(bytes: UnsafeRawBufferPointer) throws {
        let structure = "ar archive"
        guard bytes.count >= Self.globalHeader.count else {
            throw ParseError.truncated(structure, at: 0, field: "global header", need: Self.globalHeader.count, have: bytes.count)
        }
        guard Self.globalHeader.indices.allSatisfy({ bytes[$0] == Self.globalHeader[$0] }) else {
            throw ParseError(structure, at: 0, "bad magic: expected \"!<arch>\\n\"", code: .parseBadMagic)
        }
        var offset = Self.globalHeader.count
        var members: [Member] = []
        while offset < bytes.count {
            guard members.count < Self.maxMembers else {
                throw ParseError(structure, at: offset, "more than \(Self.maxMembers) members", code: .parseTooMany)
            }
            let remaining = bytes.count - offset
            guard remaining >= Self.memberHeaderSize else {
                throw ParseError.truncated("ar member header", at: offset, field: "header", need: Self.memberHeaderSize, have: remaining)
            }
            let header = ByteReader(Array(bytes[offset..<(offset + Self.memberHeaderSize)]), structure: "ar member header", baseOffset: offset)
            let member = try Self.parseHeader(header, headerOffset: offset, available: remaining - Self.memberHeaderSize)
            members.append(member)
            offset = member.dataOffset + member.size
            if member.size % 2 == 1, offset < bytes.count {
                guard bytes[offset] == UInt8(ascii: "\n") else {
                    throw ParseError("ar member \"\(member.name)\"", at: offset, "padding byte after odd-sized member is not \\n", code: .parseMalformed)
                }
                offset += 1
            }
        }
        self.members = members
        self.length = bytes.count
    }

    public init(bytes: [UInt8]) throws {
        self = try bytes.withUnsafeBytes { try ArArchive(bytes: $0) }
    }

    public init(data: Data) throws {
        self = try data.withUnsafeBytes { try ArArchive(bytes: $0) }
    }

    /// The first member with this name.
    public func member(named name: String) -> Member? { members.first { $0.name == name } }

    private static func parseHeader(_ header: ByteReader, headerOffset: Int, available: Int) throws -> Member {
        var r = header
        let rawName = try r.bytes(16, "ar_name")
        let date = try r.bytes(12, "ar_date")
        let uid = try r.bytes(6, "ar_uid")
        let gid = try r.bytes(6, "ar_gid")
        let mode = try r.bytes(8, "ar_mode")
        let size = try r.bytes(10, "ar_size")
        let fmag = try r.bytes(2, "ar_fmag")
        guard fmag == [0x60, 0x0a] else {
            throw ParseError("ar member header", at: headerOffset + 58, "bad ar_fmag: expected \"`\\n\"", code: .parseBadMagic)
        }
        var nameBytes = Array(rawName)
        while let last = nameBytes.last, last == UInt8(ascii: " ") { nameBytes.removeLast() }
        let structure = "ar member header"
        if nameBytes == Array("/".utf8) || nameBytes == Array("//".utf8) || nameBytes.starts(with: Array("/SYM64/".utf8)) {
            throw ParseError(structure, at: headerOffset, "GNU symbol or long-name tables are not supported in a VIB", code: .parseUnsupported)
        }
        if nameBytes.starts(with: Array("#1/".utf8)) {
            throw ParseError(structure, at: headerOffset, "BSD long member names are not supported in a VIB", code: .parseUnsupported)
        }
        if nameBytes.last == UInt8(ascii: "/") { nameBytes.removeLast() }
        guard !nameBytes.isEmpty, nameBytes.allSatisfy({ $0 > 0x20 && $0 < 0x7f && $0 != UInt8(ascii: "/") }) else {
            throw ParseError(structure, at: headerOffset, "ar_name is empty or holds a character other than printable ASCII", code: .parseMalformed)
        }
        let name = String(decoding: nameBytes, as: UTF8.self)
        let sizeValue = try decimal(size, field: "ar_size", at: headerOffset + 48, required: true)
        guard sizeValue <= available else {
            throw ParseError("ar member \"\(name)\"", at: headerOffset + 48,
                             "ar_size \(sizeValue) runs past the end of the archive (\(available) bytes remain)", code: .parseTruncated)
        }
        return Member(
            name: name,
            headerOffset: headerOffset,
            dataOffset: headerOffset + memberHeaderSize,
            size: sizeValue,
            date: try decimal(date, field: "ar_date", at: headerOffset + 16, required: false),
            uid: try decimal(uid, field: "ar_uid", at: headerOffset + 28, required: false),
            gid: try decimal(gid, field: "ar_gid", at: headerOffset + 34, required: false),
            mode: try octal(mode, at: headerOffset + 40)
        )
    }

    /// A right-space-padded ASCII decimal field. Empty (all spaces) is 0 unless `required`.
    private static func decimal(_ field: [UInt8], field name: String, at offset: Int, required: Bool) throws -> Int {
        try number(field, radix: 10, field: name, at: offset, required: required)
    }

    private static func octal(_ field: [UInt8], at offset: Int) throws -> Int {
        try number(field, radix: 8, field: "ar_mode", at: offset, required: false)
    }

    private static func number(_ field: [UInt8], radix: Int, field name: String, at offset: Int, required: Bool) throws -> Int {
        var value = 0
        var digits = 0
        var sawSpace = false
        for byte in field {
            if byte == UInt8(ascii: " ") { sawSpace = true; continue }
            let digit = Int(byte) - Int(UInt8(ascii: "0"))
            guard !sawSpace, digit >= 0, digit < radix else {
                let text = String(decoding: field, as: UTF8.self).trimmingCharacters(in: .whitespaces)
                throw ParseError("ar member header", at: offset, "\(name) \"\(text)\" is not a \(radix == 8 ? "octal" : "decimal") number", code: .parseMalformed)
            }
            let (m, o1) = value.multipliedReportingOverflow(by: radix)
            let (s, o2) = m.addingReportingOverflow(digit)
            guard !o1, !o2 else { throw ParseError("ar member header", at: offset, "\(name) overflows", code: .parseLength) }
            value = s
            digits += 1
        }
        if required && digits == 0 {
            throw ParseError("ar member header", at: offset, "\(name) is empty", code: .parseMalformed)
        }
        return value
    }

    /// Fuzz entry point: parses arbitrary bytes; must never trap.
    public static func fuzz(_ data: [UInt8]) {
        _ = try? ArArchive(bytes: data)
    }
}

extension ArArchive {
    /// Writes an archive with the given members in order: names without a trailing `/`, date, uid,
    /// gid and mode zero, as VMware's tooling does. Names must be 1–16 printable ASCII characters
    /// without `/` or spaces.
    public static func write(_ members: [(name: String, bytes: [UInt8])]) throws -> [UInt8] {
        var total = globalHeader.count
        for m in members { total += memberHeaderSize + m.bytes.count + (m.bytes.count % 2) }
        var out = [UInt8]()
        out.reserveCapacity(total)
        out += globalHeader
        for m in members {
            try appendHeader(name: m.name, size: m.bytes.count, to: &out)
            out += m.bytes
            if m.bytes.count % 2 == 1 { out.append(UInt8(ascii: "\n")) }
        }
        return out
    }

    static func appendHeader(name: String, size: Int, to out: inout [UInt8]) throws {
        let nameBytes = Array(name.utf8)
        guard !nameBytes.isEmpty, nameBytes.count <= 16,
              nameBytes.allSatisfy({ $0 > 0x20 && $0 < 0x7f && $0 != UInt8(ascii: "/") }) else {
            throw ParseError("ar member header", "member name \"\(name)\" must be 1-16 printable ASCII characters without '/' or spaces", code: .arBadName)
        }
        let sizeText = Array(String(size).utf8)
        guard size >= 0, sizeText.count <= 10 else {
            throw ParseError("ar member header", "member \"\(name)\" is too large for ar_size (\(size) bytes)", code: .arTooLarge)
        }
        func field(_ bytes: [UInt8], _ width: Int) { out += bytes + [UInt8](repeating: 0x20, count: width - bytes.count) }
        field(nameBytes, 16)
        field(Array("0".utf8), 12)
        field(Array("0".utf8), 6)
        field(Array("0".utf8), 6)
        field(Array("0".utf8), 8)
        field(sizeText, 10)
        out += [0x60, 0x0a]
    }
}
