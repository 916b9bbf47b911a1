/// The outcome of appraising a host's verified evidence against its group's active baselines.
public struct Appraisal: Sendable {
    /// One baseline's comparison.
    public struct BaselineResult: Sendable {
        public let baseline: VerifiedBaseline
        public let report: VerificationReport
        public var matches: Bool { report.isValid }
    }

    /// Every active baseline's comparison, in the order given.
    public let results: [BaselineResult]
    /// Findings that do not belong to one baseline (`appraisal.no-baseline`).
    public let general: [Finding]

    /// The first baseline that matches, if any: the host is admitted under it.
    public var matched: VerifiedBaseline? { general.isEmpty ? results.first(where: \.matches)?.baseline : nil }
    public var isAdmitted: Bool { matched != nil }

    /// Every reason, for a rejection: the general findings, then each baseline's.
    public var failures: [Finding] { general + results.flatMap(\.report.failures) }
}
