import Testing
import TestSupport
@testable import AttestCore

@Suite struct EventLogReplayTests {
    static func extend(_ alg: DigestAlgorithm, _ pcr: [UInt8], _ digest: [UInt8]) -> [UInt8] { alg.hash(pcr + digest) }

    @Test(arguments: [[DigestAlgorithm.sha1], [.sha256], [.sha1, .sha256, .sha384, .sha512], [.sha512, .sha1]])
    func writerRoundTripsThroughTheParser(banks: [DigestAlgorithm]) throws {
        var w = EventLogWriter(banks: banks, platformClass: 1, vendorInfo: [0xde, 0xad])
        w.measure(pcr: 0, type: .EV_S_CRTM_VERSION, data: [0x31, 0, 0, 0])
        w.measure(pcr: 7, type: .EV_EFI_VARIABLE_DRIVER_CONFIG, data: Self.variable(name: "SecureBoot", data: [1]))
        let image = Dictionary(uniqueKeysWithValues: banks.map { ($0, $0.hash(Array("image".utf8))) })
        try w.extend(pcr: 4, type: .EV_EFI_BOOT_SERVICES_APPLICATION, digests: image, data: Self.imageLoad(devicePath: [0x7f, 0xff, 0x04, 0x00]))
        w.separators()
        let log = try EventLog(bytes: w.bytes)
        #expect(log.format == .cryptoAgile)
        let spec = try #require(log.specID)
        #expect(spec == w.specID)
        #expect(spec.platformClass == 1 && spec.specVersionMajor == 2 && spec.specVersionMinor == 0 && spec.uintnSize == 2)
        #expect(spec.algorithms.map(\.algorithm) == banks)
        #expect(spec.vendorInfo == [0xde, 0xad])
        #expect(log.events.count == 1 + 3 + 8)
        let app = log.events[3]
        #expect(app.type == .EV_EFI_BOOT_SERVICES_APPLICATION && app.pcrIndex == 4)
        for b in banks { #expect(app.digest(b).map(Array.init) == image[b]) }
        #expect(app.verifiedData == nil)
        #expect(app.untrustedDecoded.decoded == .imageLoad(.init(locationInMemory: 0x1000, lengthInMemory: 0x2000, linkTimeAddress: 0, devicePath: [0x7f, 0xff, 0x04, 0x00])))
        #expect(log.events[2].verifiedData?.decoded.kind == "efiVariable")

        // Replay by hand.
        let replayed = log.replay()
        for b in banks {
            var pcr4 = [UInt8](repeating: 0, count: b.digestSize)
            pcr4 = Self.extend(b, pcr4, image[b]!)
            pcr4 = Self.extend(b, pcr4, b.hash([0, 0, 0, 0]))
            #expect(replayed[b, 4] == pcr4)
            #expect(replayed.bank(b)?.touched == Set(0...7))
        }
    }

    @Test func startupLocalitySetsPCR0Start() throws {
        var w = EventLogWriter(banks: [.sha256])
        w.startupLocality(3)
        w.measure(pcr: 0, type: .EV_S_CRTM_VERSION, data: [1, 2])
        let log = try EventLog(bytes: w.bytes)
        #expect(log.events[1].startupLocality == 3)
        #expect(log.events[1].untrustedDecoded.decoded == .startupLocality(3))
        var start = [UInt8](repeating: 0, count: 32)
        start[31] = 3
        #expect(log.replay()[.sha256, 0] == Self.extend(.sha256, start, DigestAlgorithm.sha256.hash([1, 2])))
    }

    /// H-CRTM (PFP 10.4.5.3/10.4.5.4): StartupLocality 4, an "H-CRTM CompMeas" description that is
    /// not extended, and the H-CRTM measurement extended onto 0x00…04.
    @Test func hcrtmStartsPCR0AtLocality4() throws {
        var w = EventLogWriter(banks: [.sha1, .sha256])
        w.startupLocality(4)
        let measurement = DigestAlgorithm.sha256.hash(Array("microcode".utf8))
        w.noAction(pcr: 0, data: EventLog.Event.hcrtmComponentSignature + [5] + Array("ucode".utf8) + [1] + EventLogBytes.u16(32) + measurement)
        w.measure(pcr: 0, type: .EV_EFI_HCRTM_EVENT, data: Array("HCRTM".utf8))
        let log = try EventLog(bytes: w.bytes)
        #expect(log.events[2].untrustedDecoded.decoded == .hcrtmComponent(description: "ucode", measurementFormatType: 1, measurement: measurement))
        #expect(!log.events[2].isExtended)
        for b in [DigestAlgorithm.sha1, .sha256] {
            var start = [UInt8](repeating: 0, count: b.digestSize)
            start[b.digestSize - 1] = 4
            #expect(log.replay()[b, 0] == Self.extend(b, start, b.hash(Array("HCRTM".utf8))))
        }
    }

    @Test func drtmPCRsStartAtAllOnes() throws {
        var w = EventLogWriter(banks: [.sha256])
        w.measure(pcr: 17, type: .EV_EFI_ACTION, data: [9])
        w.measure(pcr: 23, type: .EV_EFI_ACTION, data: [9])
        let r = try EventLog(bytes: w.bytes).replay()
        #expect(r[.sha256, 17] == Self.extend(.sha256, [UInt8](repeating: 0xFF, count: 32), DigestAlgorithm.sha256.hash([9])))
        #expect(r[.sha256, 23] == Self.extend(.sha256, [UInt8](repeating: 0x00, count: 32), DigestAlgorithm.sha256.hash([9])))
        #expect(r[.sha256, 22] == [UInt8](repeating: 0xFF, count: 32))
        #expect(r[.sha256, 16] == [UInt8](repeating: 0x00, count: 32))
        #expect(r[.sha256, 24] == nil)
    }

    @Test func noActionIsNeverExtended() throws {
        var w = EventLogWriter(banks: [.sha256])
        w.noAction(pcr: 5, data: Array("SP800-155 Event".utf8) + [0])
        let r = try EventLog(bytes: w.bytes).replay()
        #expect(r.bank(.sha256)?.touched.isEmpty == true)
        #expect(r[.sha256, 5] == [UInt8](repeating: 0, count: 32))
    }

    /// An algorithm the Spec ID table declares but hostattest cannot hash (SM3_256): parsed with
    /// its declared size, not replayed, reported as unsupported.
    @Test func sm3BankIsParsedButNotReplayed() throws {
        typealias B = EventLogBytes
        let data: [UInt8] = [0, 0, 0, 0]
        let bytes = B.header(B.specID(algs: [(0x0012, 32), (0x000B, 32)]))
            + B.event2(pcr: 7, type: 4, digests: [(0x0012, [UInt8](repeating: 0x33, count: 32)), (0x000B, DigestAlgorithm.sha256.hash(data))], data: data)
        let log = try EventLog(bytes: bytes)
        let r = log.replay()
        #expect(r.banks.map(\.algorithm) == [.sha256])
        #expect(r.unsupported.map(\.name) == ["sm3_256"])
        #expect(r.unsupported.first?.digestSize == 32)
        #expect(log.events[1].coverage(of: log.events[1].digests[0]) == .unsupportedAlgorithm)
        #expect(log.events[1].verifiedData?.banks == [.sha256])
    }

    /// A mismatch in a log of many events names the count and at most 32 of them (issue #7: the
    /// report must not grow with PCRs × events).
    @Test func mismatchFindingNamesAtMost32Events() throws {
        var w = EventLogWriter(banks: [.sha256])
        for i in 0..<5000 { w.measure(pcr: 8, type: .EV_IPL, data: Array("event \(i)".utf8)) }
        let log = try EventLog(bytes: w.bytes)
        let report = log.verifyReplay(against: [.sha256: [8: [UInt8](repeating: 0xAB, count: 32)]])
        let mismatch = try #require(report.failures.first { $0.code == "pcr.replay-mismatch" })
        #expect(mismatch.message.contains("5000 events extended into it"))
        #expect(mismatch.message.contains("#32 EV_IPL"))
        #expect(!mismatch.message.contains("#33 EV_IPL"))
        #expect(mismatch.message.hasSuffix("…"))
    }

    @Test func mismatchFindingsNamePCRBankValuesAndEvents() throws {
        var w = EventLogWriter(banks: [.sha1, .sha256])
        w.measure(pcr: 7, type: .EV_EFI_VARIABLE_DRIVER_CONFIG, data: Self.variable(name: "PK", data: []))
        w.separators(pcrs: [7])
        let log = try EventLog(bytes: w.bytes)
        let good = try #require(log.replay()[.sha256, 7])
        let bad = [UInt8](repeating: 0xAB, count: 32)
        let report = log.verifyReplay(against: [.sha256: [7: bad, 0: [UInt8](repeating: 0, count: 32)], .sha384: [0: [UInt8](repeating: 0, count: 48)]])
        #expect(!report.isValid)
        let mismatch = try #require(report.failures.first { $0.code == "pcr.replay-mismatch" })
        #expect(mismatch.component == "PCR[7] sha256")
        #expect(mismatch.message.contains(bad.hex))
        #expect(mismatch.message.contains(good.hex))
        #expect(mismatch.message.contains("#1 EV_EFI_VARIABLE_DRIVER_CONFIG"))
        #expect(mismatch.message.contains("#2 EV_SEPARATOR"))
        #expect(report.failures.contains { $0.code == "pcr.bank-missing" && $0.component == "sha384 bank" })
        #expect(report.passed.contains("PCR[0] sha256 matches the replayed event log"))
        #expect(log.verifyReplay(against: [.sha256: [7: good], .sha1: [7: log.replay()[.sha1, 7]!]]).isValid)
        #expect(log.verifyReplay(against: [.sha256: [24: good]]).failures.first?.code == "pcr.index-invalid")
    }

    @Test func eventMissingABankDigestMakesThatBankIncomplete() throws {
        typealias B = EventLogBytes
        let bytes = B.header(B.specID(algs: [(0x0004, 20), (0x000B, 32)]))
            + B.event2(pcr: 1, type: 4, digests: [(0x000B, DigestAlgorithm.sha256.hash([0, 0, 0, 0]))], data: [0, 0, 0, 0])
        let log = try EventLog(bytes: bytes)
        #expect(log.replay().bank(.sha1)?.eventsMissingDigest == [1])
        #expect(log.replay().bank(.sha256)?.isComplete == true)
        let report = log.verifyReplay(against: [.sha1: [1: [UInt8](repeating: 0, count: 20)]])
        #expect(report.failures.map(\.code) == ["pcr.replay-incomplete"])
    }

    @Test func coverageOfVariableDataOnlyAndOfDisagreeingBanks() throws {
        let value: [UInt8] = [0x01, 0x00, 0x02, 0x00]
        let variable = Self.variable(name: "BootOrder", data: value)
        // digest = H(VariableData) in both banks: only VariableData is covered.
        var w = EventLogWriter(banks: [.sha1, .sha256])
        try w.extend(pcr: 1, type: .EV_EFI_VARIABLE_BOOT, digests: [.sha1: DigestAlgorithm.sha1.hash(value), .sha256: DigestAlgorithm.sha256.hash(value)], data: variable)
        // sha1 covers the data, sha256 does not: the data is not trusted.
        try w.extend(pcr: 1, type: .EV_EFI_ACTION, digests: [.sha1: DigestAlgorithm.sha1.hash([0x41]), .sha256: [UInt8](repeating: 7, count: 32)], data: [0x41])
        let log = try EventLog(bytes: w.bytes)
        let boot = log.events[1]
        #expect(boot.dataCoveredByDigest == [.sha1: false, .sha256: false])
        let v = try #require(boot.verifiedData)
        #expect(v.scope == .variableData)
        #expect(Array(v.bytes) == value)
        #expect(v.decoded == .bytes(value))
        let action = log.events[2]
        #expect(action.dataCoveredByDigest == [.sha1: true, .sha256: false])
        #expect(action.verifiedData == nil)
    }

    /// A TPM 1.2 log may start with "Spec ID Event00" (TCG_PCClientSpecIDEventStruct): it stays a
    /// SHA-1 log of TCG_PCR_EVENT records.
    @Test func specIDEvent00IsALegacyLog() throws {
        typealias B = EventLogBytes
        let header = B.legacyEvent(pcr: 0, type: 3, data: Array("Spec ID Event00".utf8) + [0] + [UInt8](repeating: 0, count: 8))
        let sep = B.legacyEvent(pcr: 4, type: 4, digest: DigestAlgorithm.sha1.hash([0, 0, 0, 0]), data: [0, 0, 0, 0])
        let log = try EventLog(bytes: header + sep)
        #expect(log.format == .sha1Legacy)
        #expect(log.specID == nil)
        #expect(log.replay()[.sha1, 4] == Self.extend(.sha1, [UInt8](repeating: 0, count: 20), DigestAlgorithm.sha1.hash([0, 0, 0, 0])))
        #expect(log.events[1].verifiedData?.decoded == .separator(0))
    }

    @Test func eventTypeNames() {
        #expect(EventType.EV_EFI_BOOT_SERVICES_APPLICATION.name == "EV_EFI_BOOT_SERVICES_APPLICATION")
        #expect(EventType(name: "EV_IPL") == .EV_IPL)
        #expect(EventType(name: "0x800000e0") == .EV_EFI_VARIABLE_AUTHORITY)
        #expect(EventType(0x1234).name == "EV_UNKNOWN_0x1234")
        #expect(EventType(name: "EV_NOPE") == nil)
    }

    /// UEFI_VARIABLE_DATA for tests (PFP 10.2.6).
    static func variable(name: String, data: [UInt8]) -> [UInt8] {
        let guid: [UInt8] = [0x61, 0xdf, 0xe4, 0x8b, 0xca, 0x93, 0xd2, 0x11, 0xaa, 0x0d, 0x00, 0xe0, 0x98, 0x03, 0x2b, 0x8c]
        let units = Array(name.utf16)
        return guid + EventLogBytes.u64(UInt64(units.count)) + EventLogBytes.u64(UInt64(data.count))
            + units.flatMap { [UInt8($0 & 0xff), UInt8($0 >> 8)] } + data
    }

    /// UEFI_IMAGE_LOAD_EVENT for tests (PFP 10.2.3).
    static func imageLoad(devicePath: [UInt8]) -> [UInt8] {
        EventLogBytes.u64(0x1000) + EventLogBytes.u64(0x2000) + EventLogBytes.u64(0) + EventLogBytes.u64(UInt64(devicePath.count)) + devicePath
    }
}
