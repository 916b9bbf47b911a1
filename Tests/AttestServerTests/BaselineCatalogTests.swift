import AttestServer
import AttestWire
import Foundation
import Testing
import TestSupport
@testable import AttestCore

/// The verified-baseline cache: it keeps CMS verification off the hot path, and never lets an
/// expired or deleted baseline count.
@Suite struct BaselineCatalogTests {
    static let day: TimeInterval = 86400

    func signed(_ world: World, by signer: TestPKI.Identity, version: String = "1.0") throws -> (bytes: [UInt8], signature: [UInt8]) {
        let b = try Baseline.capture(from: try EventLog(bytes: BootLog().log()), pcrs: BootLog.pcrs, bank: .sha256, name: "demo-host", version: version)
        let bytes = b.encoded()
        let key = try SigningKey(pemEncoded: signer.keyPEM)
        let cert = try X509Certificate.load(signer.certPEM)[0]
        return (bytes, try DetachedCMS.signDER(content: bytes, key: key, certificate: cert))
    }

    func anchors(_ world: World) throws -> [X509Certificate] { try X509Certificate.load(world.baselineCA.certPEM) }

    @Test func aBaselineWhoseSignerExpiredStopsCountingWithinTheTTL() async throws {
        let world = try World()
        let shortLived = try world.pki.issue("Short-lived Baseline Signer", by: world.baselineCA, extendedKeyUsage: nil, days: 1)
        let store = MemoryStore()
        let catalog = BaselineCatalog(store: store, anchors: try anchors(world), ttl: 30 * Self.day)
        let now = Date()
        let b = try signed(world, by: shortLived)
        _ = try await catalog.add(bytes: b.bytes, signature: b.signature, group: "demo", now: now)
        #expect(try await catalog.active(group: "demo", now: now).count == 1)
        #expect(try await catalog.active(group: "demo", now: now.addingTimeInterval(60)).count == 1)
        let validUntil = try #require(try await catalog.active(group: "demo", now: now).first?.validUntil)
        #expect(validUntil <= now.addingTimeInterval(2 * Self.day))
        // Past the signer's notAfter: gone, although the snapshot's TTL has not run out.
        #expect(try await catalog.active(group: "demo", now: validUntil.addingTimeInterval(1)).isEmpty)
        #expect(try await catalog.list(now: validUntil.addingTimeInterval(1)).isEmpty)
    }

    @Test func aDeletedBaselineStopsCountingAtOnce() async throws {
        let world = try World()
        let store = MemoryStore()
        let catalog = BaselineCatalog(store: store, anchors: try anchors(world), ttl: 30 * Self.day)
        let now = Date()
        let b = try signed(world, by: world.baselineSigner)
        let view = try await catalog.add(bytes: b.bytes, signature: b.signature, group: "demo", now: now)
        #expect(try await catalog.active(group: "demo", now: now).count == 1)
        #expect(try await catalog.delete(id: view.id))
        #expect(try await catalog.active(group: "demo", now: now).isEmpty)
        #expect(try await catalog.delete(id: view.id) == false)
    }

    @Test func anAddedBaselineCountsAtOnce() async throws {
        let world = try World()
        let catalog = BaselineCatalog(store: MemoryStore(), anchors: try anchors(world), ttl: 30 * Self.day)
        let now = Date()
        #expect(try await catalog.active(group: "demo", now: now).isEmpty)
        let b = try signed(world, by: world.baselineSigner)
        _ = try await catalog.add(bytes: b.bytes, signature: b.signature, group: "demo", now: now)
        #expect(try await catalog.active(group: "demo", now: now).map(\.baseline.version) == ["1.0"])
    }

    /// Another replica deletes through the shared store: this one notices within its TTL.
    @Test func aDeleteByAnotherReplicaCountsForAtMostTheTTL() async throws {
        let world = try World()
        let store = MemoryStore()
        let here = BaselineCatalog(store: store, anchors: try anchors(world), ttl: 5)
        let there = BaselineCatalog(store: store, anchors: try anchors(world), ttl: 5)
        let now = Date()
        let b = try signed(world, by: world.baselineSigner)
        let view = try await there.add(bytes: b.bytes, signature: b.signature, group: "demo", now: now)
        #expect(try await here.active(group: "demo", now: now).count == 1)
        #expect(try await there.delete(id: view.id))
        #expect(try await there.active(group: "demo", now: now).isEmpty)
        #expect(try await here.active(group: "demo", now: now.addingTimeInterval(5)).isEmpty)
    }

    /// A clock set back re-verifies (the snapshot's time is not trusted for an earlier `now`).
    @Test func aBaselineNotYetValidAtAnEarlierTimeDoesNotCount() async throws {
        let world = try World()
        let catalog = BaselineCatalog(store: MemoryStore(), anchors: try anchors(world), ttl: 30 * Self.day)
        let now = Date()
        let b = try signed(world, by: world.baselineSigner)
        _ = try await catalog.add(bytes: b.bytes, signature: b.signature, group: "demo", now: now)
        #expect(try await catalog.active(group: "demo", now: now).count == 1)
        #expect(try await catalog.active(group: "demo", now: now.addingTimeInterval(-3 * Self.day)).isEmpty)
    }
}
