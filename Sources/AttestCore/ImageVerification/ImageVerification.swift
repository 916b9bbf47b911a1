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
    /// What measured boot needs beyond the verdicts (not part of the JSON output): see
    /// ``MeasuredComponents``.
    public internal(set) var measurement = MeasurementInputs()

    /// Identities the verifier established while it walked the image, for measured boot.
    public struct MeasurementInputs: Sendable {
        public struct Module: Sendable {
            public var path: String
            /// Nil when the file was not read (missing, or larger than anything the profile binds).
            public var sha256: [UInt8]?
            public var vib: MeasuredComponent.VIBIdentity?
        }
        /// The anchor that verified the bootloader (nil unless its signature verified).
        public var bootloaderAuthority: X509Certificate?
        /// The vendor certificate that verified the kernel (nil unless the kernel's signature verified under it).
        public var kernelAuthority: X509Certificate?
        public var kernelPath = ""
        /// The SHA-256 of the bootloader and kernel bytes the verifier read (nil when not read): measured
        /// boot reads them again and refuses to measure other bytes (`boot.image-changed`).
        public var bootloaderSHA256: [UInt8]?
        public var kernelSHA256: [UInt8]?
        public var kernelOptions = ""
        public var modules: [Module] = []
        /// The largest file the profile binds: files above it were not read and are not measured by content.
        public var sizeLimit = 0
        public var profileName = ""
        public var profileVersion = ""
        public var hostAcceptance = ""
    }

    enum CodingKeys: String, CodingKey { case image, profile, components, report, notes }

    public var isValid: Bool { report.isValid }

    mutating func add(kind: String, name: String, _ r: VerificationReport) {
        components.append(Component(kind: kind, name: name, verdict: r.isValid ? .verified : .refused, failures: r.failures, passed: r.passed))
        report.merge(r)
    }
}
