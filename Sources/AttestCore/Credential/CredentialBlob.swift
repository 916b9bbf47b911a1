/// The output of TPM2_MakeCredential (TPM 2.0 Part 3, 12.6): what `TPM2_ActivateCredential` consumes.
public struct CredentialBlob: Sendable, Hashable {
    /// `credentialBlob`.
    public var idObject: TPM2BIDObject
    /// `secret`: the seed encrypted to the EK.
    public var encryptedSecret: TPM2BEncryptedSecret

    public init(idObject: TPM2BIDObject, encryptedSecret: TPM2BEncryptedSecret) {
        self.idObject = idObject
        self.encryptedSecret = encryptedSecret
    }

    /// Magic and version of the file `tpm2_makecredential -o` writes and `tpm2_activatecredential -i`
    /// reads (tpm2-tools 5.x): UINT32 0xBADCC0DE, UINT32 1, then TPM2B_ID_OBJECT and
    /// TPM2B_ENCRYPTED_SECRET, all big-endian (checked against tpm2_makecredential 5.4).
    public static let tpm2ToolsMagic: UInt32 = 0xBADC_C0DE
    public static let tpm2ToolsVersion: UInt32 = 1

    /// Parses a `tpm2_makecredential` output file. Strict: magic, version, both structures, no trailing bytes.
    public init(tpm2ToolsFile bytes: [UInt8]) throws {
        let name = "tpm2-tools credential file"
        var r = ByteReader(bytes, structure: name)
        let magic = try r.u32be("magic")
        guard magic == Self.tpm2ToolsMagic else {
            throw ParseError(name, at: 0, "magic 0x\(String(magic, radix: 16)) is not 0xbadc0de", code: .parseBadMagic)
        }
        let version = try r.u32be("version")
        guard version == Self.tpm2ToolsVersion else {
            throw ParseError(name, at: 4, "version \(version) is not 1", code: .parseUnsupportedVersion)
        }
        r.structure = "TPM2B_ID_OBJECT"
        idObject = try TPM2BIDObject(from: &r)
        r.structure = "TPM2B_ENCRYPTED_SECRET"
        encryptedSecret = try TPM2BEncryptedSecret(from: &r)
        r.structure = name
        try r.expectEnd("TPM2B_ENCRYPTED_SECRET")
    }

    /// The `tpm2_makecredential` output file.
    public func tpm2ToolsFile() -> [UInt8] {
        var w = TPMWriter(capacity: 8 + 140 + 520)
        w.u32(Self.tpm2ToolsMagic)
        w.u32(Self.tpm2ToolsVersion)
        idObject.marshal(into: &w)
        encryptedSecret.marshal(into: &w)
        return w.bytes
    }

    /// Fuzz entry point: parses arbitrary bytes, never traps.
    public static func fuzz(_ data: [UInt8]) {
        if let c = try? CredentialBlob(tpm2ToolsFile: data) { _ = c.tpm2ToolsFile() }
    }
}
