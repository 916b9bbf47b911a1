/// A small, strict XML parser for VIB descriptors (XML 1.0 subset).
///
/// Security rules, checked before and while parsing:
/// - the document may be at most ``maxSize`` bytes and nest at most ``maxDepth`` elements;
/// - any `<!DOCTYPE`, `<!ENTITY` or other markup declaration is refused before parsing starts
///   (no internal subset, so no entity expansion: no "billion laughs", no external entities/XXE);
/// - only the predefined entities (`&lt; &gt; &amp; &quot; &apos;`) and character references are decoded;
/// - processing instructions other than the leading `<?xml …?>` declaration are refused;
/// - the input must be valid UTF-8; duplicate attributes, mismatched tags and text after the root are refused.
public struct StrictXMLParser {
    public static let maxSize = 1 << 20
    public static let maxDepth = 32
    public static let maxElements = 100_000

    private let b: [UInt8]
    private var i = 0
    private let structure: String
    private var elementCount = 0

    /// Parses `bytes` and returns the root element. `structure` names the document in errors
    /// (e.g. `descriptor.xml`).
    public static func parse(_ bytes: [UInt8], structure: String = "XML document") throws -> StrictXMLElement {
        guard bytes.count <= maxSize else {
            throw ParseError(structure, "document is \(bytes.count) bytes; the limit is \(maxSize)", code: .xmlTooLarge)
        }
        try refuseDeclarations(bytes, structure: structure)
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw ParseError(structure, "document is not valid UTF-8", code: .xmlEncoding)
        }
        var p = StrictXMLParser(b: bytes, structure: structure)
        return try p.document()
    }

    /// Refuses DOCTYPE/ENTITY (and any other `<!` declaration except comments and CDATA) by a scan of
    /// the raw bytes, before any parsing.
    static func refuseDeclarations(_ bytes: [UInt8], structure: String) throws {
        var k = 0
        while k + 1 < bytes.count {
            if bytes[k] == UInt8(ascii: "<") && bytes[k + 1] == UInt8(ascii: "!") {
                let rest = bytes[(k + 2)...]
                if !rest.starts(with: Array("--".utf8)) && !rest.starts(with: Array("[CDATA[".utf8)) {
                    throw ParseError(structure, at: k, "DOCTYPE and entity declarations are not allowed", code: .xmlDoctype)
                }
            }
            k += 1
        }
        // A declaration hidden in a comment is harmless, but an ENTITY keyword anywhere outside one
        // is refused above; also refuse the keyword spelled out anywhere, as belt and braces.
        for keyword in ["<!DOCTYPE", "<!ENTITY"] {
            let kw = Array(keyword.utf8)
            if let at = firstIndex(of: kw, in: bytes, caseInsensitive: true) {
                throw ParseError(structure, at: at, "DOCTYPE and entity declarations are not allowed", code: .xmlDoctype)
            }
        }
    }

    private static func firstIndex(of needle: [UInt8], in hay: [UInt8], caseInsensitive: Bool) -> Int? {
        guard needle.count <= hay.count else { return nil }
        func lower(_ c: UInt8) -> UInt8 { (c >= 65 && c <= 90) ? c + 32 : c }
        let n = needle.map(lower)
        var k = 0
        while k + n.count <= hay.count {
            var match = true
            for j in 0..<n.count where lower(hay[k + j]) != n[j] { match = false; break }
            if match { return k }
            k += 1
        }
        return nil
    }

    private init(b: [UInt8], structure: String) {
        self.b = b
        self.structure = structure
    }

    private func fail(_ problem: String, at offset: Int? = nil) -> ParseError {
        ParseError(structure, at: offset ?? i, problem, code: .xmlMalformed)
    }

    private var atEnd: Bool { i >= b.count }
    private func peek(_ s: String) -> Bool { b[i...].starts(with: Array(s.utf8)) }

    private mutating func skipSpace() {
        while i < b.count, [0x20, 0x09, 0x0a, 0x0d].contains(b[i]) { i += 1 }
    }

    private mutating func expect(_ s: String) throws {
        guard peek(s) else { throw fail("expected \"\(s)\"") }
        i += s.utf8.count
    }

    private mutating func document() throws -> StrictXMLElement {
        if peek("\u{FEFF}") { i += 3 }
        if peek("<?xml") {
            guard let end = find("?>") else { throw fail("unterminated XML declaration") }
            i = end + 2
        }
        try misc()
        guard !atEnd, b[i] == UInt8(ascii: "<") else { throw fail("expected the root element") }
        let root = try element(depth: 1)
        try misc()
        guard atEnd else { throw fail("unexpected content after the root element") }
        return root
    }

    /// Whitespace and comments; refuses processing instructions.
    private mutating func misc() throws {
        while true {
            skipSpace()
            if peek("<!--") { try comment() } else if peek("<?") { throw fail("processing instructions are not allowed") } else { return }
        }
    }

    private func find(_ s: String, from: Int? = nil) -> Int? {
        let n = Array(s.utf8)
        var k = from ?? i
        while k + n.count <= b.count {
            if b[k] == n[0] && b[k..<(k + n.count)].elementsEqual(n) { return k }
            k += 1
        }
        return nil
    }

    private mutating func comment() throws {
        let start = i
        i += 4
        guard let end = find("--") else { throw fail("unterminated comment", at: start) }
        guard end + 2 < b.count, b[end + 2] == UInt8(ascii: ">") else { throw fail("\"--\" inside a comment", at: end) }
        i = end + 3
    }

    private static func isNameStart(_ c: UInt8) -> Bool {
        (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == UInt8(ascii: "_") || c == UInt8(ascii: ":")
    }

    private static func isNameChar(_ c: UInt8) -> Bool {
        isNameStart(c) || (c >= 48 && c <= 57) || c == UInt8(ascii: "-") || c == UInt8(ascii: ".")
    }

    private mutating func name() throws -> String {
        let start = i
        guard !atEnd, Self.isNameStart(b[i]) else { throw fail("expected a name (ASCII letters, digits, - _ . :)") }
        while i < b.count, Self.isNameChar(b[i]) { i += 1 }
        return String(decoding: b[start..<i], as: UTF8.self)
    }

    private mutating func element(depth: Int) throws -> StrictXMLElement {
        guard depth <= Self.maxDepth else { throw fail("elements nest deeper than \(Self.maxDepth)") }
        elementCount += 1
        guard elementCount <= Self.maxElements else { throw fail("more than \(Self.maxElements) elements") }
        let start = i
        try expect("<")
        let tag = try name()
        var element = StrictXMLElement(tag, offset: start)
        // Duplicate check by set: a linear search per attribute is quadratic, and a 1 MiB start tag
        // holds some 10^5 attributes.
        var attributeNames = Set<String>()
        while true {
            let hadSpace = i < b.count && [0x20, 0x09, 0x0a, 0x0d].contains(b[i])
            skipSpace()
            guard !atEnd else { throw fail("unterminated start tag <\(tag)>", at: start) }
            if peek("/>") { i += 2; return element }
            if peek(">") { i += 1; break }
            guard hadSpace else { throw fail("expected whitespace between attributes in <\(tag)>") }
            let attrAt = i
            let attrName = try name()
            skipSpace()
            try expect("=")
            skipSpace()
            let value = try quoted()
            guard attributeNames.insert(attrName).inserted else { throw fail("duplicate attribute \"\(attrName)\" in <\(tag)>", at: attrAt) }
            element.attributeList.append(.init(name: attrName, value: value))
        }
        // Content.
        var text = ""
        func flush(_ text: inout String, into element: inout StrictXMLElement) {
            if !text.isEmpty { element.children.append(.text(text)); text = "" }
        }
        while true {
            guard !atEnd else { throw fail("element <\(tag)> is not closed", at: start) }
            if peek("</") {
                i += 2
                let closeAt = i
                let closing = try name()
                guard closing == tag else { throw fail("closing tag </\(closing)> does not match <\(tag)>", at: closeAt) }
                skipSpace()
                try expect(">")
                flush(&text, into: &element)
                // Whitespace-only text between child elements is layout, not content.
                if element.children.contains(where: { if case .element = $0 { return true } else { return false } }) {
                    element.children.removeAll { if case .text(let t) = $0 { return t.allSatisfy(\.isWhitespace) } else { return false } }
                }
                return element
            } else if peek("<!--") {
                try comment()
            } else if peek("<![CDATA[") {
                i += 9
                guard let end = find("]]>") else { throw fail("unterminated CDATA section") }
                text += String(decoding: b[i..<end], as: UTF8.self)
                i = end + 3
            } else if peek("<?") {
                throw fail("processing instructions are not allowed")
            } else if b[i] == UInt8(ascii: "<") {
                flush(&text, into: &element)
                element.children.append(.element(try self.element(depth: depth + 1)))
            } else if b[i] == UInt8(ascii: "&") {
                text += try reference()
            } else {
                let s = i
                while i < b.count, b[i] != UInt8(ascii: "<"), b[i] != UInt8(ascii: "&") { i += 1 }
                let chunk = b[s..<i]
                if let bad = chunk.firstIndex(where: { $0 < 0x20 && $0 != 0x09 && $0 != 0x0a && $0 != 0x0d }) {
                    throw fail("control character 0x\(String(b[bad], radix: 16)) in text", at: bad)
                }
                text += String(decoding: chunk, as: UTF8.self)
            }
        }
    }

    private mutating func quoted() throws -> String {
        guard !atEnd, b[i] == UInt8(ascii: "\"") || b[i] == UInt8(ascii: "'") else { throw fail("expected a quoted attribute value") }
        let q = b[i]
        i += 1
        var value = ""
        while true {
            guard !atEnd else { throw fail("unterminated attribute value") }
            let c = b[i]
            if c == q { i += 1; return value }
            if c == UInt8(ascii: "<") { throw fail("'<' in an attribute value") }
            if c == UInt8(ascii: "&") { value += try reference(); continue }
            let s = i
            while i < b.count, b[i] != q, b[i] != UInt8(ascii: "<"), b[i] != UInt8(ascii: "&") {
                if b[i] < 0x20 && b[i] != 0x09 && b[i] != 0x0a && b[i] != 0x0d { throw fail("control character in attribute value") }
                i += 1
            }
            value += String(decoding: b[s..<i], as: UTF8.self)
        }
    }

    /// `&name;` (predefined only) or `&#N;` / `&#xH;`.
    private mutating func reference() throws -> String {
        let start = i
        i += 1
        guard let semi = b[i...].prefix(12).firstIndex(of: UInt8(ascii: ";")) else { throw fail("unterminated entity or character reference", at: start) }
        let body = String(decoding: b[i..<semi], as: UTF8.self)
        i = semi + 1
        switch body {
        case "lt": return "<"
        case "gt": return ">"
        case "amp": return "&"
        case "quot": return "\""
        case "apos": return "'"
        default: break
        }
        var scalar: UInt32?
        if body.hasPrefix("#x") { scalar = UInt32(body.dropFirst(2), radix: 16) } else if body.hasPrefix("#") { scalar = UInt32(body.dropFirst(1), radix: 10) } else {
            throw fail("undefined entity &\(body); (only the five predefined entities are allowed)", at: start)
        }
        guard let v = scalar, let u = Unicode.Scalar(v), v == 0x9 || v == 0xA || v == 0xD || v >= 0x20 else {
            throw fail("character reference &\(body); is not a valid XML character", at: start)
        }
        return String(Character(u))
    }
}
