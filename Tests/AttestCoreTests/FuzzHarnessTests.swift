import Foundation
import Testing
import TestSupport

/// The libFuzzer harness (Fuzz/) is a separate package that `make test` does not build; these tests
/// keep its table, dictionaries and seeds in step with the parsers, so a new parser cannot land
/// without a fuzz target. The harness itself is built and run by `make fuzz-smoke`.
@Suite struct FuzzHarnessTests {
    static let root = Fixtures.packageRoot
    static func text(_ relative: String) throws -> String {
        String(decoding: try Data(contentsOf: root.appendingPathComponent(relative)), as: UTF8.self)
    }

    /// `(Type, file)` for every `public static func fuzz(` in AttestCore.
    static func fuzzEntryPoints() throws -> [(type: String, file: String)] {
        let sources = root.appendingPathComponent("Sources/AttestCore")
        guard let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil) else { return [] }
        var found: [(String, String)] = []
        for case let url as URL in files where url.pathExtension == "swift" {
            let lines = String(decoding: try Data(contentsOf: url), as: UTF8.self).components(separatedBy: "\n")
            var currentType: String?
            for line in lines {
                let words = line.split(whereSeparator: { $0 == " " || $0 == ":" || $0 == "{" || $0 == "<" })
                if let i = words.firstIndex(where: { ["struct", "enum", "extension", "class"].contains($0) }), i + 1 < words.count,
                   line.first != " " {
                    currentType = String(words[i + 1])
                }
                if line.contains("public static func fuzz("), let type = currentType {
                    found.append((type, url.lastPathComponent))
                }
            }
        }
        return found
    }

    @Test func everyParserFuzzEntryPointHasALibFuzzerTarget() throws {
        let table = try Self.text("Fuzz/Sources/FuzzTargets/FuzzTargets+Table.swift")
        let entries = try Self.fuzzEntryPoints()
        #expect(entries.count >= 20)
        for entry in entries {
            #expect(table.contains("\(entry.type).fuzz)"), "\(entry.type).fuzz (\(entry.file)) has no line in the fuzz target table")
        }
    }

    @Test func everyDictionaryTheTableNamesExistsAndParses() throws {
        let table = try Self.text("Fuzz/Sources/FuzzTargets/FuzzTargets+Table.swift")
        let names = Set(table.components(separatedBy: "dictionary: \"").dropFirst().compactMap { $0.split(separator: "\"").first.map(String.init) })
        #expect(!names.isEmpty)
        for name in names {
            let dict = try Self.text("Fuzz/dict/\(name).dict")
            for line in dict.components(separatedBy: "\n") where !line.isEmpty && !line.hasPrefix("#") {
                // libFuzzer's format: one "quoted" token per line; a malformed line stops the fuzzer.
                #expect(line.hasPrefix("\"") && line.hasSuffix("\"") && line.count >= 3, "Fuzz/dict/\(name).dict: \(line)")
            }
        }
    }

    @Test func everySeedPathTheTableNamesExists() throws {
        let table = try Self.text("Fuzz/Sources/FuzzTargets/FuzzTargets+Table.swift")
        let lists = table.components(separatedBy: "seeds: [").dropFirst().compactMap { $0.split(separator: "]").first }
        #expect(!lists.isEmpty)
        for list in lists {
            for path in list.split(separator: ",").map({ $0.trimmingCharacters(in: CharacterSet(charactersIn: " \"")) }) {
                #expect(FileManager.default.fileExists(atPath: Self.root.appendingPathComponent(path).path), "seed path \(path) is missing")
            }
        }
    }

    @Test func leakSuppressionsNameOnlyThirdPartyCode() throws {
        let rules = try Self.text("Scripts/lsan.supp").components(separatedBy: "\n")
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        #expect(!rules.isEmpty)
        for rule in rules {
            #expect(rule.hasPrefix("leak:"), "\(rule)")
            // Our own modules must never be suppressed: a leak in them has to fail the ASan run.
            let pattern = rule.dropFirst("leak:".count)
            #expect(pattern.count >= 6 && pattern != "*", "\(rule) is too broad")
            for ours in ["AttestCore", "hostattest", "TestSupport", "HostattestTests"] {
                #expect(!pattern.localizedCaseInsensitiveContains(ours), "\(rule) suppresses our code (\(ours))")
            }
        }
    }
}
