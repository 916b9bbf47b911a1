import AttestCore
import Foundation
import Testing
import TestSupport

@Suite struct PEImageTests {
    struct DigestVector: Sendable, CustomStringConvertible {
        var file: String
        var sha256: String
        var sha1: String
        var description: String { file }
    }

    // Tests/Fixtures/PROVENANCE.md (from google/authenticode-rs test data).
    static let vectors = [
        DigestVector(file: "pe/authenticode-rs/tiny64.signed.efi",
                     sha256: "a82d7e4f091c44ec75d97746b3461c8ea9151e2313f8e9a4330432ee5f25b2ae",
                     sha1: "e9bdfb63bdf687b8d3bf144033fcb09d7a393563"),
        DigestVector(file: "pe/authenticode-rs/tiny32.signed.efi",
                     sha256: "4f5b3633fc51d9447beb5c546e9ae6e58d6eb42d1e96d623dc168d97013c08a8",
                     sha1: "49f239f1cd5083912880e03982bb54528f2c358d"),
    ]

    @Test(arguments: vectors)
    func authenticodeDigestsMatchUpstream(_ v: DigestVector) throws {
        let image = try PEImage(bytes: Fixtures.bytes(v.file))
        let digests = image.authenticodeDigests([.sha1, .sha256])
        #expect(digests[.sha256]?.hex == v.sha256)
        #expect(digests[.sha1]?.hex == v.sha1)
        #expect(image.certificates.count == 1)
        let signature = try AuthenticodeSignature(certificate: image.certificates[0])
        #expect(signature.imageDigest.hex == v.sha256)
        #expect(signature.digestAlgorithm == .sha256)
        #expect(signature.signerSubjectName?.contains("TestKey") == true)
    }

    @Test(arguments: ["pe/authenticode-rs/tiny64.efi", "pe/authenticode-rs/tiny32.efi", "pe/go-uefi/HelloWorld.efi"])
    func unsignedImagesHaveNoCertificates(_ file: String) throws {
        let image = try PEImage(bytes: Fixtures.bytes(file))
        #expect(image.certificates.isEmpty)
        #expect(image.certificateTable == nil)
        #expect(image.endOfImageData == image.bytes.count)
    }

    @Test func headersOfTiny64() throws {
        let image = try PEImage(bytes: Fixtures.bytes("pe/authenticode-rs/tiny64.signed.efi"))
        #expect(image.format == .pe32Plus)
        #expect(image.machine == 0x8664)
        #expect(image.subsystem == 10)
        let tiny32 = try PEImage(bytes: Fixtures.bytes("pe/authenticode-rs/tiny32.signed.efi"))
        #expect(tiny32.format == .pe32)
        #expect(tiny32.machine == 0x14c)
    }

