import Foundation
import Testing
import TestSupport
@testable import AttestCore

/// Issue #7: PE parsing and Authenticode hashing do work linear in the file, whatever the headers
/// say. Work is measured by what is hashed (a deterministic count), never by wall time.
@Suite struct BoundedPETests {
    static func put16(_ b: inout [UInt8], _ o: Int, _ v: Int) { b[o] = UInt8(v & 0xFF); b[o + 1] = UInt8((v >> 8) & 0xFF) }
    static func put32(_ b: inout [UInt8], _ o: Int, _ v: Int) { for i in 0..<4 { b[o + i] = UInt8((v >> (8 * i)) & 0xFF) } }

    static func code(_ bytes: [UInt8]) -> String? {
        do { _ = try PEImage(bytes: bytes); return nil } catch let e as ParseError { return e.code.rawValue } catch { return "other" }
    }

    /// A PE32+ image with `count` sections of `size` raw bytes each. `layout` gives section i's
    /// PointerToRawData relative to the end of the headers (disjoint by default).
    static func image(sections count: Int, size: Int = 0x200, body: Int? = nil,
                      layout: (Int) -> Int = { $0 * 0x200 }) -> [UInt8] {
        var b = PESynthesizer.headers(sections: [])
        let table = 0x148
        let headerEnd = max(0x400, (table + 40 * count + 0x1FF) / 0x200 * 0x200)
        b += [UInt8](repeating: 0, count: headerEnd - b.count)
        put16(&b, 0x46, count)              // NumberOfSections
        put32(&b, 0x58 + 60, headerEnd)     // SizeOfHeaders
        for i in 0..<count {
            let at = table + 40 * i
            for (j, c) in ".s\(i)".utf8.prefix(8).enumerated() { b[at + j] = c }
            put32(&b, at + 8, size)                     // VirtualSize
            put32(&b, at + 12, 0x1000 * (i + 1))        // VirtualAddress
            put32(&b, at + 16, size)                    // SizeOfRawData
            put32(&b, at + 20, headerEnd + layout(i))   // PointerToRawData
        }
        b += [UInt8](repeating: 0xC3, count: body ?? count * size)
        return b
    }

    /// The input: many sections whose raw data all point at the same bytes made the
    /// Authenticode digest hash those bytes once per section (65535 × the file).
    @Test(arguments: [2, 16, 96])
    func sectionsSharingTheSameBytesAreRefused(count: Int) {
        let bytes = Self.image(sections: count, size: 1 << 16, body: 1 << 16, layout: { _ in 0 })
        #expect(Self.code(bytes) == "pe.overlapping-sections")
    }

    @Test func partlyOverlappingSectionsAreRefused() {
        // Section i starts 0x100 after section i-1 but is 0x200 long.
        #expect(Self.code(Self.image(sections: 3, layout: { $0 * 0x100 })) == "pe.overlapping-sections")
        // A long first section that contains a later, short one (the overlap is not with its neighbour).
        var nested = Self.image(sections: 3)
        Self.put32(&nested, 0x148 + 16, 0x600)   // section 0 covers all three
        #expect(Self.code(nested) == "pe.overlapping-sections")
        // Adjacent sections (end == start) do not overlap; empty sections are ignored.
        #expect(Self.code(Self.image(sections: 3)) == nil)
        var empty = Self.image(sections: 3)
        Self.put32(&empty, 0x148 + 40 + 16, 0)    // section 1 has no raw data
        Self.put32(&empty, 0x148 + 40 + 20, 0x400)
        #expect(Self.code(empty) == nil)
    }

    @Test(arguments: [97, 1000, 0xFFFF])
    func moreThan96SectionsAreRefused(count: Int) {
        #expect(Self.code(Self.image(sections: count, size: 0)) == "pe.too-many-sections")
    }

    /// The most sections accepted, disjoint: every byte is hashed at most once.
    @Test func hashedBytesAreBoundedByTheFile() throws {
        let bytes = Self.image(sections: PEImage.maxSections)
        let image = try PEImage(bytes: bytes)
        var hashed = 0
        _ = image.authenticodeDigest(.sha256) { hashed += $0.count }
        #expect(hashed == image.authenticodeHashedByteCount)
        #expect(hashed <= bytes.count)
        // A section over the headers (some linkers emit one) is hashed twice at most: under 2× the file.
        var overHeaders = Self.image(sections: 2)
        Self.put32(&overHeaders, 0x148 + 16, 0x400)
        Self.put32(&overHeaders, 0x148 + 20, 0)
        let withHeaders = try PEImage(bytes: overHeaders)
        #expect(withHeaders.authenticodeHashedByteCount <= 2 * overHeaders.count)
    }

    /// WIN_CERTIFICATE entries beyond 16 are refused: each would be a signature to parse and chain.
    @Test func moreThan16CertificateEntriesAreRefused() {
        func table(entries: Int) -> [UInt8] {
            var b = PESynthesizer.image(sections: [(".text", [UInt8](repeating: 0xC3, count: 100))])
            let start = b.count
            for _ in 0..<entries { b += [8, 0, 0, 0, 0x00, 0x02, 0x02, 0x00] } // dwLength 8, rev 2.0, PKCS
            Self.put32(&b, 0xE8, start)
            Self.put32(&b, 0xEC, b.count - start)
            return b
        }
        #expect(Self.code(table(entries: PEImage.maxCertificateEntries)) == nil)
        #expect(Self.code(table(entries: PEImage.maxCertificateEntries + 1)) == "pe.too-many-certificate-entries")
        #expect(Self.code(table(entries: 10_000)) == "pe.too-many-certificate-entries")
    }
}
