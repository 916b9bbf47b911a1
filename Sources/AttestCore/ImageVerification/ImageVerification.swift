/// The outcome of ``ImageVerifier``: a verdict and reasons for every component, in boot order,
/// and the combined report (every failure of every component).
public struct ImageVerification: Sendable, Codable {
    public struct Component: Sendable, Codable, Hashable {
        /// `profile`, `bootloader`, `boot-config`, `kernel`, `vib`, `module` (a non-VIB module), `image`.
        public var kind: String
        /// File (relative to the image), or `VIB-name (file)` for a VIB.
        public var name: String
        public var verdict: Verdict
        /// Every failed check (empty when verified).
        public var failures: [Finding]
        /// Checks that passed, as short sentences.
        public var passed: [String]
    }

    public enum Verdict: String, Sendable, Codable { case verified, refused }

    public var image: String
    public var profile: String
    public var components: [Component]
    public var report: VerificationReport
    /// Noteworthy things that do not fail the image: `image.file-unreferenced` for each file in the
    /// image directory that nothing loads (so nothing verified it).
    public var notes: [Finding] = []

    public var isValid: Bool { report.isValid }

    mutating func add(kind: String, name: String, _ r: VerificationReport) {
        components.append(Component(kind: kind, name: name, verdict: r.isValid ? .verified : .refused, failures: r.failures, passed: r.passed))
        report.merge(r)
    }
}
