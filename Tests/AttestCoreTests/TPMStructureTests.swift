import Crypto
import Testing
@testable import AttestCore

@Suite struct TPMStructureTests {
    @Test func quoteMessageFromTpm2QuoteParsesAndRoundTrips() throws {
        let a = try TPMSAttest(bytes: TPMVectors.eccQuoteMsg)
        #expect(a.magic == TPM_GENERATED_VALUE)
        #expect(a.type == TPMST.attestQuote)
        #expect(a.extraData == TPMVectors.eccQuoteNonce)
        #expect(a.clockInfo.resetCount == 1 && a.clockInfo.safe)
        #expect(a.firmwareVersion == 0x2019_1023_0016_3636)
        let q = try #require(a.quoteInfo)
        #expect(q.pcrSelect.description == "sha256:0,1,2,3")
        #expect(q.pcrDigest.count == 32)
        #expect(a.marshalled() == TPMVectors.eccQuoteMsg)
        // TPM2B_ATTEST form is accepted too.
        var w = TPMWriter()
        w.tpm2b(TPMVectors.eccQuoteMsg)
        #expect(try TPMSAttest(bytes: w.bytes) == a)
    }

    @Test func signaturesParseAndRoundTrip() throws {
        let e = try TPMTSignature(bytes: TPMVectors.eccQuoteSig)
        #expect(e.sigAlg == .ecdsa && e.hashAlg == .sha256)
        #expect(e.marshalled() == TPMVectors.eccQuoteSig)
        let r = try TPMTSignature(bytes: TPMVectors.rsaQuoteSig)
        #expect(r.sigAlg == .rsassa && r.hashAlg == .sha256)
        #expect(r.marshalled() == TPMVectors.rsaQuoteSig)
        let pss = TPMTSignature(.rsapss(hash: .sha384, sig: [1, 2, 3]))
        #expect(try TPMTSignature(bytes: pss.marshalled()) == pss)
    }

    @Test func publicAreasParseAndNamesMatchTpm2Tools() throws {
        let ak = try TPM2BPublic(bytes: TPMVectors.eccAKPub)
        #expect(ak.marshalled() == TPMVectors.eccAKPub)
        #expect(ak.publicArea.type == .ecc)
        #expect(ak.publicArea.name == TPMVectors.eccAKName)
        #expect(ak.publicArea.objectAttributes.isSuperset(of: [.restricted, .sign, .fixedTPM, .fixedParent, .sensitiveDataOrigin]))
        #expect(ak.publicArea.scheme == TPMTScheme(scheme: .ecdsa, hashAlg: .sha256))
        // TPMT_PUBLIC alone.
        #expect(try TPMTPublic(bytes: Array(TPMVectors.eccAKPub.dropFirst(2))) == ak.publicArea)

        let rsaAK = try TPM2BPublic(bytes: TPMVectors.rsaAKPub)
        #expect(rsaAK.marshalled() == TPMVectors.rsaAKPub)
        guard case .rsa(let parms, let modulus) = rsaAK.publicArea.key else { Issue.record("not RSA"); return }
        #expect(parms.keyBits == 2048 && modulus.count == 256 && parms.effectiveExponent == 65537)

        for ek in [TPMVectors.rsaEKPub, TPMVectors.eccEKPub] {
            let p = try TPM2BPublic(bytes: ek)
            #expect(p.marshalled() == ek)
            #expect(p.publicArea.symmetric == .aes128CFB)
            #expect(p.publicArea.objectAttributes.contains([.restricted, .decrypt]))
        }
    }

    @Test func pcrFilesMatchTpm2ToolsBytes() throws {
        let serialized = TPMVectors.zeroPCRs.tpm2ToolsSerialized()
        #expect(serialized.count == 668)
        #expect(Array(SHA256.hash(data: serialized)) == TPMVectors.zeroPCRFileSHA256)
        let back = try PCRValues(tpm2ToolsSerialized: serialized)
        #expect(back == TPMVectors.zeroPCRs)
        let values = TPMVectors.zeroPCRs.tpm2ToolsValues()
        #expect(values.count == 128)
        #expect(try PCRValues(tpm2ToolsValues: values, selection: TPMVectors.zeroPCRs.selection) == TPMVectors.zeroPCRs)
    }

    @Test func serializedPCRFileWithMoreThanEightPCRsAndTwoBanks() throws {
        let sel = TPMLPCRSelection([TPMSPCRSelection(hash: .sha256, indices: Array(0..<10)),
                                    TPMSPCRSelection(hash: .sha1, indices: [7, 23])])
        let digests = (0..<10).map { [UInt8](repeating: UInt8($0), count: 32) } + [[UInt8](repeating: 7, count: 20), [UInt8](repeating: 23, count: 20)]
        let p = try PCRValues(selection: sel, digests: digests)
        let file = p.tpm2ToolsSerialized()
        #expect(file.count == 132 + 4 + 2 * 532)
        #expect(try PCRValues(tpm2ToolsSerialized: file) == p)
        #expect(p[.sha1, 23] == [UInt8](repeating: 23, count: 20))
        #expect(sel.description == "sha256:0,1,2,3,4,5,6,7,8,9+sha1:7,23")
    }

    @Test func tpm2MakecredentialFileParsesAndRoundTrips() throws {
        let c = try CredentialBlob(tpm2ToolsFile: TPMVectors.makeCredentialFile)
        #expect(c.idObject.integrityHMAC.count == 32)
        #expect(c.idObject.encIdentity.count == 34)
        #expect(c.encryptedSecret.secret.count == 256)
        #expect(c.tpm2ToolsFile() == TPMVectors.makeCredentialFile)
    }

    @Test func certifyAttestRoundTrips() throws {
        let a = TPMSAttest(qualifiedSigner: TPMVectors.eccAKName, extraData: [1, 2, 3],
                           clockInfo: TPMSClockInfo(clock: 1, resetCount: 2, restartCount: 3, safe: false), firmwareVersion: 4,
                           attested: .certify(TPMSCertifyInfo(name: TPMVectors.eccAKName, qualifiedName: TPMVectors.eccAKName)))
        let bytes = a.marshalled()
        #expect(Array(bytes[4..<6]) == [0x80, 0x17])
        let back = try TPMSAttest(bytes: bytes)
        #expect(back == a && back.quoteInfo == nil)
        #expect(throws: ParseError.self) { try TPMSAttest.pcrSelection(ofQuote: bytes) }
        var badMagic = bytes
        badMagic[0] = 0
        #expect(throws: ParseError.self) { try TPMSAttest(bytes: badMagic) }
    }

    @Test func digestListAndSelectionRoundTrip() throws {
        let l = TPMLDigest([[1, 2, 3], [UInt8](repeating: 9, count: 64)])
        #expect(try TPMLDigest(bytes: l.marshalled()) == l)
        let s = TPMLPCRSelection([TPMSPCRSelection(hash: .sha384, indices: [0, 7, 16, 23])])
        #expect(try TPMLPCRSelection(bytes: s.marshalled()) == s)
        #expect(s.selections[0].indices == [0, 7, 16, 23])
    }
}
