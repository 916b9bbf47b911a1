import Crypto
import Foundation
import Testing
@testable import AttestCore

@Suite struct BaselineTests {
    static func log(vibVersion: String = "1.1.0-1", extra: Bool = false) -> EventLog {
        var w = EventLogWriter(banks: [.sha256])
        w.measure(pcr: 0, type: .EV_S_CRTM_VERSION, data: Array("fw 1".utf8))
        w.separators(pcrs: [0, 7])
        w.measure(pcr: 13, type: .EV_EVENT_TAG, data: ComponentEventData(kind: "vib", name: "net-demo-nic", version: vibVersion, vendor: "demo").encoded())
        if extra { w.measure(pcr: 13, type: .EV_EVENT_TAG, data: ComponentEventData(kind: "vib", name: "rootkit", version: "6.6.6").encoded()) }
        return try! EventLog(bytes: w.bytes)
    }

    static func quote(_ log: EventLog, pcrs: [Int] = [0, 7, 13]) -> VerifiedQuote {
        let replayed = log.replay()
        let sel = TPMLPCRSelection([TPMSPCRSelection(hash: .sha256, indices: pcrs)])
        let values = try! PCRValues(selection: sel, digests: pcrs.map { replayed[.sha256, $0]! })
        let attest = TPMSAttest(magic: TPM_GENERATED_VALUE, qualifiedSigner: [], extraData: [1], clockInfo: TPMSClockInfo(clock: 1, resetCount: 1, restartCount: 0, safe: true),
                                firmwareVersion: 0, attested: .quote(TPMSQuoteInfo(pcrSelect: sel, pcrDigest: [])))
        return VerifiedQuote(attest: attest, pcrs: values, hashAlgorithm: .sha256, eventLogChecked: true, attestationKeyName: nil)
    }

    static func verified(_ b: Baseline) -> VerifiedBaseline { VerifiedBaseline(baseline: b, bytes: b.encoded(), signer: "test") }

    func codes(_ a: Appraisal) -> [String] { a.failures.map(\.code.rawValue) }

    @Test func captureNamesComponentsFromCoveredDataOnly() throws {
        let b = try Baseline.capture(from: Self.log(), pcrs: [0, 7, 13], bank: .sha256, name: "demo-host", version: "1.0")
        #expect(b.events.map(\.component.label) == ["event EV_S_CRTM_VERSION", "event EV_SEPARATOR", "event EV_SEPARATOR", "VIB net-demo-nic 1.1.0-1"])
        #expect(try Baseline(jsonBytes: b.encoded()) == b)
    }

    @Test func uncoveredComponentDataIsNotBelieved() throws {
        // The digest is of something else: the "VIB" description is attacker-written.
        var w = EventLogWriter(banks: [.sha256])
        try w.extend(pcr: 13, type: .EV_EVENT_TAG, digests: [.sha256: Array(repeating: 1, count: 32)],
                     data: ComponentEventData(kind: "vib", name: "trusted-looking", version: "1").encoded())
        let b = try Baseline.capture(from: try EventLog(bytes: w.bytes), pcrs: [13], bank: .sha256, name: "x", version: "1")
        #expect(b.events[0].component.label == "event EV_EVENT_TAG")
    }

    @Test func matchingLogIsAdmitted() throws {
        let b = try Baseline.capture(from: Self.log(), pcrs: [0, 7, 13], bank: .sha256, name: "demo-host", version: "1.0")
        let a = Appraiser.appraise(quote: Self.quote(Self.log()), log: Self.log(), baselines: [Self.verified(b)])
        #expect(a.isAdmitted && codes(a) == [])
    }

    @Test func eachRefusalHasItsCode() throws {
        let b = Self.verified(try Baseline.capture(from: Self.log(), pcrs: [0, 7, 13], bank: .sha256, name: "demo-host", version: "1.0"))
        let upgraded = Self.log(vibVersion: "1.2.0-1")
        let mismatch = Appraiser.appraise(quote: Self.quote(upgraded), log: upgraded, baselines: [b])
        #expect(codes(mismatch) == ["appraisal.component-mismatch"])
        #expect(mismatch.failures[0].message.hasPrefix("VIB net-demo-nic 1.2.0-1: event digest "))
        let extra = Self.log(extra: true)
        #expect(codes(Appraiser.appraise(quote: Self.quote(extra), log: extra, baselines: [b])) == ["appraisal.event-unexpected"])
        let bigger = Self.verified(try Baseline.capture(from: extra, pcrs: [0, 7, 13], bank: .sha256, name: "big", version: "1"))
        #expect(codes(Appraiser.appraise(quote: Self.quote(Self.log()), log: Self.log(), baselines: [bigger])) == ["appraisal.event-missing"])
        #expect(codes(Appraiser.appraise(quote: Self.quote(Self.log(), pcrs: [0, 7]), log: Self.log(), baselines: [b])) == ["appraisal.pcr-not-quoted"])
        #expect(codes(Appraiser.appraise(quote: Self.quote(Self.log()), log: Self.log(), baselines: [])) == ["appraisal.no-baseline"])
        // Any matching baseline admits (rolling upgrade).
        let new = Self.verified(try Baseline.capture(from: upgraded, pcrs: [0, 7, 13], bank: .sha256, name: "demo-host", version: "1.1"))
        #expect(Appraiser.appraise(quote: Self.quote(upgraded), log: upgraded, baselines: [b, new]).matched?.baseline.version == "1.1")
    }

