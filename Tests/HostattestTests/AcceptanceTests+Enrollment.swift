import AttestWire
import Foundation
import Testing
import TestSupport

extension AcceptanceTests {
    /// Enrollment refusals at `POST /v1/hosts`, each a 4xx with its own code and an entry in the
    /// enrollment audit: an EK the server does not trust (a swtpm from another vendor's CA; a software
    /// TPM at a server without `--allow-software-tpm`), and a second EK for an enrolled host name.
    /// Acceptances and activations are in the enrollment audit too, and no entry holds a secret.
    @Test(arguments: AcceptanceBackend.allCases)
    func enrollmentRefusals(_ backend: AcceptanceBackend) async throws {
        let fleet = try await AcceptanceFleet(backend)
        let good = try fleet.machine()
        try good.boot(fleet.image, log: good.log("good"))
        let (r, admitted) = try fleet.attest(good, log: good.log("good"), name: "enrolled-host")
        #expect(r.status == 0 && admitted?.status == "admitted", "\(r.stdout) \(r.stderr)")
        let hostID = try #require(admitted?.host)

        // A second EK (another TPM the server trusts) for the enrolled name: 409 host.ek-mismatch.
        let imposter = try fleet.machine()
        try imposter.boot(fleet.image, log: imposter.log("good"))
        let (clash, _) = try fleet.attest(imposter, log: imposter.log("good"), name: "enrolled-host")
        #expect(clash.status == 2 && clash.stderr.contains("agent.server-problem") && clash.stderr.contains("host.ek-mismatch") && clash.stderr.contains("HTTP 409"), "\(clash.stderr)")

        // An EK the server does not trust: 403 with the EK code.
        let untrustedCode: String
        let strict: AcceptanceFleet
        switch backend {
        case .swtpm:
            // A swtpm manufactured by another vendor's CA.
            untrustedCode = "ek.untrusted"
            strict = fleet
            let otherVendor = try SWTPMManufacturer(name: "Unknown TPM Vendor")
            let foreign = try fleet.machine(vendor: otherVendor)
            let (refused, _) = try fleet.attest(foreign, log: good.log("good"), name: "foreign-host")
            #expect(refused.status == 2 && refused.stderr.contains(untrustedCode) && refused.stderr.contains("HTTP 403"), "\(refused.stderr)")
        case .soft:
            // A software TPM, at a server that does not admit software TPMs.
            untrustedCode = "ek.software-tpm"
            strict = try await AcceptanceFleet(.soft, trustSoftwareTPMs: false)
            let (refused, _) = try strict.attest(imposter, log: imposter.log("good"), name: "foreign-host")
            #expect(refused.status == 2 && refused.stderr.contains(untrustedCode) && refused.stderr.contains("HTTP 403"), "\(refused.stderr)")
        }

        // The enrollment audit: the good host accepted and activated, each refusal with its code.
        let audit = try await fleet.enrollments()
        let mine = audit.filter { $0.name == "enrolled-host" }
        #expect(mine.map(\.outcome) == [.accepted, .activated, .refused], "\(mine)")
        // The swtpm's EK is trusted through the vendor CA (the agent sent the RSA EK: swtpm_setup certifies
        // RSA 2048 and ECC P-384, not the P-256 EK); the software TPM's as a software TPM.
        let basis = backend == .swtpm ? "manufacturer-certificate" : "software-tpm"
        #expect(mine.first?.hostId == hostID && mine.first?.ekBasis == basis && mine.first?.ekFingerprint?.count == 64, "\(mine)")
        #expect(mine.last?.code == "host.ek-mismatch" && mine.last?.hostId == hostID && mine.last?.ekFingerprint != mine.first?.ekFingerprint)
        let foreign = try await strict.enrollments().filter { $0.name == "foreign-host" }
        #expect(foreign.map(\.outcome) == [.refused] && foreign.first?.code == untrustedCode && foreign.first?.hostId == nil, "\(foreign)")
        // Nothing about the credential: the raw audit has no secret field.
        let raw = try await fleet.send("GET", "/v1/enrollments", admin: true, as: [String: [[String: String]]].self)
        #expect(raw["enrollments"]?.allSatisfy { !$0.keys.contains { $0.lowercased().contains("secret") } } == true)
    }
}
