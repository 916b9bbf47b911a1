import Foundation

/// A VIB bundle, parsed but not verified: an `ar` archive whose members are, in order,
/// `descriptor.xml`, `sig.pkcs7` and the payloads named in the descriptor.
///
/// The archive bytes are kept as given (typically a memory-mapped `Data`); payload members are
/// referenced by range and never copied. Nothing here is trusted until ``VIBVerifier`` says so.
public struct VIB: Sendable {
    /// The whole archive.
    public let data: Data
    public let archive: ArArchive
    /// The exact bytes of `descriptor.xml`, which `sig.pkcs7` signs.
    public let descriptorBytes: [UInt8]
    public let descriptor: VIBDescriptor
    /// The `sig.pkcs7` member (PEM detached CMS), empty for an unsigned VIB.
    public let signature: [UInt8]
    /// The archive members after `sig.pkcs7`, in archive order.
    public let payloadMembers: [ArArchive.Member]

    /// Parses a VIB. Throws ``ParseError`` for a malformed archive, members out of the required
    /// order (`descriptor.xml`, `sig.pkcs7` first), duplicate member names, or a malformed descriptor.
    /// A payload named in the descriptor but absent (or vice versa) is not a parse error: the
    /// verifier reports it.
    public init(data: Data) throws {
        let archive = try ArArchive(data: data)
        let m = archive.members
        guard m.count >= 2, m[0].name == "descriptor.xml", m[1].name == "sig.pkcs7" else {
            let names = m.prefix(3).map(\.name).joined(separator: ", ")
            throw ParseError("VIB", at: m.first?.headerOffset ?? 8,
                             "members must start with descriptor.xml, sig.pkcs7 (found: \(names.isEmpty ? "none" : names))", code: .vibStructure)
        }
        guard m.count <= VIBDescriptor.maxPayloads + 2 else {
            throw ParseError("VIB", at: m[VIBDescriptor.maxPayloads + 2].headerOffset,
                             "the archive has \(m.count) members; at most \(VIBDescriptor.maxPayloads) payloads besides descriptor.xml and sig.pkcs7 are accepted", code: .vibTooManyMembers)
        }
        var names = Set<String>()
        for member in m where !names.insert(member.name).inserted {
            throw ParseError("VIB", at: member.headerOffset, "duplicate member \"\(member.name)\"", code: .vibStructure)
        }
        guard m[0].size <= VIBDescriptor.maxSize else {
            throw ParseError("descriptor.xml", "member is \(m[0].size) bytes; the limit is \(VIBDescriptor.maxSize)", code: .xmlTooLarge)
        }
        guard m[1].size <= 1 << 20 else {
            throw ParseError("sig.pkcs7", "member is \(m[1].size) bytes; the limit is 1 MiB", code: .vibStructure)
        }
        let descriptorBytes = data.withUnsafeBytes { Array($0[m[0].range]) }
        self.data = data
        self.archive = archive
        self.descriptorBytes = descriptorBytes
        self.descriptor = try VIBDescriptor(bytes: descriptorBytes)
        self.signature = data.withUnsafeBytes { Array($0[m[1].range]) }
        self.payloadMembers = Array(m.dropFirst(2))
    }

    public init(bytes: [UInt8]) throws { try self.init(data: Data(bytes)) }

    /// Whether `sig.pkcs7` holds anything other than whitespace.
    public var isSigned: Bool { signature.contains { !$0.isASCIIWhitespace } }

    /// SHA-256 of `descriptor.xml`: the digest an image profile records for this VIB.
    public var descriptorSHA256: [UInt8] { DigestAlgorithm.sha256.hash(descriptorBytes) }

    /// Calls `body` with the bytes of a payload member, in place.
    public func withMemberBytes<R>(_ member: ArArchive.Member, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try data.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[member.range])) }
    }

    /// The same VIB with a different `sig.pkcs7`, re-serialised (descriptor and payload bytes unchanged).
    public func replacingSignature(_ signature: [UInt8]) throws -> [UInt8] {
        var members: [(name: String, bytes: [UInt8])] = [("descriptor.xml", descriptorBytes), ("sig.pkcs7", signature)]
        for member in payloadMembers {
            members.append((member.name, withMemberBytes(member) { Array($0) }))
        }
        return try ArArchive.write(members)
    }

    /// Fuzz entry point: parses arbitrary bytes as a VIB; must never trap.
    public static func fuzz(_ data: [UInt8]) {
        _ = try? VIB(bytes: data)
    }
}

extension UInt8 {
    var isASCIIWhitespace: Bool { self == 0x20 || self == 0x09 || self == 0x0a || self == 0x0d }
}
