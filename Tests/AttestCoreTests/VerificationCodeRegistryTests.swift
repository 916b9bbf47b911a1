import AttestCore
import Foundation
import Testing
import TestSupport

/// The registry of codes is the one source of truth: the README's table lists exactly its codes,
/// with the same exit class and meaning, and every code is well formed.
@Suite struct VerificationCodeRegistryTests {
    struct Row: Hashable, CustomStringConvertible {
        var code: String, exit: Int32, meaning: String
        var description: String { "\(code) (exit \(exit)): \(meaning)" }
    }

    /// `| `code` | exit | meaning |` rows of the README's "Verification codes" section.
    static func readmeRows() throws -> [Row] {
        let readme = try String(contentsOf: Fixtures.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let lines = readme.components(separatedBy: "\n")
        let start = try #require(lines.firstIndex(of: "## Verification codes"))
        let end = lines[(start + 1)...].firstIndex { $0.hasPrefix("## ") } ?? lines.endIndex
        var rows: [Row] = []
        for line in lines[start..<end] where line.hasPrefix("| `") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == 5, let exit = Int32(cells[2]) else { Issue.record("malformed row: \(line)"); continue }
            rows.append(Row(code: cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`")), exit: exit, meaning: cells[3]))
        }
        return rows
    }

    @Test func readmeTableListsExactlyTheRegistry() throws {
        let readme = try Self.readmeRows()
        let registry = VerificationCode.allCases.map { Row(code: $0.rawValue, exit: $0.outcome.exitCode, meaning: $0.meaning) }
        #expect(readme.count == Set(readme).count, "a code is listed twice in the README")
        let missing = Set(registry).subtracting(readme), extra = Set(readme).subtracting(registry)
        #expect(missing.isEmpty, "in the registry but not (or not so) in the README: \(missing.sorted { $0.code < $1.code })")
        #expect(extra.isEmpty, "in the README but not (or not so) in the registry: \(extra.sorted { $0.code < $1.code })")
    }

    @Test func codesAreWellFormedAndMeaningful() {
        for code in VerificationCode.allCases {
            #expect(code.rawValue.range(of: #"^[a-z0-9]+(\.[a-z0-9]+(-[a-z0-9]+)*)+$"#, options: .regularExpression) != nil, "\(code.rawValue)")
            #expect(code.meaning.count > 20 && code.meaning.hasSuffix("."), "\(code.rawValue): \(code.meaning)")
            #expect("\(code)" == code.rawValue)
            #expect(!code.area.isEmpty)
        }
    }

    @Test func findingsEncodeTheirCodeAsTheRegisteredString() throws {
        let finding = Finding(.vibUnsigned, "x", component: "c")
        let json = try #require(String(data: try JSONEncoder().encode(finding), encoding: .utf8))
        #expect(json.contains(#""code":"vib.unsigned""#))
        #expect(try JSONDecoder().decode(Finding.self, from: Data(json.utf8)) == finding)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Finding.self, from: Data(#"{"code":"no.such-code","message":"x"}"#.utf8)) }
    }
}
