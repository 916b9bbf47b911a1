import AttestCore
import Crypto
import _CryptoExtras
import Foundation
import X509

/// hostattest's in-process software TPM: a TPM 2.0 as far as attestation can tell — PCR banks SHA-1,
/// SHA-256 and SHA-384, EKs from templates L-2 (ECC P-256) and L-1 (RSA 2048, made on first use) with
/// certificates from its own CA, ECDSA P-256 and RSASSA 2048 AKs, clock and reset counter — whose state
/// lives in one 0600 JSON file.
///
/// It produces exactly the structures a TPM produces (TPMS_ATTEST with qualifiedSigner, clockInfo and
/// firmwareVersion; TPMT_SIGNATURE; TPMT_PUBLIC and names), so quotes verify with `tpm2_checkquote`
/// and credentials made for its EK by any MakeCredential activate. It is a development and test TPM:
/// anyone who can read the state file holds its keys. `info()` and the EK certificate say so.
public final class SoftwareTPM: ResettableTPM {
    public let path: String
    private let storage: any SoftwareTPMStorage
    /// The P-256 AK and the PCR banks as last loaded, so that a quote does not re-derive them from
    /// the state every time.
    private let cache = SoftwareTPMCache()

    /// TPM_PT_MANUFACTURER: "HATT" (hostattest; not a TCG-registered vendor).
    public static let manufacturer = "HATT"
    /// firmwareVersion in TPMS_ATTEST: "hostattest software TPM 1.0".
    public static let firmwareVersion: UInt64 = 0x0001_0000_0000_0000

    /// Opens (creating on first use) the software TPM stored at `path`.
    public convenience init(path: String) throws {
        try self.init(path: path, storage: StateFile(path: path))
    }

    private init(path: String, storage: any SoftwareTPMStorage) throws {
        self.path = path
        self.storage = storage
        _ = try transact { _ in false }
    }

    /// A software TPM whose state lives only in this process's memory (fresh keys, nothing on disk):
    /// for load generators such as `hostattest bench server`, where hundreds of simulated hosts each
    /// need their own TPM. `path` is `memory`.
    public static func inMemory() throws -> SoftwareTPM {
        try SoftwareTPM(path: "memory", storage: MemoryTPMStorage())
    }

    public var description: String { storage is StateFile ? "software TPM (state \(path))" : "software TPM (in memory)" }

    /// Loads the state under the lock (manufacturing it when the file does not exist), lets `body`
    /// change it, advances the clock and saves it when `body` returns true.
    private func transact(_ body: (inout SoftwareTPMState) throws -> Bool) throws -> Bool {
        try storage.locked {
            let now = Date()
            var state: SoftwareTPMState
            var dirty = false
            if let loaded = try storage.load() {
                state = loaded
            } else {
                do { state = try SoftwareTPMState.manufacture(now: now) } catch {
                    throw TPMError(TPMError.stateWrite, "software TPM state \(path): cannot make keys: \(error)")
                }
                dirty = true
            }
            let changed = try body(&state)
            if changed || dirty {
                state.tick(now: now)
                try storage.save(state)
            }
            return changed
        }
    }

    /// Reads the state under the lock without changing it.
    private func snapshot() throws -> SoftwareTPMState {
        var copy: SoftwareTPMState?
        _ = try transact { s in copy = s; return false }
        return copy!
    }

    public func info() throws -> TPMInfo {
        let s = try snapshot()
        return TPMInfo(backend: "software", isSoftware: true, location: path, manufacturer: Self.manufacturer,
                       vendor: "hostattest SOFTWARE TPM (not hardware)", firmwareVersion: Self.firmwareVersion,
                       clockInfo: TPMSClockInfo(clock: s.clock, resetCount: s.resetCount, restartCount: s.restartCount, safe: true),
                       banks: SoftwareTPMState.banks)
    }

