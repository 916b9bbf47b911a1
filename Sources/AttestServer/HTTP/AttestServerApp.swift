import AttestCore
import AttestWire
import Foundation
import Hummingbird
import Logging
import Prometheus

/// The attestation server: services over one store, and the router that exposes them under `/v1`.
/// `App.swift`-style: the `serve` command builds it with ``buildApplication(address:tls:logger:)``;
/// tests drive ``router()`` in-process.
public struct AttestServerApp: Sendable {
    public let store: any AttestationStore
    public let config: ServerConfiguration
    public let tokens: TokenIssuer
    public let baselines: BaselineCatalog
    public let enrollment: EnrollmentService
    public let attestation: AttestationService
    public let metrics: PrometheusCollectorRegistry
    let verdictCounters: (admitted: Prometheus.Counter, rejected: Prometheus.Counter)
    /// Time source (tests move it).
    let clock: @Sendable () -> Date

    public init(store: any AttestationStore, config: ServerConfiguration, metrics: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
                clock: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.config = config
        self.clock = clock
        self.metrics = metrics
        tokens = TokenIssuer(store: store, lifetime: config.tokenLifetime, audience: config.tokenAudience)
        baselines = BaselineCatalog(store: store, anchors: config.baselineAnchors)
        let unrecorded = metrics.makeCounter(name: "hostattest_enrollment_refusals_unrecorded_total")
        enrollment = EnrollmentService(store: store, config: config, refusalBudget: RefusalAuditBudget(onUnrecorded: { unrecorded.increment() }))
        attestation = AttestationService(store: store, config: config, baselines: baselines, tokens: tokens)
        verdictCounters = (metrics.makeCounter(name: "hostattest_verdicts_total", labels: [("status", "admitted")]),
                           metrics.makeCounter(name: "hostattest_verdicts_total", labels: [("status", "rejected")]))
    }

    /// The OpenAPI 3.1 document served at `/v1/openapi.json` (committed as
    /// `Sources/AttestServer/OpenAPI/openapi.json`).
    public static var openAPIDocument: [UInt8] {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"),
              let data = try? Data(contentsOf: url) else { return Array("{}".utf8) }
        return Array(data)
    }

    /// A host as the API shows it; an admitted host that has not attested for `staleAfter` is `stale`.
    func view(_ h: HostRecord, now: Date) -> HostView {
        var state = h.state
        if state == .admitted, let last = h.lastAttestationAt, now.timeIntervalSince(last) > config.staleAfter { state = .stale }
        if state == .enrolled, now.timeIntervalSince(h.enrolledAt) > config.staleAfter, h.lastAttestationAt == nil { state = .stale }
        return HostView(id: h.id, name: h.name, group: h.group, state: state, ekFingerprint: h.ekFingerprint, ekBasis: h.ekBasis,
                        akName: h.akName, enrolledAt: Timestamp.string(h.enrolledAt),
                        lastAttestationAt: h.lastAttestationAt.map(Timestamp.string), lastVerdict: h.lastVerdict)
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: ProblemMiddleware())
        router.add(middleware: MetricsMiddleware())
        let reader = RequestReader(maxBodySize: config.maxBodySize, adminToken: config.adminToken)
        let app = self

        router.get("healthz") { _, _ in try Response.json(["status": "ok"]) }
        router.get("metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(bytes: app.metrics.emitToBuffer())))
        }
        router.get("v1/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: Self.openAPIDocument)))
        }
        router.get(".well-known/jwks.json") { _, _ in try Response.json(try await app.tokens.jwks()) }

