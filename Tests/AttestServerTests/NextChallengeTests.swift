import AttestServer
import AttestWire
import Crypto
import Foundation
import Testing
import TestSupport
@testable import AttestCore

/// The verdict's next challenge: one request per attestation for a re-attesting host, with exactly
/// the single-use, host-binding and expiry rules of `/challenge`.
@Suite struct NextChallengeTests {
    func codes(_ v: Verdict) -> [String] { v.findings.map(\.code) }

    func setUp(_ api: API, _ world: World, name: String = "host-a") async throws -> (String, SoftwareTPM) {
        let (tpm, cert) = try world.tpm()
        let id = try await api.enroll(tpm, cert: cert, name: name)
        try await api.addBaseline(try world.signedBaseline(BootLog()))
        return (id, tpm)
    }

    func nonce(_ v: Verdict) throws -> [UInt8] {
        let next = try #require(v.nextChallenge)
        return Array(try #require(Data(base64Encoded: next.nonce)))
    }

    @Test func theNextChallengeAdmitsOnceAndIsNotInTheAuditTrail() async throws {
        let world = try World()
        try await withServer(world) { api, _ in
            let (id, tpm) = try await setUp(api, world)
            let first = try await api.attest(id, tpm: tpm, nonce: try await api.challenge(id))
            #expect(first.status == .admitted)
            let next = try nonce(first)
            let second = try await api.attest(id, tpm: tpm, nonce: next)
            #expect(second.status == .admitted && codes(second) == [])
            #expect(try nonce(second) != next)
            let again = try await api.attest(id, tpm: tpm, nonce: next)
            #expect(again.status == .rejected && codes(again) == ["nonce.reused"] && again.token == nil)
            let audit = try await api.audit(id)
            #expect(audit.count == 3 && audit.allSatisfy { $0.nextChallenge == nil })
            // Nor is the token (a bearer credential): the store never holds one.
            #expect(first.token != nil && second.token != nil && audit.allSatisfy { $0.token == nil })
            #expect(audit.map(\.status) == [.admitted, .admitted, .rejected] && audit[0].attestationId == first.attestationId)
            let host = try api.decode(HostView.self, try await api.send(.get, "/v1/hosts/\(id)", admin: true))
            #expect(host.lastVerdict?.nextChallenge == nil && host.lastVerdict?.token == nil)
        }
    }

    /// A rejection whose quote verified under the host's AK (here: a VIB not in the baseline) carries
    /// one, so the host can re-attest in one request once it is fixed.
    @Test func aRejectedVerdictWithAVerifiedQuoteCarriesOne() async throws {
        let world = try World()
        try await withServer(world) { api, _ in
            let (id, tpm) = try await setUp(api, world)
            var tampered = BootLog()
            tampered.vibs[1].version = "1.2.0-1"
            let bad = try await api.attest(id, tpm: tpm, nonce: try await api.challenge(id), boot: tampered)
            #expect(bad.status == .rejected && codes(bad).allSatisfy { $0.hasPrefix("appraisal.") })
            let good = try await api.attest(id, tpm: tpm, nonce: try nonce(bad))
            #expect(good.status == .admitted)
        }
    }

    /// Only the holder of the host's TPM gets or replaces a next challenge: a forged quote, a request
    /// with a nonce that is not valid, and a replayed request get none, and the host's current one
    /// still admits it afterwards (nobody can void it by posting on the host's behalf).
    @Test func forgedGarbageOrReplayedRequestsNeitherGetNorVoidOne() async throws {
        let world = try World()
        try await withServer(world) { api, _ in
            let (id, tpm) = try await setUp(api, world)
            let first = try await api.attest(id, tpm: tpm, nonce: try await api.challenge(id))
            #expect(first.status == .admitted)
            let held = try nonce(first)
            // A forged signature over a fresh /challenge nonce (anyone can ask for one).
            let forged = try await api.attest(id, tpm: tpm, nonce: try await api.challenge(id), signer: P256.Signing.PrivateKey())
            #expect(forged.status == .rejected && codes(forged) == ["quote.signature-invalid"] && forged.nextChallenge == nil)
            // A nonce never issued.
            let unknown = try await api.attest(id, tpm: tpm, nonce: [UInt8](repeating: 9, count: 32))
            #expect(unknown.status == .rejected && codes(unknown).contains("nonce.unknown") && unknown.nextChallenge == nil)
            // The held challenge still admits; then a replay of that genuine, verified request.
            let good = try await api.attest(id, tpm: tpm, nonce: held)
            #expect(good.status == .admitted && good.nextChallenge != nil)
            let replayed = try await api.attest(id, tpm: tpm, nonce: held)
            #expect(replayed.status == .rejected && codes(replayed) == ["nonce.reused"] && replayed.nextChallenge == nil)
            let again = try await api.attest(id, tpm: tpm, nonce: try nonce(good))
            #expect(again.status == .admitted)
        }
    }

    /// Requests not made by the host's TPM over a valid challenge of this host (a forged quote, a nonce
    /// never issued, a replay, another host's nonce) are in the audit trail but change nothing of the
    /// host: state, last verdict, attestation time. A genuine failure (the host's TPM, a valid nonce, a
    /// VIB not in the baseline) makes it `rejected`.
    @Test func onlyTheHostsTPMChangesItsState() async throws {
        let world = try World()
        let dir = TempDir("state")
        try await withServer(world, store: try SQLiteStore(path: dir.file("attest.db").path)) { api, _ in
            let (id, tpm) = try await setUp(api, world)
            func view() async throws -> HostView { try api.decode(HostView.self, try await api.send(.get, "/v1/hosts/\(id)", admin: true)) }
            let first = try await api.attest(id, tpm: tpm, nonce: try await api.challenge(id))
            #expect(first.status == .admitted)
            let admitted = try await view()
            #expect(admitted.state == .admitted && admitted.lastVerdict?.attestationId == first.attestationId)

            let forged = try await api.attest(id, tpm: tpm, nonce: try await api.challenge(id), signer: P256.Signing.PrivateKey())
            let unknown = try await api.attest(id, tpm: tpm, nonce: [UInt8](repeating: 7, count: 32))
            let (tpmB, certB) = try world.tpm()
            let other = try await api.enroll(tpmB, cert: certB, name: "host-b")
            let foreign = try await api.attest(id, tpm: tpm, nonce: try await api.challenge(other))
            let held = try nonce(first)
            let good = try await api.attest(id, tpm: tpm, nonce: held)
            let replay = try await api.attest(id, tpm: tpm, nonce: held)
            #expect([forged, unknown, foreign, replay].allSatisfy { $0.status == .rejected } && good.status == .admitted)
            let after = try await view()
            #expect(after.state == .admitted && after.lastVerdict?.attestationId == good.attestationId)
            #expect(after.lastAttestationAt == good.at)
            let audit = try await api.audit(id).map(\.attestationId)
            #expect(audit == [first, forged, unknown, foreign, good, replay].map(\.attestationId))

            var tampered = BootLog()
            tampered.vibs[1].version = "1.2.0-1"
            let bad = try await api.attest(id, tpm: tpm, nonce: try await api.challenge(id), boot: tampered)
            #expect(bad.status == .rejected)
            let rejected = try await view()
            #expect(rejected.state == .rejected && rejected.lastVerdict?.attestationId == bad.attestationId)
        }
    }

    @Test func theNextChallengeIsBoundToItsHost() async throws {
        let world = try World()
        try await withServer(world) { api, _ in
            let (a, tpmA) = try await setUp(api, world, name: "host-a")
            let (tpmB, certB) = try world.tpm()
            let b = try await api.enroll(tpmB, cert: certB, name: "host-b")
            let verdictB = try await api.attest(b, tpm: tpmB, nonce: try await api.challenge(b))
            let v = try await api.attest(a, tpm: tpmA, nonce: try nonce(verdictB))
            #expect(v.status == .rejected && codes(v) == ["nonce.other-host"])
        }
    }

    @Test func theNextChallengeExpires() async throws {
        let world = try World()
        let clock = ManualClock()
        try await withServer(world, clock: clock) { api, _ in
            let (id, tpm) = try await setUp(api, world)
            let first = try await api.attest(id, tpm: tpm, nonce: try await api.challenge(id))
            let expires = try #require(first.nextChallenge).expiresAt
            #expect(expires > first.at)
            clock.advance(61)
            let v = try await api.attest(id, tpm: tpm, nonce: try nonce(first))
            #expect(v.status == .rejected && codes(v) == ["nonce.expired"])
            // A late request (its quote genuine) gets no new one: only a valid nonce earns the next.
            #expect(v.nextChallenge == nil)
        }
    }

    @Test func aRevokedHostGetsNone() async throws {
        let world = try World()
        try await withServer(world) { api, _ in
            let (id, tpm) = try await setUp(api, world)
            let first = try await api.attest(id, tpm: tpm, nonce: try await api.challenge(id))
            #expect(try await api.send(.post, "/v1/hosts/\(id)/revoke", admin: true).status == 200)
            let v = try await api.attest(id, tpm: tpm, nonce: try nonce(first))
            #expect(v.status == .rejected && codes(v) == ["host.revoked"])
            #expect(v.nextChallenge == nil)
        }
    }
}
