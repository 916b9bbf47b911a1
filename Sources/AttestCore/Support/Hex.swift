import Foundation

extension Sequence where Element == UInt8 {
    /// Whether `text` is exactly ``hex`` of these bytes (lowercase, no separators), without building it.
    public func hexEquals(_ text: String) -> Bool {
        let digits: StaticString = "0123456789abcdef"
        var text = text
        return text.withUTF8 { t in
            digits.withUTF8Buffer { d in
                let compare = { (bytes: UnsafeBufferPointer<UInt8>) -> Bool in
                    guard t.count == 2 * bytes.count else { return false }
                    var i = 0
                    for b in bytes {
                        guard t[i] == d[Int(b >> 4)], t[i + 1] == d[Int(b & 0x0f)] else { return false }
                        i += 2
                    }
                    return true
                }
                if let fast = withContiguousStorageIfAvailable(compare) { return fast }
                return Array(self).withUnsafeBufferPointer(compare)
            }
        }
    }

    public var hex: String {
        let digits: StaticString = "0123456789abcdef"
        // Contiguous bytes (arrays, slices, Data) are written straight into the string's storage.
        if let fast = withContiguousStorageIfAvailable({ bytes in
            String(unsafeUninitializedCapacity: bytes.count * 2) { out in
                digits.withUTF8Buffer { d in
                    for (i, b) in bytes.enumerated() {
                        out[2 * i] = d[Int(b >> 4)]
                        out[2 * i + 1] = d[Int(b & 0x0f)]
                    }
                }
                return bytes.count * 2
            }
        }) {
            return fast
        }
        var out = [UInt8]()
        out.reserveCapacity(underestimatedCount * 2)
        digits.withUTF8Buffer { d in
            for b in self {
                out.append(d[Int(b >> 4)])
                out.append(d[Int(b & 0x0f)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

public enum Hex {
    /// Decodes hexadecimal text (upper or lower case; an optional `0x` prefix; no separators).
    /// Returns nil for odd length or a non-hex character.
    public static func decode(_ text: String) -> [UInt8]? {
        // Foundation's trimming (an NSString round trip) only when an end may be whitespace: plain
        // hex, the common case, is decoded straight from its UTF-8.
        let mayNeedTrim = text.utf8.first.map(mayBeSpace) == true || text.utf8.last.map(mayBeSpace) == true
        var s = mayNeedTrim ? Substring(text.trimmingCharacters(in: .whitespacesAndNewlines)) : Substring(text)
        if s.hasPrefix("0x") || s.hasPrefix("0X") { s = s.dropFirst(2) }
        let utf8 = Array(s.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count / 2)
        var i = 0
        while i < utf8.count {
            guard let hi = nibble(utf8[i]), let lo = nibble(utf8[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    /// ASCII whitespace, or a byte of a non-ASCII character (which may be Unicode whitespace).
    private static func mayBeSpace(_ c: UInt8) -> Bool { c <= 0x20 || c >= 0x7f }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