        // Enrollment and attestation (the host's side).
        router.post("v1/hosts") { request, _ in
            let body = try await reader.json(EnrollRequest.self, from: request)
            return try Response.json(try await app.enrollment.enroll(body, now: app.clock()), status: .created)
        }
        router.post("v1/hosts/:id/activate") { request, context in
            let id = try context.parameters.require("id")
            let body = try await reader.json(ActivateRequest.self, from: request)
            return try Response.json(app.view(try await app.enrollment.activate(hostID: id, body, now: app.clock()), now: app.clock()))
        }
        router.post("v1/hosts/:id/challenge") { _, context in
            let id = try context.parameters.require("id")
            return try Response.json(try await app.attestation.challenge(hostID: id, now: app.clock()), status: .created)
        }
        router.post("v1/hosts/:id/attestations") { request, context in
            let id = try context.parameters.require("id")
            let body = try await reader.attestation(from: request)
            let verdict = try await app.attestation.attest(hostID: id, body, now: app.clock())
            (verdict.status == .admitted ? app.verdictCounters.admitted : app.verdictCounters.rejected).increment()
            return Response(status: .created, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: verdict.jsonBytes())))
        }

        // Reading and administration (admin bearer token).
        router.get("v1/hosts") { request, _ in
            try reader.requireAdmin(request)
            let now = app.clock()
            let (after, limit) = try AuditPaging.parseNames(request.uri.queryParameters)
            let page = try await app.store.hosts(after: after, limit: limit)
            return try Response.json(HostList(hosts: page.hosts.map { app.view($0, now: now) }, next: page.next))
        }
        router.get("v1/hosts/:id") { request, context in
            try reader.requireAdmin(request)
            let id = try context.parameters.require("id")
            guard let h = try await app.store.host(id: id) else { throw APIError.unknownHost(id) }
            return try Response.json(app.view(h, now: app.clock()))
        }
        router.get("v1/hosts/:id/attestations") { request, context in
            try reader.requireAdmin(request)
            let id = try context.parameters.require("id")
            let (after, limit) = try AuditPaging.parse(request.uri.queryParameters)
            guard try await app.store.host(id: id) != nil else { throw APIError.unknownHost(id) }
            let page = try await app.store.attestations(hostID: id, after: after, limit: limit)
            return try Response.json(AuditTrail(attestations: page.entries, next: page.next.map(String.init)))
        }
        router.get("v1/enrollments") { request, _ in
            try reader.requireAdmin(request)
            let (after, limit) = try AuditPaging.parse(request.uri.queryParameters)
            let page = try await app.store.enrollments(after: after, limit: limit)
            return try Response.json(EnrollmentAudit(enrollments: page.entries, next: page.next.map(String.init)))
        }
        router.delete("v1/hosts/:id") { request, context in
            try reader.requireAdmin(request)
            let id = try context.parameters.require("id")
            guard try await app.store.deleteHost(id: id) else { throw APIError.unknownHost(id) }
            return Response(status: .noContent)
        }
        router.post("v1/hosts/:id/revoke") { request, context in
            try reader.requireAdmin(request)
            let id = try context.parameters.require("id")
            guard let h = try await app.store.revokeHost(id: id) else { throw APIError.unknownHost(id) }
            return try Response.json(app.view(h, now: app.clock()))
        }
        router.put("v1/hosts/:id/group") { request, context in
            try reader.requireAdmin(request)
            let id = try context.parameters.require("id")
            let body = try await reader.json(GroupAssignment.self, from: request)
            guard EnrollmentService.validName(body.group) else { throw APIError(400, .requestInvalidGroup, "group must be 1–253 characters of A–Z a–z 0–9 - _ .") }
            guard let h = try await app.store.assignGroup(id: id, group: body.group) else { throw APIError.unknownHost(id) }
            return try Response.json(app.view(h, now: app.clock()))
        }
        router.post("v1/baselines") { request, _ in
            try reader.requireAdmin(request)
            let body = try await reader.json(BaselineUpload.self, from: request)
            guard EnrollmentService.validName(body.group) else { throw APIError(400, .requestInvalidGroup, "group must be 1–253 characters of A–Z a–z 0–9 - _ .") }
            let view = try await app.baselines.add(bytes: try Base64Field.decode(body.baseline, field: "baseline"),
                                                   signature: try Base64Field.decode(body.signature, field: "signature"),
                                                   group: body.group, now: app.clock())
            return try Response.json(view, status: .created)
        }
        router.get("v1/baselines") { request, _ in
            try reader.requireAdmin(request)
            return try Response.json(BaselineList(baselines: try await app.baselines.list(now: app.clock())))
        }
        router.delete("v1/baselines/:id") { request, context in
            try reader.requireAdmin(request)
            let id = try context.parameters.require("id")
            guard try await app.baselines.delete(id: id) else { throw APIError(404, .baselineUnknown, "no baseline with id \(id)") }
            return Response(status: .noContent)
        }
        router.post("v1/keys/rotate") { request, _ in
            try reader.requireAdmin(request)
            _ = try await app.tokens.rotate()
            return try Response.json(try await app.tokens.jwks())
        }
        return router
    }
}
