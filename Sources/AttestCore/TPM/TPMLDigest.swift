/// TPML_DIGEST (TPM 2.0 Part 2, 10.9.2): up to eight TPM2B_DIGEST values.
public struct TPMLDigest: Sendable, Hashable, TPMMarshallable {
    public var digests: [[UInt8]]

    public init(_ digests: [[UInt8]]) { self.digests = digests }

    /// Parses a marshalled TPML_DIGEST; trailing bytes are an error.
    public init(bytes: [UInt8]) throws {
        var r = ByteReader(bytes, structure: "TPML_DIGEST")
        try self.init(from: &r)
        try r.expectEnd("TPML_DIGEST")
    }

    init(from r: inout ByteReader) throws {
        let at = r.position
        let count = try r.u32be("count")
        guard count <= UInt32(TPMLimits.digestListMax) else {
            throw ParseError(r.structure, at: at, "count \(count) exceeds the maximum \(TPMLimits.digestListMax)", code: .parseCount)
        }
        var list: [[UInt8]] = []
        list.reserveCapacity(Int(count))
        for i in 0..<Int(count) { list.append(try r.tpm2b("digests[\(i)]", max: TPMLimits.digest)) }
        digests = list
    }

    public func marshal(into w: inout TPMWriter) {
        w.u32(UInt32(truncatingIfNeeded: digests.count))
        for d in digests { w.tpm2b(d) }
    }

    /// Fuzz entry point: parses arbitrary bytes, never traps.
    public static func fuzz(_ data: [UInt8]) {
        if let d = try? TPMLDigest(bytes: data) { _ = d.marshalled() }
    }
}
