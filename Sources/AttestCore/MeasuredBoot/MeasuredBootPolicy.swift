import Foundation

/// The Secure Boot policy a boot runs under, measured into PCR 7 before anything is loaded.
public struct MeasuredBootPolicy: Sendable {
    public enum Mode: String, Sendable, Hashable, Codable {
        /// A component that fails verification stops the boot; nothing after it is measured.
        case enforce
        /// Failures are measured (their records say `refused: …`) and the boot goes on, so that
        /// attestation catches them. Measured as SecureBoot = 0.
        case measureOnly = "measure-only"
    }

    /// The signed profile the image was verified against.
    public struct Profile: Sendable, Hashable {
        public var name: String
        public var version: String
        public var sha256: [UInt8]
        public var hostAcceptance: String
        public var failures: [Finding]
        public init(name: String, version: String, sha256: [UInt8], hostAcceptance: String, failures: [Finding] = []) {
            self.name = name; self.version = version; self.sha256 = sha256
            self.hostAcceptance = hostAcceptance; self.failures = failures
        }
    }

    public var mode: Mode
    public var trust: TrustAnchors
    public var dbx: DenyList
    public var profile: Profile

    public init(mode: Mode, trust: TrustAnchors, dbx: DenyList, profile: Profile) {
        self.mode = mode; self.trust = trust; self.dbx = dbx; self.profile = profile
    }

    /// The data of the HostattestPolicy variable: which CAs verify kernels, VIBs and profiles, and
    /// which profile decided the host's acceptance level. Compact JSON with sorted keys.
    var policyRecord: [UInt8] {
        struct Record: Encodable {
            var format = "hostattest-policy/1"
            var bootVendor: [String]
            var vib: [String: [String]]
            var profile: [String: String]
        }
        var vib: [String: [String]] = ["root": trust.vibRoot.map { $0.sha256Fingerprint.hex }]
        for (level, certs) in trust.vibLevels { vib[level.rawValue] = certs.map { $0.sha256Fingerprint.hex } }
        let r = Record(bootVendor: trust.bootVendor.map { $0.sha256Fingerprint.hex }, vib: vib,
                       profile: ["name": profile.name, "version": profile.version, "sha256": profile.sha256.hex,
                                 "hostAcceptance": profile.hostAcceptance, "verdict": MeasurementRecord.verdict(profile.failures)])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(r)) ?? Data())
    }
}
