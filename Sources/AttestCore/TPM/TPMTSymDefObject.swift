/// TPMT_SYM_DEF_OBJECT (TPM 2.0 Part 2, 11.1.7): the symmetric algorithm of a storage key
/// (`algorithm` is TPM_ALG_NULL for signing keys).
public struct TPMTSymDefObject: Sendable, Hashable, TPMMarshallable {
    public var algorithm: TPMAlgorithmID
    public var keyBits: UInt16
    public var mode: TPMAlgorithmID

    public static let null = TPMTSymDefObject(algorithm: .null, keyBits: 0, mode: .null)
    public static let aes128CFB = TPMTSymDefObject(algorithm: .aes, keyBits: 128, mode: .cfb)

    public init(algorithm: TPMAlgorithmID, keyBits: UInt16, mode: TPMAlgorithmID) {
        self.algorithm = algorithm
        self.keyBits = keyBits
        self.mode = mode
    }

    init(from r: inout ByteReader) throws {
        let at = r.position
        algorithm = try r.alg("symmetric.algorithm")
        switch algorithm {
        case .null:
            keyBits = 0
            mode = .null
        case .aes, .sm4, .camellia:
            keyBits = try r.u16be("symmetric.keyBits")
            let modeAt = r.position
            mode = try r.alg("symmetric.mode")
            guard [.ctr, .ofb, .cbc, .cfb, .ecb, .null].contains(mode) else { throw r.unknownAlgorithm("symmetric.mode", mode, at: modeAt) }
        default:
            throw r.unknownAlgorithm("symmetric.algorithm", algorithm, at: at)
        }
    }

    public func marshal(into w: inout TPMWriter) {
        w.alg(algorithm)
        guard algorithm != .null else { return }
        w.u16(keyBits)
        w.alg(mode)
    }
}
