public enum ConstantTime {
    /// Compares two byte strings in time that depends only on their lengths. Use for secrets, MACs,
    /// nonces and digests an attacker can influence.
    public static func equal<A: Collection, B: Collection>(_ a: A, _ b: B) -> Bool
    where A.Element == UInt8, B.Element == UInt8 {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for (x, y) in zip(a, b) { diff |= x ^ y }
        return diff == 0
    }
}
