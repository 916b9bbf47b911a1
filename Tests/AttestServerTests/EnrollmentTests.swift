import AttestServer
import AttestWire
import Crypto
import Foundation
import Testing
@testable import AttestCore

@Suite struct EnrollmentTests {
    func request(_ tpm: SoftwareTPM, cert: [UInt8]?, name: String = "host-a", ak: TPMTPublic? = nil) -> EnrollRequest {
        EnrollRequest(name: name, group: "demo", ekPublic: b64(tpm.ekPublic.marshalled()), ekCertificate: cert.map(b64),
                      akPublic: b64((ak ?? tpm.akPublic).marshalled()))
    }

    func problemCode(_ r: (status: Int, body: [UInt8], contentType: String?)) -> String? {
        (try? JSONDecoder().decode(Problem.self, from: Data(r.body)))?.code
    }

    @Test func ekFromAnotherManufacturerIsUntrusted() async throws {
        let world = try World()
        try await withServer(world) { api, _ in
            let rogueCA = try world.pki.root("Rogue TPM CA")
            let (tpm, cert) = try world.tpm(issuedBy: rogueCA)
            let r = try await api.send(.post, "/v1/hosts", json: request(tpm, cert: cert))
            #expect(r.status == 403 && problemCode(r) == "ek.untrusted")
            #expect(r.contentType == "application/problem+json")
        }
    }

    @Test func ekWithoutCertificateIsRefusedUnlessSoftwareTPMsAreAllowed() async throws {
        let world = try World()
        try await withServer(world) { api, _ in
            let r = try await api.send(.post, "/v1/hosts", json: request(SoftwareTPM(), cert: nil))
            #expect(r.status == 403 && problemCode(r) == "ek.no-certificate")
        }
        try await withServer(world, allowSoftwareTPM: true) { api, _ in
            let id = try await api.enroll(SoftwareTPM(), cert: nil, name: "swtpm-host")
            let host = try api.decode(HostView.self, try await api.send(.get, "/v1/hosts/\(id)", admin: true))
            #expect(host.ekBasis == "software-tpm" && host.state == .enrolled)
        }
    }

    @Test func certificateForAnotherKeyIsRefused() async throws {
        let world = try World()
        try await withServer(world) { api, _ in
            let (_, cert) = try world.tpm()
            let r = try await api.send(.post, "/v1/hosts", json: request(SoftwareTPM(), cert: cert))
            #expect(r.status == 403 && problemCode(r) == "ek.certificate-key-mismatch")
        }
    }

    @Test func secondEKForAnEnrolledHostIsRefusedUntilDeleted() async throws {
        let world = try World()
        try await withServer(world) { api, _ in
            let (tpm, cert) = try world.tpm()
            let id = try await api.enroll(tpm, cert: cert, name: "host-a")
            let (other, otherCert) = try world.tpm()
            let r = try await api.send(.post, "/v1/hosts", json: request(other, cert: otherCert, name: "host-a"))
            #expect(r.status == 409 && problemCode(r) == "host.ek-mismatch")
            let same = try await api.send(.post, "/v1/hosts", json: request(tpm, cert: cert, name: "host-a"))
            #expect(same.status == 409 && problemCode(same) == "host.already-enrolled")
            #expect(try await api.send(.delete, "/v1/hosts/\(id)", admin: true).status == 204)
            _ = try await api.enroll(other, cert: otherCert, name: "host-a")
        }
    }

    @Test func akThatIsNotRestrictedIsRefused() async throws {
        let world = try World()
        try await withServer(world) { api, _ in
            let (tpm, cert) = try world.tpm()
            var ak = tpm.akPublic
            ak.objectAttributes.remove(.restricted)
            let r = try await api.send(.post, "/v1/hosts", json: request(tpm, cert: cert, ak: ak))
            #expect(r.status == 422 && problemCode(r) == "ak.not-restricted")
        }
    }

