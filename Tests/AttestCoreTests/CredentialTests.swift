import Testing
@testable import AttestCore

@Suite struct CredentialTests {
    static let key: [UInt8] = Array(0..<32)

    /// Known answers computed independently (Python hmac/hashlib) from TPM 2.0 Part 1, 11.4.10.
    @Test func kdfaKnownAnswers() {
        #expect(TPMKDF.kdfa(.sha256, key: Self.key, label: "STORAGE", contextU: TPMVectors.eccAKName, contextV: [], bits: 128).hex
                == "9758916171ccb554a38e4ec4b7c3f49c")
        #expect(TPMKDF.kdfa(.sha256, key: Self.key, label: "INTEGRITY", contextU: [], contextV: [], bits: 256).hex
                == "bacf689f634ece301e1f1b15b072d9c87db6a69585db42b1a0cb8f73ebe2692e")
        #expect(TPMKDF.kdfa(.sha256, key: Self.key, label: "X", contextU: [], contextV: [], bits: 520).hex
                == "d55a16bda9fd1a80eea29650cee4a976dd96b2d9c464a0726f856b007d1b201c625e97b7e6d4293cc9939cb673c4a03fee9103b3dc7787884ad6577afdc1fea01b")
        // A label that already carries its NUL is not given a second one.
        #expect(TPMKDF.kdfa(.sha256, key: Self.key, label: "STORAGE\0", contextU: TPMVectors.eccAKName, contextV: [], bits: 128).hex
                == "9758916171ccb554a38e4ec4b7c3f49c")
    }

    @Test func kdfeKnownAnswer() {
        #expect(TPMKDF.kdfe(.sha256, z: [UInt8](repeating: 7, count: 32), label: "IDENTITY", partyUInfo: [UInt8](repeating: 1, count: 32),
                            partyVInfo: [UInt8](repeating: 2, count: 32), bits: 256).hex
                == "4b91fa923cc2e699a33b2d6d53f2991387c50a5654f1c8807116309b42b063de")
    }

    @Test func protectedCredentialOpensWithTheSeed() throws {
        let ek = try TPM2BPublic(bytes: TPMVectors.rsaEKPub).publicArea
        let credential: [UInt8] = Array(100..<132)
        let seed: [UInt8] = Array(repeating: 0x5A, count: 32)
        let blob = try MakeCredential.protect(credential: credential, seed: seed, encryptedSecret: [1, 2, 3], ekPublic: ek, objectName: TPMVectors.eccAKName)
        // What TPM2_ActivateCredential does after recovering the seed (Part 1, 24.5 and 24.6).
        let hmacKey = TPMKDF.kdfa(.sha256, key: seed, label: "INTEGRITY", contextU: [], contextV: [], bits: 256)
        #expect(TPMKDF.hmac(.sha256, key: hmacKey, blob.idObject.encIdentity + TPMVectors.eccAKName) == blob.idObject.integrityHMAC)
        let symKey = TPMKDF.kdfa(.sha256, key: seed, label: "STORAGE", contextU: TPMVectors.eccAKName, contextV: [], bits: 128)
        let plain = try AESCFB.decrypt(key: symKey, iv: [UInt8](repeating: 0, count: 16), blob.idObject.encIdentity)
        #expect(plain == [0, 32] + credential)
        // The tpm2-tools file round-trips.
        #expect(try CredentialBlob(tpm2ToolsFile: blob.tpm2ToolsFile()) == blob)
    }

    @Test func makeCredentialShapes() throws {
        let rsaEK = try TPM2BPublic(bytes: TPMVectors.rsaEKPub).publicArea
        let rsa = try MakeCredential.make(ekPublic: rsaEK, objectName: TPMVectors.eccAKName, credential: Array(repeating: 1, count: 16))
        #expect(rsa.encryptedSecret.secret.count == 256)
        #expect(rsa.idObject.encIdentity.count == 18)
        let eccEK = try TPM2BPublic(bytes: TPMVectors.eccEKPub).publicArea
        let ecc = try MakeCredential.make(ekPublic: eccEK, objectName: TPMVectors.eccAKName, credential: Array(repeating: 1, count: 32))
        let point = try ecc.encryptedSecret.eccPoint()
        #expect(point.x.count == 32 && point.y.count == 32)
    }

    @Test func makeCredentialRejectsBadInput() throws {
        let ek = try TPM2BPublic(bytes: TPMVectors.rsaEKPub).publicArea
        #expect(throws: CredentialError.self) { try MakeCredential.make(ekPublic: ek, objectName: TPMVectors.eccAKName, credential: Array(repeating: 1, count: 33)) }
        #expect(throws: CredentialError.self) { try MakeCredential.make(ekPublic: ek, objectName: TPMVectors.eccAKName, credential: []) }
        #expect(throws: CredentialError.self) { try MakeCredential.make(ekPublic: ek, objectName: [0, 0x0b, 1], credential: [1]) }
        // An AK (signing key) is not an EK.
        let ak = try TPM2BPublic(bytes: TPMVectors.eccAKPub).publicArea
        #expect(throws: CredentialError.self) { try MakeCredential.make(ekPublic: ak, objectName: TPMVectors.eccAKName, credential: [1]) }
    }
}
