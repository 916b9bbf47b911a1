import Foundation
import Testing
import TestSupport
@testable import AttestCore

/// `baseline predict` as a pure mapping: plan → baseline, and the appraiser admits the plan's own
/// log against it and names a changed VIB from its measurement record (covered data only).
@Suite struct BaselinePredictionTests {
    typealias Fixture = MeasuredBootPlanTests.Fixture
    static let banks: [DigestAlgorithm] = [.sha1, .sha256, .sha384]

    func predicted(_ f: Fixture) throws -> Baseline {
        try Baseline.predict(from: MeasuredBootPlan(policy: f.policy(.enforce), components: f.components()),
                             bank: .sha256, name: "demo", version: "1")
    }

    func appraise(_ plan: MeasuredBootPlan, against b: Baseline) throws -> Appraisal {
        let log = try EventLog(bytes: try plan.eventLog(banks: Self.banks))
        return Appraiser.appraise(quote: BaselineTests.quote(log, pcrs: PCRMap.imagePCRs), log: log, baselines: [BaselineTests.verified(b)])
    }

    @Test func predictionGovernsTheImagePCRsAndNamesEveryComponent() throws {
        let b = try predicted(try Fixture())
        #expect(b.pcrs == PCRMap.imagePCRs && b.source == "predict" && b.bank == .sha256)
        #expect(Set(b.events.map(\.pcr)).isSubset(of: Set(PCRMap.imagePCRs)))
        let vib = try #require(b.events.first { $0.component.name == "net" })
        #expect(vib.pcr == 13 && vib.component.label == "VIB net 1.0-1" && vib.component.vendor == "Example")
        #expect(vib.component.digest == DigestAlgorithm.sha256.hash(Array("net".utf8)).hex)
        let kernel = try #require(b.events.first { $0.component.kind == "kernel" })
        #expect(kernel.pcr == 4 && kernel.component.name == "kernel.efi" && kernel.component.digest == DigestAlgorithm.sha256.hash([3, 0]).hex)
        #expect(b.events.contains { $0.pcr == 8 && $0.component.label == "boot-config boot.cfg" })
        #expect(b.events.contains { $0.pcr == 13 && $0.component.kind == "file" && $0.component.name == "extra/blob.bin" })
        #expect(try Baseline(jsonBytes: b.encoded()) == b)
    }

    @Test func aGoodBootIsAdmittedAgainstItsPrediction() throws {
        let f = try Fixture()
        let a = try appraise(MeasuredBootPlan(policy: f.policy(.enforce), components: f.components()), against: try predicted(f))
        #expect(a.isAdmitted && a.failures.isEmpty, "\(a.failures)")
    }

    @Test func aTamperedVIBBootedMeasureOnlyIsRefusedNamingTheVIB() throws {
        let f = try Fixture()
        let a = try appraise(MeasuredBootPlan(policy: f.policy(.measureOnly), components: f.components(tamper: .vib)), against: try predicted(f))
        #expect(!a.isAdmitted)
        let vib = try #require(a.failures.first { $0.code == .appraisalComponentMismatch })
        #expect(vib.message.hasPrefix("VIB net 1.0-1: event digest ") && vib.component == "VIB net 1.0-1", "\(vib.message)")
        // Measure-only itself shows in PCR 7 (SecureBoot = 0).
        #expect(a.failures.contains { $0.code == .appraisalEventMismatch })
    }

    @Test(arguments: [MeasuredBootPolicy.Mode.enforce, .measureOnly])
    func anImageThatDoesNotVerifyHasNoBaseline(_ mode: MeasuredBootPolicy.Mode) throws {
        let f = try Fixture()
        let plan = MeasuredBootPlan(policy: f.policy(mode), components: f.components(tamper: .kernel))
        #expect { try Baseline.predict(from: plan, bank: .sha256, name: "x", version: "1") } throws: {
            ($0 as? ParseError)?.code == .baselineImageNotVerified && "\($0)".contains("kernel kernel.efi")
        }
    }

    @Test func emptyPCRsAndMissingBanksAreRefused() throws {
        let f = try Fixture()
        let plan = MeasuredBootPlan(policy: f.policy(.enforce), components: f.components())
        #expect { try Baseline.predict(from: plan, pcrs: [], bank: .sha256, name: "x", version: "1") } throws: {
            ($0 as? ParseError)?.code == .baselineEmpty
        }
        // The fixture's PEs carry no sha512 Authenticode digest: PCR 4 cannot be predicted in it.
        #expect { try Baseline.predict(from: plan, bank: .sha512, name: "x", version: "1") } throws: {
            ($0 as? ParseError)?.code == .bootBankUnsupported
        }
    }

    @Test func captureNamesHostattestRecordsOnlyWhenCovered() throws {
        let f = try Fixture()
        let log = try EventLog(bytes: try MeasuredBootPlan(policy: f.policy(.enforce), components: f.components()).eventLog(banks: [.sha256]))
        let captured = try Baseline.capture(from: log, pcrs: [13], bank: .sha256, name: "x", version: "1")
        #expect(captured.events.map(\.component.label) == ["VIB base 1.0-1", "VIB net 1.0-1", "file extra/blob.bin"])
        // The same record under a digest of something else is not believed.
        var w = EventLogWriter(banks: [.sha256])
        let record = MeasurementRecord(kind: "vib", file: "vibs/net.vib", vib: .init(name: "trusted-looking", version: "1", vendor: "v",
                                                                                   acceptanceLevel: "partner", descriptorSHA256: [1]))
        try w.extend(pcr: 13, type: .EV_IPL, digests: [.sha256: Array(repeating: 7, count: 32)], data: record.bytes)
        let forged = try Baseline.capture(from: try EventLog(bytes: w.bytes), pcrs: [13], bank: .sha256, name: "x", version: "1")
        #expect(forged.events.map(\.component.label) == ["event EV_IPL"])
    }
}
