import AttestCore
import Foundation
import Testing
import TestSupport

/// The whole evidence path against a real TPM: events written by our `EventLogWriter` are extended
/// into a private swtpm's PCRs with `tpm2_pcrextend`, quoted with `tpm2_quote`, and
/// `hostattest verify quote --eventlog` checks that the log replays to the quoted values. A log that
/// differs from what was extended is refused with `pcr.replay-mismatch` naming the PCR.
@Suite struct QuoteEventLogInteropTests {
    static func log(extraEventInPCR4: Bool) throws -> [UInt8] {
        var w = EventLogWriter(banks: [.sha1, .sha256])
        w.measure(pcr: 0, type: .EV_S_CRTM_VERSION, data: Array("hostattest test firmware 1.0".utf8))
        w.measure(pcr: 4, type: .EV_EFI_ACTION, data: Array("Calling EFI Application from Boot Option".utf8))
        if extraEventInPCR4 { w.measure(pcr: 4, type: .EV_EFI_ACTION, data: Array("an event the TPM never saw".utf8)) }
        for pcr in [0, 4, 7] { w.measure(pcr: pcr, type: .EV_SEPARATOR, data: [0, 0, 0, 0]) }
        return w.bytes
    }

    @Test func quoteOfExtendedLogVerifiesAndAForeignLogIsRefused() throws {
        let tpm = try SWTPM()
        defer { tpm.stop() }
        let dir = TempDir("quote-eventlog")
        let d = dir.url
        let good = try Self.log(extraEventInPCR4: false)
        try Data(good).write(to: dir.file("log.bin"))
        try Data(try Self.log(extraEventInPCR4: true)).write(to: dir.file("other.bin"))

        try tpm.tool("tpm2_createek", ["-c", "ek.ctx", "-G", "rsa", "-u", "ek.pub"], in: d)
        try tpm.tool("tpm2_createak", ["-C", "ek.ctx", "-c", "ak.ctx", "-G", "ecc", "-g", "sha256", "-s", "ecdsa", "-u", "ak.pub"], in: d)
        for event in try EventLog(bytes: good).events where event.isExtended {
            let digests = event.digests.compactMap { d in d.algorithm.map { "\($0.rawValue)=\(d.digest.hex)" } }
            try tpm.tool("tpm2_pcrextend", ["\(event.pcrIndex):" + digests.joined(separator: ",")], in: d)
        }
        let nonce = "0011223344556677889900aabbccddeeff001122"
        try tpm.tool("tpm2_quote", ["-c", "ak.ctx", "-l", "sha256:0,4,7", "-q", nonce, "-m", "msg", "-s", "sig", "-o", "pcrs"], in: d)
        tpm.stop()

        func verify(_ log: String) throws -> ProcessResult {
            try Run.hostattest(["verify", "quote", "--ak", dir.file("ak.pub").path, "--msg", dir.file("msg").path, "--sig", dir.file("sig").path,
                                "--pcrs", dir.file("pcrs").path, "--nonce", nonce, "--eventlog", dir.file(log).path, "--json"])
        }
        let ok = try verify("log.bin")
        #expect(ok.status == 0, "\(ok.stdout) \(ok.stderr)")
        #expect(try QuoteInteropTests.failureCodes(ok) == [])

        let refused = try verify("other.bin")
        #expect(refused.status == 1, "\(refused.stdout) \(refused.stderr)")
        #expect(try QuoteInteropTests.failureCodes(refused) == ["pcr.replay-mismatch"])
        #expect(refused.stdout.contains("PCR[4] sha256"))

        // A file that is not an event log is bad input, named in the message.
        let notALog = try verify("msg")
        #expect(notALog.status == 2)
        #expect(notALog.stderr.contains("msg"))
    }
}
