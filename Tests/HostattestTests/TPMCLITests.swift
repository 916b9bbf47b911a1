import AttestCore
import Foundation
import Testing
import TestSupport

/// `hostattest tpm …` and `hostattest quote` on the software TPM and on a real swtpm, checked with
/// tpm2-tools and with `hostattest verify quote`.
@Suite struct TPMCLITests {
    static let nonce = "0badc0ffee0011223344556677889900"

    static func checkQuote(_ dir: TempDir) throws {
        let r = try Run.process("tpm2_checkquote", ["-u", "ak.pem", "-m", "quote.msg", "-s", "quote.sig", "-f", "quote.pcrs",
                                                    "-q", nonce, "-g", "sha256"], currentDirectory: dir.url, timeout: 60)
        #expect(r.status == 0, "tpm2_checkquote: \(r.stderr)")
        let v = try Run.hostattest(["verify", "quote", "--ak", dir.file("ak.pub").path, "--msg", dir.file("quote.msg").path,
                                    "--sig", dir.file("quote.sig").path, "--pcrs", dir.file("quote.pcrs").path, "--nonce", nonce])
        #expect(v.status == 0, "verify quote: \(v.stdout) \(v.stderr)")
        let pem = try Run.hostattest(["verify", "quote", "--ak", dir.file("ak.pem").path, "--msg", dir.file("quote.msg").path,
                                      "--sig", dir.file("quote.sig").path, "--pcrs", dir.file("quote.pcrs").path, "--nonce", nonce])
        #expect(pem.status == 0, "verify quote (PEM AK): \(pem.stdout) \(pem.stderr)")
        // Another nonce is refused.
        let other = try Run.hostattest(["verify", "quote", "--ak", dir.file("ak.pub").path, "--msg", dir.file("quote.msg").path,
                                        "--sig", dir.file("quote.sig").path, "--pcrs", dir.file("quote.pcrs").path, "--nonce", "00"])
        #expect(other.status == 1)
    }

    @Test func softwareTPMQuoteVerifiesWithTPM2CheckQuote() throws {
        let dir = TempDir("cli-soft")
        let tpm = "soft:\(dir.file("state/tpm.json").path)"
        let x = try Run.hostattest(["tpm", "extend", "--tpm", tpm, "--pcr", "7", "--data", "secure boot policy"])
        #expect(x.status == 0, "\(x.stderr)")
        let q = try Run.hostattest(["quote", "--tpm", tpm, "--nonce", Self.nonce, "--pcrs", "sha256:0,4,7+sha1:7", "--out-dir", dir.path])
        #expect(q.status == 0, "\(q.stderr)")
        try Self.checkQuote(dir)
        let rsa = TempDir("cli-soft-rsa")
        let qr = try Run.hostattest(["quote", "--tpm", tpm, "--ak", "rsa", "--nonce", Self.nonce, "--pcrs", "sha256:7", "--out-dir", rsa.path])
        #expect(qr.status == 0, "\(qr.stderr)")
        try Self.checkQuote(rsa)
        // tpm2_makecredential for the software TPM's EKs (RSA and ECC) activates through `tpm activate`.
        for ek in ["rsa", "ecc"] {
            #expect(try Run.hostattest(["tpm", "ek", "--tpm", tpm, "--ek", ek, "--out-public", dir.file("ek-\(ek).pub").path]).status == 0)
            let ak = try Run.hostattest(["tpm", "ak", "--tpm", tpm, "--json"])
            let json = try #require(try JSONSerialization.jsonObject(with: ak.stdoutBytes) as? [String: Any])
            let name = try #require(json["name"] as? String)
            try Data("soft secret \(ek)".utf8).write(to: dir.file("secret-\(ek)"))
            let mk = try Run.process("tpm2_makecredential", ["-T", "none", "-u", "ek-\(ek).pub", "-s", "secret-\(ek)", "-n", name, "-o", "cred-\(ek)"],
                                     currentDirectory: dir.url, timeout: 60)
            #expect(mk.status == 0, "\(mk.stderr)")
            let act = try Run.hostattest(["tpm", "activate", "--tpm", tpm, "--ek", ek, "--credential", dir.file("cred-\(ek)").path])
            #expect(act.status == 0 && act.stdout.contains(Array("soft secret \(ek)".utf8).hex), "\(act.stdout) \(act.stderr)")
        }
        let info = try Run.hostattest(["tpm", "info", "--tpm", tpm, "--json"])
        #expect(info.status == 0)
        #expect(info.stdout.contains("\"isSoftware\" : true"))
        let text = try Run.hostattest(["tpm", "info", "--tpm", tpm])
        #expect(text.stdout.contains("SOFTWARE TPM"))
        let ek = try Run.hostattest(["tpm", "ek", "--tpm", tpm, "--out-cert", dir.file("ek.der").path])
        #expect(ek.status == 0 && ek.stdout.contains("not hardware"), "\(ek.stdout)")
        let reset = try Run.hostattest(["tpm", "reset", "--tpm", tpm, "--json"])
        #expect(reset.status == 0 && reset.stdout.contains("\"resetCount\" : 1"), "\(reset.stdout)")
        // HOSTATTEST_TPM is honoured when --tpm is absent.
        let env = try Run.process(Run.hostattestPath, ["tpm", "pcrread", "--bank", "sha256", "--json"], environment: ["HOSTATTEST_TPM": tpm])
        #expect(env.status == 0, "\(env.stderr)")
    }