    public func endorsementKey(_ type: EndorsementKeyType) throws -> EndorsementKey {
        switch type {
        case .eccP256:
            let s = try snapshot()
            return EndorsementKey(type: type, publicArea: Self.ekPublic(try s.ekKey().publicKey),
                                  certificateDER: Hex.decode(s.ekCertificateECC))
        case .rsa2048:
            let s = try rsaState(ek: true)
            let key = try s.rsaKey(s.ekRSA).publicKey
            return EndorsementKey(type: type, publicArea: try Self.rsaPublic(key, template: KeyTemplates.endorsementKey(.rsa2048)),
                                  certificateDER: s.ekCertificateRSA.flatMap { Hex.decode($0) })
        }
    }

    public func attestationKey(_ type: AttestationKeyType) throws -> TPMTPublic {
        switch type {
        case .ecdsaP256: return Self.akPublic(try snapshot().akKey().publicKey)
        case .rsassa2048:
            let s = try rsaState(ek: false)
            return try Self.rsaPublic(try s.rsaKey(s.akRSA).publicKey, template: KeyTemplates.attestationKey(.rsassa2048))
        }
    }

    /// The state with the RSA EK (and its certificate) or the RSA AK made, generating them on first use.
    private func rsaState(ek: Bool) throws -> SoftwareTPMState {
        var copy: SoftwareTPMState?
        _ = try transact { s in
            var changed: Bool
            if ek {
                changed = try SoftwareTPMState.ensureRSA(&s.ekRSA)
                if s.ekCertificateRSA == nil {
                    let pub = try s.rsaKey(s.ekRSA).publicKey
                    s.ekCertificateRSA = try SoftwareTPMCA.issueEK(caKey: try s.caSigningKey(), ekKey: Certificate.PublicKey(pub),
                                                                   keyUsage: KeyUsage(keyEncipherment: true), now: Date()).hex
                    changed = true
                }
            } else {
                changed = try SoftwareTPMState.ensureRSA(&s.akRSA)
            }
            copy = s
            return changed
        }
        return copy!
    }

    /// An RSA key's public area: the template with the modulus as its unique field (exponent 65537 = 0).
    static func rsaPublic(_ key: _RSA.Signing.PublicKey, template: TPMTPublic) throws -> TPMTPublic {
        let primitives = try key.getKeyPrimitives()
        guard Array(primitives.publicExponent).drop(while: { $0 == 0 }) == [0x01, 0x00, 0x01] else {
            throw TPMError(TPMError.stateCorrupt, "software TPM RSA key does not use the exponent 65537")
        }
        var area = template
        if case .rsa(let parms, _) = area.key { area.key = .rsa(parms, modulus: Array(primitives.modulus)) }
        return area
    }

    public func pcrRead(banks: [DigestAlgorithm]?) throws -> [PCRBank] {
        let s = try snapshot()
        return try (banks ?? SoftwareTPMState.banks).map { b in
            guard let bank = s.bank(b) else {
                throw TPMError(TPMError.badSelection, "\(description): no \(b) PCR bank (active: sha1, sha256, sha384)")
            }
            return bank
        }
    }

    public func extend(pcr: Int, digests: [DigestAlgorithm: [UInt8]]) throws {
        try extend(events: [(pcr, digests)])
    }

    /// All events in one locked, durable state write (one fsync pair instead of one per event).
    public func extend(events: [(pcr: Int, digests: [DigestAlgorithm: [UInt8]])]) throws {
        for e in events { try ExtendCheck.validate(pcr: e.pcr, digests: e.digests, banks: SoftwareTPMState.banks, tpm: description) }
        guard !events.isEmpty else { return }
        _ = try transact { s in
            for b in SoftwareTPMState.banks {
                var bank = s.bank(b)!
                for e in events { bank.values[e.pcr] = b.hash(bank.values[e.pcr] + e.digests[b]!) }
                s.setBank(bank)
            }
            return true
        }
    }

