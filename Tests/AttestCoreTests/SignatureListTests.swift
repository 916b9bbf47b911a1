import AttestCore
import Foundation
import Testing
import TestSupport

@Suite struct SignatureListTests {
    static let dir = "efi-signature-lists/go-uefi/"

    @Test func dbIsAnEfivarfsFileWithOneX509List() throws {
        let db = try SignatureDatabase(bytes: Fixtures.bytes(Self.dir + "db"))
        // efivarfs prefix: EFI_VARIABLE_NON_VOLATILE | BOOTSERVICE_ACCESS | RUNTIME_ACCESS |
        // TIME_BASED_AUTHENTICATED_WRITE_ACCESS.
        #expect(db.attributes == 0x27)
        #expect(db.lists.allSatisfy { $0.signatureType == .certX509 })
        #expect(!db.x509Certificates.isEmpty)
        for der in db.x509Certificates { _ = try X509Certificate(derEncoded: der) }
        #expect(db.entries.first?.owner.description == "a3d5e95b-0a8f-4753-8735-445afb708f62")
    }

    @Test func dbdefaultHasBootServiceAttributesOnly() throws {
        let db = try SignatureDatabase(bytes: Fixtures.bytes(Self.dir + "dbdefault"))
        #expect(db.attributes == 0x06)
        #expect(db.x509Certificates == (try SignatureDatabase(bytes: Fixtures.bytes(Self.dir + "db"))).x509Certificates)
    }

    @Test func kekParses() throws {
        let kek = try SignatureDatabase(bytes: Fixtures.bytes(Self.dir + "kek"))
        #expect(kek.attributes == 0x27)
        #expect(kek.x509Certificates.count >= 1)
    }

    /// The 49-byte `pk` is an efivarfs file (attributes 0x27) holding one EFI_SIGNATURE_LIST of type
    /// EFI_CERT_EXTERNAL_MANAGEMENT_GUID with one entry: an owner GUID and a single zero byte. It
    /// carries no key; such a list is kept and reported as an ignored type.
    @Test func pkIsAnExternalManagementMarker() throws {
        let bytes = try Fixtures.bytes(Self.dir + "pk")
        #expect(bytes.count == 49)
        let pk = try SignatureDatabase(bytes: bytes)
        #expect(pk.attributes == 0x27)
        #expect(pk.lists.count == 1)
        #expect(pk.lists[0].signatureType == .certExternalManagement)
        #expect(pk.lists[0].signatureType.name == "EFI_CERT_EXTERNAL_MANAGEMENT_GUID")
        #expect(pk.entries.map(\.data) == [[0]])
        #expect(pk.x509Certificates.isEmpty && pk.digests.isEmpty)
        #expect(pk.ignoredTypes == [.certExternalManagement])
        let deny = try DenyList(bytes: bytes)
        #expect(deny.isEmpty && deny.ignoredTypes == [.certExternalManagement])
    }

