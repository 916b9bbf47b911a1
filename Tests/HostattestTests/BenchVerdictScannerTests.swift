@testable import hostattest
import AttestWire
import Foundation
import Testing

/// The load generator's verdict scanner: the plain form gives what JSONDecoder gives; anything else
/// is nil (the caller then decodes with JSONDecoder), and it never accepts what JSONDecoder refuses.
@Suite struct BenchVerdictScannerTests {
    static func scan(_ text: String) -> BenchVerdict? {
        Array(text.utf8).withUnsafeBytes { BenchVerdictScanner.scan($0) }
    }

    static func decoded(_ text: String) -> BenchVerdict? { try? JSONDecoder().decode(BenchVerdict.self, from: Data(text.utf8)) }

    static let plain: [String] = [
        #"{"at":"2026-11-30T12:00:00Z","attestationId":"019ad465-4ef4-7000-8000-000000000000","baseline":"demo 1.0","findings":[],"hostId":"h","nextChallenge":{"expiresAt":"2026-11-30T12:01:00Z","nonce":"AAEC+/8="},"notes":[],"status":"admitted","token":"eyJ.a.b"}"#,
        #"{ "status" : "rejected" , "findings" : [ ] , "at" : "t", "notes": ["reboot: \"x\" \u00e9"], "n": -1.5e+3, "o": {"a": [true, false, null, {"b": 0}]}, "nextChallenge": null }"#,
        #"{"status":"admitted","at":"t","findings":[]}"#,
    ]

    @Test func thePlainFormMatchesJSONDecoder() throws {
        for text in Self.plain {
            let s = try #require(Self.scan(text), "\(text)")
            let d = try #require(Self.decoded(text))
            #expect(s.status == d.status && s.at == d.at && s.findings.isEmpty && d.findings.isEmpty)
            #expect(s.nextChallenge == d.nextChallenge)
        }
        #expect(Self.scan(Self.plain[0])?.nextChallenge == ChallengeResponse(nonce: "AAEC+/8=", expiresAt: "2026-11-30T12:01:00Z"))
    }

    /// Valid JSON the scanner leaves to JSONDecoder (nil), each decoded there.
    @Test(arguments: [
        #"{"status":"rejected","at":"t","findings":[{"code":"quote.signature-invalid","message":"m","component":"c"}]}"#,
        #"{"status":"admitted","at":"t\u0041","findings":[]}"#,
        #"{"status":"admitted","at":"é","findings":[]}"#,
        #"{"status":"admitted","at":"t","findings":[],"nextChallenge":{"nonce":"n","expiresAt":"e","extra":1}}"#,
    ])
    func otherValidFormsAreLeftToJSONDecoder(_ text: String) {
        #expect(Self.scan(text) == nil)
        #expect(Self.decoded(text) != nil)
    }

    /// Malformed or incomplete verdicts: nil here. (Foundation's JSONDecoder is laxer with some of
    /// them, a trailing comma, a leading zero, an unknown escape in an ignored member; the scanner is
    /// strict, so it never accepts more than JSONDecoder.)
    @Test(arguments: [
        "", "{", "{}", "[]", #"{"status":"admitted","at":"t"}"#, #"{"status":"maybe","at":"t","findings":[]}"#,
        #"{"status":"admitted","at":"t","findings":[]"#, #"{"status":"admitted","at":"t","findings":[]}x"#,
        #"{"status":"admitted","at":"t","findings":[],"x":01}"#, #"{"status":"admitted","at":"t","findings":[],"x":1.}"#,
        #"{"status":"admitted","at":"t","findings":[],"x":-}"#, #"{"status":"admitted","at":"t","findings":[],"x":"\q"}"#,
        #"{"status":"admitted","at":"t","findings":[],"x":"\u12"}"#, #"{"status":"admitted","at":"t","findings":[],"x":tru}"#,
        #"{"status":"admitted","at":"t","findings":[],"x":[1,]}"#, #"{"status":"admitted","at":"t","findings":[],}"#,
        #"{"status":"admitted","at":"t","findings":[],"nextChallenge":{"nonce":"n"}}"#,
        "{\"status\":\"admitted\",\"at\":\"t\u{01}\",\"findings\":[]}",
        #"{"status":"admitted","at":"t","findings":[],"x":"#,
    ])
    func malformedIsNil(_ text: String) {
        #expect(Self.scan(text) == nil)
    }

    /// A repeated member is left to JSONDecoder; deep nesting stops at the limit.
    @Test func repeatedMembersAndDepth() {
        #expect(Self.scan(#"{"status":"admitted","status":"rejected","at":"t","findings":[]}"#) == nil)
        let deep = String(repeating: "[", count: 40) + String(repeating: "]", count: 40)
        #expect(Self.scan(#"{"status":"admitted","at":"t","findings":[],"x":"# + deep + "}") == nil)
        let fine = String(repeating: "[", count: 5) + String(repeating: "]", count: 5)
        #expect(Self.scan(#"{"status":"admitted","at":"t","findings":[],"x":"# + fine + "}") != nil)
    }
}
