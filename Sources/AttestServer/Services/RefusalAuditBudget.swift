import Foundation

/// How many refused enrollments the server writes to the enrollment audit: a token bucket.
///
/// A refused `POST /v1/hosts` needs no credentials, so recording every one would let anyone grow the
/// append-only audit table (and the disk) at the rate they can send requests. Accepted enrollments and
/// activations are always recorded; refusals are recorded while the bucket has a token (a burst of
/// `capacity`, then `perSecond`), and the rest are only counted (`hostattest_enrollment_refusals_unrecorded_total`).
public actor RefusalAuditBudget {
    public let capacity: Double
    public let perSecond: Double
    private var tokens: Double
    private var last: Date?
    /// Refusals answered but not written to the audit since the server started.
    public private(set) var unrecorded: UInt64 = 0
    private let onUnrecorded: @Sendable () -> Void

    public init(capacity: Int = 200, perSecond: Double = 20, onUnrecorded: @escaping @Sendable () -> Void = {}) {
        self.onUnrecorded = onUnrecorded
        self.capacity = Double(max(0, capacity))
        self.perSecond = max(0, perSecond)
        tokens = Double(max(0, capacity))
    }

    /// Whether a refusal at `now` may be written; a clock that goes back refills nothing.
    public func take(now: Date) -> Bool {
        if let last, now > last { tokens = min(capacity, tokens + now.timeIntervalSince(last) * perSecond) }
        if last == nil || now > last! { last = now }
        guard tokens >= 1 else {
            unrecorded &+= 1
            onUnrecorded()
            return false
        }
        tokens -= 1
        return true
    }
}
