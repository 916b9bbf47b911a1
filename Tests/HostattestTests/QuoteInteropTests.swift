import AttestCore
import Foundation
import Testing
import TestSupport

/// `tpm2_quote` on a private swtpm, verified by `hostattest verify quote`; tampered variants fail
/// with their own code. Each argument runs its own swtpm, so the cases run in parallel.
@Suite struct QuoteInteropTests {
    enum AKKind: String, CaseIterable, Sendable {
        case ecc, rsa
        var createArgs: [String] {
            switch self {
            case .ecc: return ["-G", "ecc", "-g", "sha256", "-s", "ecdsa"]
            case .rsa: return ["-G", "rsa", "-g", "sha256", "-s", "rsassa"]
            }
        }
    }

    static func failureCodes(_ r: ProcessResult) throws -> [String] {
        let json = try #require(try JSONSerialization.jsonObject(with: r.stdoutBytes) as? [String: Any])
        let failures = try #require((json["report"] as? [String: Any])?["failures"] as? [[String: Any]])
        return failures.compactMap { $0["code"] as? String }
    }

    static func flipBit(_ url: URL, at offset: (Int) -> Int, to out: URL) throws {
        var b = [UInt8](try Data(contentsOf: url))
        b[offset(b.count)] ^= 0x01
        try Data(b).write(to: out)
    }