    @Test func signedAndUnsignedDigestsAgree() throws {
        // The certificate table is excluded, so signing must not change the digest.
        for (unsigned, signed) in [("pe/authenticode-rs/tiny64.efi", "pe/authenticode-rs/tiny64.signed.efi"),
                                   ("pe/go-uefi/HelloWorld.efi", "pe/go-uefi/HelloWorld.efi.signed")] {
            let a = try PEImage(bytes: Fixtures.bytes(unsigned)).authenticodeDigest(.sha256)
            let b = try PEImage(bytes: Fixtures.bytes(signed)).authenticodeDigest(.sha256)
            let sig = try AuthenticodeSignature(certificate: PEImage(bytes: Fixtures.bytes(signed)).certificates[0])
            #expect(b == sig.imageDigest, "\(signed)")
            // HelloWorld.efi is 53174 bytes; its signed copy was padded to 8 bytes before the table,
            // and the padding is hashed, so only tiny64 (already aligned) keeps its digest.
            if unsigned.contains("tiny64") { #expect(a == b) }
        }
    }

    @Test func checksumMatchesStoredWhereSet() throws {
        let image = try PEImage(bytes: Fixtures.bytes("pe/go-uefi/HelloWorld.efi.signed"))
        #expect(image.storedChecksum == 0x17ed6)
        #expect(image.computedChecksum == image.storedChecksum)
    }

    // MARK: Malformed input

    static func put32(_ bytes: inout [UInt8], _ offset: Int, _ value: UInt32) {
        for i in 0..<4 { bytes[offset + i] = UInt8((value >> (8 * UInt32(i))) & 0xFF) }
    }
    static func put16(_ bytes: inout [UInt8], _ offset: Int, _ value: UInt16) {
        bytes[offset] = UInt8(value & 0xFF); bytes[offset + 1] = UInt8(value >> 8)
    }

    static func code(_ bytes: [UInt8]) -> String? {
        do { _ = try PEImage(bytes: bytes); return nil } catch let e as ParseError { return e.code.rawValue } catch { return "other" }
    }

    @Test func everyTruncationOfASignedImageThrows() throws {
        let signed = try Fixtures.bytes("pe/authenticode-rs/tiny64.signed.efi")
        for n in 0..<signed.count {
            let c = Self.code(Array(signed.prefix(n)))
            #expect(c == "pe.not-pe" || c == "pe.truncated" || c == "pe.cert-table-out-of-bounds", "prefix \(n): \(c ?? "parsed")")
        }
    }

    struct Mutation: Sendable, CustomStringConvertible {
        var description: String
        var code: String
        var apply: @Sendable (inout [UInt8]) -> Void
    }

    // Offsets in the synthesized image: e_lfanew 0x3c → PE at 0x40, COFF 0x44, optional header 0x58,
    // data directories 0xc8 (certificate table entry 0xe8), section table 0x148.
    static let mutations: [Mutation] = [
        Mutation(description: "wrong MZ magic", code: "pe.not-pe") { $0[0] = 0x5A; $0[1] = 0x4D },
        Mutation(description: "e_lfanew past the end", code: "pe.not-pe") { put32(&$0, 0x3C, 0x7FFF_FFF0) },
        Mutation(description: "e_lfanew at max UInt32", code: "pe.not-pe") { put32(&$0, 0x3C, 0xFFFF_FFFF) },
        Mutation(description: "wrong PE signature", code: "pe.not-pe") { $0[0x40] = 0x4E },
        Mutation(description: "unknown optional header magic", code: "pe.not-pe") { put16(&$0, 0x58, 0x0107) },
        Mutation(description: "huge NumberOfSections", code: "pe.too-many-sections") { put16(&$0, 0x46, 0xFFFF) },
        Mutation(description: "section table past the end", code: "pe.truncated") { put16(&$0, 0x46, 50) },
        Mutation(description: "SizeOfOptionalHeader too small", code: "pe.malformed") { put16(&$0, 0x54, 16) },
        Mutation(description: "NumberOfRvaAndSizes huge", code: "pe.malformed") { put32(&$0, 0xC4, 0xFFFF_FFFF) },
        Mutation(description: "SizeOfHeaders past the end", code: "pe.truncated") { put32(&$0, 0x58 + 60, 0xFFFF_0000) },
        Mutation(description: "SizeOfHeaders before the data directories", code: "pe.malformed") { put32(&$0, 0x58 + 60, 0x40) },
        Mutation(description: "section raw data past the end", code: "pe.truncated") { put32(&$0, 0x148 + 16, 0xFFFF_FFFF) },
        Mutation(description: "section pointer past the end", code: "pe.truncated") { put32(&$0, 0x148 + 20, 0xFFFF_FF00) },
        Mutation(description: "certificate table outside the file", code: "pe.cert-table-out-of-bounds") { put32(&$0, 0xE8, 0xFFFF_FFF0); put32(&$0, 0xEC, 0x100) },
        Mutation(description: "certificate table size overflow", code: "pe.cert-table-out-of-bounds") { put32(&$0, 0xE8, 0x400); put32(&$0, 0xEC, 0xFFFF_FFFF) },
        Mutation(description: "certificate table inside the headers", code: "pe.cert-table-out-of-bounds") { put32(&$0, 0xE8, 0x10); put32(&$0, 0xEC, 0x8) },
    ]

    @Test(arguments: mutations)
    func malformedHeadersThrowNamedErrors(_ m: Mutation) throws {
        var bytes = PESynthesizer.image(sections: [(".text", [UInt8](repeating: 0xC3, count: 100))])
        #expect(Self.code(bytes) == nil)
        m.apply(&bytes)
        #expect(Self.code(bytes) == m.code)
    }

    @Test func malformedCertificateEntriesThrow() throws {
        var base = PESynthesizer.image(sections: [(".text", [UInt8](repeating: 0xC3, count: 100))])
        let tableStart = base.count
        base += [UInt8](repeating: 0, count: 16)
        Self.put32(&base, 0xE8, UInt32(tableStart))
        Self.put32(&base, 0xEC, 16)
        var short = base; Self.put32(&short, tableStart, 4)     // dwLength below the header
        #expect(Self.code(short) == "pe.bad-win-certificate")
        var long = base; Self.put32(&long, tableStart, 0x1000)  // dwLength past the table
        #expect(Self.code(long) == "pe.cert-table-out-of-bounds")
        var ok = base; Self.put32(&ok, tableStart, 16); Self.put16(&ok, tableStart + 4, 0x200); Self.put16(&ok, tableStart + 6, 2)
        let image = try PEImage(bytes: ok)
        #expect(image.certificates.count == 1 && image.certificates[0].certificate.count == 8)
        // An unparseable PKCS#7 body is a verification failure, not a parse error.
        let v = AuthenticodeVerifier.verify(image, anchors: [])
        #expect(v.report.failures.map(\.code) == ["authenticode.malformed"])
    }

    @Test func vendorCertificateIsExtractedWithoutPadding() throws {
        let der = try #require(AuthenticodeSignature(certificate: PEImage(bytes: Fixtures.bytes("pe/authenticode-rs/tiny64.signed.efi")).certificates[0]).signerCertificate)
        let image = try PEImage(bytes: PESynthesizer.image(sections: [(".text", [0xC3]), (".vendor_cert", der)]))
        #expect(try #require(image.section(named: ".vendor_cert")).sizeOfRawData > der.count)
        #expect(try image.vendorCertificate == der)
        // The full name through the COFF string table.
        let long = try PEImage(bytes: PESynthesizer.image(sections: [(".text", [0xC3]), (".vendor_cert", der)], stringTable: true))
        #expect(long.sections[1].name == ".vendor_cert" && long.sections[1].shortName.hasPrefix("/"))
        #expect(try long.vendorCertificate == der)
        // shim's cert_table layout: sizes and offsets, then the certificate.
        var table = [UInt8](repeating: 0, count: 16)
        Self.put32(&table, 0, UInt32(der.count)); Self.put32(&table, 8, 16)
        let shim = try PEImage(bytes: PESynthesizer.image(sections: [(".vendor_cert", table + der)]))
        #expect(try shim.vendorCertificate == der)
        #expect(try PEImage(bytes: PESynthesizer.image(sections: [(".text", [0xC3])])).vendorCertificate == nil)
        // A DER length running past the section throws.
        var broken = der; broken[2] = 0xFF; broken[3] = 0xFF
        let bad = try PEImage(bytes: PESynthesizer.image(sections: [(".vendor_cert", broken)]))
        #expect(throws: ParseError.self) { try bad.vendorCertificate }
    }

    /// libFuzzer find: a section named "/-40" (a signed, negative COFF string-table offset) with
    /// PointerToSymbolTable 1 and NumberOfSymbols 0 made the long-name lookup slice the file from
    /// offset -39 and trap (Index out of bounds). Such a name is now left as the short name.
    @Test(arguments: ["/-40", "/-999999", "/-1"])
    func negativeStringTableOffsetIsIgnored(_ name: String) throws {
        var bytes = PESynthesizer.image(sections: [(".text", [UInt8](repeating: 0xC3, count: 100))])
        Self.put32(&bytes, 0x44 + 8, 1)     // PointerToSymbolTable
        Self.put32(&bytes, 0x44 + 12, 0)    // NumberOfSymbols
        let field = Array(name.utf8) + [UInt8](repeating: 0, count: 8 - name.utf8.count)
        bytes.replaceSubrange(0x148..<0x150, with: field)
        let image = try PEImage(bytes: bytes)
        #expect(image.sections[0].longName == nil && image.sections[0].name == name)
        PEImage.fuzz(bytes)
    }

    /// The minimised libFuzzer reproducer (164 bytes) of the negative string-table offset: it
    /// trapped in `RawReader.slice` before the fix.
    static let negativeLongNameReproducer: [UInt8] = {
        var b = [UInt8](repeating: 0, count: 164)
        b[0] = 0x4D; b[1] = 0x5A                        // "MZ"
        b[4...7] = [0x50, 0x45, 0, 0]                   // "PE\0\0" at e_lfanew 4 (the field at 0x3c is below)
        put16(&b, 8, 0x8664)                            // Machine
        put16(&b, 10, 1)                                // NumberOfSections
        put32(&b, 16, 1)                                // PointerToSymbolTable 1, NumberOfSymbols 0
        put16(&b, 24, 96)                               // SizeOfOptionalHeader: fixed PE32 fields only
        put16(&b, 28, 0x10B)                            // PE32 Magic
        put32(&b, 0x3C, 4)                              // e_lfanew (also SectionAlignment)
        b[124...127] = Array("/-40".utf8)[...]          // section name: string-table offset -40
        return b
    }()

    @Test func negativeLongNameReproducerThrowsNamedError() throws {
        PEImage.fuzz(Self.negativeLongNameReproducer)
        // Past the section table, SizeOfHeaders 0 is the first thing wrong with it.
        #expect(Self.code(Self.negativeLongNameReproducer) == "pe.malformed")
    }

    @Test func fuzzedImagesNeverTrap() throws {
        let seeds = [try Fixtures.bytes("pe/authenticode-rs/tiny64.signed.efi"), try Fixtures.bytes("pe/authenticode-rs/tiny32.signed.efi")]
        var rng = SplitMix64(seed: 0x5EED_A17E)
        for i in 0..<3000 {
            var bytes = seeds[i % 2]
            for _ in 0..<(1 + Int(rng.next() % 8)) {
                let at = Int(rng.next() % UInt64(bytes.count))
                switch rng.next() % 4 {
                case 0: bytes[at] ^= UInt8(truncatingIfNeeded: rng.next() | 1)
                case 1: bytes[at] = 0xFF
                case 2: bytes = Array(bytes.prefix(at))
                default: bytes[at] = 0
                }
                if bytes.isEmpty { break }
            }
            PEImage.fuzz(bytes)
        }
        for _ in 0..<500 {
            let n = Int(rng.next() % 600)
            PEImage.fuzz((0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
        }
    }
}

