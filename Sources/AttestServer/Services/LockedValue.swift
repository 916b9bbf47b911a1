import Foundation

/// A value behind a lock, for an actor's cache that its callers read without entering the actor
/// (each entry and exit of an actor is an executor switch on the attestation's hot path). Writes stay
/// in the actor, so their order is the actor's; a reader sees the value before or after a write.
final class LockedValue<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func get() -> Value { lock.withLock { value } }
    func set(_ newValue: Value) { lock.withLock { value = newValue } }
}
