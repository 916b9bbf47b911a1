import Foundation

/// RFC 7468 textual encoding: `-----BEGIN LABEL-----`, base64, `-----END LABEL-----`.
public enum PEM {
    public struct Block: Sendable, Hashable {
        public var label: String
        public var der: [UInt8]
    }

    /// Whether the bytes start (after white space) with a PEM boundary line.
    public static func looksLikePEM<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        let prefix = Array("-----BEGIN ".utf8)
        let trimmed = bytes.drop(while: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0a || $0 == 0x0d })
        return trimmed.starts(with: prefix) || String(decoding: bytes.prefix(4096), as: UTF8.self).contains("-----BEGIN ")
    }

    /// Every block in the text, in order. Text outside blocks is ignored (as OpenSSL does);
    /// a block without its END line or with bad base64 is an error.
    public static func blocks(in bytes: [UInt8], structure: String = "PEM") throws -> [Block] {
        guard let text = String(bytes: bytes, encoding: .utf8) else {
            throw ParseError(structure, "not UTF-8 text", code: .pemMalformed)
        }
        var result: [Block] = []
        var current: (label: String, body: String)? = nil
        for (number, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" }).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if current == nil {
                if line.hasPrefix("-----BEGIN "), line.hasSuffix("-----") {
                    current = (String(line.dropFirst(11).dropLast(5)), "")
                }
            } else if line.hasPrefix("-----END ") {
                let label = String(line.dropFirst(9).dropLast(5))
                guard label == current!.label else {
                    throw ParseError(structure, "line \(number + 1): END \(label) does not match BEGIN \(current!.label)", code: .pemMalformed)
                }
                guard let der = Data(base64Encoded: current!.body), !der.isEmpty else {
                    throw ParseError(structure, "line \(number + 1): block \(label) is not valid base64", code: .pemMalformed)
                }
                result.append(Block(label: label, der: Array(der)))
                current = nil
            } else if !line.contains(":") {  // skip RFC 1421 headers such as Proc-Type
                current!.body += line
            }
        }
        if let current {
            throw ParseError(structure, "block \(current.label) has no END line", code: .pemMalformed)
        }
        return result
    }

    public static func encode(der: [UInt8], label: String) -> String {
        let b64 = Data(der).base64EncodedString()
        var lines = ["-----BEGIN \(label)-----"]
        var index = b64.startIndex
        while index < b64.endIndex {
            let end = b64.index(index, offsetBy: 64, limitedBy: b64.endIndex) ?? b64.endIndex
            lines.append(String(b64[index..<end]))
            index = end
        }
        lines.append("-----END \(label)-----")
        return lines.joined(separator: "\n") + "\n"
    }
}
