import AttestWire
import Foundation

/// A host as the store keeps it.
public struct HostRecord: Sendable, Hashable {
    public var id: String
    public var name: String
    public var group: String
    public var state: HostState
    /// Marshalled TPMT_PUBLIC of the EK (immutable once stored).
    public var ekPublic: [UInt8]
    public var ekFingerprint: String
    public var ekBasis: String
    /// Marshalled TPMT_PUBLIC of the AK.
    public var akPublic: [UInt8]
    public var akName: String
    /// SHA-256 of the enrollment secret while `pending`; nil afterwards.
    public var secretHash: [UInt8]?
    public var enrolledAt: Date
    public var lastAttestationAt: Date?
    /// The clock of the last admitted or rejected quote that verified (for reset/restart checks).
    public var lastResetCount: UInt32?
    public var lastRestartCount: UInt32?
    public var lastClock: UInt64?
    public var lastVerdict: Verdict?
    /// The challenge carried by the host's last verdict (``Verdict/nextChallenge``), kept in the host's own
    /// row: single use, expiring, replaced only by a verdict whose quote verified under this host's AK
    /// (so nobody without the host's TPM can void it). `/challenge` nonces live in the nonce table.
    public var nextChallenge: NonceRecord?
    /// The last verdict-chained challenge consumed (for `nonce.reused`).
    public var lastChallenge: [UInt8]?

    public init(id: String, name: String, group: String, state: HostState, ekPublic: [UInt8], ekFingerprint: String, ekBasis: String,
                akPublic: [UInt8], akName: String, secretHash: [UInt8]?, enrolledAt: Date) {
        self.id = id; self.name = name; self.group = group; self.state = state; self.ekPublic = ekPublic
        self.ekFingerprint = ekFingerprint; self.ekBasis = ekBasis; self.akPublic = akPublic; self.akName = akName
        self.secretHash = secretHash; self.enrolledAt = enrolledAt
    }
}

/// An issued challenge.
public struct NonceRecord: Sendable, Hashable {
    public var nonce: [UInt8]
    public var hostId: String
    public var expiresAt: Date
    public var used: Bool
    public init(nonce: [UInt8], hostId: String, expiresAt: Date, used: Bool = false) {
        self.nonce = nonce; self.hostId = hostId; self.expiresAt = expiresAt; self.used = used
    }
}

/// A stored signed baseline and the group it is active for.
public struct BaselineRecord: Sendable, Hashable {
    public var id: String
    public var group: String
    public var bytes: [UInt8]
    public var signature: [UInt8]
    public var addedAt: Date
    public init(id: String, group: String, bytes: [UInt8], signature: [UInt8], addedAt: Date) {
        self.id = id; self.group = group; self.bytes = bytes; self.signature = signature; self.addedAt = addedAt
    }
}

/// A token-signing key (ES256), shared by every replica through the store.
public struct SigningKeyRecord: Sendable, Hashable {
    public var kid: String
    /// PEM of the P-256 private key.
    public var privateKeyPEM: String
    public var createdAt: Date
    /// Only the newest active key signs; retired keys are no longer published.
    public var retired: Bool
    public init(kid: String, privateKeyPEM: String, createdAt: Date, retired: Bool = false) {
        self.kid = kid; self.privateKeyPEM = privateKeyPEM; self.createdAt = createdAt; self.retired = retired
    }
}

public enum StoreError: Error, Sendable, Equatable {
    /// A host with this name exists (with another EK, or already enrolled).
    case hostExists(id: String)
    /// The nonce was consumed by another attestation (single use).
    case nonceAlreadyUsed
    /// The host changed (an admin revoke, group change or new AK) between the attestation's read
    /// and its commit; `current` is the host as it is now. Nothing was written.
    case hostChanged(current: HostRecord)
    case notFound
}
