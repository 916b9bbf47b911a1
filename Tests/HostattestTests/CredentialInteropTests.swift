import AttestCore
import Foundation
import Testing
import TestSupport

/// Our MakeCredential against `tpm2_activatecredential` on a private swtpm (RSA and ECC EKs), and
/// `tpm2_makecredential` output read by our structures.
@Suite struct CredentialInteropTests {
    @Test(arguments: ["rsa", "ecc"])
    func activateCredentialReturnsOurSecret(_ ekType: String) throws {
        let tpm = try SWTPM()
        defer { tpm.stop() }
        let dir = TempDir("cred-interop")
        let d = dir.url
        try tpm.tool("tpm2_createek", ["-c", "ek.ctx", "-G", ekType, "-u", "ek.pub"], in: d)
        try tpm.tool("tpm2_createak", ["-C", "ek.ctx", "-c", "ak.ctx", "-G", "ecc", "-g", "sha256", "-s", "ecdsa", "-u", "ak.pub", "-n", "ak.name"], in: d)

        let ekPublic = try TPM2BPublic(bytes: [UInt8](try Data(contentsOf: dir.file("ek.pub")))).publicArea
        let akPublic = try TPM2BPublic(bytes: [UInt8](try Data(contentsOf: dir.file("ak.pub")))).publicArea
        let akName = [UInt8](try Data(contentsOf: dir.file("ak.name")))
        #expect(akPublic.name == akName)
        #expect(AKPolicy.check(akPublic).isValid)

        var rng = SystemRandomNumberGenerator()
        let secret = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let blob = try MakeCredential.make(ekPublic: ekPublic, objectName: akName, credential: secret)
        try Data(blob.tpm2ToolsFile()).write(to: dir.file("cred.ours"))

        // tpm2_makecredential's own file, for the same EK and name, parses with our structures.
        try Data(secret).write(to: dir.file("secret"))
        let theirs = try Run.process("tpm2_makecredential", ["-T", "none", "-u", "ek.pub", "-s", "secret", "-n", akName.hex, "-o", "cred.theirs"], currentDirectory: d)
        #expect(theirs.status == 0, "\(theirs.stderr)")
        let parsed = try CredentialBlob(tpm2ToolsFile: [UInt8](try Data(contentsOf: dir.file("cred.theirs"))))
        #expect(parsed.idObject.integrityHMAC.count == 32)
        // Same structure; tpm2-tools (OpenSSL's BN_bn2bin) drops a leading zero byte of an ECC coordinate that we
        // keep at full width (1 run in 128 for P-256), so its secret may be a byte or two shorter than ours.
        #expect(parsed.encryptedSecret.secret.count <= blob.encryptedSecret.secret.count)
        #expect(parsed.encryptedSecret.secret.count + 2 >= blob.encryptedSecret.secret.count)

        for (file, out) in [("cred.ours", "act.ours"), ("cred.theirs", "act.theirs")] {
            try tpm.session {
                try tpm.toolUnlocked("tpm2_startauthsession", ["--policy-session", "-S", "session.ctx"], in: d)
                defer { _ = try? tpm.toolUnlocked("tpm2_flushcontext", ["session.ctx"], in: d) }
                try tpm.toolUnlocked("tpm2_policysecret", ["-S", "session.ctx", "-c", "e"], in: d)
                try tpm.toolUnlocked("tpm2_activatecredential", ["-c", "ak.ctx", "-C", "ek.ctx", "-i", file, "-o", out, "-P", "session:session.ctx"], in: d)
            }
            #expect([UInt8](try Data(contentsOf: dir.file(out))) == secret, "\(ekType) \(file)")
        }

        // A credential bound to another name is refused by the TPM.
        var otherName = akName
        otherName[otherName.count - 1] ^= 1
        try Data(try MakeCredential.make(ekPublic: ekPublic, objectName: otherName, credential: secret).tpm2ToolsFile()).write(to: dir.file("cred.other"))
        let refused: Bool = tpm.session {
            do {
                try tpm.toolUnlocked("tpm2_startauthsession", ["--policy-session", "-S", "session.ctx"], in: d)
                defer { _ = try? tpm.toolUnlocked("tpm2_flushcontext", ["session.ctx"], in: d) }
                try tpm.toolUnlocked("tpm2_policysecret", ["-S", "session.ctx", "-c", "e"], in: d)
                try tpm.toolUnlocked("tpm2_activatecredential", ["-c", "ak.ctx", "-C", "ek.ctx", "-i", "cred.other", "-o", "act.other", "-P", "session:session.ctx"], in: d)
                return false
            } catch {
                return true
            }
        }
        #expect(refused)
    }
}