    static func list(type: EFIGUID, headerSize: UInt32 = 0, signatureSize: UInt32, entries: [[UInt8]], listSize: UInt32? = nil) -> [UInt8] {
        var body: [UInt8] = []
        for e in entries { body += [UInt8](repeating: 0xAB, count: 16) + e }
        let size = listSize ?? UInt32(28 + Int(headerSize) + body.count)
        func le(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * UInt32($0))) & 0xFF) } }
        return type.bytes + le(size) + le(headerSize) + le(signatureSize) + [UInt8](repeating: 0, count: Int(headerSize)) + body
    }

    @Test func sha256ListBecomesDigestDenyEntries() throws {
        let digest = [UInt8](repeating: 0x11, count: 32)
        let bytes = Self.list(type: .certSHA256, signatureSize: 48, entries: [digest, [UInt8](repeating: 0x22, count: 32)])
        let db = try SignatureDatabase(bytes: bytes)
        #expect(db.attributes == nil)
        #expect(db.digests.count == 2)
        let deny = try DenyList(bytes: bytes)
        #expect(deny.contains(digest: digest, algorithm: .sha256))
    }

    struct Bad: Sendable, CustomStringConvertible {
        var description: String
        var bytes: [UInt8]
    }

    static let bad: [Bad] = [
        Bad(description: "empty", bytes: []),
        Bad(description: "header only, truncated", bytes: Array(list(type: .certSHA256, signatureSize: 48, entries: [[UInt8](repeating: 1, count: 32)]).prefix(20))),
        Bad(description: "list size past the end", bytes: list(type: .certSHA256, signatureSize: 48, entries: [[UInt8](repeating: 1, count: 32)], listSize: 0xFFFF_FFFF)),
        Bad(description: "list size below the header", bytes: list(type: .certSHA256, signatureSize: 48, entries: [], listSize: 12)),
        Bad(description: "signature size zero", bytes: list(type: .certX509, signatureSize: 0, entries: [[1, 2]])),
        Bad(description: "signature size not dividing the body", bytes: list(type: .certX509, signatureSize: 20, entries: [[1, 2, 3]])),
        Bad(description: "wrong size for SHA-256", bytes: list(type: .certSHA256, signatureSize: 40, entries: [[UInt8](repeating: 1, count: 24)])),
        Bad(description: "header size past the list", bytes: list(type: .certX509, headerSize: 0, signatureSize: 18, entries: [[1, 2]]).enumerated().map { $0.offset == 20 ? 0xFF : $0.element }),
    ]

    @Test(arguments: bad)
    func malformedListsThrow(_ b: Bad) {
        #expect(throws: ParseError.self) { try SignatureDatabase(bytes: b.bytes) }
    }

    @Test func everyTruncationOfDbThrowsOrParsesAPrefixOfLists() throws {
        let db = try Fixtures.bytes(Self.dir + "db")
        let full = try SignatureDatabase(bytes: db).lists.count
        var parsedPrefixes = 0
        for n in 0..<db.count - 1 {
            // A cut exactly at a list boundary is a shorter, valid database; any other cut throws.
            if let partial = try? SignatureDatabase(bytes: Array(db.prefix(n))) {
                #expect(partial.lists.count < full, "prefix \(n)")
                parsedPrefixes += 1
            }
        }
        #expect(parsedPrefixes == full - 1)
    }

    @Test func textDenyListFormat() throws {
        let cert = try X509Certificate.load(Fixtures.bytes("pe/go-uefi/db.pem"))[0]
        let text = """
        # revoked images
        a82d7e4f091c44ec75d97746b3461c8ea9151e2313f8e9a4330432ee5f25b2ae
        E9BDFB63BDF687B8D3BF144033FCB09D7A393563  # a SHA-1 digest
        \(cert.pemEncoded)
        """
        let deny = try DenyList(bytes: Array(text.utf8))
        #expect(deny.digests.map(\.algorithm) == [.sha256, .sha1])
        #expect(deny.certificates == [cert.derEncoded])
        #expect(deny.contains(certificate: cert.derEncoded))
        // A DER certificate file.
        #expect(try DenyList(bytes: cert.derEncoded).certificates == [cert.derEncoded])
        // Errors name the line.
        do {
            _ = try DenyList(bytes: Array("# ok\nnot-a-digest\n".utf8))
            Issue.record("expected an error")
        } catch let e as ParseError {
            #expect(e.problem.contains("line 2"))
        }
        #expect(throws: ParseError.self) { try DenyList(bytes: Array("-----BEGIN CERTIFICATE-----\nAAAA\n".utf8)) }
        #expect(throws: ParseError.self) { try DenyList(bytes: Array("abcd\n".utf8)) }
    }

    /// libFuzzer find (slow unit): each EFI_SIGNATURE_LIST's reader copied the whole rest of the input,
    /// so 1 MiB of empty 28-byte lists (type 00…00, SignatureListSize 28, SignatureHeaderSize 0,
    /// SignatureSize 16) took quadratic time: 1.4 s for 64 KiB and 89 s for 1 MiB under the fuzzer
    /// build. Each list is now read from its own bytes only.
    @Test func manySmallListsParseAtScale() throws {
        let one = Self.list(type: EFIGUID(bytes: [UInt8](repeating: 0, count: 16)), signatureSize: 16, entries: [])
        #expect(one.count == 28)
        let bytes = Array([[UInt8]](repeating: one, count: (1 << 20) / 28).joined())
        var db: SignatureDatabase?
        db = try? SignatureDatabase(bytes: bytes)
        #expect(db?.lists.count == (1 << 20) / 28)
        // DenyList reads the same lists (and tries both layouts).
        #expect(throws: Never.self) { _ = try DenyList(bytes: bytes) }
    }

    @Test func fuzzedListsNeverTrap() throws {
        let seeds = try ["db", "kek", "pk"].map { try Fixtures.bytes(Self.dir + $0) }
        var rng = SplitMix64(seed: 0xDB_0DB)
        for i in 0..<3000 {
            var bytes = seeds[i % seeds.count]
            for _ in 0..<(1 + Int(rng.next() % 6)) {
                guard !bytes.isEmpty else { break }
                let at = Int(rng.next() % UInt64(bytes.count))
                switch rng.next() % 3 {
                case 0: bytes[at] ^= UInt8(truncatingIfNeeded: rng.next() | 1)
                case 1: bytes[at] = 0xFF
                default: bytes = Array(bytes.prefix(at))
                }
            }
            SignatureDatabase.fuzz(bytes)
            DenyList.fuzz(bytes)
            AuthenticodeSignature.fuzz(bytes)
        }
    }
}
