import Crypto
import Foundation
import _CryptoExtras
import Testing
import TestSupport
@testable import AttestCore

@Suite struct QuoteVerifierTests {
    // MARK: real quotes made by swtpm + tpm2_quote

    @Test func realECCQuoteVerifiesWithTPM2BPublicAK() throws {
        let key = try AttestationKey(bytes: TPMVectors.eccAKPub)
        #expect(key.name == TPMVectors.eccAKName)
        let r = QuoteVerifier(attestationKey: key).verify(attest: TPMVectors.eccQuoteMsg, signature: try TPMTSignature(bytes: TPMVectors.eccQuoteSig),
                                                          pcrs: TPMVectors.zeroPCRs, nonce: TPMVectors.eccQuoteNonce)
        #expect(r.report.failures == [])
        let v = try #require(r.verified)
        #expect(v.nonce == TPMVectors.eccQuoteNonce && v.hashAlgorithm == .sha256 && !v.eventLogChecked)
        #expect(v.attestationKeyName == TPMVectors.eccAKName)
    }

    @Test func realRSAQuoteVerifies() throws {
        let key = try AttestationKey(bytes: TPMVectors.rsaAKPub)
        #expect(key.algorithmDescription == "RSA 2048")
        let r = QuoteVerifier(attestationKey: key).verify(attest: TPMVectors.rsaQuoteMsg, signature: try TPMTSignature(bytes: TPMVectors.rsaQuoteSig),
                                                          pcrs: TPMVectors.zeroPCRs, nonce: TPMVectors.rsaQuoteNonce)
        #expect(r.report.failures == [])
        #expect(r.isValid)
    }

