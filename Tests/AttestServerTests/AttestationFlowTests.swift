import AttestServer
import AttestWire
import Crypto
import Foundation
import Testing
@testable import AttestCore

/// The acceptance cases, in-process: each refusal with its own code and in the audit trail.
@Suite struct AttestationFlowTests {
    func codes(_ v: Verdict) -> [String] { v.findings.map(\.code) }

    /// Enrolls one host with a trusted EK and activates a baseline captured from its good boot.
    func setUp(_ api: API, _ world: World, name: String = "host-a") async throws -> (String, SoftwareTPM) {
        let (tpm, cert) = try world.tpm()
        let id = try await api.enroll(tpm, cert: cert, name: name)
        try await api.addBaseline(try world.signedBaseline(BootLog()))
        return (id, tpm)
    }

    @Test func goodHostIsAdmittedWithAVerifiableToken() async throws {
        let world = try World()
        try await withServer(world) { api, _ in
            let (id, tpm) = try await setUp(api, world)
            let verdict = try await api.attest(id, tpm: tpm, nonce: try await api.challenge(id))
            #expect(verdict.status == .admitted && codes(verdict) == [])
            #expect(verdict.baseline == "demo-host 1.0")
            let token = try #require(verdict.token)
            let jwks = String(decoding: try await api.send(.get, "/.well-known/jwks.json").body, as: UTF8.self)
            let r = await TokenVerifier.verify(token: token, jwksJSON: jwks, audience: "fabric", time: Date())
            #expect(r.report.failures == [])
            #expect(r.claims?.hostID == id && r.claims?.attestationID == verdict.attestationId)
            #expect(r.claims?.submods["platform"]?.status == .affirming && r.claims?.submods["image"]?.status == .affirming)
            let wrongAudience = await TokenVerifier.verify(token: token, jwksJSON: jwks, audience: "other", time: Date())
            #expect(wrongAudience.report.failures.map(\.code) == ["token.wrong-audience"])
            let expired = await TokenVerifier.verify(token: token, jwksJSON: jwks, audience: "fabric", time: Date().addingTimeInterval(400))
            #expect(expired.report.failures.map(\.code) == ["token.expired"])
            let audit = try await api.audit(id)
            #expect(audit.map(\.status) == [.admitted])
            let host = try api.decode(HostView.self, try await api.send(.get, "/v1/hosts/\(id)", admin: true))
            #expect(host.state == .admitted && host.lastVerdict?.attestationId == verdict.attestationId)
        }
    }

    @Test func quoteOverAnotherNonceIsNonceMismatch() async throws {
        let world = try World()
        try await withServer(world) { api, _ in
            let (id, tpm) = try await setUp(api, world)
            let v = try await api.attest(id, tpm: tpm, nonce: try await api.challenge(id), quoteNonce: Array(repeating: 7, count: 32))
            #expect(v.status == .rejected && codes(v) == ["nonce.mismatch"])
            #expect(try await api.audit(id).last?.findings.map(\.code) == ["nonce.mismatch"])
        }
    }

    @Test func nonceNotIssuedIsUnknown() async throws {
        let world = try World()
        try await withServer(world) { api, _ in
            let (id, tpm) = try await setUp(api, world)
            let v = try await api.attest(id, tpm: tpm, nonce: Array(repeating: 9, count: 32))
            #expect(codes(v) == ["nonce.unknown"])
            #expect(try await api.audit(id).count == 1)
        }
    }

    @Test func reusedNonceIsRefused() async throws {
        let world = try World()
        try await withServer(world) { api, _ in
            let (id, tpm) = try await setUp(api, world)
            let nonce = try await api.challenge(id)
            #expect(try await api.attest(id, tpm: tpm, nonce: nonce).status == .admitted)
            let again = try await api.attest(id, tpm: tpm, nonce: nonce)
            #expect(again.status == .rejected && codes(again) == ["nonce.reused"] && again.token == nil)
            #expect(try await api.audit(id).map(\.status) == [.admitted, .rejected])
        }
    }

    @Test func expiredNonceIsRefused() async throws {
        let world = try World()
        let clock = ManualClock()
        try await withServer(world, clock: clock) { api, _ in
            let (id, tpm) = try await setUp(api, world)
            let nonce = try await api.challenge(id)
            clock.advance(61)
            let v = try await api.attest(id, tpm: tpm, nonce: nonce)
            #expect(codes(v) == ["nonce.expired"])
            #expect(try await api.audit(id).last?.findings.map(\.code) == ["nonce.expired"])
        }
    }

    @Test func anotherHostsNonceIsRefused() async throws {
        let world = try World()
        try await withServer(world) { api, _ in
            let (a, tpmA) = try await setUp(api, world, name: "host-a")
            let (tpmB, certB) = try world.tpm()
            let b = try await api.enroll(tpmB, cert: certB, name: "host-b")
            let v = try await api.attest(a, tpm: tpmA, nonce: try await api.challenge(b))
            #expect(codes(v) == ["nonce.other-host"])
            #expect(try await api.audit(a).last?.findings.map(\.code) == ["nonce.other-host"])
        }
    }

    @Test func quoteFromAnUnenrolledAKIsRefused() async throws {
        let world = try World()
        try await withServer(world) { api, _ in
            let (id, tpm) = try await setUp(api, world)
            let v = try await api.attest(id, tpm: tpm, nonce: try await api.challenge(id), signer: P256.Signing.PrivateKey())
            #expect(codes(v) == ["quote.signature-invalid"])
            #expect(try await api.audit(id).last?.status == .rejected)
        }
    }

