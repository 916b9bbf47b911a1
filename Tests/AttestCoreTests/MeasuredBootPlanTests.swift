import AttestCore
import Foundation
import Testing
import TestSupport

/// The measured-boot plan: the events a boot extends, the log it writes and the PCRs it predicts,
/// and which PCRs a failing component changes.
@Suite struct MeasuredBootPlanTests {
    final class Fixture: @unchecked Sendable {
        let pki = TestPKI()
        let platform: X509Certificate
        let vendor: X509Certificate
        init() throws {
            platform = try X509Certificate.load(try pki.root("PlanPlatform").certPEM)[0]
            vendor = try X509Certificate.load(try pki.root("PlanVendor").certPEM)[0]
        }

        func policy(_ mode: MeasuredBootPolicy.Mode, dbx: DenyList = .empty) -> MeasuredBootPolicy {
            MeasuredBootPolicy(mode: mode, trust: TrustAnchors(platform: [platform], bootVendor: [vendor]), dbx: dbx,
                               profile: .init(name: "demo", version: "1", sha256: DigestAlgorithm.sha256.hash([1]), hostAcceptance: "partner"))
        }

        func components(tamper: MeasuredComponent.Kind? = nil) -> [MeasuredComponent] {
            func pe(_ kind: MeasuredComponent.Kind, _ path: String, _ seed: UInt8, _ authority: X509Certificate) -> MeasuredComponent {
                let broken = tamper == kind
                var digests: [DigestAlgorithm: [UInt8]] = [:]
                for b in [DigestAlgorithm.sha1, .sha256, .sha384] { digests[b] = b.hash([seed, broken ? 0xEE : 0]) }
                return MeasuredComponent(kind: kind, path: path, sha256: DigestAlgorithm.sha256.hash([seed]), authenticode: digests,
                                         imageBase: 0x1_4000_0000, imageSize: 4096, authority: authority,
                                         failures: broken ? [Finding("authenticode.digest-mismatch", "tampered", component: path)] : [])
            }
            func vib(_ name: String) -> MeasuredComponent {
                let broken = tamper == .vib && name == "net"
                return MeasuredComponent(kind: .vib, path: "vibs/\(name).vib", sha256: DigestAlgorithm.sha256.hash(Array(name.utf8) + (broken ? [1] : [])),
                                         vib: .init(name: name, version: "1.0-1", vendor: "Example", acceptanceLevel: "partner",
                                                    descriptorSHA256: DigestAlgorithm.sha256.hash(Array(name.utf8))),
                                         failures: broken ? [Finding("vib.checksum-mismatch", "payload tampered", component: name)] : [])
            }
            return [
                pe(.bootloader, "bootx64.efi", 1, platform),
                MeasuredComponent(kind: .bootConfig, path: "boot.cfg", sha256: DigestAlgorithm.sha256.hash([2])),
                pe(.kernel, "kernel.efi", 3, vendor),
                MeasuredComponent(kind: .kernelOptions, path: "boot.cfg", value: "autoPartition=FALSE"),
                vib("base"), vib("net"),
                MeasuredComponent(kind: .file, path: "extra/blob.bin", sha256: DigestAlgorithm.sha256.hash([9])),
            ]
        }
    }

    static let banks: [DigestAlgorithm] = [.sha1, .sha256, .sha384]

