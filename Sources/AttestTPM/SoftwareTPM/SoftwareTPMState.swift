import AttestCore
import Crypto
import _CryptoExtras
import Foundation

/// Everything a ``SoftwareTPM`` remembers, as stored in its state file (JSON, `hostattest-software-tpm/1`).
/// Private keys are raw P-256 scalars in hex; the file is 0600 and written atomically (``StateFile``).
struct SoftwareTPMState: Codable, Sendable {
    static let formatName = "hostattest-software-tpm/1"
    static let warningText = "hostattest SOFTWARE TPM: keys live in this file; it protects nothing and is not hardware"

    var format: String
    var warning: String
    /// PCR banks by algorithm name (sha1, sha256, sha384), 24 hex values each.
    var pcrs: [String: [String]]
    /// TPMS_CLOCK_INFO: milliseconds, advanced by wall time between commands, never backwards.
    var clock: UInt64
    /// Wall time (ms since 1970) when `clock` was last advanced.
    var clockUpdatedAt: UInt64
    var resetCount: UInt32
    var restartCount: UInt32
    /// EK (ECC P-256, template L-2) private scalar.
    var ekECC: String
    /// AK (ECDSA P-256) private scalar.
    var akECC: String
    /// The software-TPM CA's private scalar and certificate (DER, hex), and the EK certificate it issued.
    var caKey: String
    var caCertificate: String
    var ekCertificateECC: String
    /// RSA 2048 keys (PKCS#1 RSAPrivateKey DER, hex) and the RSA EK's certificate, made on first use.
    var ekRSA: String?
    var ekCertificateRSA: String?
    var akRSA: String?

    static let banks: [DigestAlgorithm] = [.sha1, .sha256, .sha384]

    /// A new TPM: fresh keys, PCRs at their reset values, clock 0.
    static func manufacture(now: Date) throws -> SoftwareTPMState {
        let ek = P256.KeyAgreement.PrivateKey()
        let ak = P256.Signing.PrivateKey()
        let ca = P256.Signing.PrivateKey()
        let issued = try SoftwareTPMCA.issue(caKey: ca, ekPublicKey: ek.publicKey, now: now)
        var pcrs: [String: [String]] = [:]
        for b in banks { pcrs[b.rawValue] = PCRBank.reset(b).values.map(\.hex) }
        return SoftwareTPMState(format: formatName, warning: warningText, pcrs: pcrs, clock: 0,
                                clockUpdatedAt: UInt64(max(0, now.timeIntervalSince1970 * 1000)),
                                resetCount: 0, restartCount: 0,
                                ekECC: Array(ek.rawRepresentation).hex, akECC: Array(ak.rawRepresentation).hex,
                                caKey: Array(ca.rawRepresentation).hex, caCertificate: issued.caDER.hex,
                                ekCertificateECC: issued.ekDER.hex)
    }

    /// Parses and checks the whole state: a wrong format, a missing bank, a value of the wrong size or
    /// a key that does not load is `tpm.state-corrupt`.
    static func decode(_ data: Data, path: String) throws -> SoftwareTPMState {
        func corrupt(_ why: String) -> TPMError {
            TPMError(TPMError.stateCorrupt, "software TPM state \(path): \(why)")
        }
        let state: SoftwareTPMState
        do {
            state = try JSONDecoder().decode(SoftwareTPMState.self, from: data)
        } catch {
            throw corrupt("not a software TPM state file (\(error))")
        }
        guard state.format == formatName else { throw corrupt("format \"\(state.format)\" is not \(formatName)") }
        for b in banks {
            guard let values = state.pcrs[b.rawValue], values.count == PCRBank.pcrCount,
                  values.allSatisfy({ Hex.decode($0)?.count == b.digestSize }) else {
                throw corrupt("PCR bank \(b) is missing or has a value of the wrong size")
            }
        }
        guard state.pcrs.count == banks.count else { throw corrupt("unknown PCR banks \(state.pcrs.keys.sorted())") }
        do {
            _ = try state.ekKey()
            _ = try state.akKey()
            _ = try state.caSigningKey()
            if state.ekRSA != nil { _ = try state.rsaKey(state.ekRSA) }
            if state.akRSA != nil { _ = try state.rsaKey(state.akRSA) }
        } catch {
            throw corrupt("a key does not load (\(error))")
        }
        guard Hex.decode(state.caCertificate) != nil, Hex.decode(state.ekCertificateECC) != nil else {
            throw corrupt("a certificate is not hex")
        }
        return state
    }

    func encoded() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try e.encode(self)
    }

    func ekKey() throws -> P256.KeyAgreement.PrivateKey {
        try P256.KeyAgreement.PrivateKey(rawRepresentation: Hex.decode(ekECC) ?? [])
    }

    func akKey() throws -> P256.Signing.PrivateKey {
        try P256.Signing.PrivateKey(rawRepresentation: Hex.decode(akECC) ?? [])
    }

    func caSigningKey() throws -> P256.Signing.PrivateKey {
        try P256.Signing.PrivateKey(rawRepresentation: Hex.decode(caKey) ?? [])
    }

    func rsaKey(_ hex: String?) throws -> _RSA.Signing.PrivateKey {
        try _RSA.Signing.PrivateKey(derRepresentation: Hex.decode(hex ?? "") ?? [])
    }

    /// The RSA key of `hex`, generating (RSA 2048) and storing it first when absent. Returns whether
    /// the state changed.
    static func ensureRSA(_ hex: inout String?) throws -> Bool {
        guard hex == nil else { return false }
        hex = Array(try _RSA.Signing.PrivateKey(keySize: .bits2048).derRepresentation).hex
        return true
    }

    func bank(_ algorithm: DigestAlgorithm) -> PCRBank? {
        guard let values = pcrs[algorithm.rawValue] else { return nil }
        return PCRBank(algorithm: algorithm, values: values.map { Hex.decode($0) ?? [] })
    }

    mutating func setBank(_ bank: PCRBank) { pcrs[bank.algorithm.rawValue] = bank.values.map(\.hex) }

    /// Advances the clock by the wall time since the last command (at least 1 ms; never backwards).
    mutating func tick(now: Date) {
        let wall = UInt64(max(0, now.timeIntervalSince1970 * 1000))
        let elapsed = wall > clockUpdatedAt ? wall - clockUpdatedAt : 0
        clock = clock &+ max(1, min(elapsed, UInt64(UInt32.max)))
        clockUpdatedAt = max(wall, clockUpdatedAt)
    }
}
