import AttestCore
import Foundation
import Testing
import TestSupport

@Suite struct BaselineCLITests {
    static let log = "eventlogs/tpm2-tools/event-gce-ubuntu-2104-log.bin"

    @Test func captureSignVerifyShowOnARealLog() throws {
        let dir = TempDir("baseline")
        let pki = TestPKI()
        let ca = try pki.root("Baseline CA")
        let signer = try pki.issue("Baseline Signer", by: ca, extendedKeyUsage: nil)
        let other = try pki.root("Other CA")
        let out = dir.file("gce.baseline.json").path
        let cap = try Run.hostattest(["baseline", "capture", "--eventlog", Fixtures.url(Self.log).path, "--pcrs", "0-7",
                                      "--name", "gce-n1", "--version", "2021.04", "-o", out, "--json"])
        #expect(cap.status == 0, "\(cap.stderr)")
        let b = try Baseline(jsonBytes: Array(try Data(contentsOf: URL(fileURLWithPath: out))))
        #expect(b.pcrs == Array(0...7) && !b.events.isEmpty && b.source == "capture")

        let sign = try Run.hostattest(["baseline", "sign", out, "--key", signer.keyPath, "--cert", signer.certPath])
        #expect(sign.status == 0, "\(sign.stderr)")
        let ok = try Run.hostattest(["baseline", "verify", out, "--trust", ca.certPath])
        #expect(ok.status == 0 && ok.stdout.contains("VERIFIED"), "\(ok.stdout) \(ok.stderr)")
        let foreign = try Run.hostattest(["baseline", "verify", out, "--trust", other.certPath, "--json"])
        #expect(foreign.status == 1 && foreign.stdout.contains("baseline.signature-invalid"))
        let show = try Run.hostattest(["baseline", "show", out])
        #expect(show.status == 0 && show.stdout.contains("baseline gce-n1 2021.04") && show.stdout.contains("PCR 7"))

        // Changing the version (still a valid baseline) breaks the signature.
        let text = try String(contentsOfFile: out, encoding: .utf8).replacingOccurrences(of: "2021.04", with: "2021.05")
        try text.write(toFile: out, atomically: true, encoding: .utf8)
        let tampered = try Run.hostattest(["baseline", "verify", out, "--trust", ca.certPath, "--signature", out + ".p7s"])
        #expect(tampered.status == 1 && tampered.stdout.contains("baseline.signature-invalid"))
    }

    @Test func badInputExitsTwoNamingTheProblem() throws {
        let dir = TempDir("baseline")
        let out = dir.file("b.json").path
        let noPCRs = try Run.hostattest(["baseline", "capture", "--eventlog", Fixtures.url(Self.log).path, "--pcrs", "",
                                         "--name", "n", "--version", "1", "-o", out])
        #expect(noPCRs.status == 2 && noPCRs.stderr.contains("--pcrs"))
        let badPCR = try Run.hostattest(["baseline", "capture", "--eventlog", Fixtures.url(Self.log).path, "--pcrs", "0,24",
                                         "--name", "n", "--version", "1", "-o", out])
        #expect(badPCR.status == 2 && badPCR.stderr.contains("24"))
        try Data("{\"format\":\"nope\"}".utf8).write(to: URL(fileURLWithPath: out))
        let show = try Run.hostattest(["baseline", "show", out])
        #expect(show.status == 2 && show.stderr.contains(out))
        let unsigned = try Data(Baseline(name: "a", version: "1", source: "capture", bank: .sha256, pcrs: [0], events: []).encoded())
        try unsigned.write(to: URL(fileURLWithPath: out))
        let pki = TestPKI()
        let ca = try pki.root("CA")
        let v = try Run.hostattest(["baseline", "verify", out, "--trust", ca.certPath, "--json"])
        #expect(v.status == 1 && v.stdout.contains("baseline.unsigned"))
        let noTrust = try Run.hostattest(["baseline", "verify", out])
        #expect(noTrust.status == 2)
    }

    @Test func tokenVerifyBadInputExitsTwo() throws {
        let dir = TempDir("token")
        let jwks = dir.file("jwks.json").path
        try Data("not json".utf8).write(to: URL(fileURLWithPath: jwks))
        let r = try Run.hostattest(["token", "verify", "a.b.c", "--jwks", jwks])
        #expect(r.status == 2 && r.stderr.contains("jwks.json"))
        let missing = try Run.hostattest(["token", "verify", "a.b.c", "--jwks", dir.file("none.json").path])
        #expect(missing.status == 2 && missing.stderr.contains("none.json"))
        let notJWS = try Run.hostattest(["token", "verify", "abc", "--jwks", jwks])
        #expect(notJWS.status == 2)
    }
}
