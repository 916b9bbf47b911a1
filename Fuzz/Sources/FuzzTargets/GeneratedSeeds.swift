import AttestCore
import Foundation

/// Seeds written as code: TPM structures from the vectors the unit tests use (tpm2-tools 5.4 on
/// swtpm, see Tests/AttestCoreTests/TPMVectors.swift), structures made with AttestCore's own
/// writers, and the signatures inside the signed PE fixtures. Paths are relative to the repository
/// root, where `Scripts/fuzz.sh` runs the harness.
enum GeneratedSeeds {
    static func h(_ s: String) -> [UInt8] { Hex.decode(s) ?? [] }

    static let eccQuoteMsg = h("ff54434780180022000bdeb38a10b7cc3cbaa045db9f059f22d57e7a32dc977384b18605194e36ef0a0d000800112233445566770000000000000ea0000000010000000001201910230016363600000001000b030f0000002038723a2e5e8a17aa7950dc008209944e898f69a7bd10a23c839d341e935fd5ca")
    static let eccQuoteSig = h("0018000b0020e1b586b3aa1e9ee3bab427c55a6e360f6883cf55c35333d1073e0b03d534881500203b0f777990a9fd7654a85118f8b620efa0b5f9a805c76747457d5ec3bbcb4564")
    static let eccAKPub = h("00580023000b00050072000000100018000b00030010002076aeb8450a18e938137700ca78ec21236c18a9e8ff330be32a72f82080dc73730020223cba2518d9eb5de3a1c5f7592b08bae0e89b505812962e6e0a51d0adf00cda")
    static let eccEKPub = h("007a0023000b000300b20020837197674484b3f81a90cc8d46a5d724fd52d76e06520b64f2a1da1b331469aa0006008000430010000300100020cf30c5f8eacfc14c1cf2fdf5090b0b8b8083a56b7f15b834f8546ec4ccb795e00020aa187ca36558ec6d6dd9ed60d3a95c2ecbaf0a114f157393e0380ecc38daacff")
    static let rsaQuoteMsg = h("ff54434780180022000bcf307b1dcffb4c6d743b6361d88d73845a7589bacaea0c51a08f2d8426b8d6d200020011000000000001be4f000000010000000001201910230016363600000001000b030f0000002038723a2e5e8a17aa7950dc008209944e898f69a7bd10a23c839d341e935fd5ca")
    /// An RSA signature keeps its scheme, hash and 2-byte size; 16 bytes stand in for the 256 of the vector.
    static let rsaQuoteSig = h("0014000b0010" + String(repeating: "a5", count: 16))
    /// tpm2_makecredential's file (magic, version, TPM2B_ID_OBJECT, TPM2B_ENCRYPTED_SECRET), its
    /// 256-byte RSA secret cut to 16 bytes.
    static let credentialFile = h("badcc0de000000010044002099659f26ac91a4e3a5cadc587f26472b0063959217ca49d8231475ee67f79db361f8e2dfb09d0c582cc83f4d788d423463c9eb3c7f29ee2d39a5aeec3a810cff3ba70010" + String(repeating: "5a", count: 16))

    static let selection = TPMLPCRSelection([TPMSPCRSelection(hash: .sha256, indices: [0, 1, 2, 3]),
                                             TPMSPCRSelection(hash: .sha1, indices: [7])])

    @Sendable static func attest() -> [[UInt8]] {
        [eccQuoteMsg, rsaQuoteMsg, [0, UInt8(eccQuoteMsg.count)] + eccQuoteMsg]
    }

    @Sendable static func publicAreas() -> [[UInt8]] { [eccAKPub, eccEKPub, Array(eccAKPub.dropFirst(2))] }

    @Sendable static func signatures() -> [[UInt8]] { [eccQuoteSig, rsaQuoteSig] }

    @Sendable static func pcrSelections() -> [[UInt8]] { [selection.marshalled(), TPMLPCRSelection([]).marshalled()] }

    @Sendable static func digestLists() -> [[UInt8]] {
        [TPMLDigest([[UInt8](repeating: 0x11, count: 32), [UInt8](repeating: 0x22, count: 20)]).marshalled()]
    }

    @Sendable static func idObjects() -> [[UInt8]] { [Array(credentialFile[8..<(8 + 2 + 0x44)])] }

    @Sendable static func encryptedSecrets() -> [[UInt8]] { [Array(credentialFile[(8 + 2 + 0x44)...])] }

    @Sendable static func credentialBlobs() -> [[UInt8]] { [credentialFile] }

    @Sendable static func pcrFiles() -> [[UInt8]] {
        let digests = (0..<5).map { [UInt8](repeating: UInt8($0), count: $0 == 4 ? 20 : 32) }
        guard let values = try? PCRValues(selection: selection, digests: digests) else { return [] }
        return [values.tpm2ToolsSerialized(), values.tpm2ToolsValues()]
    }

    @Sendable static func denyListText() -> [[UInt8]] {
        let text = "# revoked\n" + String(repeating: "ab", count: 32) + "\n" + String(repeating: "cd", count: 20) + "\n"
        return [Array(text.utf8)]
    }

    @Sendable static func gzipStreams() -> [[UInt8]] {
        let members = [Array("hostattest".utf8), [UInt8](repeating: 0, count: 4096)].compactMap { try? Gzip.compress($0) }
        return members + [members.flatMap { $0 }]
    }

    /// The PKCS#7 SignedData of every signature in the signed PE fixtures and the sample image.
    @Sendable static func authenticodeSignatures() -> [[UInt8]] {
        let files = ["Tests/Fixtures/pe/authenticode-rs/tiny64.signed.efi", "Tests/Fixtures/pe/go-uefi/HelloWorld.efi.signed",
                     "Images/demo-host/bootx64.efi", "Images/demo-host/kernel.efi"]
        return files.flatMap { path -> [[UInt8]] in
            guard let data = FileManager.default.contents(atPath: path), let image = try? PEImage(bytes: data) else { return [] }
            return image.certificates.map(\.certificate)
        }
    }
}
