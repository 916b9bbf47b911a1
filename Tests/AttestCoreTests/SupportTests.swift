import Testing
@testable import AttestCore

@Suite struct ByteReaderTests {
    @Test func readsLittleAndBigEndian() throws {
        var r = ByteReader([0x01, 0x02, 0x03, 0x04, 0x05, 0x06], structure: "T")
        #expect(try r.u16le("a") == 0x0201)
        #expect(try r.u32be("b") == 0x0304_0506)
        #expect(r.isAtEnd)
    }

    @Test func truncationNamesStructureFieldAndOffset() throws {
        var r = ByteReader([0xAA, 0xBB, 0xCC], structure: "TPMS_ATTEST", baseOffset: 0x10)
        _ = try r.u8("magic0")
        do {
            _ = try r.u32le("magic")
            Issue.record("expected a truncation error")
        } catch let e as ParseError {
            #expect(e.code == "parse.truncated")
            #expect(e.offset == 0x11)
            #expect(e.description.contains("TPMS_ATTEST at offset 0x11"))
            #expect(e.description.contains("magic"))
        }
    }

    @Test(arguments: [-1, Int.max, 4])
    func hostileLengthsThrow(length: Int) {
        var r = ByteReader([1, 2, 3], structure: "X")
        #expect(throws: ParseError.self) { _ = try r.bytes(length, "payload") }
    }

    @Test func hugeUnsignedCountThrows() {
        var r = ByteReader([1, 2, 3], structure: "X")
        #expect(throws: ParseError.self) { _ = try r.bytes(count: UInt64.max, "payload") }
    }
}

@Suite struct HexAndDigestTests {
    @Test func hexRoundTrip() {
        #expect([0x00, 0xab, 0xff].hex == "00abff")
        #expect(Hex.decode("00ABff") == [0x00, 0xab, 0xff])
        #expect(Hex.decode("0x0a") == [0x0a])
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
        // Surrounding whitespace (ASCII or Unicode) is trimmed; inside it is refused.
        #expect(Hex.decode(" 0a\n") == [0x0a])
        #expect(Hex.decode("\u{00A0}0aff\u{2028}") == [0x0a, 0xff])
        #expect(Hex.decode("0a ff") == nil)
        #expect(Hex.decode("") == [])
        #expect(Hex.decode("0aé") == nil)
    }

    /// FIPS 180-2 "abc" test vectors.
    @Test func digestsOfABC() {
        let abc = Array("abc".utf8)
        #expect(DigestAlgorithm.sha1.hash(abc).hex == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(DigestAlgorithm.sha256.hash(abc).hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        var h = DigestAlgorithm.sha384.hasher()
        h.update(Array("a".utf8)); h.update(Array("bc".utf8))
        #expect(h.finalize() == DigestAlgorithm.sha384.hash(abc))
        #expect(DigestAlgorithm(tpmAlgorithmID: 0x000B) == .sha256)
        #expect(DigestAlgorithm(name: "SHA-512") == .sha512)
    }

    @Test func constantTimeEqual() {
        #expect(ConstantTime.equal([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equal([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equal([1, 2], [1, 2, 3]))
    }
}
