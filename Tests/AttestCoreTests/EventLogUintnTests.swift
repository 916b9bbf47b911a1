import AttestCore
import Testing

/// The decoder reads UINTN fields of UEFI_IMAGE_LOAD_EVENT with the size the Spec ID event declares
/// (`uintnSize` 1 = UINT32, 2 = UINT64), and the writer refuses PCR indices outside 0–23.
@Suite struct EventLogUintnTests {
    static func le(_ v: UInt64, _ n: Int) -> [UInt8] { (0..<n).map { UInt8((v >> (8 * UInt64($0))) & 0xff) } }

    /// A log with one EV_EFI_BOOT_SERVICES_APPLICATION whose data has `uintnBytes`-sized UINTNs,
    /// and whose Spec ID event says `uintnSize`.
    static func log(uintnSize: UInt8, uintnBytes: Int) throws -> EventLog {
        let devicePath: [UInt8] = [0x7F, 0xFF, 0x04, 0x00]
        let data = le(0x1000_0000, 8) + le(0x2_0000, uintnBytes) + le(0x40_0000, uintnBytes) + le(UInt64(devicePath.count), uintnBytes) + devicePath
        var w = EventLogWriter(banks: [.sha256])
        try w.extend(pcr: 4, type: .EV_EFI_BOOT_SERVICES_APPLICATION, digests: [.sha256: DigestAlgorithm.sha256.hash([1])], data: data)
        var bytes = w.bytes
        // TCG_PCR_EVENT header (32 bytes), then the Spec ID event: signature (16), platformClass (4),
        // specVersionMinor, specVersionMajor, specErrata, uintnSize.
        #expect(bytes[32 + 23] == 2)
        bytes[32 + 23] = uintnSize
        return try EventLog(bytes: bytes)
    }

    @Test func thirtyTwoBitUINTN() throws {
        let log = try Self.log(uintnSize: 1, uintnBytes: 4)
        let event = log.events[1]
        #expect(event.uintnBytes == 4)
        guard case .imageLoad(let image) = event.untrustedDecoded.decoded else {
            Issue.record("not decoded as an image load: \(event.untrustedDecoded.summary)")
            return
        }
        #expect(image.locationInMemory == 0x1000_0000)
        #expect(image.lengthInMemory == 0x2_0000)
        #expect(image.linkTimeAddress == 0x40_0000)
        #expect(image.devicePath == [0x7F, 0xFF, 0x04, 0x00])
        #expect(image.trailing.isEmpty)
    }

    @Test func sixtyFourBitUINTN() throws {
        let event = try Self.log(uintnSize: 2, uintnBytes: 8).events[1]
        #expect(event.uintnBytes == 8)
        guard case .imageLoad(let image) = event.untrustedDecoded.decoded else { Issue.record("not an image load"); return }
        #expect(image.lengthInMemory == 0x2_0000 && image.devicePath.count == 4)
    }

    /// 32-bit data read as 64-bit (what the decoder did before it honoured uintnSize) does not decode.
    @Test func mismatchedUINTNIsMalformedNotMisread() throws {
        let event = try Self.log(uintnSize: 2, uintnBytes: 4).events[1]
        #expect(event.untrustedDecoded.kind == "malformed")
    }

    @Test(arguments: [-1, 24, 1000])
    func writerRefusesPCROutOfRange(_ pcr: Int) {
        var w = EventLogWriter(banks: [.sha256])
        #expect {
            try w.extend(pcr: pcr, type: .EV_EFI_ACTION, digests: [.sha256: DigestAlgorithm.sha256.hash([0])], data: [0])
        } throws: { ($0 as? ParseError)?.code == "eventlog.writer-pcr" }
    }
}
