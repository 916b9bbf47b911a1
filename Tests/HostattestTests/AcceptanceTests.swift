import AttestCore
import AttestWire
import Foundation
import Testing
import TestSupport

/// Issue #9's acceptance matrix against the real binary: `hostattest serve` on loopback with SQLite,
/// and hosts whose TPM is hostattest's software TPM (`soft:`) or a swtpm through tpm2-tss, manufactured
/// (`swtpm_setup --create-ek-cert`) by a test CA the server trusts as the TPM vendor (`--ek-ca`). The host
/// side is the product: `boot`, `attest` (the agent), `quote`, `tpm info|reset`. Each refusal is checked
/// for its own code and for its entry in the audit trail (`GET /v1/hosts/{id}/attestations`) or the
/// enrollment audit (`GET /v1/enrollments`).
@Suite struct AcceptanceTests {
    typealias Copy = VerifyImageSampleTests.Copy

    func codes(_ v: Verdict?) -> [String] { v?.findings.map(\.code) ?? ["(no verdict)"] }

    /// The good host, then every attestation refusal that needs no second server: tampered VIB and
    /// kernel (measure-only boots), wrong nonce, reused nonce, another host's nonce, an AK never
    /// enrolled, and a log that does not replay to the quoted PCRs.
    @Test(arguments: AcceptanceBackend.allCases)
    func attestationRefusals(_ backend: AcceptanceBackend) async throws {
        let fleet = try await AcceptanceFleet(backend)

        // A good host: enrolled by the agent, admitted, and its token verifies from the command line.
        let good = try fleet.machine()
        let goodLog = good.log("good")
        try good.boot(fleet.image, log: goodLog)
        let token = fleet.dir.file("good.token").path
        let (r, admitted) = try fleet.attest(good, log: goodLog, name: "good-host", tokenOut: token)
        #expect(r.status == 0 && admitted?.status == "admitted" && admitted?.enrolled == true, "\(r.stdout) \(r.stderr)")
        let goodID = try #require(admitted?.host)
        let verified = try Run.hostattest(["token", "verify", "@\(token)", "--jwks", fleet.url + "/.well-known/jwks.json",
                                           "--audience", AcceptanceFleet.audience])
        #expect(verified.status == 0, "\(verified.stdout) \(verified.stderr)")
        #expect(try await fleet.lastAudited(goodID)?.status == .admitted)

        // Tampered components, booted measure-only: rejected, naming the component. A VIB's record is
        // covered by its event's digest, so the host's own event names it (`component-mismatch`); a PE's
        // event digest is its Authenticode hash, which does not cover the event data, so the kernel is
        // named from the baseline's event at that position (`event-mismatch`, "… expects kernel kernel.efi").
        let tampered: [(BootCLITests.Tamper, code: String, names: String)] = [
            (.vib, "appraisal.component-mismatch", "VIB esx-base-demo "), (.kernel, "appraisal.event-mismatch", "expects kernel kernel.efi "),
        ]
        for (what, code, label) in tampered {
            let copy = try Copy()
            _ = try BootCLITests.tamper(copy, what)
            let m = try fleet.machine()
            try m.boot(copy, log: m.log("tampered"), measureOnly: true)
            let (t, rejected) = try fleet.attest(m, log: m.log("tampered"), name: "\(what)-host")
            #expect(t.status == 1 && rejected?.status == "rejected", "\(what): \(t.stdout) \(t.stderr)")
            // Measure-only also records SecureBoot off and the failures, so other events may differ too;
            // the component's own finding must be there, naming it.
            let named = rejected?.findings.first { $0.code == code && $0.message.contains(label) }
            #expect(named != nil, "\(what): \(rejected?.findings ?? [])")
            let audited = try await fleet.lastAudited(try #require(rejected?.host))
            #expect(audited?.findings == rejected?.findings && audited?.status == .rejected, "\(what) audit: \(codes(audited))")
        }

        // Wrong nonce: the quote is over nonce A, the request carries nonce B (both issued to this host).
        let a = try await fleet.challenge(goodID), b = try await fleet.challenge(goodID)
        var wrong = try fleet.evidence(good, nonce: a, log: goodLog)
        wrong.nonce = b
        try await expectRejected(fleet, goodID, try await fleet.submit(goodID, wrong), ["nonce.mismatch"], "wrong nonce")

        // Reused nonce: the same request twice; the first is admitted.
        let fresh = try fleet.evidence(good, nonce: try await fleet.challenge(goodID), log: goodLog)
        let first = try await fleet.submit(goodID, fresh)
        #expect(first.status == .admitted, "\(first.findings)")
        try await expectRejected(fleet, goodID, try await fleet.submit(goodID, fresh), ["nonce.reused"], "reused nonce")

        // Another host's nonce: issued to the VIB host, quoted and sent by the good host.
        let vibID = try #require(try await fleet.send("GET", "/v1/hosts", admin: true, as: HostList.self).hosts.first { $0.name == "vib-host" }?.id)
        let stolen = try fleet.evidence(good, nonce: try await fleet.challenge(vibID), log: goodLog)
        try await expectRejected(fleet, goodID, try await fleet.submit(goodID, stolen), ["nonce.other-host"], "another host's nonce")

        // An AK that was never enrolled: another TPM, booted the same, quotes the good host's challenge.
        let stranger = try fleet.machine()
        try stranger.boot(fleet.image, log: stranger.log("good"))
        let foreign = try fleet.evidence(stranger, nonce: try await fleet.challenge(goodID), log: stranger.log("good"))
        try await expectRejected(fleet, goodID, try await fleet.submit(goodID, foreign), ["quote.signature-invalid"], "unenrolled AK")

        // A log that does not replay to the quoted PCRs: its last event appended once more.
        let altered = good.log("appended")
        var bytes = try Data(contentsOf: URL(fileURLWithPath: goodLog))
        bytes += try Self.lastEvent(of: bytes)
        try bytes.write(to: URL(fileURLWithPath: altered))
        let replay = try fleet.evidence(good, nonce: try await fleet.challenge(goodID), log: altered)
        try await expectRejected(fleet, goodID, try await fleet.submit(goodID, replay), ["pcr.replay-mismatch"], "log does not replay")
    }

    func agentCodes(_ j: AgentCLITests.AttestJSON?) -> [String] { j?.findings.map(\.code) ?? ["(no verdict)"] }

    func expectRejected(_ fleet: AcceptanceFleet, _ hostID: String, _ v: Verdict, _ expected: [String], _ what: String,
                        sourceLocation: SourceLocation = #_sourceLocation) async throws {
        #expect(v.status == .rejected && v.token == nil && codes(v) == expected, "\(what): \(v.findings)", sourceLocation: sourceLocation)
        let audited = try await fleet.lastAudited(hostID)
        #expect(audited?.attestationId == v.attestationId && codes(audited) == expected, "\(what) audit: \(codes(audited))",
                sourceLocation: sourceLocation)
    }

    /// The bytes of a crypto-agile log's last event (found by parsing with AttestCore).
    static func lastEvent(of log: Data) throws -> Data {
        guard let last = try EventLog(bytes: Array(log)).events.last else { throw AcceptanceError("the log has no events") }
        return log.subdata(in: last.offset..<log.count)
    }
}