    @Test func wrongActivationSecretIsRefused() async throws {
        let world = try World()
        try await withServer(world) { api, _ in
            let (tpm, cert) = try world.tpm()
            let e = try api.decode(EnrollResponse.self, try await api.send(.post, "/v1/hosts", json: request(tpm, cert: cert)))
            let r = try await api.send(.post, "/v1/hosts/\(e.hostId)/activate", json: ActivateRequest(secret: b64(Array(repeating: 1, count: 32))))
            #expect(r.status == 403 && problemCode(r) == "enroll.secret-mismatch")
            // A pending host gets no challenge.
            let c = try await api.send(.post, "/v1/hosts/\(e.hostId)/challenge")
            #expect(c.status == 409 && problemCode(c) == "host.not-activated")
        }
    }

    @Test func softwareTPMCertificateIsRefusedUnlessAllowed() throws {
        let world = try World()
        let swtpmCA = try world.pki.root("swtpm-localca")
        let (tpm, cert) = try world.tpm(issuedBy: swtpmCA)
        let refused = EndorsementKeyVerifier(manufacturerCAs: try X509Certificate.load(world.ekCA.certPEM)).verify(ek: tpm.ekPublic, certificate: cert, time: Date())
        #expect(refused.report.failures.map(\.code.rawValue) == ["ek.software-tpm"])
        let allowed = EndorsementKeyVerifier(manufacturerCAs: [], allowSoftwareTPM: true).verify(ek: tpm.ekPublic, certificate: cert, time: Date())
        #expect(allowed.verified?.basis == .softwareTPM)
    }

    @Test func signingKeyIsNotAnEK() {
        let tpm = SoftwareTPM()
        var ek = tpm.ekPublic
        ek.objectAttributes.insert(.sign)
        let r = EndorsementKeyVerifier(manufacturerCAs: [], allowSoftwareTPM: true).verify(ek: ek, certificate: nil, time: Date())
        #expect(r.report.failures.map(\.code.rawValue) == ["ek.not-storage-key"])
    }

    @Test func activationHappensOnce() async throws {
        let world = try World()
        try await withServer(world) { api, _ in
            let (tpm, cert) = try world.tpm()
            let e = try api.decode(EnrollResponse.self, try await api.send(.post, "/v1/hosts", json: request(tpm, cert: cert)))
            let secret = try tpm.activate(idObject: Array(Data(base64Encoded: e.credentialBlob)!), encryptedSecret: Array(Data(base64Encoded: e.encryptedSecret)!))
            #expect(try await api.send(.post, "/v1/hosts/\(e.hostId)/activate", json: ActivateRequest(secret: b64(secret))).status == 200)
            let again = try await api.send(.post, "/v1/hosts/\(e.hostId)/activate", json: ActivateRequest(secret: b64(secret)))
            #expect(again.status == 409 && problemCode(again) == "host.not-pending")
        }
    }

