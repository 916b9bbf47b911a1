import AttestWire
import Foundation
import JWTKit
import Testing
@testable import AttestCore
@testable import AttestServer

/// The hot path's hand-written JSON: the verdict byte for byte as `JSONEncoder` writes it, the EAR
/// claims back to the same value, and the flat attestation body parsed only in its plain form.
@Suite struct JSONBytesTests {
    static let awkward = ["", "plain", "quote \" and backslash \\", "slash / stays", "tab\tnew\nline\rcr", "bell \u{07} nul \u{00} esc \u{1B} del \u{7F}",
                          "\u{08}\u{0C}\u{1F}", "ünïcödé ✓ 𝄞", "</script>", "\u{2028}\u{2029}"]

    func verdict(_ s: String, token: String?, next: Bool, findings: Int) -> Verdict {
        var v = Verdict(attestationId: "id-\(s)", hostId: s, status: token == nil ? .rejected : .admitted, at: "2026-11-30T10:00:00Z",
                        findings: (0..<findings).map { WireFinding(code: "c\($0)\(s)", message: s, component: $0 % 2 == 0 ? s : nil) },
                        notes: findings > 0 ? [s, "reboot"] : [], baseline: token == nil ? nil : "demo-host \(s)", token: token)
        if next { v.nextChallenge = ChallengeResponse(nonce: "abc/+=\(s)", expiresAt: s) }
        return v
    }

    @Test func verdictMatchesJSONEncoder() throws {
        for s in Self.awkward {
            for (token, next, findings) in [(nil, false, 0), ("eyJ.a.b", true, 0), (nil, true, 3), ("t", false, 1)] as [(String?, Bool, Int)] {
                let v = verdict(s, token: token, next: next, findings: findings)
                let expected = Array(try JSONCoding.encoder.encode(v))
                #expect(v.jsonBytes() == expected, "\(String(decoding: v.jsonBytes(), as: UTF8.self)) vs \(String(decoding: expected, as: UTF8.self))")
                #expect(try JSONDecoder().decode(Verdict.self, from: Data(v.jsonBytes())) == v)
            }
        }
    }

    @Test func earClaimsRoundTrip() throws {
        for s in Self.awkward {
            let c = EARClaims(issuedAt: -5, expiresAt: Int64.max, nonce: s, verifierID: .init(build: s, developer: "d\"ev"),
                              submods: ["platform": .init(status: .affirming, trustworthinessVector: .init(instanceIdentity: 2, configuration: -128, hardware: 2),
                                                          appraisalPolicyIDs: [s, "p"]),
                                        "image": .init(status: .none, trustworthinessVector: nil, appraisalPolicyIDs: nil),
                                        s: .init(status: .contraindicated, trustworthinessVector: .init(executables: 96, fileSystem: 1, runtimeOpaque: 0,
                                                                                                        storageOpaque: 3, sourcedData: 127), appraisalPolicyIDs: [])],
                              audience: s.isEmpty ? nil : s, hostID: s, attestationID: "a")
            #expect(try JSONDecoder().decode(EARClaims.self, from: Data(c.jsonBytes())) == c)
            #expect(try JSONDecoder().decode(EARClaims.self, from: try EARJSONEncoder().encode(c)) == c)
        }
    }

    static let keys: [StaticString] = ["nonce", "quote", "signature", "pcrs", "eventLog"]

    func parse(_ text: String) -> [String]? {
        Array(text.utf8).withUnsafeBytes { FlatStringObject.parse($0, keys: Self.keys) }
    }

    @Test func flatObjectPlainForm() {
        #expect(parse(#"{"nonce":"n","quote":"q","signature":"s","pcrs":"p","eventLog":"e/+="}"#) == ["n", "q", "s", "p", "e/+="])
        #expect(parse(" \n{ \"eventLog\" : \"\" ,\t\"pcrs\":\"p\",\"signature\":\"s\",\"quote\":\"q\",\"nonce\":\"n\"}\r\n") == ["n", "q", "s", "p", ""])
    }

