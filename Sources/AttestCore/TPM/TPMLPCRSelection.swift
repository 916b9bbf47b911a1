/// TPML_PCR_SELECTION (TPM 2.0 Part 2, 10.9.7): the PCR banks and PCRs a quote covers, in order.
public struct TPMLPCRSelection: Sendable, Hashable, TPMMarshallable {
    public var selections: [TPMSPCRSelection]

    public init(_ selections: [TPMSPCRSelection]) { self.selections = selections }

    /// Parses a marshalled TPML_PCR_SELECTION; trailing bytes are an error.
    public init(bytes: [UInt8]) throws {
        var r = ByteReader(bytes, structure: "TPML_PCR_SELECTION")
        try self.init(from: &r)
        try r.expectEnd("TPML_PCR_SELECTION")
    }

    init(from r: inout ByteReader) throws {
        let at = r.position
        let count = try r.u32be("count")
        guard count <= UInt32(TPMLimits.pcrBanks) else {
            throw ParseError(r.structure, at: at, "count \(count) exceeds HASH_COUNT (\(TPMLimits.pcrBanks))", code: .parseCount)
        }
        var list: [TPMSPCRSelection] = []
        list.reserveCapacity(Int(count))
        for _ in 0..<Int(count) { list.append(try TPMSPCRSelection(from: &r)) }
        selections = list
    }

    public func marshal(into w: inout TPMWriter) {
        w.u32(UInt32(truncatingIfNeeded: selections.count))
        for s in selections { s.marshal(into: &w) }
    }

    /// Total number of selected PCRs over all banks.
    public var pcrCount: Int { selections.reduce(0) { $0 + $1.count } }

    /// True when both select the same PCRs of the same banks in the same order.
    public func selectsSame(as other: TPMLPCRSelection) -> Bool {
        let a = selections.filter { $0.count > 0 }, b = other.selections.filter { $0.count > 0 }
        guard a.count == b.count else { return false }
        return zip(a, b).allSatisfy { $0.selectsSame(as: $1) }
    }

    /// `sha256:0,1,2,3+sha1:7`, the notation of tpm2-tools.
    public var description: String {
        selections.map { "\($0.hash):\($0.indices.map(String.init).joined(separator: ","))" }.joined(separator: "+")
    }

    /// Fuzz entry point: parses arbitrary bytes, never traps.
    public static func fuzz(_ data: [UInt8]) {
        if let s = try? TPMLPCRSelection(bytes: data) { _ = s.marshalled(); _ = s.description }
    }
}
