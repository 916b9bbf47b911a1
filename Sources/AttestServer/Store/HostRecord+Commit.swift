import AttestCore
import AttestWire
import Foundation

/// The rules every store applies inside a verdict's transaction, against the host row as it is
/// then (an admin may have revoked, regrouped or deleted the host while the quote was verified).
extension HostRecord {
    /// Whether a verdict computed on `self` (the host as the attestation read it) must not be
    /// written over `current`: the group (which chose the baselines), the AK (which verified the
    /// quote) or the EK changed, the host is pending again, or it was revoked and the verdict does
    /// not say so.
    public func commitConflict(current: HostRecord, verdict: Verdict) -> Bool {
        identityChanged(in: current) || (current.state == .revoked && !verdict.findings.contains { $0.code == VerificationCode.hostRevoked.rawValue })
    }

    /// Whether `current` is no longer the host this record's verdict was computed for: another group
    /// (other baselines), another AK or EK, or pending activation again.
    public func identityChanged(in current: HostRecord) -> Bool {
        current.group != group || current.akPublic != akPublic || current.ekPublic != ekPublic || current.state == .pending
    }

    /// The row to store: `current` with the attestation's own fields from `self`. The state follows
    /// the verdict, except that a revoked host stays revoked; the TPM counters are written only
    /// forward (never below what a concurrent attestation stored). Without `updatingHost` the row is
    /// `current` unchanged (a verdict for the audit trail only).
    public func committed(over current: HostRecord, verdict: Verdict, updatingHost: Bool = true) -> HostRecord {
        var row = current
        guard updatingHost else { return row }
        row.state = current.state == .revoked ? .revoked : (verdict.status == .admitted ? .admitted : .rejected)
        row.lastAttestationAt = lastAttestationAt
        row.lastVerdict = lastVerdict
        if let mine = counterKey, current.counterKey.map({ $0 < mine }) ?? true {
            row.lastResetCount = lastResetCount
            row.lastRestartCount = lastRestartCount
            row.lastClock = lastClock
        }
        return row
    }

    /// `nonce` when it is this host's own: its current next challenge, or the last one it consumed
    /// (returned as used, for `nonce.reused`); nil otherwise (look in the nonce table).
    public func ownNonce(_ nonce: [UInt8]) -> NonceRecord? {
        if let next = nextChallenge, next.nonce == nonce { return next }
        if let last = lastChallenge, last == nonce { return NonceRecord(nonce: nonce, hostId: id, expiresAt: .distantFuture, used: true) }
        return nil
    }

    /// The host's challenge fields after a commit that consumed `nonce` and issues `next` (both optional):
    /// a consumed next challenge becomes the last one; `next` replaces the current one; without `next`
    /// the current one stays unless it was consumed. Whether `nonce` was the host's own is the result.
    public mutating func settleChallenges(current: HostRecord, consuming nonce: [UInt8]?, issuing next: NonceRecord?) -> Bool {
        let chained = nonce != nil && current.nextChallenge?.nonce == nonce
        lastChallenge = chained ? nonce : current.lastChallenge
        nextChallenge = next.map { var n = $0; n.used = false; return n } ?? (chained ? nil : current.nextChallenge)
        return chained
    }

    /// (resetCount, restartCount, has clock, clock): TPM time order, nil before any verified quote.
    var counterKey: (UInt32, Int64, Int, UInt64)? {
        guard let reset = lastResetCount else { return nil }
        return (reset, lastRestartCount.map(Int64.init) ?? -1, lastClock == nil ? 0 : 1, lastClock ?? 0)
    }
}