    /// Every form the fast path does not handle goes to JSONDecoder (nil here), never a guess.
    @Test func flatObjectRefusesAnythingElse() {
        let refused = [
            "", "{}", "[]", "null", #"{"nonce":"n"}"#,
            #"{"nonce":"n","quote":"q","signature":"s","pcrs":"p","eventLog":"e"} x"#,             // trailing data
            #"{"nonce":"n","quote":"q","signature":"s","pcrs":"p","eventLog":"e","x":"y"}"#,        // unknown key (JSONDecoder ignores it)
            #"{"nonce":"n","nonce":"q","signature":"s","pcrs":"p","eventLog":"e"}"#,                // repeated key
            #"{"nonce":"n\/","quote":"q","signature":"s","pcrs":"p","eventLog":"e"}"#,              // an escape
            #"{"nonce":1,"quote":"q","signature":"s","pcrs":"p","eventLog":"e"}"#,                  // a number
            #"{"nonce":"ü","quote":"q","signature":"s","pcrs":"p","eventLog":"e"}"#,                // non-ASCII
            "{\"nonce\":\"a\u{01}\",\"quote\":\"q\",\"signature\":\"s\",\"pcrs\":\"p\",\"eventLog\":\"e\"}", // a control character
            #"{"nonce":"n","quote":"q","signature":"s","pcrs":"p","eventLog":"e""#,                 // unterminated
            #"{"nonce":"n","quote":"q","signature":"s","pcrs":"p","eventLog":"e,}"#,
            #"{"nonce":"n" "quote":"q","signature":"s","pcrs":"p","eventLog":"e"}"#,                // no comma
        ]
        for r in refused { #expect(parse(r) == nil, "\(r)") }
    }

    /// The word-at-a-time scan against a byte-by-byte reference: every byte value in every lane.
    @Test func specialByteWordTestIsExact() {
        func reference(_ w: UInt64) -> Bool {
            (0..<8).contains { lane in
                let b = UInt8(truncatingIfNeeded: w >> (8 * lane))
                return b < 0x20 || b >= 0x7F || b == 0x22 || b == 0x5C
            }
        }
        let plain: UInt64 = 0x4141_4141_4141_4141
        for lane in 0..<8 {
            for b in 0...255 {
                let w = plain & ~(0xFF << (8 * UInt64(lane))) | (UInt64(b) << (8 * UInt64(lane)))
                #expect(FlatStringObject.hasSpecialByte(w) == reference(w), "byte \(b) in lane \(lane)")
            }
        }
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<20_000 {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17
            #expect(FlatStringObject.hasSpecialByte(x) == reference(x))
        }
    }

    /// Long values (the scan's word path): a special byte at any offset sends the body to JSONDecoder.
    @Test func longValuesAreScannedExactly() {
        let base = String(repeating: "ABCDwxyz0123+/==", count: 5)
        #expect(parse(#"{"nonce":"n","quote":"q","signature":"s","pcrs":"p","eventLog":"\#(base)"}"#)?[4] == base)
        // An escape (backslash n, or an escaped quote), control characters, DEL, non-ASCII.
        for special in ["\\n", "\\\"", "\u{01}", "\u{1F}", "\u{7F}", "é"] {
            for offset in 0..<24 {
                var chars = Array(base)
                chars.insert(contentsOf: special, at: offset)
                let body = #"{"nonce":"n","quote":"q","signature":"s","pcrs":"p","eventLog":""# + String(chars) + #""}"#
                #expect(parse(body) == nil, "special \(special) at \(offset)")
            }
        }
    }
}

@Suite struct TokenEncodingTests {
    @Test func base64URLMatchesTheReference() {
        for n in 0..<70 {
            let data = Data((0..<n).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 250) })
            let reference = data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            #expect(data.base64URLEncoded() == reference)
        }
    }

    /// The header cache gives each distinct header its own JSON (never another key's `kid`).
    @Test func headersAreEncodedPerHeader() throws {
        let encoder = EARJSONEncoder()
        for round in 0..<3 {
            for kid in ["a", "b", "c"] {
                let header: JWTHeader = ["alg": .string("ES256"), "kid": .string(kid), "typ": .string("JWT")]
                let decoded = try JSONDecoder().decode([String: String].self, from: try encoder.encode(header))
                #expect(decoded == ["alg": "ES256", "kid": kid, "typ": "JWT"], "round \(round)")
            }
        }
    }
}

