import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Random bytes from the system CSPRNG in one call: `arc4random_buf` (glibc 2.36+: one
/// `getrandom(2)` call; it never fails, it aborts). Swift's `SystemRandomNumberGenerator` makes one
/// call per 8 bytes, four for a nonce.
enum SystemRandom {
    static func bytes(_ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        if count > 0 { out.withUnsafeMutableBytes { arc4random_buf($0.baseAddress!, count) } }
        return out
    }
}

/// UUIDs in lowercase text from the system CSPRNG (`getrandom`): Foundation's `UUID()` on Linux
/// opens and reads `/dev/urandom` on every call, three system calls per attestation id on the hot
/// path.
enum RandomUUID {
    /// Version 4 (RFC 9562, 5.4): 122 random bits.
    static func v4() -> String {
        var bytes = SystemRandom.bytes(16)
        bytes[6] = (bytes[6] & 0x0F) | 0x40   // version 4
        bytes[8] = (bytes[8] & 0x3F) | 0x80   // variant 10
        return text(bytes)
    }

    /// Version 7 (RFC 9562, 5.7): the Unix time in milliseconds (48 bits, big-endian), then 74
    /// random bits. Attestation ids are v7 so that the audit table's unique index on them grows at
    /// its end: the ids of one group commit share index pages instead of each dirtying a random one.
    /// The time it shows is the verdict's own `at`.
    static func v7(now: Date) -> String {
        var bytes = SystemRandom.bytes(16)
        let ms = UInt64(max(0, (now.timeIntervalSince1970 * 1000).rounded(.down)))
        for i in 0..<6 { bytes[i] = UInt8(truncatingIfNeeded: ms >> (8 * (5 - UInt64(i)))) }
        bytes[6] = (bytes[6] & 0x0F) | 0x70   // version 7
        bytes[8] = (bytes[8] & 0x3F) | 0x80   // variant 10
        return text(bytes)
    }

    private static func text(_ bytes: [UInt8]) -> String {
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