    @Test func logThatDoesNotReplayIsRefused() async throws {
        let world = try World()
        try await withServer(world) { api, _ in
            let (id, tpm) = try await setUp(api, world)
            // The quote covers the good PCR values; the log sent claims another firmware.
            var other = BootLog()
            other.firmware = "evil firmware"
            let v = try await api.attest(id, tpm: tpm, nonce: try await api.challenge(id), boot: other, pcrsOverride: try BootLog().pcrValues())
            #expect(codes(v) == ["pcr.replay-mismatch"])
            #expect(v.findings[0].component == "PCR[0] sha256")
            #expect(try await api.audit(id).last?.findings.map(\.code) == ["pcr.replay-mismatch"])
        }
    }

    @Test func resetCounterGoingBackwardsIsRefusedAndARebootIsNoted() async throws {
        let world = try World()
        try await withServer(world) { api, _ in
            let (id, tpm) = try await setUp(api, world)
            #expect(try await api.attest(id, tpm: tpm, nonce: try await api.challenge(id)).status == .admitted)
            tpm.clock.resetCount += 1
            let reboot = try await api.attest(id, tpm: tpm, nonce: try await api.challenge(id))
            #expect(reboot.status == .admitted && reboot.notes.contains { $0.hasPrefix("reboot") })
            tpm.clock.resetCount -= 2
            let back = try await api.attest(id, tpm: tpm, nonce: try await api.challenge(id))
            #expect(codes(back) == ["counter.reset-backwards"])
            tpm.clock.resetCount += 2  // back to the last recorded reset, with the clock behind
            tpm.clock.clock = 10
            let clockBack = try await api.attest(id, tpm: tpm, nonce: try await api.challenge(id))
            #expect(codes(clockBack) == ["counter.clock-backwards"])
            tpm.clock.clock = 5000
            tpm.clock.restartCount = 3
            #expect(try await api.attest(id, tpm: tpm, nonce: try await api.challenge(id)).status == .admitted)
            tpm.clock.restartCount = 1
            let restartBack = try await api.attest(id, tpm: tpm, nonce: try await api.challenge(id))
            #expect(codes(restartBack) == ["counter.restart-backwards"])
            #expect(try await api.audit(id).map(\.status) == [.admitted, .admitted, .rejected, .rejected, .admitted, .rejected])
        }
    }

    @Test func concurrentUsesOfOneNonceAdmitAtMostOnce() async throws {
        let world = try World()
        try await withServer(world) { api, _ in
            let (id, tpm) = try await setUp(api, world)
            let nonce = try await api.challenge(id)
            let verdicts = try await withThrowingTaskGroup(of: Verdict.self) { group in
                for _ in 0..<4 { group.addTask { try await api.attest(id, tpm: tpm, nonce: nonce) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(verdicts.filter { $0.status == .admitted }.count == 1)
            #expect(verdicts.filter { $0.status == .rejected }.allSatisfy { $0.findings.map(\.code).contains("nonce.reused") && $0.token == nil })
            #expect(try await api.audit(id).count == 4)
        }
    }

    @Test func hostThatStopsAttestingBecomesStaleNotRejected() async throws {
        let world = try World()
        let clock = ManualClock()
        try await withServer(world, clock: clock) { api, _ in
            let (id, tpm) = try await setUp(api, world)
            #expect(try await api.attest(id, tpm: tpm, nonce: try await api.challenge(id)).status == .admitted)
            clock.advance(3601)
            let host = try api.decode(HostView.self, try await api.send(.get, "/v1/hosts/\(id)", admin: true))
            #expect(host.state == .stale && host.lastVerdict?.status == .admitted)
        }
    }

    @Test func componentNotInBaselineIsNamed() async throws {
        let world = try World()
        try await withServer(world) { api, _ in
            let (id, tpm) = try await setUp(api, world)
            var upgraded = BootLog()
            upgraded.vibs[1].version = "1.2.0-1"
            let v = try await api.attest(id, tpm: tpm, nonce: try await api.challenge(id), boot: upgraded)
            #expect(codes(v) == ["appraisal.component-mismatch"])
            let message = try #require(v.findings.first?.message)
            #expect(message.hasPrefix("VIB net-demo-nic 1.2.0-1: event digest"))
            #expect(message.contains("is not in baseline demo-host 1.0 (expected VIB net-demo-nic 1.1.0-1"))
            #expect(try await api.audit(id).last?.findings.map(\.code) == ["appraisal.component-mismatch"])
            // A rolling upgrade: a second active baseline admits the new image too.
            try await api.addBaseline(try world.signedBaseline(upgraded, version: "1.1"))
            let after = try await api.attest(id, tpm: tpm, nonce: try await api.challenge(id), boot: upgraded)
            #expect(after.status == .admitted && after.baseline == "demo-host 1.1", "\(after.findings)")
        }
    }

    @Test func groupWithoutBaselineFailsClosed() async throws {
        let world = try World()
        try await withServer(world) { api, _ in
            let (tpm, cert) = try world.tpm()
            let id = try await api.enroll(tpm, cert: cert, name: "lonely", group: "empty-group")
            let v = try await api.attest(id, tpm: tpm, nonce: try await api.challenge(id))
            #expect(codes(v) == ["appraisal.no-baseline"])
        }
    }

    @Test func revokedHostIsRejected() async throws {
        let world = try World()
        try await withServer(world) { api, _ in
            let (id, tpm) = try await setUp(api, world)
            #expect(try await api.send(.post, "/v1/hosts/\(id)/revoke", admin: true).status == 200)
            let v = try await api.attest(id, tpm: tpm, nonce: try await api.challenge(id))
            #expect(codes(v) == ["host.revoked"] && v.token == nil)
            let host = try api.decode(HostView.self, try await api.send(.get, "/v1/hosts/\(id)", admin: true))
            #expect(host.state == .revoked)
        }
    }
}
