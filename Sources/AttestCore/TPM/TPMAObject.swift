/// TPMA_OBJECT (TPM 2.0 Part 2, 8.3): object attributes.
public struct TPMAObject: OptionSet, Sendable, Hashable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let fixedTPM = TPMAObject(rawValue: 1 << 1)
    public static let stClear = TPMAObject(rawValue: 1 << 2)
    public static let fixedParent = TPMAObject(rawValue: 1 << 4)
    public static let sensitiveDataOrigin = TPMAObject(rawValue: 1 << 5)
    public static let userWithAuth = TPMAObject(rawValue: 1 << 6)
    public static let adminWithPolicy = TPMAObject(rawValue: 1 << 7)
    public static let noDA = TPMAObject(rawValue: 1 << 10)
    public static let encryptedDuplication = TPMAObject(rawValue: 1 << 11)
    public static let restricted = TPMAObject(rawValue: 1 << 16)
    public static let decrypt = TPMAObject(rawValue: 1 << 17)
    /// `sign` / `encrypt`.
    public static let sign = TPMAObject(rawValue: 1 << 18)
    public static let x509sign = TPMAObject(rawValue: 1 << 19)

    /// Bits the spec reserves (they shall be zero).
    public static let reserved = TPMAObject(rawValue: ~UInt32(0b0000_0000_0000_1111_0000_1100_1111_0110))

    static let names: [(TPMAObject, String)] = [
        (.fixedTPM, "fixedTPM"), (.stClear, "stClear"), (.fixedParent, "fixedParent"),
        (.sensitiveDataOrigin, "sensitiveDataOrigin"), (.userWithAuth, "userWithAuth"),
        (.adminWithPolicy, "adminWithPolicy"), (.noDA, "noDA"), (.encryptedDuplication, "encryptedDuplication"),
        (.restricted, "restricted"), (.decrypt, "decrypt"), (.sign, "sign"), (.x509sign, "x509sign"),
    ]

    /// Attribute names, e.g. `fixedTPM|fixedParent|restricted|sign`.
    public var description: String { Self.names.filter { contains($0.0) }.map(\.1).joined(separator: "|") }
}
