/// Exponential backoff with jitter for an unreachable server: the n-th retry waits a random time
/// in [d/2, d] with d = min(cap, base · 2ⁿ), so a fleet that lost its server does not return in step.
public struct Backoff: Sendable, Hashable {
    public var base: Double
    public var cap: Double
    public private(set) var attempt = 0

    public init(base: Double = 1, cap: Double = 300) {
        self.base = max(0, base); self.cap = max(self.base, cap)
    }

    /// The next delay in seconds; `random` in [0, 1] picks the point in the jitter window.
    public mutating func next(random: Double = Double.random(in: 0...1)) -> Double {
        let d = min(cap, base * Double(1 << min(attempt, 30)))
        attempt += 1
        return d / 2 + min(max(random, 0), 1) * d / 2
    }

    public mutating func reset() { attempt = 0 }
}
