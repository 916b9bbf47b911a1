import AttestCore
import Crypto
import Foundation

/// The P-256 AK of a ``SoftwareTPM`` loaded once: the private key, its public area and its
/// qualified name (under the endorsement hierarchy), kept for as long as the state holds the same
/// scalar. A state file changed by another process (a new AK) is noticed: the scalar is compared
/// on every use and a different one is loaded afresh.
final class SoftwareAKCache: @unchecked Sendable {
    struct Entry {
        var scalar: String
        var key: P256.Signing.PrivateKey
        var area: TPMTPublic
        var qualifiedName: [UInt8]
    }

    private let lock = NSLock()
    private var entry: Entry?

    /// The AK of `state`, from the cache when the scalar is the one loaded last.
    func key(for state: SoftwareTPMState) throws -> Entry {
        if let e = lock.withLock({ entry }), e.scalar == state.akECC { return e }
        let key = try state.akKey()
        let area = SoftwareTPM.akPublic(key.publicKey)
        let e = Entry(scalar: state.akECC, key: key, area: area,
                      qualifiedName: KeyTemplates.qualifiedName(primary: area, hierarchy: KeyTemplates.endorsementHierarchy))
        lock.withLock { entry = e }
        return e
    }
}
