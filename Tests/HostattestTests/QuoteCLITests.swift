import Foundation
import Testing
import TestSupport

/// `verify quote` usage errors and `bench quote` (a tiny run: the figures themselves come from a release build).
@Suite struct QuoteCLITests {
    @Test func benchQuoteRunsAndPrintsJSON() throws {
        let r = try Run.hostattest(["bench", "quote", "--seconds", "0.05", "--rounds", "1", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: r.stdoutBytes) as? [String: Any])
        #expect((json["bareP256VerifiesPerSecond"] as? Double ?? 0) > 0)
        #expect((json["quoteVerifiesPerSecond"] as? Double ?? 0) > 0)
        #expect(json["target"] as? Double == 0.75)
    }

    @Test func missingFilesAndBadNonceAreExit2() throws {
        let dir = TempDir("quote-cli")
        let missing = try Run.hostattest(["verify", "quote", "--ak", dir.file("nope.pub").path, "--msg", "m", "--sig", "s", "--pcrs", "p", "--nonce", "00"])
        #expect(missing.status == 2 && missing.stderr.contains("nope.pub"))
        let badNonce = try Run.hostattest(["verify", "quote", "--ak", "a", "--msg", "m", "--sig", "s", "--pcrs", "p", "--nonce", "xyz"])
        #expect(badNonce.status == 2)
        let help = try Run.hostattest(["verify", "quote", "--help"])
        #expect(help.status == 0 && help.stdout.contains("--pcr-format") && help.stdout.contains("--eventlog"))
    }
}