    /// Every enrollment decision goes into the append-only enrollment audit (`GET /v1/enrollments`,
    /// admin): acceptances and activations, and each refusal with its code; malformed requests (400)
    /// decide nothing and are not recorded.
    @Test func enrollmentDecisionsAreAudited() async throws {
        let world = try World()
        try await withServer(world) { api, _ in
            let (tpm, cert) = try world.tpm()
            let id = try await api.enroll(tpm, cert: cert, name: "host-a")
            let (other, otherCert) = try world.tpm()
            #expect(try await api.send(.post, "/v1/hosts", json: request(other, cert: otherCert, name: "host-a")).status == 409)
            let rogueCA = try world.pki.root("Rogue TPM CA")
            let (rogue, rogueCert) = try world.tpm(issuedBy: rogueCA)
            #expect(try await api.send(.post, "/v1/hosts", json: request(rogue, cert: rogueCert, name: "host-b")).status == 403)
            var ak = other.akPublic
            ak.objectAttributes.remove(.restricted)
            #expect(try await api.send(.post, "/v1/hosts", json: request(other, cert: otherCert, name: "host-c", ak: ak)).status == 422)
            let e = try api.decode(EnrollResponse.self, try await api.send(.post, "/v1/hosts", json: request(other, cert: otherCert, name: "host-d")))
            #expect(try await api.send(.post, "/v1/hosts/\(e.hostId)/activate", json: ActivateRequest(secret: b64([UInt8](repeating: 1, count: 32)))).status == 403)
            #expect(try await api.send(.post, "/v1/hosts", raw: Array("{".utf8)).status == 400)
            #expect(try await api.send(.post, "/v1/hosts", json: request(other, cert: otherCert, name: "bad name!")).status == 400)

            #expect(try await api.send(.get, "/v1/enrollments").status == 401)
            let audit = try api.decode(EnrollmentAudit.self, try await api.send(.get, "/v1/enrollments", admin: true)).enrollments
            let summary = audit.map { "\($0.name) \($0.outcome.rawValue) \($0.code ?? "-")" }
            #expect(summary == ["host-a accepted -", "host-a activated -", "host-a refused host.ek-mismatch", "host-b refused ek.untrusted",
                                "host-c refused ak.not-restricted", "host-d accepted -", "host-d refused enroll.secret-mismatch"], "\(summary)")
            #expect(audit[0].hostId == id && audit[0].ekBasis == "manufacturer-certificate" && audit[0].ekFingerprint == EndorsementKeyVerifier.fingerprint(tpm.ekPublic))
            #expect(audit[2].hostId == id && audit[2].ekFingerprint == EndorsementKeyVerifier.fingerprint(other.ekPublic) && audit[2].ekBasis == nil)
            #expect(audit[3].hostId == nil && audit.allSatisfy { $0.detail.count <= 512 })
        }
    }

    @Test func ekAllowlistAndRevocation() throws {
        let tpm = SoftwareTPM()
        let fp = EndorsementKeyVerifier.fingerprint(tpm.ekPublic)
        let allowed = EndorsementKeyVerifier(manufacturerCAs: [], allowlist: [fp]).verify(ek: tpm.ekPublic, certificate: nil, time: Date())
        #expect(allowed.verified?.basis == .allowlist)
        let revoked = EndorsementKeyVerifier(manufacturerCAs: [], allowlist: [fp], revoked: [fp]).verify(ek: tpm.ekPublic, certificate: nil, time: Date())
        #expect(revoked.report.failures.map(\.code.rawValue) == ["ek.revoked"])
    }

    @Test func ekCertificatePaddingIsTrimmedButOtherTrailingBytesAreNot() throws {
        let world = try World()
        let (tpm, cert) = try world.tpm()
        let v = EndorsementKeyVerifier(manufacturerCAs: try X509Certificate.load(world.ekCA.certPEM))
        #expect(v.verify(ek: tpm.ekPublic, certificate: cert + [UInt8](repeating: 0, count: 300), time: Date()).verified?.basis == .manufacturerCertificate)
        #expect(v.verify(ek: tpm.ekPublic, certificate: cert + [UInt8](repeating: 0xff, count: 7), time: Date()).verified != nil)
        #expect(v.verify(ek: tpm.ekPublic, certificate: cert + [0, 1, 0], time: Date()).report.failures.map(\.code.rawValue) == ["ek.certificate-malformed"])
        var tampered = cert
        tampered[tampered.count - 5] ^= 1  // inside the issuer's signature
        #expect(v.verify(ek: tpm.ekPublic, certificate: tampered, time: Date()).report.failures.first?.code.rawValue == "ek.untrusted")
    }

    @Test func shippedManufacturerBundleParses() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Keys/tpm-ek-ca")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".pem") }
        #expect(files.count >= 40)
        for f in files {
            #expect(try !X509Certificate.load(Array(Data(contentsOf: dir.appendingPathComponent(f)))).isEmpty, "\(f)")
        }
    }
}
