import AttestCore
import Crypto
import Foundation

/// What a ``SoftwareTPM``'s quote would otherwise re-derive from its state every time: the P-256 AK
/// (private key, public area, qualified name under the endorsement hierarchy) and the PCR banks'
/// values decoded from hex. Each entry is used only while the state still holds exactly what it was
/// made from (the same scalar, the same hex values), so a state changed by an extend, a reset or
/// another process (a state file) is noticed and loaded afresh. Comparing the hex arrays is cheap:
/// an unchanged array shares its storage with the cached one.
final class SoftwareTPMCache: @unchecked Sendable {
    struct AK {
        var scalar: String
        var key: P256.Signing.PrivateKey
        var area: TPMTPublic
        var qualifiedName: [UInt8]
    }

    private let lock = NSLock()
    private var ak: AK?
    private var banks: [DigestAlgorithm: (hex: [String], bank: PCRBank)] = [:]

    /// The AK of `state`, from the cache when the scalar is the one loaded last.
    func attestationKey(of state: SoftwareTPMState) throws -> AK {
        if let e = lock.withLock({ ak }), e.scalar == state.akECC { return e }
        let key = try state.akKey()
        let area = SoftwareTPM.akPublic(key.publicKey)
        let e = AK(scalar: state.akECC, key: key, area: area,
                   qualifiedName: KeyTemplates.qualifiedName(primary: area, hierarchy: KeyTemplates.endorsementHierarchy))
        lock.withLock { ak = e }
        return e
    }

    /// `state`'s bank of `algorithm` (as ``SoftwareTPMState/bank(_:)``), from the cache while its hex values are unchanged.
    func bank(_ algorithm: DigestAlgorithm, of state: SoftwareTPMState) -> PCRBank? {
        guard let hex = state.pcrs[algorithm.rawValue] else { return nil }
        if let cached = lock.withLock({ banks[algorithm] }), cached.hex == hex { return cached.bank }
        guard let bank = state.bank(algorithm) else { return nil }
        lock.withLock { banks[algorithm] = (hex, bank) }
        return bank
    }
}