    public func quote(nonce: [UInt8], selection: TPMLPCRSelection, key type: AttestationKeyType) throws -> TPMQuote {
        try QuoteCheck.validate(nonce: nonce, selection: selection, banks: SoftwareTPMState.banks, tpm: description)
        // The RSA AK may be made on first use (its own state write); the P-256 AK is read inside the quote's transaction.
        let rsaArea = type == .rsassa2048 ? try attestationKey(type) : nil
        var result: TPMQuote?
        _ = try transact { s in
            var digests: [[UInt8]] = []
            digests.reserveCapacity(selection.pcrCount)
            var concatenated: [UInt8] = []
            for sel in selection.selections {
                let bank = cache.bank(sel.hash, of: s)!
                for i in sel.indices {
                    digests.append(bank.values[i])
                    concatenated.append(contentsOf: bank.values[i])
                }
            }
            s.tick(now: Date())
            let pcrDigest = SHA256.hash(data: concatenated)
            let ak: (area: TPMTPublic, qualifiedName: [UInt8], ecdsa: P256.Signing.PrivateKey?)
            if let rsaArea {
                ak = (rsaArea, KeyTemplates.qualifiedName(primary: rsaArea, hierarchy: KeyTemplates.endorsementHierarchy), nil)
            } else {
                let c = try cache.attestationKey(of: s)
                ak = (c.area, c.qualifiedName, c.key)
            }
            let attest = TPMSAttest(
                qualifiedSigner: ak.qualifiedName,
                extraData: nonce,
                clockInfo: TPMSClockInfo(clock: s.clock, resetCount: s.resetCount, restartCount: s.restartCount, safe: true),
                firmwareVersion: Self.firmwareVersion,
                attested: .quote(TPMSQuoteInfo(pcrSelect: selection, pcrDigest: Array(pcrDigest)))).marshalled()
            let signature: TPMTSignature
            if let key = ak.ecdsa {
                let raw = Array(try key.signature(for: attest).rawRepresentation)
                signature = TPMTSignature(.ecdsa(hash: .sha256, r: Array(raw[0..<32]), s: Array(raw[32...])))
            } else {
                let sig = try s.rsaKey(s.akRSA).signature(for: attest, padding: .insecurePKCS1v1_5)
                signature = TPMTSignature(.rsassa(hash: .sha256, sig: Array(sig.rawRepresentation)))
            }
            result = TPMQuote(attest: attest, signature: signature,
                              pcrs: try PCRValues(selection: selection, digests: digests), attestationKey: ak.area)
            return true
        }
        return result!
    }

    public func activateCredential(_ blob: CredentialBlob, ek ekType: EndorsementKeyType, key keyType: AttestationKeyType) throws -> [UInt8] {
        let ek = try endorsementKey(ekType)
        let ak = try attestationKey(keyType)
        let s = try snapshot()
        switch ekType {
        case .eccP256:
            return try SoftwareCredential.activate(blob, ekPrivate: try s.ekKey(), ekPublic: ek.publicArea,
                                                   objectName: ak.name, tpm: description)
        case .rsa2048:
            let key = try OpenSSLRSAPrivateKey(der: Hex.decode(s.ekRSA ?? "") ?? [])
            return try SoftwareCredential.activate(blob, ekPrivate: key, ekPublic: ek.publicArea, objectName: ak.name, tpm: description)
        }
    }

    /// A power cycle: every PCR to its reset value, resetCount + 1, restartCount 0 (TPM 2.0 Part 1, 36.4).
    public func reset() throws {
        _ = try transact { s in
            for b in SoftwareTPMState.banks { s.setBank(PCRBank.reset(b)) }
            s.resetCount &+= 1
            s.restartCount = 0
            return true
        }
    }

    /// The EK public area: template L-2 with the key's point as its unique field.
    static func ekPublic(_ key: P256.KeyAgreement.PublicKey) -> TPMTPublic {
        let raw = Array(key.rawRepresentation)
        let parms = TPMSECCParms(symmetric: .aes128CFB, scheme: .null, curveID: TPMECCCurve.nistP256, kdf: .null)
        return KeyTemplates.endorsementKey(.eccP256, unique: .ecc(parms, point: TPMSECCPoint(x: Array(raw[0..<32]), y: Array(raw[32...]))))
    }

    static func akPublic(_ key: P256.Signing.PublicKey) -> TPMTPublic {
        let raw = Array(key.rawRepresentation)
        var area = KeyTemplates.attestationKey(.ecdsaP256)
        if case .ecc(let parms, _) = area.key { area.key = .ecc(parms, point: TPMSECCPoint(x: Array(raw[0..<32]), y: Array(raw[32...]))) }
        return area
    }
}
