/// A bounds-checked cursor over bytes. Every read checks the remaining length first and throws a
/// ``ParseError`` naming the structure, the field and the offset; nothing here can trap on bad input.
public struct ByteReader: Sendable {
    public let bytes: [UInt8]
    /// Offset of the next byte to read, relative to `bytes`.
    public private(set) var offset: Int
    /// Added to offsets in error messages, so a nested reader reports positions in the outer input.
    public let baseOffset: Int
    /// The structure name used in error messages.
    public var structure: String

    public init(_ bytes: [UInt8], structure: String, baseOffset: Int = 0) {
        self.bytes = bytes
        self.offset = 0
        self.baseOffset = baseOffset
        self.structure = structure
    }

    public init<C: Collection>(_ bytes: C, structure: String, baseOffset: Int = 0) where C.Element == UInt8 {
        self.init(Array(bytes), structure: structure, baseOffset: baseOffset)
    }

    public var remaining: Int { bytes.count - offset }
    public var isAtEnd: Bool { offset >= bytes.count }
    /// Absolute offset (including `baseOffset`) of the next byte.
    public var position: Int { baseOffset + offset }

    private func need(_ n: Int, _ field: @autoclosure () -> String) throws {
        guard n >= 0, n <= remaining else {
            throw ParseError.truncated(structure, at: position, field: field(), need: n, have: remaining)
        }
    }

    public mutating func u8(_ field: @autoclosure () -> String) throws -> UInt8 {
        try need(1, field())
        defer { offset += 1 }
        return bytes[offset]
    }

    public mutating func u16le(_ field: @autoclosure () -> String) throws -> UInt16 { UInt16(truncatingIfNeeded: try uint(2, bigEndian: false, field())) }
    public mutating func u32le(_ field: @autoclosure () -> String) throws -> UInt32 { UInt32(truncatingIfNeeded: try uint(4, bigEndian: false, field())) }
    public mutating func u64le(_ field: @autoclosure () -> String) throws -> UInt64 { try uint(8, bigEndian: false, field()) }
    public mutating func u16be(_ field: @autoclosure () -> String) throws -> UInt16 { UInt16(truncatingIfNeeded: try uint(2, bigEndian: true, field())) }
    public mutating func u32be(_ field: @autoclosure () -> String) throws -> UInt32 { UInt32(truncatingIfNeeded: try uint(4, bigEndian: true, field())) }
    public mutating func u64be(_ field: @autoclosure () -> String) throws -> UInt64 { try uint(8, bigEndian: true, field()) }

    private mutating func uint(_ width: Int, bigEndian: Bool, _ field: @autoclosure () -> String) throws -> UInt64 {
        try need(width, field())
        var value: UInt64 = 0
        if bigEndian {
            for i in 0..<width { value = (value << 8) | UInt64(bytes[offset + i]) }
        } else {
            for i in stride(from: width - 1, through: 0, by: -1) { value = (value << 8) | UInt64(bytes[offset + i]) }
        }
        offset += width
        return value
    }

    /// Reads `count` bytes. `count` comes from untrusted input, so it is checked against what remains
    /// before any allocation.
    public mutating func bytes(_ count: Int, _ field: @autoclosure () -> String) throws -> [UInt8] {
        try need(count, field())
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    /// Reads a length-prefixed field whose length is an untrusted integer.
    public mutating func bytes<I: BinaryInteger>(count: I, _ field: @autoclosure () -> String) throws -> [UInt8] {
        guard let n = Int(exactly: count) else {
            throw ParseError(structure, at: position, "\(field()) length \(count) is out of range", code: .parseLength)
        }
        return try bytes(n, field())
    }

    public mutating func skip(_ count: Int, _ field: @autoclosure () -> String) throws {
        try need(count, field())
        offset += count
    }

    public func peek(_ count: Int) -> ArraySlice<UInt8>? {
        guard count >= 0, count <= remaining else { return nil }
        return bytes[offset..<(offset + count)]
    }

    /// Throws unless every byte was consumed.
    public func expectEnd(_ what: String = "data") throws {
        guard isAtEnd else {
            throw ParseError(structure, at: position, "\(remaining) unexpected trailing bytes after \(what)", code: .parseTrailingData)
        }
    }
}
