/// A random (version 4) UUID in lowercase text, from the system CSPRNG (`getrandom`): Foundation's
/// `UUID()` on Linux opens and reads `/dev/urandom` on every call, three system calls per
/// attestation id on the hot path.
enum RandomUUID {
    static func v4() -> String {
        var rng = SystemRandomNumberGenerator()
        var bytes = [UInt8]()
        bytes.reserveCapacity(16)
        for _ in 0..<2 { withUnsafeBytes(of: rng.next() as UInt64) { bytes.append(contentsOf: $0) } }
        bytes[6] = (bytes[6] & 0x0F) | 0x40   // version 4 (RFC 9562, 5.4)
        bytes[8] = (bytes[8] & 0x3F) | 0x80   // variant 10
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(36)
        for (i, b) in bytes.enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { out.append(UInt8(ascii: "-")) }
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
