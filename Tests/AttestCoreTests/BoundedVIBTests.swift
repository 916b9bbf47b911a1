import Foundation
import Testing
import TestSupport
@testable import AttestCore

/// Issue #7: `--deep` on a VIB whose payload inflates to gigabytes. A payload is decompressed only
/// after the VIB's signature verified and the payload's member size and sha-256 matched, and never
/// past its declared `uncompressed-size` (else 128 × its member size, never past 8 GiB). Work is
/// counted in decompressed bytes, not wall time.
@Suite struct BoundedVIBTests {
    /// 16 MiB of zeros: about 16 KiB of gzip, a ratio near 1000.
    static let bombPlain = 16 << 20
    static let bomb: [UInt8] = try! Gzip.compress([UInt8](repeating: 0, count: bombPlain), level: 9)

    /// A VIB of one payload, with the descriptor's payload entry edited by `edit` (sizes and
    /// checksums as `vib build` filled them otherwise).
    static func vib(level: AcceptanceLevel = .community, payload: [UInt8] = bomb, member: [UInt8]? = nil,
                    edit: (inout VIBDescriptor.Payload) -> Void = { _ in }) throws -> VIB {
        var (_, descriptor) = try VIBBuilder.build(descriptor: VIBTestChain.descriptor(level: level),
                                                   payloads: [.init(name: "netdemo", bytes: payload)])
        edit(&descriptor.payloads[0])
        return try VIB(bytes: ArArchive.write([("descriptor.xml", descriptor.rendered()), ("sig.pkcs7", []), ("netdemo", member ?? payload)]))
    }

    static func deepCheck(_ vib: VIB) -> (codes: Set<String>, decompressed: Int) {
        var decompressed = 0
        let report = VIBPayloadCheck.check(vib, deep: true, component: "t", decompressed: &decompressed)
        return (Set(report.failures.map(\.code.rawValue)), decompressed)
    }

    @Test func vibBuildDeclaresTheUncompressedSize() throws {
        let v = try Self.vib()
        #expect(v.descriptor.payloads[0].uncompressedSize == Self.bombPlain)
        let r = Self.deepCheck(v)
        #expect(r.codes.isEmpty)
        #expect(r.decompressed == Self.bombPlain)
    }

    /// Without a declared size the ratio limit stops the bomb early.
    @Test func undeclaredBombStopsAtTheRatioLimit() throws {
        let v = try Self.vib { $0.uncompressedSize = nil }
        let limit = VIBPayloadCheck.decompressionLimit(for: v.descriptor.payloads[0], memberSize: Self.bomb.count)
        #expect(limit == Self.bomb.count * VIBPayloadCheck.maxExpansionRatio)
        #expect(limit < Self.bombPlain)
        let r = Self.deepCheck(v)
        #expect(r.codes == ["vib.payload-too-large"])
        #expect(r.decompressed <= limit)
    }

    @Test func declaredSizeCapsDecompression() throws {
        let small = Self.bombPlain / 64
        let r = Self.deepCheck(try Self.vib { $0.uncompressedSize = small })
        #expect(r.codes == ["vib.payload-too-large"])
        #expect(r.decompressed <= small)
        // Larger than what the stream holds: a mismatch (the stream is read to its end only).
        let larger = Self.deepCheck(try Self.vib { $0.uncompressedSize = Self.bombPlain + 1 })
        #expect(larger.codes == ["vib.gunzip-size-mismatch"])
        #expect(larger.decompressed == Self.bombPlain)
        // Declaring more than the hard cap is refused without decompressing anything.
        let absurd = Self.deepCheck(try Self.vib { $0.uncompressedSize = VIBPayloadCheck.maxDecompressedSize + 1 })
        #expect(absurd.codes == ["vib.payload-too-large"])
        #expect(absurd.decompressed == 0)
    }

    /// A payload whose member checksum or size failed is never decompressed.
    @Test func failedChecksumOrSizeMeansNoDecompression() throws {
        var tampered = Self.bomb
        tampered[tampered.count / 2] ^= 1
        let r = Self.deepCheck(try Self.vib(member: tampered))
        #expect(r.codes.contains("vib.checksum-mismatch"))
        #expect(r.decompressed == 0)
        let sized = Self.deepCheck(try Self.vib { $0.size = Self.bomb.count + 1 })
        #expect(sized.codes.contains("vib.payload-size-mismatch"))
        #expect(sized.decompressed == 0)
    }

    /// The input: a VIB whose signature already failed is not decompressed by `--deep`.
    @Test func failedSignatureMeansNoDecompression() throws {
        let v = try Self.vib(level: .partner) { $0.uncompressedSize = nil }
        let result = VIBVerifier.verify(v, trust: TrustAnchors(), options: VIBVerificationOptions(deep: true))
        let codes = Set(result.report.failures.map(\.code))
        #expect(codes.contains("vib.unsigned"))
        #expect(!codes.contains("vib.payload-too-large"))
        #expect(!result.report.passed.contains { $0.contains("gunzip") })
        // The same payload in a VIB that passes everything else is decompressed (and capped).
        let community = VIBVerifier.verify(try Self.vib { $0.uncompressedSize = nil }, trust: TrustAnchors(),
                                           options: VIBVerificationOptions(hostAcceptance: .community, deep: true))
        #expect(Set(community.report.failures.map(\.code)) == ["vib.payload-too-large"])
    }

    @Test func malformedUncompressedSizeIsADescriptorError() throws {
        let text = String(decoding: VIBTestChain.descriptor(level: .community), as: UTF8.self)
            .replacingOccurrences(of: "type=\"vgz\"", with: "type=\"vgz\" uncompressed-size=\"-1\"")
        #expect { try VIBDescriptor(bytes: Array(text.utf8)) } throws: { ($0 as? ParseError)?.code == "vib.descriptor" }
    }

    @Test func tooManyPayloadsOrMembersAreRefused() throws {
        let names = (0...VIBDescriptor.maxPayloads).map { "p\($0)" }
        #expect { try VIBDescriptor(bytes: VIBTestChain.descriptor(payloads: names)) } throws: {
            ($0 as? ParseError)?.code == "vib.too-many-payloads"
        }
        #expect(try VIBDescriptor(bytes: VIBTestChain.descriptor(payloads: Array(names.dropLast()))).payloads.count == VIBDescriptor.maxPayloads)
        let members: [(name: String, bytes: [UInt8])] = [("descriptor.xml", VIBTestChain.descriptor()), ("sig.pkcs7", [])]
            + (0..<(VIBDescriptor.maxPayloads + 1)).map { ("m\($0)", []) }
        #expect { try VIB(bytes: ArArchive.write(members)) } throws: { ($0 as? ParseError)?.code == "vib.too-many-members" }
    }

    /// Payload checks look members up by name: thousands of members and payloads cost linear time.
    /// Counted: each member is hashed once.
    @Test func manyPayloadsAreCheckedOncePerMember() throws {
        let n = VIBDescriptor.maxPayloads
        let payloads = (0..<n).map { VIBBuilder.PayloadInput(name: "p\($0)", bytes: try! Gzip.compress([UInt8($0 & 0xFF)])) }
        let (bytes, _) = try VIBBuilder.build(descriptor: VIBTestChain.descriptor(level: .community, payloads: payloads.map(\.name)), payloads: payloads)
        let r = Self.deepCheck(try VIB(bytes: bytes))
        #expect(r.codes.isEmpty)
        #expect(r.decompressed == n)
    }
}
