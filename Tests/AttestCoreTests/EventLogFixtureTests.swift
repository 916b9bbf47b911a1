import Testing
import TestSupport
@testable import AttestCore

/// Reads the `pcrs:` block that `tpm2_eventlog` prints at the end of its YAML:
/// ```
/// pcrs:
///   sha256:
///     0  : 0x46…
/// ```
enum EventLogYAMLPCRs {
    static func parse(_ yaml: String) -> [DigestAlgorithm: [Int: [UInt8]]] {
        var out: [DigestAlgorithm: [Int: [UInt8]]] = [:]
        var inBlock = false
        var bank: DigestAlgorithm?
        for raw in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            if !inBlock {
                if line.hasPrefix("pcrs:") { inBlock = true }
                continue
            }
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            guard line.hasPrefix(" ") else { break }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasSuffix(":") {
                bank = DigestAlgorithm(name: String(trimmed.dropLast()))
                continue
            }
            let parts = trimmed.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let bank, let pcr = Int(parts[0]), let value = Hex.decode(parts[1]) else { continue }
            out[bank, default: [:]][pcr] = value
        }
        return out
    }
}

@Suite struct EventLogFixtureTests {
    static let dir = "eventlogs/tpm2-tools/"
    static let logs = [
        "event.bin", "event-uefivar.bin", "event-uefiaction.bin", "event-uefiservices.bin",
        "event-arch-linux.bin", "event-bootorder.bin", "event-gce-ubuntu-2104-log.bin",
        "event-moklisttrusted.bin", "event-postcode.bin", "event-sd-boot-fedora37.bin",
        "event-uefi-sha1-log.bin",
    ]

    /// Every fixture parses and replays to the `pcrs:` block of its tpm2_eventlog YAML, bank by bank.
    @Test(arguments: logs)
    func replayMatchesTPM2Tools(name: String) throws {
        let log = try EventLog(bytes: try Fixtures.bytes(Self.dir + name))
        let expected = EventLogYAMLPCRs.parse(try Fixtures.text(Self.dir + name + ".yaml"))
        #expect(!expected.isEmpty, "the YAML of \(name) has a pcrs: block")
        let replayed = log.replay()
        // tpm2_eventlog prints the banks the events carry digests for. A Spec ID table may declare
        // more (event-uefivar.bin declares 4, its event has 2): such a bank is incomplete here.
        #expect(Set(replayed.banks.filter(\.isComplete).map(\.algorithm)) == Set(expected.keys))
        for (alg, pcrs) in expected {
            let bank = try #require(replayed.bank(alg), "\(name) has a \(alg) bank")
            #expect(bank.isComplete)
            #expect(bank.touched == Set(pcrs.keys), "\(name) \(alg): the PCRs the log touches")
            for (pcr, value) in pcrs {
                #expect(bank.values[pcr].hex == value.hex, "\(name) \(alg) PCR \(pcr)")
            }
        }
        // The same values through the verifier API: no findings, one pass per PCR.
        let report = log.verifyReplay(against: expected)
        #expect(report.isValid, "\(report.failures)")
        #expect(report.passed.count == expected.values.reduce(0) { $0 + $1.count })
        #expect(log.appliedWorkarounds.isEmpty)
    }

    @Test func legacySHA1LogIsDetected() throws {
        let log = try EventLog(bytes: try Fixtures.bytes(Self.dir + "event-uefi-sha1-log.bin"))
        #expect(log.format == .sha1Legacy)
        #expect(log.specID == nil)
        #expect(log.events.allSatisfy { $0.digests.count == 1 && $0.digests[0].algorithm == .sha1 })
    }

    @Test func gceLogHasThreeBanksInSpecID() throws {
        let log = try EventLog(bytes: try Fixtures.bytes(Self.dir + "event-gce-ubuntu-2104-log.bin"))
        #expect(log.format == .cryptoAgile)
        let spec = try #require(log.specID)
        #expect(spec.algorithms.map(\.algorithmID) == [0x0004, 0x000B, 0x000C])
        #expect(spec.uintnSize == 2 && spec.specVersionMajor == 2)
        #expect(log.events[0].type == .EV_NO_ACTION)
    }

