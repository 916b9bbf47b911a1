/// An ESXi-style `boot.cfg`: `key=value` lines (`#` comments), of which hostattest uses `kernel`,
/// `kernelopt` (kernel options) and `modules` (module files separated by ` --- `).
public struct BootConfig: Sendable, Hashable, Codable {
    public static let maxSize = 64 * 1024

    /// Every `key=value` pair in file order.
    public var entries: [Entry]
    public struct Entry: Sendable, Hashable, Codable { public var key: String; public var value: String }

    public var kernel: String? { value("kernel") }
    public var kernelOptions: String { value("kernelopt") ?? "" }
    public var modules: [String] {
        guard let text = value("modules") else { return [] }
        return text.components(separatedBy: "---").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    public func value(_ key: String) -> String? { entries.last { $0.key == key }?.value }

    public init(bytes: [UInt8]) throws {
        let s = "boot.cfg"
        guard bytes.count <= Self.maxSize else { throw ParseError(s, "file is \(bytes.count) bytes; the limit is \(Self.maxSize)", code: "bootcfg.too-large") }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw ParseError(s, "not UTF-8 text", code: "bootcfg.malformed") }
        var entries: [Entry] = []
        var offset = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            defer { offset += rawLine.utf8.count + 1 }
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let eq = line.firstIndex(of: "=") else {
                throw ParseError(s, at: offset, "line \"\(line.prefix(60))\" is not key=value", code: "bootcfg.malformed")
            }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty, key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
                throw ParseError(s, at: offset, "bad key \"\(key.prefix(60))\"", code: "bootcfg.malformed")
            }
            entries.append(Entry(key: key, value: line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)))
        }
        self.entries = entries
    }

    public static func fuzz(_ data: [UInt8]) { _ = try? BootConfig(bytes: data) }
}

import Foundation
