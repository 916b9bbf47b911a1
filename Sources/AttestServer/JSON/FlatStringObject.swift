/// The fast path for a request body that is one flat JSON object of plain strings (an attestation:
/// five base64 fields). It accepts only the simplest form: an object whose members are exactly
/// `keys`, each once, each a string of printable ASCII without escapes, with JSON whitespace
/// around the tokens. Anything else (an escape, a number, an unknown or repeated key, non-ASCII,
/// trailing data) gives nil and the caller decodes with `JSONDecoder`, which then accepts or refuses
/// it with its own error: the fast path never accepts what `JSONDecoder` would refuse, and for what
/// it accepts it gives the same strings.
enum FlatStringObject {
    /// Whether any byte of `w` is below 0x20, at or above 0x7F, `"` or `\` (the classic "has a zero
    /// byte" and "has a byte less than n" word tests; exact, no false negatives).
    static func hasSpecialByte(_ w: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZero(_ x: UInt64) -> Bool { (x &- ones) & ~x & highs != 0 }
        let below20 = (w &- ones &* 0x20) & ~w & highs != 0
        let nonASCIIorDEL = (w | (w &+ ones)) & highs != 0   // a byte >= 0x80, or 0x7F (which +1 carries into 0x80)
        return below20 || nonASCIIorDEL || hasZero(w ^ (ones &* 0x22)) || hasZero(w ^ (ones &* 0x5C))
    }

    static func parse(_ bytes: UnsafeRawBufferPointer, keys: [StaticString]) -> [String]? {
        var values = [String?](repeating: nil, count: keys.count)
        var i = 0
        let n = bytes.count
        func skipSpace() { while i < n, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 } }
        /// The bytes of a plain string starting at `i` (on its opening quote), or nil.
        func plainString() -> UnsafeRawBufferPointer? {
            guard i < n, bytes[i] == UInt8(ascii: "\"") else { return nil }
            let start = i + 1
            var j = start
            // Eight bytes at a time while none is special (a quote, a backslash, a control character
            // or non-ASCII: SWAR tests on the word), then byte by byte to find which one it is.
            while j + 8 <= n {
                let w = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: j, as: UInt64.self))
                if Self.hasSpecialByte(w) { break }
                j += 8
            }
            while j < n {
                let c = bytes[j]
                if c == UInt8(ascii: "\"") { break }
                // Escapes, control characters and non-ASCII go to JSONDecoder.
                guard c >= 0x20, c < 0x7F, c != UInt8(ascii: "\\") else { return nil }
                j += 1
            }
            guard j < n else { return nil }
            i = j + 1
            return UnsafeRawBufferPointer(rebasing: bytes[start..<j])
        }
        skipSpace()
        guard i < n, bytes[i] == UInt8(ascii: "{") else { return nil }
        i += 1
        for m in 0..<keys.count {
            skipSpace()
            guard let key = plainString() else { return nil }
            guard let k = keys.firstIndex(where: { s in s.withUTF8Buffer { $0.elementsEqual(key) } }), values[k] == nil else { return nil }
            skipSpace()
            guard i < n, bytes[i] == UInt8(ascii: ":") else { return nil }
            i += 1
            skipSpace()
            guard let value = plainString() else { return nil }
            values[k] = String(decoding: value, as: UTF8.self)
            skipSpace()
            guard i < n else { return nil }
            if m < keys.count - 1 {
                guard bytes[i] == UInt8(ascii: ",") else { return nil }
            } else {
                guard bytes[i] == UInt8(ascii: "}") else { return nil }
            }
            i += 1
        }
        skipSpace()
        guard i == n else { return nil }
        return values.map { $0! }
    }
}
