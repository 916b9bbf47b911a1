import Foundation
import Testing
import TestSupport
@testable import AttestCore


/// One row of a malformed-input table; shown by name only in test output.
struct MalformedCase: Sendable, CustomTestStringConvertible {
    let t: (String, [UInt8], String)
    init(_ t: (String, [UInt8], String)) { self.t = t }
    var testDescription: String { t.0 }
}

@Suite struct ArArchiveTests {
    static let sample: [UInt8] = (try? ArArchive.write([("descriptor.xml", Array("<vib/>".utf8)), ("sig.pkcs7", []), ("payload1", [1, 2, 3])])) ?? []

    @Test func roundTripKeepsOrderNamesAndBytes() throws {
        let a = try ArArchive(bytes: Self.sample)
        #expect(a.members.map(\.name) == ["descriptor.xml", "sig.pkcs7", "payload1"])
        #expect(a.members.map(\.size) == [6, 0, 3])
        #expect(Array(Self.sample[a.members[2].range]) == [1, 2, 3])
        #expect(a.members.allSatisfy { $0.mode == 0 && $0.uid == 0 && $0.date == 0 })
        // Header layout: name without trailing '/', then "0" fields, size and "`\n".
        let header = String(decoding: Self.sample[8..<68], as: UTF8.self)
        #expect(header.hasPrefix("descriptor.xml  0           0     0     0       6         `\n"))
    }

    @Test func toleratesGNUTrailingSlash() throws {
        var bytes = Self.sample
        bytes[8 + 14] = UInt8(ascii: "/")
        #expect(try ArArchive(bytes: bytes).members[0].name == "descriptor.xml")
    }

    @Test func rejectsBadMemberNamesOnWrite() {
        #expect(throws: ParseError.self) { try ArArchive.write([("a/b", [])]) }
        #expect(throws: ParseError.self) { try ArArchive.write([("this-name-is-too-long", [])]) }
    }

    static func replacingSize(_ text: String) -> [UInt8] {
        var b = sample
        let field = Array(text.utf8) + [UInt8](repeating: 0x20, count: 10 - text.utf8.count)
        b.replaceSubrange((8 + 48)..<(8 + 58), with: field)
        return b
    }

    static let malformed = malformedTable.map(MalformedCase.init)
    static let malformedTable: [(String, [UInt8], String)] = [
        ("empty", [], "parse.truncated"),
        ("wrong magic", Array("!<arch>X".utf8) + sample.dropFirst(8), "parse.bad-magic"),
        ("truncated global header", Array(sample.prefix(5)), "parse.truncated"),
        ("truncated in name", Array(sample.prefix(8 + 10)), "parse.truncated"),
        ("truncated in size", Array(sample.prefix(8 + 50)), "parse.truncated"),
        ("truncated member data", Array(sample.prefix(8 + 60 + 3)), "parse.truncated"),
        ("size past end", replacingSize("999"), "parse.truncated"),
        ("10 GB size", replacingSize("10000000000".prefix(10).description), "parse.truncated"),
        ("non-numeric size", replacingSize("12a"), "parse.malformed"),
        ("empty size", replacingSize(""), "parse.malformed"),
        ("negative size", replacingSize("-1"), "parse.malformed"),
        ("bad fmag", { var b = sample; b[8 + 58] = UInt8(ascii: "x"); return b }(), "parse.bad-magic"),
        ("GNU symbol table", Array("!<arch>\n/               0           0     0     0       0         `\n".utf8), "parse.unsupported"),
        ("BSD long name", Array("!<arch>\n#1/20           0           0     0     0       0         `\n".utf8), "parse.unsupported"),
        ("empty name", Array("!<arch>\n                0           0     0     0       0         `\n".utf8), "parse.malformed"),
        ("non-numeric mode", { var b = sample; b[8 + 40] = UInt8(ascii: "9"); return b }(), "parse.malformed"),
    ]

    @Test(arguments: malformed)
    func malformedInputThrows(_ m: MalformedCase) {
        let c = m.t
        do {
            _ = try ArArchive(bytes: c.1)
            Issue.record("\(c.0): parsed")
        } catch let e as ParseError {
            #expect(e.code.rawValue == c.2, "\(c.0): \(e)")
        } catch {
            Issue.record("\(c.0): unexpected \(error)")
        }
    }

    @Test func tenGigabyteSizeNamesTheProblem() {
        #expect { try ArArchive(bytes: Self.replacingSize("9999999999")) } throws: { error in
            "\(error)".contains("runs past the end")
        }
    }

    @Test func fuzzNeverTraps() {
        var rng = SplitMix64(seed: 0xA11CE)
        for _ in 0..<4000 { ArArchive.fuzz(rng.mutate(Self.sample)) }
        for _ in 0..<500 { ArArchive.fuzz((0..<Int.random(in: 0...200, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }) }
    }
}
