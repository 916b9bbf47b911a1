/// A deterministic pseudo-random generator (SplitMix64, Steele/Lea/Flood 2014) for fuzz and
/// mutation tests, so that any failure reproduces from its seed.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }
    public init(state: UInt64) { self.state = state }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension SplitMix64 {
    /// A mutation of `base` for fuzzing parsers: byte flips, truncation, insertion of digits and
    /// markup characters, appended garbage.
    public mutating func mutate(_ base: [UInt8]) -> [UInt8] {
        var b = base
        for _ in 0..<Int.random(in: 1...4, using: &self) {
            switch Int.random(in: 0..<5, using: &self) {
            case 0 where !b.isEmpty: b[Int.random(in: 0..<b.count, using: &self)] = UInt8.random(in: 0...255, using: &self)
            case 1 where !b.isEmpty: b.removeLast(Int.random(in: 0...b.count, using: &self))
            case 2: b.insert(contentsOf: Array("9999999999".utf8), at: Int.random(in: 0...b.count, using: &self))
            case 3 where !b.isEmpty: b[Int.random(in: 0..<b.count, using: &self)] = Array("0123456789 `<>&;/".utf8).randomElement(using: &self)!
            default: b += (0..<Int.random(in: 0...64, using: &self)).map { _ in UInt8.random(in: 0...255, using: &self) }
            }
        }
        return b
    }
}