    @Test func logReplaysToThePrediction() throws {
        let f = try Fixture()
        let plan = MeasuredBootPlan(policy: f.policy(.enforce), components: f.components())
        #expect(plan.completed)
        let log = try EventLog(bytes: try plan.eventLog(banks: Self.banks))
        let predicted = try plan.predictedPCRs(banks: Self.banks)
        #expect(log.verifyReplay(against: predicted).isValid)
        #expect(Set(predicted[.sha256]!.keys) == Set(PCRMap.measured))
        // Every record in PCRs 8, 12, 13 is covered by its digests and names its component.
        let records = log.events.filter { [8, 12, 13].contains($0.pcrIndex) }.compactMap { e in e.verifiedData.flatMap { MeasurementRecord(coveredData: $0.bytes) } }
        #expect(records.map(\.displayName) == ["boot-config boot.cfg", "kernel options", "VIB base 1.0-1 (vibs/base.vib)",
                                               "VIB net 1.0-1 (vibs/net.vib)", "file extra/blob.bin"])
        #expect(records.allSatisfy { $0.verdict == "verified" })
    }

    @Test func predictionIsDeterministic() throws {
        let f = try Fixture()
        let a = try MeasuredBootPlan(policy: f.policy(.enforce), components: f.components()).eventLog(banks: Self.banks)
        let b = try MeasuredBootPlan(policy: f.policy(.enforce), components: f.components()).eventLog(banks: Self.banks)
        #expect(a == b)
    }

    @Test(arguments: [MeasuredComponent.Kind.bootloader, .kernel, .vib])
    func enforceStopsAtTheFailingComponent(_ kind: MeasuredComponent.Kind) throws {
        let f = try Fixture()
        let plan = MeasuredBootPlan(policy: f.policy(.enforce), components: f.components(tamper: kind))
        #expect(!plan.completed)
        #expect(plan.stoppedAt?.kind == kind)
        #expect(!plan.measured.contains { !$0.verified })
        // Nothing from the failing component on is measured.
        let labels = plan.events.map(\.label)
        #expect(!labels.contains(plan.stoppedAt!.displayName))
    }

    /// A tampered component in measure-only mode changes exactly the PCRs the map names for it.
    @Test(arguments: [MeasuredComponent.Kind.bootloader, .kernel, .vib])
    func measureOnlyChangesExactlyTheMappedPCRs(_ kind: MeasuredComponent.Kind) throws {
        let f = try Fixture()
        let good = try MeasuredBootPlan(policy: f.policy(.measureOnly), components: f.components()).predictedPCRs(banks: Self.banks)
        let bad = MeasuredBootPlan(policy: f.policy(.measureOnly), components: f.components(tamper: kind))
        #expect(bad.completed)
        let badPCRs = try bad.predictedPCRs(banks: Self.banks)
        for bank in Self.banks {
            let differing = PCRMap.measured.filter { good[bank]![$0] != badPCRs[bank]![$0] }
            #expect(differing == PCRMap.pcrs(affectedBy: kind), "\(bank): \(differing)")
        }
        if kind == .vib {
            let log = try EventLog(bytes: try bad.eventLog(banks: Self.banks))
            let refused = log.events.compactMap { $0.verifiedData.flatMap { MeasurementRecord(coveredData: $0.bytes) } }.filter { $0.verdict != "verified" }
            #expect(refused.map(\.verdict) == ["refused: vib.checksum-mismatch"])
        }
    }

    @Test func modeAndPolicyAreMeasuredInPCR7() throws {
        let f = try Fixture()
        let enforce = try MeasuredBootPlan(policy: f.policy(.enforce), components: f.components()).predictedPCRs(banks: [.sha256])
        let audit = try MeasuredBootPlan(policy: f.policy(.measureOnly), components: f.components()).predictedPCRs(banks: [.sha256])
        let revoked = try MeasuredBootPlan(policy: f.policy(.enforce, dbx: DenyList(digests: [.init(algorithm: .sha256, value: [UInt8](repeating: 7, count: 32))], certificates: [])),
                                           components: f.components()).predictedPCRs(banks: [.sha256])
        for other in [audit, revoked] {
            let differing = PCRMap.measured.filter { enforce[.sha256]![$0] != other[.sha256]![$0] }
            #expect(differing == [7])
        }
    }

    @Test func aBankWithoutAnAuthenticodeDigestIsAnError() throws {
        let f = try Fixture()
        let plan = MeasuredBootPlan(policy: f.policy(.enforce), components: f.components())
        #expect(throws: ParseError.self) { try plan.eventLog(banks: [.sha512]) }
    }

    @Test func recordsFromUncoveredOrForeignDataAreNotRead() {
        #expect(MeasurementRecord(coveredData: Array("grub_cmd: linux /vmlinuz".utf8)) == nil)
        #expect(MeasurementRecord(coveredData: Array(#"{"format":"other/1","kind":"vib","verdict":"verified"}"#.utf8)) == nil)
        #expect(MeasurementRecord(coveredData: [UInt8](repeating: UInt8(ascii: "{"), count: MeasurementRecord.maxSize + 1)) == nil)
    }
}
