@testable import AttestCore
@testable import AttestServer
import Foundation
import Testing

/// Enrolled AKs are loaded once per distinct stored public area; a kept key verifies exactly as a
/// freshly loaded one (another key's signature fails with it), bytes that do not load are never kept,
/// and the cache is bounded.
@Suite struct AttestationKeyCacheTests {
    @Test func aKeptKeyIsTheKeyOfThoseBytes() throws {
        let cache = AttestationKeyCache(capacity: 4)
        let a = SoftwareTPM(), b = SoftwareTPM()
        let areaA = a.akPublic.marshalled(), areaB = b.akPublic.marshalled()
        let keyA = try #require(cache.key(areaA))
        #expect(cache.count == 1)
        #expect(cache.key(areaA)?.name == keyA.name)
        #expect(cache.count == 1)
        let keyB = try #require(cache.key(areaB))
        #expect(cache.count == 2 && keyA.name != keyB.name)
        // Each kept key checks its own host's signatures and refuses the other's.
        let pcrs = try PCRValues(selection: TPMLPCRSelection([TPMSPCRSelection(hash: .sha256, indices: [0])]), digests: [[UInt8](repeating: 0, count: 32)])
        let q = a.quote(nonce: [1, 2, 3], pcrs: pcrs)
        #expect(try #require(cache.key(areaA)).signatureProblem(q.signature, over: q.attest) == nil)
        #expect(try #require(cache.key(areaB)).signatureProblem(q.signature, over: q.attest) != nil)
    }

    @Test func bytesThatDoNotLoadAreNeverKeptAndTheCacheIsBounded() {
        let cache = AttestationKeyCache(capacity: 2)
        #expect(cache.key([]) == nil)
        #expect(cache.key([0x00, 0x23, 0x00]) == nil)
        var area = SoftwareTPM().akPublic.marshalled()
        area[area.count - 1] ^= 0x01   // y no longer on the curve
        #expect(cache.key(area) == nil)
        #expect(cache.count == 0)
        for _ in 0..<5 { #expect(cache.key(SoftwareTPM().akPublic.marshalled()) != nil) }
        #expect(cache.count <= 2)
    }
}
