import AttestCore
import Foundation

/// Where a ``SoftwareTPM`` keeps its state: its 0600 state file (``StateFile``, the default), or
/// process memory for a TPM that lives only as long as the process (load generators, `bench server`).
protocol SoftwareTPMStorage: Sendable {
    /// Runs `body` holding the storage's exclusive lock.
    func locked<T>(_ body: () throws -> T) throws -> T
    /// The state, or nil before the TPM is manufactured. Call it holding the lock.
    func load() throws -> SoftwareTPMState?
    /// Replaces the state. Call it holding the lock.
    func save(_ state: SoftwareTPMState) throws
}

extension StateFile: SoftwareTPMStorage {
    func load() throws -> SoftwareTPMState? {
        try read().map { try SoftwareTPMState.decode($0, path: path) }
    }

    func save(_ state: SoftwareTPMState) throws {
        try write(try state.encoded())
    }
}

/// State in memory, behind a lock; gone when the process ends.
final class MemoryTPMStorage: SoftwareTPMStorage, @unchecked Sendable {
    private let lock = NSRecursiveLock()
    private var state: SoftwareTPMState?

    func locked<T>(_ body: () throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    func load() -> SoftwareTPMState? { state }
    func save(_ state: SoftwareTPMState) { self.state = state }
}