    @Test(arguments: AKKind.allCases)
    func tpm2QuoteVerifiesAndTamperingIsCaught(_ kind: AKKind) throws {
        let tpm = try SWTPM()
        defer { tpm.stop() }
        let dir = TempDir("quote-interop")
        let d = dir.url
        let nonce = "5eed00112233445566778899aabbccddeeff0102"
        try tpm.tool("tpm2_createek", ["-c", "ek.ctx", "-G", "rsa", "-u", "ek.pub"], in: d)
        try tpm.tool("tpm2_createak", ["-C", "ek.ctx", "-c", "ak.ctx"] + kind.createArgs + ["-u", "ak.pub", "-n", "ak.name"], in: d)
        try tpm.tool("tpm2_readpublic", ["-c", "ak.ctx", "-f", "pem", "-o", "ak.pem"], in: d)
        // Give PCR 1 a non-zero value so a tampered PCR is distinguishable.
        try tpm.tool("tpm2_pcrextend", ["1:sha256=" + String(repeating: "ab", count: 32)], in: d)
        try tpm.tool("tpm2_quote", ["-c", "ak.ctx", "-l", "sha256:0,1,2,3", "-q", nonce, "-m", "msg", "-s", "sig", "-o", "pcrs"], in: d)
        try tpm.tool("tpm2_quote", ["-c", "ak.ctx", "-l", "sha256:0,1,2,3", "-q", nonce, "-m", "msg.v", "-s", "sig.v", "-o", "pcrs.v", "-F", "values"], in: d)
        try tpm.tool("tpm2_quote", ["-c", "ak.ctx", "-l", "sha256:0,1,2,3", "-q", nonce, "-m", "msg.p", "-s", "sig.p", "-f", "plain", "-o", "pcrs.p"], in: d)
        tpm.stop()

        // Our name of the AK equals tpm2-tools'.
        let ak = try AttestationKey(bytes: [UInt8](try Data(contentsOf: dir.file("ak.pub"))))
        #expect(ak.name == [UInt8](try Data(contentsOf: dir.file("ak.name"))))

        func verify(msg: String = "msg", sig: String = "sig", pcrs: String = "pcrs", ak: String = "ak.pub", nonce n: String = nonce, values: Bool = false) throws -> ProcessResult {
            try Run.hostattest(["verify", "quote", "--ak", dir.file(ak).path, "--msg", dir.file(msg).path, "--sig", dir.file(sig).path,
                                "--pcrs", dir.file(pcrs).path, "--nonce", n, "--json"] + (values ? ["--pcr-format", "values"] : []))
        }

        // Both PCR-file forms, both AK forms.
        for (ak, values, msg, sig, pcrs) in [("ak.pub", false, "msg", "sig", "pcrs"), ("ak.pem", false, "msg", "sig", "pcrs"),
                                             ("ak.pub", true, "msg.v", "sig.v", "pcrs.v"), ("ak.pem", true, "msg.v", "sig.v", "pcrs.v")] {
            let r = try verify(msg: msg, sig: sig, pcrs: pcrs, ak: ak, values: values)
            #expect(r.status == 0, "\(kind) \(ak) values=\(values): \(r.stdout) \(r.stderr)")
            #expect(try Self.failureCodes(r) == [])
        }

        // The plain signature format.
        for ak in ["ak.pub", "ak.pem"] {
            let r = try Run.hostattest(["verify", "quote", "--ak", dir.file(ak).path, "--msg", dir.file("msg.p").path, "--sig", dir.file("sig.p").path,
                                        "--sig-format", "plain", "--pcrs", dir.file("pcrs.p").path, "--nonce", nonce, "--json"])
            #expect(r.status == 0, "\(kind) plain \(ak): \(r.stdout) \(r.stderr)")
        }

        // One bit of the message (in clockInfo, right after extraData), of the signature, of a PCR value; another nonce.
        let nonceBytes = nonce.count / 2
        let clockOffset = 6 + 2 + 34 + 2 + nonceBytes
        try Self.flipBit(dir.file("msg"), at: { _ in clockOffset + 3 }, to: dir.file("msg.bad"))
        try Self.flipBit(dir.file("sig"), at: { $0 - 2 }, to: dir.file("sig.bad"))
        try Self.flipBit(dir.file("pcrs"), at: { _ in 136 + 4 + 66 + 2 + 5 }, to: dir.file("pcrs.bad"))  // PCR 1, byte 5
        try Self.flipBit(dir.file("pcrs.v"), at: { _ in 32 + 5 }, to: dir.file("pcrs.v.bad"))

        let cases: [(String, ProcessResult, [String])] = [
            ("message bit", try verify(msg: "msg.bad"), ["quote.signature-invalid"]),
            ("signature bit", try verify(sig: "sig.bad"), ["quote.signature-invalid"]),
            ("PCR value bit (serialized)", try verify(pcrs: "pcrs.bad"), ["quote.pcr-digest-mismatch"]),
            ("PCR value bit (values)", try verify(msg: "msg.v", sig: "sig.v", pcrs: "pcrs.v.bad", values: true), ["quote.pcr-digest-mismatch"]),
            ("other nonce", try verify(nonce: "5eed00112233445566778899aabbccddeeff0103"), ["nonce.mismatch"]),
            ("PCRs of another quote", try verify(msg: "msg", sig: "sig", pcrs: "pcrs.bad", ak: "ak.pem"), ["quote.pcr-digest-mismatch"]),
        ]
        for (name, r, expected) in cases {
            #expect(r.status == 1, "\(kind) \(name): exit \(r.status) \(r.stderr)")
            #expect(try Self.failureCodes(r) == expected, "\(kind) \(name)")
        }

        // Text output names the failure; bad input is exit 2.
        let text = try Run.hostattest(["verify", "quote", "--ak", dir.file("ak.pub").path, "--msg", dir.file("msg").path, "--sig", dir.file("sig").path,
                                       "--pcrs", dir.file("pcrs").path, "--nonce", "00"])
        #expect(text.status == 1 && text.stdout.contains("nonce.mismatch"))
        let badInput = try Run.hostattest(["verify", "quote", "--ak", dir.file("msg").path, "--msg", dir.file("msg").path, "--sig", dir.file("sig").path,
                                           "--pcrs", dir.file("pcrs").path, "--nonce", nonce])
        #expect(badInput.status == 2 && badInput.stderr.contains("msg"))
    }
}
