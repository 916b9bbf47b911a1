extension Baseline {
    /// `baseline capture`: the events a reference host's log extends into `pcrs`, in `bank`, each with
    /// the component it stands for. An event whose covered data is a ``ComponentEventData`` is named
    /// by it; any other event is named by its type and PCR (`event EV_SEPARATOR`), never by data its
    /// digest does not cover.
    ///
    /// Throws when the log has no `bank` digest for an extended event of a captured PCR, or when
    /// `pcrs` is empty (an empty baseline is refused).
    public static func capture(from log: EventLog, pcrs: [Int], bank: DigestAlgorithm, name: String, version: String) throws -> Baseline {
        var events: [ExpectedEvent] = []
        let wanted = Set(pcrs)
        for e in log.events where e.isExtended && wanted.contains(e.pcrIndex) {
            guard let d = e.digest(bank) else {
                throw ParseError("event log", at: e.offset, "event \(e.label) in PCR \(e.pcrIndex) has no \(bank) digest", code: .baselineBankMissing)
            }
            events.append(ExpectedEvent(pcr: e.pcrIndex, type: e.type, digest: Array(d), component: component(of: e)))
        }
        let b = Baseline(name: name, version: version, source: "capture", bank: bank, pcrs: pcrs, events: events)
        try b.validate()
        return b
    }

    /// What an event stands for, from covered data only.
    static func component(of e: EventLog.Event) -> BaselineComponent {
        if let covered = e.verifiedData, covered.scope == .eventData, let c = component(coveredEventData: covered.bytes) {
            return c
        }
        return BaselineComponent(kind: "event", name: e.type.name)
    }

    /// The one place event data is read as a component description: a ``ComponentEventData`` or a
    /// ``MeasurementRecord`` (what `hostattest boot` measures). Callers pass only data the event's
    /// digests cover (H(data) in every bank); nil when the data is neither.
    static func component(coveredEventData bytes: ArraySlice<UInt8>) -> BaselineComponent? {
        if let c = ComponentEventData(bytes: bytes) { return BaselineComponent(c) }
        if let r = MeasurementRecord(coveredData: bytes) { return BaselineComponent(r) }
        return nil
    }
}
