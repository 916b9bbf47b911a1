/// Compares a host's event log, already verified against a quote (``VerifiedQuote/eventLogChecked``),
/// with the baselines of its group, event by event in each governed PCR. A host matches when any
/// baseline matches (a rolling upgrade admits old and new images until the old baseline is
/// retired); no baseline at all fails closed (`appraisal.no-baseline`).
///
/// Findings name the component on both sides, read only from covered event data
/// (``ComponentEventData``) and the baseline: "VIB net-demo-nic 1.2.0-1: event digest … is not in
/// baseline demo-host 1.0 (expected VIB net-demo-nic 1.1.0-1, digest …)". Codes:
/// `appraisal.log-not-replayed`, `appraisal.pcr-not-quoted`, `appraisal.bank-missing`,
/// `appraisal.component-mismatch`, `appraisal.event-mismatch`, `appraisal.event-missing`,
/// `appraisal.event-unexpected`. Work is linear in the log and the baselines.
public enum Appraiser {
    public static func appraise(quote: VerifiedQuote, log: EventLog, baselines: [VerifiedBaseline]) -> Appraisal {
        guard !baselines.isEmpty else {
            return Appraisal(results: [], general: [Finding(.appraisalNoBaseline,
                "the host's group has no active baseline, so nothing can be admitted (fail closed)", component: "policy")])
        }
        var byPCR: [Int: [EventLog.Event]] = [:]
        for e in log.events where e.isExtended { byPCR[e.pcrIndex, default: []].append(e) }
        let results = baselines.map { b in
            Appraisal.BaselineResult(baseline: b, report: compare(quote: quote, byPCR: byPCR, baseline: b.baseline, index: b.appraisalIndex))
        }
        return Appraisal(results: results, general: [])
    }

    static func compare(quote: VerifiedQuote, byPCR: [Int: [EventLog.Event]], baseline: Baseline,
                        index: VerifiedBaseline.AppraisalIndex) -> VerificationReport {
        var report = VerificationReport()
        let label = index.label
        guard quote.eventLogChecked else {
            report.fail(.appraisalLogNotReplayed, "the event log was not replayed against the quote, so its events prove nothing", component: label)
            return report
        }
        let missing = baseline.pcrs.filter { pcr in !quote.pcrs.values.contains { $0.algorithm == baseline.bank && $0.index == pcr } }
        if !missing.isEmpty {
            report.fail(.appraisalPcrNotQuoted,
                        "\(label) governs \(baseline.bank) PCR(s) \(missing.map(String.init).joined(separator: ", ")), which the quote does not cover",
                        component: label)
            return report
        }
        for pcr in baseline.pcrs {
            comparePCR(pcr, actual: byPCR[pcr] ?? [], expected: index.expectedByPCR[pcr] ?? [], baseline: baseline, label: label, into: &report)
        }
        if report.isValid { report.pass(index.passMessage) }
        return report
    }

    static func comparePCR(_ pcr: Int, actual: [EventLog.Event], expected: [Baseline.ExpectedEvent], baseline: Baseline,
                           label: String, into report: inout VerificationReport) {
        // Built on the first mismatch only: a matching boot (the hot path) never names components.
        var byName: [String: Baseline.ExpectedEvent]? = nil
        func expectedByName() -> [String: Baseline.ExpectedEvent] {
            if let byName { return byName }
            var map: [String: Baseline.ExpectedEvent] = [:]
            for e in expected where map[key(e.component)] == nil { map[key(e.component)] = e }
            byName = map
            return map
        }
        for i in 0..<max(actual.count, expected.count) {
            guard i < actual.count else {
                let want = expected[i]
                report.fail(.appraisalEventMissing,
                            "\(want.component.label) (\(want.eventType.name), digest \(want.digest)) is expected by \(label) in PCR \(pcr) but the host did not measure it",
                            component: want.component.label)
                continue
            }
            let event = actual[i]
            guard let digest = event.digest(baseline.bank) else {
                let have = Baseline.component(of: event)
                report.fail(.appraisalBankMissing, "\(have.label) (\(event.label), PCR \(pcr)) has no \(baseline.bank) digest", component: have.label)
                continue
            }
            // Compared without building the hex (the hot path: every event of every attestation).
            if i < expected.count, expected[i].type == event.type.rawValue, digest.hexEquals(expected[i].digest) { continue }
            let digestHex = Array(digest).hex
            // A mismatch: only now is the host's component read from the covered event data.
            let have = Baseline.component(of: event)
            guard i < expected.count else {
                report.fail(.appraisalEventUnexpected,
                            "\(have.label) (\(event.type.name), digest \(digestHex)) in PCR \(pcr) is not in \(label), which expects \(expected.count) event(s) there",
                            component: have.label)
                continue
            }
            let want = expected[i]
            if let same = expectedByName()[key(have)], have.kind != "event" {
                report.fail(.appraisalComponentMismatch,
                            "\(have.label): event digest \(digestHex) is not in \(label) (expected \(same.component.label), digest \(same.digest))",
                            component: have.label)
            } else {
                report.fail(.appraisalEventMismatch,
                            "PCR \(pcr) event \(i + 1): the host measured \(have.label) (\(event.type.name), digest \(digestHex)) where \(label) expects \(want.component.label) (\(want.eventType.name), digest \(want.digest))",
                            component: have.label)
            }
        }
    }

    private static func key(_ c: BaselineComponent) -> String { c.kind + "\u{0}" + c.name }
}
