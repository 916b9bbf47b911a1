@testable import AttestServer
import AttestWire
import Crypto
import Foundation
import Testing
@testable import AttestCore

/// The server's memo of parsed, replayed and appraised event logs: found only by equal bytes, filled
/// only by verified quotes, bounded; and a memoized log never changes a verdict.
@Suite struct EventLogMemoTests {
    func codes(_ v: Verdict) -> [String] { v.findings.map(\.code) }

    func replayed(_ boot: BootLog = BootLog()) throws -> ReplayedEventLog { ReplayedEventLog(try EventLog(bytes: boot.log())) }

    /// Two inputs in one slot (same length, same first and last 256 bytes): only the equal one is found.
    @Test func foundOnlyByEqualBytes() throws {
        let memo = EventLogMemo()
        var a = [UInt8](repeating: 7, count: 2_000)
        var b = a
        b[1_000] = 8
        #expect(EventLogMemo.slot(a) == EventLogMemo.slot(b))
        memo.keep(bytes: a, replayed: try replayed())
        #expect(memo.entry(for: a) != nil && memo.entry(for: b) == nil)
        a[0] = 1
        #expect(memo.entry(for: a) == nil && memo.entry(for: []) == nil)
    }

    @Test func boundedBySizeAndBudget() throws {
        let r = try replayed()
        #expect(EventLogMemo().keep(bytes: [UInt8](repeating: 1, count: EventLogMemo.maxLogBytes + 1), replayed: r) == nil)
        let memo = EventLogMemo(budgetBytes: 10_000)
        for i in 0..<20 { memo.keep(bytes: [UInt8](repeating: UInt8(i), count: 3_000), replayed: r) }
        #expect(memo.heldBytes <= 10_000 && memo.count == 3)
        #expect(memo.entry(for: [UInt8](repeating: 19, count: 3_000)) != nil)
        let entry = try #require(memo.entry(for: [UInt8](repeating: 19, count: 3_000)))
        let sel = TPMLPCRSelection([TPMSPCRSelection(hash: .sha256, indices: [0])])
        for i in 0..<(EventLogMemo.maxAppraisals + 3) {
            memo.keep(Appraisal(results: [], general: []), in: entry, .init(baselines: ["b\(i)"], selection: sel, eventLogChecked: true))
        }
        #expect(memo.appraisal(entry, .init(baselines: ["b\(EventLogMemo.maxAppraisals + 2)"], selection: sel, eventLogChecked: true)) != nil)
        #expect(memo.appraisal(entry, .init(baselines: ["b0"], selection: sel, eventLogChecked: true)) == nil)
    }

    /// A good log, a tampered one, the good one again: each gets its own verdict; a forged quote's log
    /// is not kept; a quote whose PCRs differ from a memoized log's replay is still refused.
    @Test func aMemoizedLogNeverChangesAVerdict() async throws {
        let world = try World()
        try await withServer(world) { api, server in
            let (tpm, cert) = try world.tpm()
            let id = try await api.enroll(tpm, cert: cert, name: "host-m")
            try await api.addBaseline(try world.signedBaseline(BootLog()))
            let memo = server.attestation.logMemo
            let good = try await api.attest(id, tpm: tpm, nonce: try await api.challenge(id))
            #expect(good.status == .admitted && memo.count == 1)
            var tampered = BootLog()
            tampered.vibs[1].version = "1.2.0-1"
            let bad = try await api.attest(id, tpm: tpm, nonce: try await api.challenge(id), boot: tampered)
            #expect(bad.status == .rejected && codes(bad).allSatisfy { $0.hasPrefix("appraisal.") } && memo.count == 2)
            let again = try await api.attest(id, tpm: tpm, nonce: try await api.challenge(id))
            #expect(again.status == .admitted && again.token != nil && memo.count == 2)
            let badAgain = try await api.attest(id, tpm: tpm, nonce: try await api.challenge(id), boot: tampered)
            #expect(badAgain.status == .rejected && codes(badAgain) == codes(bad))

            // The memoized good log with PCR values it does not replay to (here: the tampered boot's).
            let mismatch = try await api.attest(id, tpm: tpm, nonce: try await api.challenge(id), pcrsOverride: try tampered.pcrValues())
            #expect(mismatch.status == .rejected && codes(mismatch).contains("pcr.replay-mismatch") && mismatch.token == nil)

            // A forged quote over a new log: rejected, and its log is not kept.
            var other = BootLog()
            other.firmware = "demo firmware 2.0"
            let forged = try await api.attest(id, tpm: tpm, nonce: try await api.challenge(id), boot: other, signer: P256.Signing.PrivateKey())
            #expect(forged.status == .rejected && codes(forged) == ["quote.signature-invalid"] && memo.count == 2)
        }
    }

    /// The appraisal kept for a log belongs to the baselines it was made with: a baseline added later
    /// (a rolling upgrade) admits a log the memo had seen rejected.
    @Test func aNewBaselineIsAppliedToAMemoizedLog() async throws {
        let world = try World()
        try await withServer(world) { api, _ in
            let (tpm, cert) = try world.tpm()
            let id = try await api.enroll(tpm, cert: cert, name: "host-n")
            try await api.addBaseline(try world.signedBaseline(BootLog()))
            var upgraded = BootLog()
            upgraded.vibs[1].version = "1.2.0-1"
            let before = try await api.attest(id, tpm: tpm, nonce: try await api.challenge(id), boot: upgraded)
            #expect(before.status == .rejected)
            try await api.addBaseline(try world.signedBaseline(upgraded, version: "1.1"))
            let after = try await api.attest(id, tpm: tpm, nonce: try await api.challenge(id), boot: upgraded)
            #expect(after.status == .admitted && after.baseline == "demo-host 1.1")
        }
    }
}
