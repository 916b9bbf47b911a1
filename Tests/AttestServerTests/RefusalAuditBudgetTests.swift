import AttestServer
import AttestWire
import Foundation
import Testing
@testable import AttestCore

/// Refused enrollments need no credentials: the audit keeps a bounded number of them, so nobody can
/// grow the append-only table at the rate they can send requests. Accepted ones are always kept.
@Suite struct RefusalAuditBudgetTests {
    @Test func theBucketRefillsWithTimeAndNotWhenTheClockGoesBack() async {
        let t0 = Date(timeIntervalSince1970: 1_000_000)
        let budget = RefusalAuditBudget(capacity: 2, perSecond: 1)
        var taken: [Bool] = []
        for offset in [0, 0, 0, -30, 1, 1] as [TimeInterval] { taken.append(await budget.take(now: t0.addingTimeInterval(offset))) }
        #expect(taken == [true, true, false, false, true, false])
        #expect(await budget.unrecorded == 3)
        // A long pause refills at most `capacity`.
        var later: [Bool] = []
        for _ in 0..<3 { later.append(await budget.take(now: t0.addingTimeInterval(3600))) }
        #expect(later == [true, true, false])
    }

    @Test func aFloodOfRefusedEnrollmentsIsCountedNotStored() async throws {
        let world = try World()
        let store = MemoryStore()
        let service = EnrollmentService(store: store, config: try world.config(), refusalBudget: RefusalAuditBudget(capacity: 3, perSecond: 0))
        let rogue = try world.pki.root("Rogue TPM CA")
        let now = Date().addingTimeInterval(120)  // test certificates start at the second they were made
        for i in 0..<10 {
            let (tpm, cert) = try world.tpm(issuedBy: rogue)
            let request = EnrollRequest(name: "flood-\(i)", group: "demo", ekPublic: b64(tpm.ekPublic.marshalled()),
                                        ekCertificate: b64(cert), akPublic: b64(tpm.akPublic.marshalled()))
            await #expect(throws: APIError.self) { _ = try await service.enroll(request, now: now) }
        }
        let kept = try await store.enrollments()
        #expect(kept.count == 3 && kept.allSatisfy { $0.outcome == .refused && $0.code == "ek.untrusted" })
        #expect(await service.refusalBudget.unrecorded == 7)

        // An accepted enrollment is recorded even with the budget spent.
        let (tpm, cert) = try world.tpm()
        let accepted = EnrollRequest(name: "real-host", group: "demo", ekPublic: b64(tpm.ekPublic.marshalled()),
                                     ekCertificate: b64(cert), akPublic: b64(tpm.akPublic.marshalled()))
        _ = try await service.enroll(accepted, now: now)
        #expect(try await store.enrollments().filter { $0.outcome == .accepted }.map(\.name) == ["real-host"])
    }

    @Test func theUnrecordedCountIsAMetric() async throws {
        let world = try World()
        try await withServer(world) { api, _ in
            let metrics = try await api.send(.get, "/metrics")
            #expect(String(decoding: metrics.body, as: UTF8.self).contains("hostattest_enrollment_refusals_unrecorded_total"))
        }
    }
}