    /// SIGKILL at any moment of a stream of extends leaves a complete, 0600 state file behind.
    @Test func softwareStateSurvivesSIGKILL() throws {
        let dir = TempDir("cli-soft-kill")
        let path = dir.file("tpm.json").path
        #expect(try Run.hostattest(["tpm", "info", "--tpm", "soft:\(path)"]).status == 0)
        for delay in [40_000, 90_000, 150_000, 230_000, 330_000] as [useconds_t] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: Run.hostattestPath)
            p.arguments = ["bench", "tpm", "--tpm", "soft:\(path)", "--extends", "100000", "--quotes", "1"]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            usleep(delay)
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            let r = try Run.hostattest(["tpm", "pcrread", "--tpm", "soft:\(path)", "--bank", "sha256"])
            #expect(r.status == 0, "after SIGKILL at \(delay) µs: \(r.stderr)")
            var st = stat()
            #expect(stat(path, &st) == 0 && st.st_mode & 0o777 == 0o600)
        }
        // The next write removes temporary files a killed writer left behind.
        #expect(try Run.hostattest(["tpm", "extend", "--tpm", "soft:\(path)", "--pcr", "16", "--data", "x"]).status == 0)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    /// swtpm commands get a generous `--timeout`: under AddressSanitizer with every suite running in
    /// parallel on two cores, a command can wait longer than the 10 s default for the CPU.
    static let swtpmTimeout = "120"

    @Test func swtpmQuoteExtendAndAKAcrossRuns() throws {
        let sw = try SWTPM()
        defer { sw.stop() }
        let dir = TempDir("cli-swtpm")
        let ak1 = try Run.hostattest(["tpm", "ak", "--tpm", sw.tcti, "--timeout", Self.swtpmTimeout, "--json"])
        let ak2 = try Run.hostattest(["tpm", "ak", "--tpm", sw.tcti, "--timeout", Self.swtpmTimeout, "--json"])
        #expect(ak1.status == 0, "\(ak1.stderr)")
        #expect(ak2.status == 0, "\(ak2.stderr)")
        #expect(ak1.stdout == ak2.stdout, "second run: exit \(ak2.status), \(ak2.stderr)")
        let x = try Run.hostattest(["tpm", "extend", "--tpm", sw.tcti, "--timeout", Self.swtpmTimeout, "--pcr", "8", "--data", "kernel command line"])
        #expect(x.status == 0, "\(x.stderr)")
        let expected = DigestAlgorithm.sha256.hash([UInt8](repeating: 0, count: 32) + DigestAlgorithm.sha256.hash(Array("kernel command line".utf8)))
        let read = try sw.tool("tpm2_pcrread", ["sha256:8"], in: dir.url)
        #expect(read.stdout.uppercased().contains(expected.hex.uppercased()), "\(read.stdout)")
        let q = try Run.hostattest(["quote", "--tpm", sw.tcti, "--timeout", Self.swtpmTimeout, "--nonce", Self.nonce, "--pcrs", "sha256:0,7,8", "--out-dir", dir.path])
        #expect(q.status == 0, "\(q.stderr)")
        try Self.checkQuote(dir)
        // Activation of a tpm2_makecredential file through the CLI.
        #expect(try Run.hostattest(["tpm", "ek", "--tpm", sw.tcti, "--timeout", Self.swtpmTimeout, "--ek", "ecc", "--out-public", dir.file("ek.pub").path]).status == 0)
        let akJSON = try JSONSerialization.jsonObject(with: ak1.stdoutBytes) as? [String: Any]
        let akName = try #require(akJSON)["name"] as? String
        try Data("swtpm secret".utf8).write(to: dir.file("secret"))
        let mk = try Run.process("tpm2_makecredential", ["-T", "none", "-u", "ek.pub", "-s", "secret", "-n", try #require(akName), "-o", "cred"],
                                 currentDirectory: dir.url, timeout: 60)
        #expect(mk.status == 0, "\(mk.stderr)")
        let act = try Run.hostattest(["tpm", "activate", "--tpm", sw.tcti, "--timeout", Self.swtpmTimeout, "--credential", dir.file("cred").path])
        #expect(act.status == 0 && act.stdout.contains(Array("swtpm secret".utf8).hex), "\(act.stdout) \(act.stderr)")
        let reset = try Run.hostattest(["tpm", "reset", "--tpm", sw.tcti, "--timeout", Self.swtpmTimeout])
        #expect(reset.status == 2 && reset.stderr.contains("tpm.unsupported"))
        // The TPM answers an error: exit 2 with the TCTI and the decoded code.
        let locality = try Run.hostattest(["tpm", "extend", "--tpm", sw.tcti, "--timeout", Self.swtpmTimeout, "--pcr", "17", "--data", "x"])
        #expect(locality.status == 2 && locality.stderr.contains(sw.tcti) && locality.stderr.contains("Esys_PCR_Extend"), "\(locality.stderr)")
    }

    /// Unreachable TPM, malformed --tpm, bad arguments: exit 2 with a message naming the problem.
    @Test func refusals() throws {
        let port = try #require(FreePort.pair())
        let unreachable = try Run.hostattest(["tpm", "info", "--tpm", "swtpm:host=127.0.0.1,port=\(port)"], timeout: 60)
        #expect(unreachable.status == 2 && unreachable.stderr.contains("tpm.unreachable") && unreachable.stderr.contains("port=\(port)"), "\(unreachable.stderr)")
        let malformed = try Run.hostattest(["tpm", "info", "--tpm", "swtpm:port=abc"])
        #expect(malformed.status == 2 && malformed.stderr.contains("tpm.bad-spec"), "\(malformed.stderr)")
        let dir = TempDir("cli-refusals")
        let soft = "soft:\(dir.file("tpm.json").path)"
        for args in [["quote", "--tpm", soft, "--nonce", "zz", "--out-dir", dir.path],
                     ["quote", "--tpm", soft, "--nonce", "00", "--pcrs", "sha256:24", "--out-dir", dir.path],
                     ["tpm", "extend", "--tpm", soft, "--pcr", "24", "--data", "x"],
                     ["tpm", "extend", "--tpm", soft, "--pcr", "1", "--digest", "sha256:00"],
                     ["tpm", "info", "--tpm", soft, "--timeout", "0"]] {
            let r = try Run.hostattest(args)
            #expect(r.status == 2, "\(args): \(r.stderr)")
        }
    }
}