    @Test func otherEventInPlaceIsEventMismatchNamingBothSides() throws {
        let b = Self.verified(try Baseline.capture(from: Self.log(), pcrs: [0], bank: .sha256, name: "fw", version: "1"))
        var w = EventLogWriter(banks: [.sha256])
        w.measure(pcr: 0, type: .EV_POST_CODE, data: Array("fw 2".utf8))
        w.separators(pcrs: [0])
        let other = try EventLog(bytes: w.bytes)
        let a = Appraiser.appraise(quote: Self.quote(other, pcrs: [0]), log: other, baselines: [b])
        #expect(codes(a) == ["appraisal.event-mismatch"])
        #expect(a.failures[0].message.contains("event EV_POST_CODE") && a.failures[0].message.contains("expects event EV_S_CRTM_VERSION"))
    }

    @Test func captureNeedsTheBank() {
        #expect { try Baseline.capture(from: Self.log(), pcrs: [0], bank: .sha384, name: "x", version: "1") } throws: {
            ($0 as? ParseError)?.code == "baseline.bank-missing"
        }
    }

    @Test func unreplayedLogProvesNothing() throws {
        let b = Self.verified(try Baseline.capture(from: Self.log(), pcrs: [0], bank: .sha256, name: "x", version: "1"))
        let q = Self.quote(Self.log())
        let unchecked = VerifiedQuote(attest: q.attest, pcrs: q.pcrs, hashAlgorithm: .sha256, eventLogChecked: false, attestationKeyName: nil)
        #expect(codes(Appraiser.appraise(quote: unchecked, log: Self.log(), baselines: [b])) == ["appraisal.log-not-replayed"])
    }

    @Test(arguments: [
        (#"{"format":"other","name":"a","version":"1","source":"capture","bank":"sha256","pcrs":[0],"events":[]}"#, "baseline.format"),
        (#"{"format":"hostattest-baseline/1","name":"a","version":"1","source":"capture","bank":"sha256","pcrs":[],"events":[]}"#, "baseline.empty"),
        (#"{"format":"hostattest-baseline/1","name":"a","version":"1","source":"capture","bank":"sha256","pcrs":[24],"events":[]}"#, "baseline.malformed"),
        (#"{"format":"hostattest-baseline/1","name":"a","version":"1","source":"capture","bank":"sha256","pcrs":[1,1],"events":[]}"#, "baseline.malformed"),
        (#"{"format":"hostattest-baseline/1","name":"a","version":"1","source":"capture","bank":"md5","pcrs":[1],"events":[]}"#, "baseline.malformed"),
        (#"{"format":"hostattest-baseline/1","name":"","version":"1","source":"capture","bank":"sha256","pcrs":[1],"events":[]}"#, "baseline.malformed"),
        (#"{"format":"hostattest-baseline/1","name":"a","version":"1","source":"capture","bank":"sha256","pcrs":[1],"events":[{"pcr":2,"type":4,"digest":"00","component":{"kind":"event","name":"x"}}]}"#, "baseline.malformed"),
        (#"{"format":"hostattest-baseline/1","name":"a","version":"1","source":"capture","bank":"sha256","pcrs":[1],"events":[{"pcr":1,"type":4,"digest":"00","component":{"kind":"event","name":"x"}}]}"#, "baseline.malformed"),
        (#"{"format":"hostattest-baseline/1","name":"a","version":"1","source":"capture","bank":"sha256","pcrs":[1],"events":[{"pcr":1,"type":3,"digest":"0000000000000000000000000000000000000000000000000000000000000000","component":{"kind":"event","name":"x"}}]}"#, "baseline.malformed"),
        ("[1,2", "baseline.malformed"),
    ])
    func malformedBaselinesAreRefused(_ json: String, _ code: String) {
        #expect { try Baseline(jsonBytes: Array(json.utf8)) } throws: { ($0 as? ParseError)?.code.rawValue == code }
    }

    @Test func oversizedBaselineIsRefusedBeforeParsing() {
        #expect { try Baseline(jsonBytes: [UInt8](repeating: 0x20, count: Baseline.maxSize + 1)) } throws: { ($0 as? ParseError)?.code == "baseline.too-large" }
    }

    @Test func earStatusTiers() {
        #expect([0, 1, -1, 2, 31, -2, 32, 95, 96, 127, -128].map { EARStatus(claim: $0) }
                == [.none, .none, .none, .affirming, .affirming, .affirming, .warning, .warning, .contraindicated, .contraindicated, .contraindicated])
    }

    @Test func fuzzEntryDoesNotTrap() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<200 { Baseline.fuzz((0..<64).map { _ in UInt8.random(in: 0...255, using: &rng) }) }
    }
}
