/// A small JSON writer for the hot path's few fixed shapes (a verdict, the EAR claims): bytes appended
/// directly, no `Encoder` boxes. Output is what ``JSONCoding/encoder`` writes for the same value
/// (sorted keys, slashes unescaped, the same string escapes), which `JSONBytesTests` checks byte for byte.
struct JSONBytes {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 512) { bytes.reserveCapacity(capacity) }

    /// State of one object: whether a member was written (for the comma).
    struct Object { fileprivate var first = true }

    mutating func beginObject() -> Object { bytes.append(UInt8(ascii: "{")); return Object() }
    mutating func end(_ object: Object) { bytes.append(UInt8(ascii: "}")) }

    /// `"key":` with its comma; `key` is a literal of the caller's (plain ASCII, nothing to escape).
    mutating func key(_ key: StaticString, in object: inout Object) {
        if !object.first { bytes.append(UInt8(ascii: ",")) }
        object.first = false
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    /// `"key":` for a key known only at run time (escaped like any string).
    mutating func key(_ key: String, in object: inout Object) {
        if !object.first { bytes.append(UInt8(ascii: ",")) }
        object.first = false
        string(key)
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func member(_ key: StaticString, _ value: String, in object: inout Object) {
        self.key(key, in: &object)
        string(value)
    }

    mutating func member(_ key: StaticString, _ value: String?, in object: inout Object) {
        guard let value else { return }
        member(key, value, in: &object)
    }

    mutating func member(_ key: StaticString, _ value: Int64, in object: inout Object) {
        self.key(key, in: &object)
        integer(value)
    }

    mutating func member(_ key: StaticString, _ value: Int?, in object: inout Object) {
        guard let value else { return }
        self.key(key, in: &object)
        integer(Int64(value))
    }

    mutating func integer(_ value: Int64) {
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func array<T>(_ values: [T], _ element: (inout JSONBytes, T) -> Void) {
        bytes.append(UInt8(ascii: "["))
        for (i, v) in values.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            element(&self, v)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// A JSON string: `"` and `\` escaped, control characters as `\b \f \n \r \t` or `\u00XX`,
    /// everything else (slashes, non-ASCII UTF-8) as it is.
    mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var start = 0
            for i in 0..<utf8.count {
                let c = utf8[i]
                guard c < 0x20 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<i]))
                start = i + 1
                switch c {
                case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
                case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
                case 0x08: bytes.append(contentsOf: [0x5C, UInt8(ascii: "b")])
                case 0x0C: bytes.append(contentsOf: [0x5C, UInt8(ascii: "f")])
                case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(c >> 4)], hex[Int(c & 0xF)]])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<utf8.count]))
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
