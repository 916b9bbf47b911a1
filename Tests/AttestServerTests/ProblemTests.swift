import AttestServer
import AttestWire
import Foundation
import Hummingbird
import Testing

/// Bad input gets a 4xx RFC 9457 problem document with its own code, and the server keeps serving.
@Suite struct ProblemTests {
    func code(_ r: (status: Int, body: [UInt8], contentType: String?)) -> String? {
        (try? JSONDecoder().decode(Problem.self, from: Data(r.body)))?.code
    }

    @Test func badRequestsGetProblemDocuments() async throws {
        let world = try World()
        try await withServer(world, maxBodySize: 1024) { api, _ in
            struct Case {
                var method: HTTPRequest.Method, uri: String, body: [UInt8]?, type: String, admin: Bool, token: String?, status: Int, code: String
                init(_ m: HTTPRequest.Method, _ u: String, _ b: [UInt8]?, _ t: String, _ a: Bool, _ k: String?, _ s: Int, _ c: String) {
                    method = m; uri = u; body = b; type = t; admin = a; token = k; status = s; code = c
                }
            }
            let cases: [Case] = [
                Case(.post, "/v1/hosts", Array("{not json".utf8), "application/json", false, nil, 400, "request.malformed-json"),
                Case(.post, "/v1/hosts", Array(#"{"name":"a"}"#.utf8), "application/json", false, nil, 400, "request.malformed-json"),
                Case(.post, "/v1/hosts", Array(#"{"name":"a","group":"g","ekPublic":"!!","akPublic":"AA=="}"#.utf8), "application/json", false, nil, 400, "request.malformed-base64"),
                Case(.post, "/v1/hosts", Array(#"{"name":"a b","group":"g","ekPublic":"AA==","akPublic":"AA=="}"#.utf8), "application/json", false, nil, 400, "request.invalid-name"),
                Case(.post, "/v1/hosts", Array(#"{"name":"a","group":"g","ekPublic":"AAAA","akPublic":"AA=="}"#.utf8), "application/json", false, nil, 400, "request.malformed-tpm-public"),
                Case(.post, "/v1/hosts", Array("{}".utf8), "text/plain", false, nil, 415, "request.unsupported-media-type"),
                // The media type alone counts: parameters, blanks and letter case aside, nothing more or less.
                Case(.post, "/v1/hosts", Array("{}".utf8), "application/jsonp", false, nil, 415, "request.unsupported-media-type"),
                Case(.post, "/v1/hosts", Array("{}".utf8), "application/json-seq", false, nil, 415, "request.unsupported-media-type"),
                Case(.post, "/v1/hosts", Array("{}".utf8), "application/jso", false, nil, 415, "request.unsupported-media-type"),
                Case(.post, "/v1/hosts", Array("{}".utf8), "text/json", false, nil, 415, "request.unsupported-media-type"),
                Case(.post, "/v1/hosts", Array("{}".utf8), "application/ json", false, nil, 415, "request.unsupported-media-type"),
                Case(.post, "/v1/hosts", Array("{}".utf8), "\u{00A0}application/json", false, nil, 415, "request.unsupported-media-type"),
                Case(.post, "/v1/hosts", Array("{}".utf8), ";application/json", false, nil, 415, "request.unsupported-media-type"),
                Case(.post, "/v1/hosts", Array("{not json".utf8), "Application/JSON; charset=utf-8", false, nil, 400, "request.malformed-json"),
                Case(.post, "/v1/hosts", Array("{not json".utf8), " \tapplication/json\t ;x=y", false, nil, 400, "request.malformed-json"),
                Case(.post, "/v1/hosts", [UInt8](repeating: 0x20, count: 2048), "application/json", false, nil, 413, "request.too-large"),
                Case(.post, "/v1/hosts/nope/challenge", nil, "application/json", false, nil, 404, "host.unknown"),
                Case(.get, "/v1/hosts", nil, "application/json", false, nil, 401, "admin.unauthorized"),
                Case(.get, "/v1/hosts", nil, "application/json", false, "wrong-token-wrong-token", 401, "admin.unauthorized"),
                Case(.get, "/v1/nothing-here", nil, "application/json", false, nil, 404, "request.not-found"),
                Case(.post, "/v1/baselines", Array(#"{"baseline":"e30=","signature":"AA==","group":"g"}"#.utf8), "application/json", true, nil, 422, "baseline.malformed"),
            ]
            for c in cases {
                let r = try await api.send(c.method, c.uri, raw: c.body, contentType: c.type, admin: c.admin, token: c.token)
                #expect(r.status == c.status, "\(c.uri) \(c.code)")
                #expect(code(r) == c.code, "\(c.uri): \(String(decoding: r.body, as: UTF8.self))")
                #expect(r.contentType == "application/problem+json", "\(c.uri)")
            }
            #expect(try await api.send(.get, "/healthz").status == 200)
        }
    }

    @Test func adminAPIWithoutATokenIsDisabled() async throws {
        let world = try World()
        try await withServer(world, adminAPI: false) { api, _ in
            let r = try await api.send(.get, "/v1/hosts", admin: true)
            #expect(r.status == 403 && code(r) == "admin.disabled")
            let b = try await api.send(.delete, "/v1/baselines/x", admin: true)
            #expect(b.status == 403 && code(b) == "admin.disabled")
        }
        try await withServer(world) { api, _ in
            let r = try await api.send(.delete, "/v1/baselines/nope", admin: true)
            #expect(r.status == 404 && code(r) == "baseline.unknown")
            let g = try await api.send(.put, "/v1/hosts/nope/group", json: GroupAssignment(group: "bad group"), admin: true)
            #expect(g.status == 400 && code(g) == "request.invalid-group")
        }
    }

    @Test func malformedEvidenceIsABadRequestNotACrash() async throws {
        let world = try World()
        try await withServer(world) { api, _ in
            let (tpm, cert) = try world.tpm()
            let id = try await api.enroll(tpm, cert: cert, name: "host-a")
            let req = AttestationRequest(nonce: b64([1]), quote: b64([0xff, 0x54]), signature: b64([0, 0x18]), pcrs: b64([0, 0, 0]), eventLog: b64([1, 2, 3]))
            let r = try await api.send(.post, "/v1/hosts/\(id)/attestations", json: req)
            #expect(r.status == 400 && code(r) == "evidence.malformed")
        }
    }

    @Test func unsignedOrForeignBaselineIsRefused() async throws {
        let world = try World()
        try await withServer(world) { api, _ in
            let good = try world.signedBaseline(BootLog())
            let unsigned = try await api.send(.post, "/v1/baselines", json: BaselineUpload(baseline: b64(good.bytes), signature: "", group: "demo"), admin: true)
            #expect(unsigned.status == 422 && code(unsigned) == "baseline.unsigned")
            var tampered = good.bytes
            tampered[tampered.count - 3] = UInt8(ascii: " ")
            let bad = try await api.send(.post, "/v1/baselines", json: BaselineUpload(baseline: b64(tampered), signature: b64(good.signature), group: "demo"), admin: true)
            #expect(bad.status == 422 && code(bad) == "baseline.signature-invalid")
        }
    }

    @Test func metricsAndOpenAPIAreServed() async throws {
        let world = try World()
        try await withServer(world) { api, _ in
            let m = try await api.send(.get, "/metrics")
            #expect(m.status == 200 && (m.contentType ?? "").hasPrefix("text/plain"))
            let doc = try await api.send(.get, "/v1/openapi.json")
            let json = try JSONSerialization.jsonObject(with: Data(doc.body)) as? [String: Any]
            #expect(json?["openapi"] as? String == "3.1.0")
            let jwks = try JSONSerialization.jsonObject(with: Data(try await api.send(.get, "/.well-known/jwks.json").body)) as? [String: [[String: String]]]
            #expect(jwks?["keys"]?.first?["kid"] != nil)
            // Rotation: a new kid, the old one no longer published.
            let old = jwks?["keys"]?.first?["kid"]
            let rotated = try JSONSerialization.jsonObject(with: Data(try await api.send(.post, "/v1/keys/rotate", admin: true).body)) as? [String: [[String: String]]]
            #expect(rotated?["keys"]?.count == 1 && rotated?["keys"]?.first?["kid"] != old)
        }
    }
}
