import Foundation
import Testing
import AttestCore

@Suite struct EARClaimsTests {
    @Test func claimsUseTheDraft04Names() throws {
        let claims = EARClaims(issuedAt: 1_666_091_373, expiresAt: 1_666_091_673, nonce: "bm9uY2U", verifierID: .init(build: "b", developer: "d"),
                               submods: ["image": .init(status: .affirming, trustworthinessVector: .init(instanceIdentity: 2, executables: 2, fileSystem: 2),
                                                        appraisalPolicyIDs: ["hostattest:baseline:demo-host:1.0:sha256:00"])],
                               audience: "fabric", hostID: "h", attestationID: "a")
        let json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(claims)) as? [String: Any])
        #expect(Set(json.keys) == ["eat_profile", "iat", "exp", "eat_nonce", "ear_verifier_id", "submods", "aud",
                                   "hostattest_host_id", "hostattest_attestation_id"])
        #expect(json["eat_profile"] as? String == "tag:ietf.org,2026:rats/ear#04")
        let image = try #require((json["submods"] as? [String: Any])?["image"] as? [String: Any])
        #expect(Set(image.keys) == ["ear_status", "ear_trustworthiness_vector", "ear_appraisal_policy_ids"])
        #expect(Set((image["ear_trustworthiness_vector"] as? [String: Int] ?? [:]).keys) == ["instance-identity", "executables", "file-system"])
        #expect(try JSONDecoder().decode(EARClaims.self, from: JSONEncoder().encode(claims)) == claims)
        #expect(claims.overallStatus == .affirming)
    }

    @Test func overallStatusIsTheWorstSubmod() {
        func claims(_ s: [EARStatus]) -> EARClaims {
            EARClaims(issuedAt: 0, expiresAt: 1, nonce: "", verifierID: .init(build: "", developer: ""),
                      submods: Dictionary(uniqueKeysWithValues: s.enumerated().map { ("m\($0.offset)", .init(status: $0.element, trustworthinessVector: nil, appraisalPolicyIDs: nil)) }),
                      audience: nil, hostID: "", attestationID: "")
        }
        #expect(claims([.affirming, .warning]).overallStatus == .warning)
        #expect(claims([.affirming, .contraindicated, .warning]).overallStatus == .contraindicated)
        #expect(claims([.affirming, .none]).overallStatus == .none)
        #expect(claims([]).overallStatus == .none)
    }
}