extension TokenEncodingTests {
    /// The issuer's tokens carry the hand-written claims JSON (the fast path is the one in use).
    @Test func issuerSignsTheHandWrittenClaims() async throws {
        let issuer = TokenIssuer(store: MemoryStore(), lifetime: 300, audience: "fabric")
        let claims = EARClaims(issuedAt: 1, expiresAt: 301, nonce: "bm9uY2U", verifierID: .init(build: "t", developer: "t"),
                               submods: ["image": .init(status: .affirming, trustworthinessVector: .init(executables: 2), appraisalPolicyIDs: ["hostattest:baseline:a/b"])],
                               audience: "fabric", hostID: "h", attestationID: "a")
        let token = try await issuer.sign(claims)
        let parts = token.split(separator: ".").map(String.init)
        #expect(parts.count == 3)
        #expect(parts[1] == Data(claims.jsonBytes()).base64URLEncoded())
    }
}

/// Attestation ids: version-4 UUIDs in lowercase, from getrandom.
@Suite struct RandomUUIDTests {
    @Test func versionFourLowercaseAndDistinct() {
        var seen = Set<String>()
        for _ in 0..<2_000 {
            let id = RandomUUID.v4()
            let chars = Array(id)
            #expect(id.count == 36 && id == id.lowercased() && UUID(uuidString: id) != nil)
            #expect(chars[8] == "-" && chars[13] == "-" && chars[18] == "-" && chars[23] == "-")
            #expect(chars[14] == "4" && "89ab".contains(chars[19]))
            seen.insert(id)
        }
        #expect(seen.count == 2_000)
    }
}

/// Nonces: 32 bytes from one getrandom call, all different, no byte value stuck.
@Suite struct SystemRandomTests {
    @Test func fullLengthDistinctAndSpread() {
        var seen = Set<[UInt8]>()
        var counts = [Int](repeating: 0, count: 256)
        for _ in 0..<2_000 {
            let b = SystemRandom.bytes(32)
            #expect(b.count == 32)
            seen.insert(b)
            for x in b { counts[Int(x)] += 1 }
        }
        #expect(seen.count == 2_000)
        // 64,000 bytes: every value is expected 250 times; a zero-filled or stuck buffer fails this.
        #expect(counts.allSatisfy { $0 > 150 && $0 < 370 })
        #expect(SystemRandom.bytes(0).isEmpty && SystemRandom.bytes(300).count == 300)
    }
}

/// Attestation ids: version-7 UUIDs (RFC 9562, 5.7) carry the verdict's time in milliseconds,
/// so they sort by time; the rest is random.
@Suite struct UUIDv7Tests {
    @Test func timeOrderedVersionSevenAndDistinct() throws {
        let t = Date(timeIntervalSince1970: 1_764_500_000.5)
        let id = RandomUUID.v7(now: t)
        let chars = Array(id)
        #expect(id.count == 36 && id == id.lowercased() && UUID(uuidString: id) != nil)
        #expect(chars[14] == "7" && "89ab".contains(chars[19]))
        // 1 764 500 000 500 ms = 0x019ad4654ef4 (the first 48 bits).
        #expect(id.hasPrefix("019ad465-4ef4-7"))
        var seen = Set<String>()
        for _ in 0..<1_000 { seen.insert(RandomUUID.v7(now: t)) }
        #expect(seen.count == 1_000)
        let later = RandomUUID.v7(now: t.addingTimeInterval(0.001))
        #expect(seen.allSatisfy { $0 < later })
    }
}
