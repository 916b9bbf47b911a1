import SwiftASN1

/// Minimal DER TLV construction for the fixed structures Authenticode signing emits.
enum DERWriter {
    static func tlv(_ tag: UInt8, _ contents: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [tag]
        let n = contents.count
        if n < 0x80 {
            out.append(UInt8(n))
        } else {
            var lengthBytes: [UInt8] = []
            var v = n
            while v > 0 { lengthBytes.insert(UInt8(v & 0xFF), at: 0); v >>= 8 }
            out.append(0x80 | UInt8(lengthBytes.count))
            out += lengthBytes
        }
        return out + contents
    }

    static func sequence(_ parts: [UInt8]...) -> [UInt8] { tlv(0x30, parts.flatMap { $0 }) }
    static func sequence(_ parts: [[UInt8]]) -> [UInt8] { tlv(0x30, parts.flatMap { $0 }) }
    /// A DER `SET OF`: elements sorted by their encodings (X.690, 11.6).
    static func setOf(_ elements: [[UInt8]]) -> [UInt8] {
        tlv(0x31, elements.sorted { $0.lexicographicallyPrecedes($1) }.flatMap { $0 })
    }
    static func octetString(_ bytes: [UInt8]) -> [UInt8] { tlv(0x04, bytes) }
    static func integer(_ value: UInt8) -> [UInt8] { [0x02, 0x01, value] }
    static let null: [UInt8] = [0x05, 0x00]
    static func contextConstructed(_ number: UInt8, _ contents: [UInt8]) -> [UInt8] { tlv(0xA0 | number, contents) }
    static func contextPrimitive(_ number: UInt8, _ contents: [UInt8]) -> [UInt8] { tlv(0x80 | number, contents) }

    static func oid(_ oid: ASN1ObjectIdentifier) -> [UInt8] {
        var serializer = DER.Serializer()
        // Serialising an OID cannot fail.
        try? serializer.serialize(oid)
        return serializer.serializedBytes
    }

    /// AlgorithmIdentifier with NULL parameters.
    static func algorithm(_ o: ASN1ObjectIdentifier, nullParameters: Bool = true) -> [UInt8] {
        nullParameters ? sequence(oid(o), null) : sequence(oid(o))
    }

    /// BMPString contents (UTF-16BE) of an ASCII string.
    static func bmp(_ text: String) -> [UInt8] {
        text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }
}
