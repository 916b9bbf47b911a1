import Foundation

/// A UEFI signature database (`db`, `dbx`, `KEK`, `PK`): a sequence of EFI_SIGNATURE_LIST
/// structures (UEFI 2.10, 32.4.1 "Signature Database").
///
/// Accepted input: the bare lists, or an efivarfs variable file (a 4-byte little-endian
/// `Attributes` word followed by the lists, as `/sys/firmware/efi/efivars/db-…` reads). Lists of
/// unknown signature types are kept with their GUID and otherwise ignored.
public struct SignatureDatabase: Sendable, Hashable {
    /// The efivarfs attributes word, if the input carried one (e.g. 0x27 = NV|BS|RT|time-based auth).
    public var attributes: UInt32?
    public var lists: [EFISignatureList]

    public init(lists: [EFISignatureList], attributes: UInt32? = nil) {
        self.lists = lists
        self.attributes = attributes
    }

    /// Parses EFI_SIGNATURE_LISTs, with or without a leading efivarfs attributes word.
    public init(bytes: [UInt8]) throws {
        // Decide between the two layouts by looking for a plausible list at offset 0 and at 4.
        if let lists = try? Self.parseLists(bytes, base: 0) {
            self.init(lists: lists)
            return
        }
        guard bytes.count >= 4 else {
            throw ParseError("EFI_SIGNATURE_LIST", at: 0, "truncated: \(bytes.count) bytes", code: .parseTruncated)
        }
        let attributes = UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24
        // Rethrow the error of the efivarfs interpretation when both fail (it names offsets in the file).
        let lists = try Self.parseLists(Array(bytes[4...]), base: 4)
        self.init(lists: lists, attributes: attributes)
    }

    static func parseLists(_ bytes: [UInt8], base: Int) throws -> [EFISignatureList] {
        var lists: [EFISignatureList] = []
        var offset = 0
        guard !bytes.isEmpty else {
            throw ParseError("EFI_SIGNATURE_LIST", at: base, "no signature lists", code: .parseTruncated)
        }
        while offset < bytes.count {
            let (list, size) = try EFISignatureList.parse(bytes, at: offset, base: base)
            lists.append(list)
            offset += size
        }
        return lists
    }

    /// Every entry of every list, in order.
    public var entries: [EFISignatureList.Entry] { lists.flatMap(\.entries) }

    /// DER certificates from EFI_CERT_X509_GUID lists.
    public var x509Certificates: [[UInt8]] {
        lists.filter { $0.signatureType == .certX509 }.flatMap { $0.entries.map(\.data) }
    }

    /// Hashes from EFI_CERT_SHA1/SHA256/SHA384/SHA512_GUID lists.
    public var digests: [(DigestAlgorithm, [UInt8])] {
        lists.compactMap { list in list.signatureType.digestAlgorithm.map { alg in list.entries.map { (alg, $0.data) } } }.flatMap { $0 }
    }

    /// SHA-256 digests of revoked certificates' TBSCertificate, from EFI_CERT_X509_SHA256_GUID lists
    /// (each entry: 32-byte digest + EFI_TIME of revocation, which is not used: revocation applies
    /// at any time, since hostattest does not read timestamp countersignatures).
    public var certificateTBSDigests: [[UInt8]] {
        lists.filter { $0.signatureType == .certX509SHA256 }.flatMap { $0.entries.map { Array($0.data.prefix(32)) } }
    }

    /// GUIDs of lists whose type this implementation does not use.
    public var ignoredTypes: [EFIGUID] {
        lists.filter { !$0.signatureType.isUsed }.map(\.signatureType)
    }

    /// Fuzz entry point: never traps.
    public static func fuzz(_ data: [UInt8]) {
        _ = try? SignatureDatabase(bytes: data)
    }
}

/// EFI_SIGNATURE_LIST (UEFI 2.10, 32.4.1): SignatureType, SignatureListSize, SignatureHeaderSize,
/// SignatureSize, SignatureHeader, then EFI_SIGNATURE_DATA entries (SignatureOwner GUID + data).
public struct EFISignatureList: Sendable, Hashable {
    public var signatureType: EFIGUID
    public var header: [UInt8]
    /// EFI_SIGNATURE_DATA (UEFI 2.10, 32.4.1).
    public struct Entry: Sendable, Hashable {
        public var owner: EFIGUID
        public var data: [UInt8]
    }
    public var entries: [Entry]

    static let s = "EFI_SIGNATURE_LIST"

    static func parse(_ bytes: [UInt8], at offset: Int, base: Int) throws -> (EFISignatureList, Int) {
        // Readers copy what they read from: give each only its own list (the 28-byte header, then
        // the rest of SignatureListSize), never the rest of the input, or a run of small lists
        // costs time quadratic in the input size.
        var r = ByteReader(bytes[offset..<min(bytes.count, offset + 28)], structure: s, baseOffset: base + offset)
        let type = EFIGUID(bytes: try r.bytes(16, "SignatureType"))
        let listSize = Int(try r.u32le("SignatureListSize"))
        let headerSize = Int(try r.u32le("SignatureHeaderSize"))
        let signatureSize = Int(try r.u32le("SignatureSize"))
        guard listSize >= 28, listSize <= bytes.count - offset else {
            throw ParseError(s, at: base + offset + 16, "SignatureListSize \(listSize) is below 28 or runs past the \(bytes.count - offset) remaining bytes", code: .parseLength)
        }
        guard headerSize <= listSize - 28 else {
            throw ParseError(s, at: base + offset + 20, "SignatureHeaderSize \(headerSize) does not fit in SignatureListSize \(listSize)", code: .parseLength)
        }
        guard signatureSize >= 16 else {
            throw ParseError(s, at: base + offset + 24, "SignatureSize \(signatureSize) is smaller than the 16-byte SignatureOwner", code: .parseLength)
        }
        let body = listSize - 28 - headerSize
        guard body % signatureSize == 0 else {
            throw ParseError(s, at: base + offset + 24, "\(body) bytes of signatures are not a multiple of SignatureSize \(signatureSize)", code: .parseLength)
        }
        if let expected = type.fixedDataSize, signatureSize != 16 + expected {
            throw ParseError(s, at: base + offset + 24, "SignatureSize \(signatureSize) is wrong for \(type.name ?? type.description) (expected \(16 + expected))", code: .parseLength)
        }
        r = ByteReader(bytes[(offset + 28)..<(offset + listSize)], structure: s, baseOffset: base + offset + 28)
        let header = try r.bytes(headerSize, "SignatureHeader")
        var entries: [Entry] = []
        for _ in 0..<(body / signatureSize) {
            let owner = EFIGUID(bytes: try r.bytes(16, "SignatureOwner"))
            let data = try r.bytes(signatureSize - 16, "SignatureData")
            entries.append(Entry(owner: owner, data: data))
        }
        return (EFISignatureList(signatureType: type, header: header, entries: entries), listSize)
    }
}