    /// libFuzzer + AddressSanitizer find (heap-use-after-free): an RSA AK given as PEM was read by
    /// OpenSSL through a memory BIO over an array already released (the BIO was created inside
    /// `withUnsafeBytes` and used after it). Any PEM reaching the RSA path did it, down to the 10
    /// bytes "-----BEGIN". Run under `swift test --sanitize=address` to see the original failure.
    @Test func rsaAKAsPEMVerifiesAndBadPEMThrows() throws {
        guard case .rsa(_, let modulus) = try #require(AttestationKey(bytes: TPMVectors.rsaAKPub).publicArea).key else {
            Issue.record("not an RSA AK"); return
        }
        let pem = try _RSA.Signing.PublicKey(n: modulus, e: [0x01, 0x00, 0x01]).pemRepresentation
        let key = try AttestationKey(bytes: Array(pem.utf8))
        #expect(key.algorithmDescription == "RSA 2048")
        let r = QuoteVerifier(attestationKey: key).verify(attest: TPMVectors.rsaQuoteMsg, signature: try TPMTSignature(bytes: TPMVectors.rsaQuoteSig),
                                                          pcrs: TPMVectors.zeroPCRs, nonce: TPMVectors.rsaQuoteNonce)
        #expect(r.isValid)
        #expect(throws: ParseError.self) { try AttestationKey(bytes: Array("-----BEGIN".utf8)) }
        AttestationKey.fuzz(Array("-----BEGIN".utf8))
    }

    // MARK: synthetic quotes: each check on its own

    struct Fixture {
        /// The hash of the quote signature; the TPM computes pcrDigest with it too.
        var pcrHash: DigestAlgorithm = .sha256
        let key = P256.Signing.PrivateKey()
        var pcrs: PCRValues
        var nonce: [UInt8] = Array(repeating: 0x42, count: 20)
        var magic = TPM_GENERATED_VALUE
        var attested: TPMUAttest? = nil
        var signedNonce: [UInt8]? = nil

        init() {
            let sel = TPMLPCRSelection([TPMSPCRSelection(hash: .sha256, indices: [0, 4, 7])])
            pcrs = try! PCRValues(selection: sel, digests: (0..<3).map { Array(SHA256.hash(data: [UInt8($0)])) })
        }

        func attest() -> [UInt8] {
            let digest = pcrHash.hash(pcrs.values.flatMap(\.digest))
            return TPMSAttest(magic: magic, qualifiedSigner: [0, 0x0b] + [UInt8](repeating: 1, count: 32), extraData: signedNonce ?? nonce,
                              clockInfo: TPMSClockInfo(clock: 5, resetCount: 1, restartCount: 2, safe: true), firmwareVersion: 7,
                              attested: attested ?? .quote(TPMSQuoteInfo(pcrSelect: pcrs.selection, pcrDigest: digest))).marshalled()
        }

        func sign(_ message: [UInt8]) -> TPMTSignature {
            let raw = Array(try! key.signature(for: message).rawRepresentation)
            return TPMTSignature(.ecdsa(hash: .sha256, r: Array(raw[0..<32]), s: Array(raw[32...])))
        }

        func verify(pcrs given: PCRValues? = nil, nonce expected: [UInt8]? = nil, log: EventLog? = nil,
                    tamper: (inout [UInt8]) -> Void = { _ in }) -> QuoteVerification {
            var msg = attest()
            let sig = sign(msg)
            tamper(&msg)
            let ak = try! AttestationKey(pemEncoded: key.publicKey.pemRepresentation)
            return QuoteVerifier(attestationKey: ak).verify(attest: msg, signature: sig, pcrs: given ?? pcrs, nonce: expected ?? nonce, eventLog: log)
        }
    }

    func codes(_ r: QuoteVerification) -> [String] { r.report.failures.map(\.code.rawValue) }

    @Test func goodQuotePasses() {
        let r = Fixture().verify()
        #expect(codes(r) == [])
        #expect(r.verified != nil)
    }

    @Test func tamperedMessageIsSignatureInvalid() {
        let r = Fixture().verify { $0[66] ^= 1 }  // a bit of clockInfo.clock
        #expect(codes(r) == ["quote.signature-invalid"])
        #expect(r.verified == nil)
    }

    @Test func wrongNonceIsNonceMismatch() {
        let r = Fixture().verify(nonce: Array(repeating: 0x43, count: 20))
        #expect(codes(r) == ["nonce.mismatch"])
        #expect(r.report.failures[0].message.contains(String(repeating: "43", count: 20)))
    }

    @Test func emptyExpectedNonceIsRejected() {
        var f = Fixture()
        f.nonce = []
        #expect(codes(f.verify()) == ["nonce.empty"])
    }

    @Test func badMagicIsReportedAsFinding() {
        var f = Fixture()
        f.magic = 0xFF54_4348
        #expect(codes(f.verify()) == ["quote.bad-magic"])
    }

    @Test func certifyIsWrongType() {
        var f = Fixture()
        f.attested = .certify(TPMSCertifyInfo(name: [0, 0x0b] + [UInt8](repeating: 2, count: 32), qualifiedName: []))
        #expect(codes(f.verify()) == ["quote.wrong-type"])
    }

    @Test func changedPCRValueIsDigestMismatch() throws {
        let f = Fixture()
        var digests = f.pcrs.values.map(\.digest)
        digests[1][0] ^= 0x80
        let r = f.verify(pcrs: try PCRValues(selection: f.pcrs.selection, digests: digests))
        #expect(codes(r) == ["quote.pcr-digest-mismatch"])
    }

    @Test func otherSelectionIsSelectionMismatch() throws {
        let f = Fixture()
        let sel = TPMLPCRSelection([TPMSPCRSelection(hash: .sha256, indices: [0, 4, 8])])
        let r = f.verify(pcrs: try PCRValues(selection: sel, digests: f.pcrs.values.map(\.digest)))
        #expect(codes(r) == ["quote.pcr-selection-mismatch"])
    }

    @Test func everyFailedCheckIsReported() throws {
        var f = Fixture()
        f.magic = 0
        let other = try PCRValues(selection: TPMLPCRSelection([TPMSPCRSelection(hash: .sha256, indices: [1])]), digests: [[UInt8](repeating: 0, count: 32)])
        let r = f.verify(pcrs: other, nonce: [1]) { $0[60] ^= 1 }
        #expect(Set(codes(r)) == ["quote.signature-invalid", "quote.bad-magic", "nonce.mismatch", "quote.pcr-selection-mismatch", "quote.pcr-digest-mismatch"])
    }

    /// A log that measures one event into each of PCRs 0, 4 and 7 (plus `extra` into PCR 4), in `banks`.
    static func log(banks: [DigestAlgorithm] = [.sha256], extra: Bool = false) throws -> EventLog {
        var w = EventLogWriter(banks: banks)
        w.measure(pcr: 0, type: .EV_S_CRTM_VERSION, data: Array("firmware 1.0".utf8))
        w.measure(pcr: 4, type: .EV_EFI_ACTION, data: Array("Calling EFI Application from Boot Option".utf8))
        if extra { w.measure(pcr: 4, type: .EV_EFI_ACTION, data: Array("unexpected".utf8)) }
        w.measure(pcr: 7, type: .EV_SEPARATOR, data: [0, 0, 0, 0])
        return try EventLog(bytes: w.bytes)
    }

    @Test func eventLogReplayNamesEachMismatchedPCRAndItsEvents() throws {
        var f = Fixture()
        let good = try Self.log()
        let replayed = good.replay()
        let sel = TPMLPCRSelection([TPMSPCRSelection(hash: .sha256, indices: [0, 4, 7])])
        f.pcrs = try PCRValues(selection: sel, digests: [0, 4, 7].map { replayed[.sha256, $0]! })
        let ok = f.verify(log: good)
        #expect(codes(ok) == [])
        #expect(ok.verified?.eventLogChecked == true)

        let bad = f.verify(log: try Self.log(extra: true))
        #expect(codes(bad) == ["pcr.replay-mismatch"])
        #expect(bad.report.failures[0].component == "PCR[4] sha256")
        #expect(bad.report.failures[0].message.contains(f.pcrs.values[1].digest.hex))
        #expect(bad.report.failures[0].message.contains("EV_EFI_ACTION"))
        #expect(bad.verified == nil)

        let noBank = f.verify(log: try Self.log(banks: [.sha1]))
        #expect(codes(noBank) == ["pcr.bank-missing"])
    }

    @Test func sha1SignatureIsWeakUnlessAllowed() throws {
        var f = Fixture()
        f.pcrHash = .sha1
        let msg = f.attest()
        let raw = Array(try f.key.signature(for: Insecure.SHA1.hash(data: msg)).rawRepresentation)
        let sig = TPMTSignature(.ecdsa(hash: .sha1, r: Array(raw[0..<32]), s: Array(raw[32...])))
        let ak = try AttestationKey(pemEncoded: f.key.publicKey.pemRepresentation)
        let strict = QuoteVerifier(attestationKey: ak).verify(attest: msg, signature: sig, pcrs: f.pcrs, nonce: f.nonce)
        #expect(codes(strict) == ["quote.weak-hash"])
        #expect(strict.verified == nil)
        let lenient = QuoteVerifier(attestationKey: ak, allowWeakAlgorithms: true).verify(attest: msg, signature: sig, pcrs: f.pcrs, nonce: f.nonce)
        #expect(codes(lenient) == [])
    }

    @Test func smallRSAKeyIsWeak() throws {
        let dir = TempDir("weak-ak")
        let key = dir.file("k.pem").path, pub = dir.file("pub.pem").path
        #expect(try Run.process("openssl", ["genrsa", "-out", key, "1024"]).status == 0)
        #expect(try Run.process("openssl", ["rsa", "-in", key, "-pubout", "-out", pub]).status == 0)
        let ak = try AttestationKey(pemEncoded: String(decoding: try Data(contentsOf: URL(fileURLWithPath: pub)), as: UTF8.self))
        let f = Fixture()
        let r = QuoteVerifier(attestationKey: ak).verify(attest: f.attest(), signature: f.sign(f.attest()), pcrs: f.pcrs, nonce: f.nonce)
        #expect(codes(r).contains("ak.weak-key"))
    }

    @Test func signatureFromAnotherKeyTypeIsInvalid() throws {
        let f = Fixture()
        let msg = f.attest()
        let rsa = try AttestationKey(bytes: TPMVectors.rsaAKPub)
        let r = QuoteVerifier(attestationKey: rsa).verify(attest: msg, signature: f.sign(msg), pcrs: f.pcrs, nonce: f.nonce)
        #expect(codes(r).contains("quote.signature-invalid"))
    }

    @Test func malformedAttestIsAFinding() {
        let r = Fixture().verify { $0.removeLast(3) }
        #expect(Set(codes(r)) == ["quote.signature-invalid", "quote.malformed"])
    }

    @Test func plainSignaturesConvert() throws {
        let f = Fixture()
        let msg = f.attest()
        let ak = try AttestationKey(pemEncoded: f.key.publicKey.pemRepresentation)
        let der = Array(try f.key.signature(for: msg).derRepresentation)
        let sig = try ak.signature(plain: der, hash: .sha256)
        #expect(QuoteVerifier(attestationKey: ak).verify(attest: msg, signature: sig, pcrs: f.pcrs, nonce: f.nonce).isValid)
        #expect(throws: ParseError.self) { try ak.signature(plain: Array(der.dropLast()), hash: .sha256) }
        let rsa = try AttestationKey(bytes: TPMVectors.rsaAKPub)
        #expect(throws: ParseError.self) { try rsa.signature(plain: [1, 2, 3], hash: .sha256) }
        #expect(try rsa.signature(plain: [UInt8](repeating: 1, count: 256), hash: .sha256).sigAlg == .rsassa)
    }

    /// Every mutation of a real quote is rejected, none traps.
    @Test func mutatedQuotesAreRejected() throws {
        let key = try AttestationKey(bytes: TPMVectors.eccAKPub)
        let verifier = QuoteVerifier(attestationKey: key)
        let sig = try TPMTSignature(bytes: TPMVectors.eccQuoteSig)
        var rng = SplitMix64(seed: 42)
        for _ in 0..<1500 {
            var msg = TPMVectors.eccQuoteMsg
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: msg[Int.random(in: 0..<msg.count, using: &rng)] ^= UInt8(1) << UInt8.random(in: 0...7, using: &rng)
            case 1: msg.removeLast(Int.random(in: 1...msg.count, using: &rng))
            default: msg.insert(UInt8.random(in: 0...255, using: &rng), at: Int.random(in: 0...msg.count, using: &rng))
            }
            let r = verifier.verify(attest: msg, signature: sig, pcrs: TPMVectors.zeroPCRs, nonce: TPMVectors.eccQuoteNonce)
            #expect(!r.isValid && r.report.failures.contains { $0.code == "quote.signature-invalid" })
        }
    }

    // MARK: AK attribute policy

    @Test func akPolicyReportsEachMissingAttribute() throws {
        var ak = try TPM2BPublic(bytes: TPMVectors.eccAKPub).publicArea
        #expect(AKPolicy.check(ak).isValid)
        ak.objectAttributes.subtract([.restricted, .fixedTPM, .sensitiveDataOrigin])
        ak.objectAttributes.insert(.decrypt)
        let r = AKPolicy.check(ak)
        #expect(r.failures.map(\.code) == ["ak.not-restricted", "ak.not-fixed-tpm", "ak.not-sensitive-data-origin", "ak.decrypt-set"])
        var signless = try TPM2BPublic(bytes: TPMVectors.eccAKPub).publicArea
        signless.objectAttributes.subtract([.sign, .fixedParent])
        #expect(AKPolicy.check(signless).failures.map(\.code) == ["ak.not-signing", "ak.not-fixed-parent"])
    }

    @Test func verifierAppliesAKPolicyForTPMPublicKeys() throws {
        var area = try TPM2BPublic(bytes: TPMVectors.eccAKPub).publicArea
        area.objectAttributes.remove(.restricted)
        let key = try AttestationKey(publicArea: area)
        let r = QuoteVerifier(attestationKey: key).verify(attest: TPMVectors.eccQuoteMsg, signature: try TPMTSignature(bytes: TPMVectors.eccQuoteSig),
                                                          pcrs: TPMVectors.zeroPCRs, nonce: TPMVectors.eccQuoteNonce)
        #expect(codes(r) == ["ak.not-restricted"])
        #expect(r.verified == nil)
    }
}
