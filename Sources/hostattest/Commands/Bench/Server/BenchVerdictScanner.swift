import AttestWire

/// Reads the plain form of a verdict without `JSONDecoder` (which cost the load generator about a
/// tenth of its CPU): an object whose `status`, `at` and next challenge's fields are strings without
/// escapes, and whose `findings` are empty. Other members are skipped, whatever their value. Anything
/// else (a finding, an escape, a repeated member, malformed JSON) returns nil, and the caller decodes
/// with `JSONDecoder`, so this accepts nothing `JSONDecoder` would refuse.
struct BenchVerdictScanner {
    private let b: UnsafeRawBufferPointer
    private var i = 0
    /// Nesting allowed in a skipped value (the server writes at most 2).
    static let maxDepth = 16

    private init(_ bytes: UnsafeRawBufferPointer) { b = bytes }

    static func scan(_ bytes: UnsafeRawBufferPointer) -> BenchVerdict? {
        var s = BenchVerdictScanner(bytes)
        guard let v = s.verdict() else { return nil }
        s.space()
        return s.i == bytes.count ? v : nil
    }

    private mutating func verdict() -> BenchVerdict? {
        var status: Verdict.Status?, at: String?, findings = false, next: ChallengeResponse?, sawNext = false
        guard take(UInt8(ascii: "{")) else { return nil }
        if take(UInt8(ascii: "}")) { return nil }
        repeat {
            guard let key = plain(), take(UInt8(ascii: ":")) else { return nil }
            switch key {
            case "status":
                guard status == nil, let text = plain(), let s = Verdict.Status(rawValue: text) else { return nil }
                status = s
            case "at":
                guard at == nil, let text = plain() else { return nil }
                at = text
            case "findings":
                guard !findings, take(UInt8(ascii: "[")), take(UInt8(ascii: "]")) else { return nil }
                findings = true
            case "nextChallenge":
                guard !sawNext else { return nil }
                sawNext = true
                if literal("null") { break }
                guard let c = challenge() else { return nil }
                next = c
            default:
                guard skip(depth: 0) else { return nil }
            }
        } while take(UInt8(ascii: ","))
        guard take(UInt8(ascii: "}")), let status, let at, findings else { return nil }
        return BenchVerdict(status: status, at: at, findings: [], nextChallenge: next)
    }

    private mutating func challenge() -> ChallengeResponse? {
        var nonce: String?, expires: String?
        guard take(UInt8(ascii: "{")) else { return nil }
        repeat {
            guard let key = plain(), take(UInt8(ascii: ":")) else { return nil }
            switch key {
            case "nonce": guard nonce == nil, let v = plain() else { return nil }; nonce = v
            case "expiresAt": guard expires == nil, let v = plain() else { return nil }; expires = v
            default: return nil
            }
        } while take(UInt8(ascii: ","))
        guard take(UInt8(ascii: "}")), let nonce, let expires else { return nil }
        return ChallengeResponse(nonce: nonce, expiresAt: expires)
    }

    private mutating func space() {
        while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
    }

    /// Skips white space, then consumes `c` if it comes next.
    private mutating func take(_ c: UInt8) -> Bool {
        space()
        guard i < b.count, b[i] == c else { return false }
        i += 1
        return true
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        space()
        let n = word.utf8CodeUnitCount
        guard i + n <= b.count else { return false }
        for k in 0..<n where b[i + k] != word.utf8Start[k] { return false }
        i += n
        return true
    }

    /// A string with no escape and no control character.
    private mutating func plain() -> String? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = i
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                return String(decoding: UnsafeRawBufferPointer(rebasing: b[start..<(i - 1)]), as: UTF8.self)
            }
            if c == UInt8(ascii: "\\") || c < 0x20 || c >= 0x80 { return nil }
            i += 1
        }
        return nil
    }

    /// Any JSON value, not decoded: strings (escapes allowed), numbers, literals, arrays, objects.
    private mutating func skip(depth: Int) -> Bool {
        guard depth <= Self.maxDepth else { return false }
        space()
        guard i < b.count else { return false }
        switch b[i] {
        case UInt8(ascii: "\""):
            i += 1
            while i < b.count {
                let c = b[i]
                if c == UInt8(ascii: "\"") { i += 1; return true }
                // Control characters are invalid; other bytes (UTF-8) are left to JSONDecoder.
                if c < 0x20 || c >= 0x80 { return false }
                if c == UInt8(ascii: "\\") {
                    guard i + 1 < b.count else { return false }
                    switch b[i + 1] {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                         UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        i += 2
                    case UInt8(ascii: "u"):
                        guard i + 5 < b.count, (2...5).allSatisfy({ Self.isHex(b[i + $0]) }) else { return false }
                        i += 6
                    default: return false
                    }
                    continue
                }
                i += 1
            }
            return false
        case UInt8(ascii: "{"):
            i += 1
            if take(UInt8(ascii: "}")) { return true }
            repeat {
                guard plainOrEscaped(), take(UInt8(ascii: ":")), skip(depth: depth + 1) else { return false }
            } while take(UInt8(ascii: ","))
            return take(UInt8(ascii: "}"))
        case UInt8(ascii: "["):
            i += 1
            if take(UInt8(ascii: "]")) { return true }
            repeat { guard skip(depth: depth + 1) else { return false } } while take(UInt8(ascii: ","))
            return take(UInt8(ascii: "]"))
        case UInt8(ascii: "t"): return literal("true")
        case UInt8(ascii: "f"): return literal("false")
        case UInt8(ascii: "n"): return literal("null")
        default:
            return number()
        }
    }

    private static func isHex(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)
    }

    private func digit(_ k: Int) -> Bool { k < b.count && b[k] >= 0x30 && b[k] <= 0x39 }

    /// RFC 8259, 6: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    private mutating func number() -> Bool {
        if i < b.count, b[i] == UInt8(ascii: "-") { i += 1 }
        guard digit(i) else { return false }
        if b[i] == UInt8(ascii: "0") { i += 1 } else { while digit(i) { i += 1 } }
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            guard digit(i) else { return false }
            while digit(i) { i += 1 }
        }
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            guard digit(i) else { return false }
            while digit(i) { i += 1 }
        }
        return true
    }

    /// A member name in a skipped object.
    private mutating func plainOrEscaped() -> Bool {
        space()
        guard i < b.count, b[i] == UInt8(ascii: "\"") else { return false }
        return skip(depth: 0)
    }
}