    /// tpm2-tools reads the 4 vendor bytes past eventSize 37; hostattest rejects the record.
    @Test func specIDVendorDataPastEventSizeIsRejected() throws {
        let bytes = try Fixtures.bytes(Self.dir + "specid-vendordata.bin")
        #expect(EventLogYAMLPCRs.parse(try Fixtures.text(Self.dir + "specid-vendordata.bin.yaml")).isEmpty)
        do {
            _ = try EventLog(bytes: bytes)
            Issue.record("expected a ParseError")
        } catch let e as ParseError {
            #expect(e.code == "eventlog.specid-vendorinfo")
            #expect(e.description.contains("vendorInfoSize 4"))
            #expect(e.description.contains("eventSize 37"))
        }
    }

    /// Which event data the digests cover, on real firmware logs.
    @Test(arguments: logs)
    func digestCoverageOfRealEvents(name: String) throws {
        let log = try EventLog(bytes: try Fixtures.bytes(Self.dir + name))
        for e in log.events {
            switch e.type {
            case .EV_SEPARATOR, .EV_EFI_ACTION, .EV_EFI_VARIABLE_DRIVER_CONFIG:
                let v = try #require(e.verifiedData, "\(name) \(e.label) data is covered")
                #expect(v.scope == .eventData)
                #expect(e.dataCoveredByDigest.values.allSatisfy { $0 })
                if e.type == .EV_SEPARATOR, case .separator(let value) = v.decoded { #expect(value == 0) }
                if e.type == .EV_EFI_VARIABLE_DRIVER_CONFIG { #expect(v.decoded.kind == "efiVariable") }
            case .EV_EFI_BOOT_SERVICES_APPLICATION, .EV_EFI_BOOT_SERVICES_DRIVER:
                // The digest is the Authenticode hash of the image, not of UEFI_IMAGE_LOAD_EVENT.
                #expect(e.verifiedData == nil, "\(name) \(e.label)")
                #expect(e.dataCoveredByDigest.values.allSatisfy { !$0 })
                #expect(e.untrustedDecoded.kind == "imageLoad")
            case .EV_EFI_VARIABLE_BOOT:
                // Some firmware hashes UEFI_VARIABLE_DATA, some only VariableData: say which.
                let v = try #require(e.verifiedData, "\(name) \(e.label)")
                #expect(v.scope == .eventData || v.scope == .variableData)
            case .EV_NO_ACTION:
                #expect(e.verifiedData == nil)
                #expect(e.coverage(of: e.digests[0]) == .notExtended)
            default:
                break
            }
            #expect(e.untrustedDecoded.kind != "malformed", "\(name) \(e.label): \(e.untrustedDecoded.summary)")
        }
    }

    @Test func variableBootCoverageIsReported() throws {
        var scopes: [CoveredEventData.Scope: Int] = [:]
        for name in Self.logs {
            let log = try EventLog(bytes: try Fixtures.bytes(Self.dir + name))
            for e in log.events where e.type == .EV_EFI_VARIABLE_BOOT {
                if let s = e.verifiedData?.scope { scopes[s, default: 0] += 1 }
            }
        }
        // Both kinds of firmware are among the fixtures.
        #expect(scopes[.eventData, default: 0] > 0)
        #expect(scopes[.variableData, default: 0] > 0)
    }

    @Test func decodesCommonEventTypes() throws {
        let log = try EventLog(bytes: try Fixtures.bytes(Self.dir + "event-gce-ubuntu-2104-log.bin"))
        let kinds = Dictionary(log.events.map { ($0.type, $0.untrustedDecoded.kind) }, uniquingKeysWith: { a, _ in a })
        #expect(kinds[.EV_SEPARATOR] == "separator")
        #expect(kinds[.EV_EFI_VARIABLE_DRIVER_CONFIG] == "efiVariable")
        #expect(kinds[.EV_EFI_BOOT_SERVICES_APPLICATION] == "imageLoad")
        #expect(kinds[.EV_EFI_GPT_EVENT] == "gpt")
        let ipl = try #require(log.events.first { $0.type == .EV_IPL })
        guard case .text(let s) = ipl.untrustedDecoded.decoded else { Issue.record("EV_IPL is text"); return }
        #expect(!s.isEmpty)
        let blob = try EventLog(bytes: try Fixtures.bytes(Self.dir + "event.bin")).events[1]
        #expect(blob.untrustedDecoded.decoded == .firmwareBlob(base: 0x900000, length: 0xb00000))
    }
}
