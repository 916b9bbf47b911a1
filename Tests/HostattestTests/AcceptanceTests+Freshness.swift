import AttestWire
import Foundation
import Testing
import TestSupport

extension AcceptanceTests {
    /// A reset counter going backwards: the TPM's state is copied after an admitted boot, the host
    /// reboots twice (each admitted, resetCount + 1, noted as a reboot), then the old state is put
    /// back and powered on (resetCount lower than the last verified quote's): `counter.reset-backwards`.
    @Test(arguments: AcceptanceBackend.allCases)
    func resetCounterGoingBackwards(_ backend: AcceptanceBackend) async throws {
        let fleet = try await AcceptanceFleet(backend)
        let host = try fleet.machine()
        try host.boot(fleet.image, log: host.log("boot0"))
        let (r0, v0) = try fleet.attest(host, log: host.log("boot0"), name: "rollback-host")
        #expect(r0.status == 0 && v0?.status == "admitted", "\(r0.stdout) \(r0.stderr)")
        let hostID = try #require(v0?.host)
        let snapshot = try host.snapshot()

        for round in 1...2 {
            let before = try host.resetCount()
            try host.reboot()
            let now = try host.resetCount()
            #expect(now == before + 1, "reboot \(round): resetCount \(before) → \(now)")
            // (`boot` power-cycles a software TPM once more before it measures.)
            try host.boot(fleet.image, log: host.log("boot\(round)"))
            let (r, v) = try fleet.attest(host, log: host.log("boot\(round)"), name: "rollback-host")
            #expect(r.status == 0 && v?.status == "admitted", "reboot \(round): \(r.stdout) \(r.stderr)")
        }
        let rebootNotes = try await fleet.send("GET", "/v1/hosts/\(hostID)/attestations", admin: true, as: AuditTrail.self)
            .attestations.flatMap(\.notes).filter { $0.hasPrefix("reboot:") }
        #expect(rebootNotes.count >= 2, "\(rebootNotes)")

        let lastQuoted = try host.resetCount()
        try host.restore(snapshot)
        try host.boot(fleet.image, log: host.log("rolled-back"))
        #expect(try host.resetCount() < lastQuoted)
        let (back, rejected) = try fleet.attest(host, log: host.log("rolled-back"), name: "rollback-host")
        #expect(back.status == 1 && rejected?.status == "rejected", "\(back.stdout) \(back.stderr)")
        #expect(agentCodes(rejected) == ["counter.reset-backwards"], "\(rejected?.findings ?? [])")
        #expect(codes(try await fleet.lastAudited(hostID)) == ["counter.reset-backwards"])
    }

    /// An expired nonce, at a server whose nonces live one second: challenge, wait two, quote, submit.
    @Test(arguments: AcceptanceBackend.allCases)
    func expiredNonce(_ backend: AcceptanceBackend) async throws {
        let fleet = try await AcceptanceFleet(backend, serverArguments: ["--nonce-lifetime", "1"])
        let host = try fleet.machine()
        try host.boot(fleet.image, log: host.log("good"))
        // Enrolls; the agent's own round may itself be too slow for one second, so only enrollment counts.
        let (r, enrolled) = try fleet.attest(host, log: host.log("good"), name: "expiry-host")
        #expect(enrolled?.enrolled == true, "\(r.stdout) \(r.stderr)")
        let hostID = try #require(enrolled?.host)
        let nonce = try await fleet.challenge(hostID)
        try await Task.sleep(nanoseconds: 2_100_000_000)
        let late = try fleet.evidence(host, nonce: nonce, log: host.log("good"))
        try await expectRejected(fleet, hostID, try await fleet.submit(hostID, late), ["nonce.expired"], "expired nonce")
    }
}
