import AttestServer
import AttestWire
import Foundation
import Testing
import TestSupport

/// `GET /v1/hosts/{id}/attestations` and `GET /v1/enrollments` a page at a time (`limit`, `after`,
/// the response's `next`), and every bad query a 400 `request.invalid` problem.
@Suite struct AuditPagingTests {
    struct Problem: Decodable { var code: String; var detail: String? }

    @Test func theAuditTrailPagesWithItsCursor() async throws {
        let world = try World()
        try await withServer(world) { api, _ in
            let (tpm, cert) = try world.tpm()
            let id = try await api.enroll(tpm, cert: cert, name: "paged-host")
            try await api.addBaseline(try world.signedBaseline(BootLog()))
            var ids: [String] = []
            for _ in 0..<5 { ids.append(try await api.attest(id, tpm: tpm, nonce: try await api.challenge(id)).attestationId) }

            var seen: [String] = []
            var uri = "/v1/hosts/\(id)/attestations?limit=2"
            var pages = 0
            while pages < 10 {
                let r = try await api.send(.get, uri, admin: true)
                #expect(r.status == 200)
                let page = try api.decode(AuditTrail.self, r)
                #expect(page.attestations.count <= 2)
                seen += page.attestations.map(\.attestationId)
                pages += 1
                guard let next = page.next else { break }
                uri = "/v1/hosts/\(id)/attestations?limit=2&after=\(next)"
            }
            #expect(seen == ids && pages == 3)
            // Without a query: everything (up to 1000), no next.
            let all = try api.decode(AuditTrail.self, try await api.send(.get, "/v1/hosts/\(id)/attestations", admin: true))
            #expect(all.attestations.map(\.attestationId) == ids && all.next == nil)
            // The enrollment audit: enrolled and activated, one page of one at a time.
            let first = try api.decode(EnrollmentAudit.self, try await api.send(.get, "/v1/enrollments?limit=1", admin: true))
            #expect(first.enrollments.count == 1 && first.next != nil)
            let second = try api.decode(EnrollmentAudit.self, try await api.send(.get, "/v1/enrollments?limit=1&after=\(first.next!)", admin: true))
            #expect(second.enrollments.count == 1 && second.enrollments != first.enrollments)
        }
    }

    @Test func hostsPageByName() async throws {
        let world = try World()
        try await withServer(world) { api, _ in
            for name in ["host-c", "host-a", "host-b"] {
                let (tpm, cert) = try world.tpm()
                _ = try await api.enroll(tpm, cert: cert, name: name)
            }
            let first = try api.decode(HostList.self, try await api.send(.get, "/v1/hosts?limit=2", admin: true))
            #expect(first.hosts.map(\.name) == ["host-a", "host-b"] && first.next == "host-b")
            let rest = try api.decode(HostList.self, try await api.send(.get, "/v1/hosts?limit=2&after=\(first.next!)", admin: true))
            #expect(rest.hosts.map(\.name) == ["host-c"] && rest.next == nil)
            for query in ["after=", "after=a%20b", "after=%C3%A9", "after=x&after=y", "limit=0", "limit=1001"] {
                let r = try await api.send(.get, "/v1/hosts?\(query)", admin: true)
                #expect(r.status == 400, "\(query): \(r.status)")
                #expect(try api.decode(Problem.self, r).code == "request.invalid", "\(query)")
            }
        }
    }

    @Test(arguments: ["limit=0", "limit=1001", "limit=-1", "limit=ten", "limit=", "limit=1&limit=2", "after=-1", "after=abc",
                      "after=99999999999999999999", "after=1.5", "after=", "after=0x10", "after=1&after=2"])
    func aBadQueryIsA400(_ query: String) async throws {
        let world = try World()
        try await withServer(world) { api, _ in
            let (tpm, cert) = try world.tpm()
            let id = try await api.enroll(tpm, cert: cert, name: "query-host")
            for path in ["/v1/hosts/\(id)/attestations", "/v1/enrollments"] {
                let r = try await api.send(.get, "\(path)?\(query)", admin: true)
                #expect(r.status == 400, "\(path)?\(query): \(r.status)")
                #expect(r.contentType?.hasPrefix("application/problem+json") == true)
                #expect(try api.decode(Problem.self, r).code == "request.invalid", "\(path)?\(query)")
            }
            // Still the admin API: no token, no page.
            #expect(try await api.send(.get, "/v1/enrollments?limit=1").status == 401)
        }
    }
}
