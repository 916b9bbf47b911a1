/// One event measured boot will extend into a PCR and write to the event log.
public struct PlannedEvent: Sendable, Hashable {
    public var pcr: Int
    public var type: EventType
    public var data: [UInt8]
    /// Digests per bank given by the component (an Authenticode digest); nil when the digest in
    /// every bank is the hash of ``data`` (the data is then covered).
    public var fixedDigests: [DigestAlgorithm: [UInt8]]?
    /// What the event stands for, for progress and messages ("VIB net-demo-nic 1.4.2-1").
    public var label: String
    /// The image component this event stands for (the PE it loads, the record it measures); nil for
    /// firmware-phase, policy and authority events. A predicted baseline names the event by it.
    public var component: MeasuredComponent?

    public init(pcr: Int, type: EventType, data: [UInt8], fixedDigests: [DigestAlgorithm: [UInt8]]? = nil, label: String,
                component: MeasuredComponent? = nil) {
        self.pcr = pcr; self.type = type; self.data = data; self.fixedDigests = fixedDigests; self.label = label
        self.component = component
    }

    /// The digest to extend in each bank. Throws when a fixed digest is missing for a bank.
    public func digests(banks: [DigestAlgorithm]) throws -> [DigestAlgorithm: [UInt8]] {
        var out: [DigestAlgorithm: [UInt8]] = [:]
        for b in banks {
            if let fixedDigests {
                guard let d = fixedDigests[b], d.count == b.digestSize else {
                    throw ParseError("measured boot", "\(label): no \(b) digest to extend into PCR \(pcr)", code: .bootBankUnsupported)
                }
                out[b] = d
            } else {
                out[b] = b.hash(data)
            }
        }
        return out
    }
}
