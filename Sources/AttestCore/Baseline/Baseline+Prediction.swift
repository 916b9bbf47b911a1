extension Baseline {
    /// `baseline predict`: the baseline of a good boot of a verified image, from its measured-boot
    /// plan alone (no reference host): every planned event of `pcrs`, in order, with its digest in
    /// `bank` and the component it stands for.
    ///
    /// An event whose data its digest covers is named exactly as the appraiser will name the host's
    /// event (``component(coveredEventData:)``), so a changed VIB reads as "VIB net-demo-nic …: event
    /// digest … is not in baseline …". A PE load (Authenticode digest, data not covered) is named by
    /// the plan's component; other events by their type.
    ///
    /// Throws `baseline.image-not-verified` when the plan did not complete or measured a component
    /// that failed verification (a baseline describes a good boot, never a tolerated bad one), and
    /// `baseline.empty` when `pcrs` is empty.
    public static func predict(from plan: MeasuredBootPlan, pcrs: [Int] = PCRMap.imagePCRs, bank: DigestAlgorithm,
                               name: String, version: String) throws -> Baseline {
        if let failed = plan.stoppedAt ?? plan.measured.first(where: { !$0.verified }) {
            let codes = failed.failures.map(\.code.rawValue).joined(separator: ", ")
            throw ParseError("image", "\(failed.displayName) does not verify (\(codes)): there is no good boot to predict",
                             code: .baselineImageNotVerified)
        }
        let wanted = Set(pcrs)
        var events: [ExpectedEvent] = []
        for e in plan.events where wanted.contains(e.pcr) {
            guard let digest = try e.digests(banks: [bank])[bank] else { continue }
            events.append(ExpectedEvent(pcr: e.pcr, type: e.type, digest: digest, component: component(of: e, bank: bank)))
        }
        let b = Baseline(name: name, version: version, source: "predict", bank: bank, pcrs: pcrs, events: events)
        try b.validate()
        return b
    }

    static func component(of e: PlannedEvent, bank: DigestAlgorithm) -> BaselineComponent {
        if e.fixedDigests == nil, let c = component(coveredEventData: e.data[...]) { return c }
        if e.fixedDigests != nil, let m = e.component { return BaselineComponent(m, bank: bank) }
        return BaselineComponent(kind: "event", name: e.type.name)
    }
}
