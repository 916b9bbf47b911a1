import Foundation

/// The data of the EV_IPL events `hostattest boot` writes into PCRs 8, 12 and 13, and of the
/// HostattestPolicy variable in PCR 7: compact JSON with sorted keys, whose digests in every bank are
/// the hash of exactly these bytes, so the record is covered and can be used by a verifier
/// (``EventLog/Event/verifiedData``) to name the component an event stands for.
///
/// ```json
/// {"descriptorSHA256":"98b2…","file":"vibs/net-demo-nic.vib","format":"hostattest-measurement/1","kind":"vib",
///  "level":"accepted","name":"net-demo-nic","sha256":"5c1d…","vendor":"Example Networks","verdict":"verified","version":"1.4.2-1"}
/// ```
public struct MeasurementRecord: Sendable, Hashable, Codable {
    public static let formatIdentifier = "hostattest-measurement/1"
    /// Records are small; anything larger is not one of ours.
    public static let maxSize = 16 * 1024

    public var format: String
    public var kind: String
    /// The file the record is about, relative to the image directory.
    public var file: String?
    public var sha256: String?
    public var name: String?
    public var version: String?
    public var vendor: String?
    public var level: String?
    public var descriptorSHA256: String?
    /// Kernel options (kind `kernel-options`).
    public var value: String?
    /// `verified`, or `refused: code, code` (measure-only boots measure failures too).
    public var verdict: String

    public init(kind: String, file: String? = nil, sha256: [UInt8]? = nil, vib: MeasuredComponent.VIBIdentity? = nil,
                value: String? = nil, failures: [Finding] = []) {
        format = Self.formatIdentifier
        self.kind = kind
        self.file = file
        self.sha256 = sha256?.hex
        name = vib?.name; version = vib?.version; vendor = vib?.vendor; level = vib?.acceptanceLevel
        descriptorSHA256 = vib?.descriptorSHA256.hex
        self.value = value
        verdict = Self.verdict(failures)
    }

    public init(_ component: MeasuredComponent) {
        self.init(kind: component.kind.rawValue, file: component.kind == .kernelOptions ? nil : component.path,
                  sha256: component.sha256, vib: component.vib, value: component.value, failures: component.failures)
    }

    static func verdict(_ failures: [Finding]) -> String {
        if failures.isEmpty { return "verified" }
        var codes: [String] = []
        for f in failures where !codes.contains(f.code.rawValue) { codes.append(f.code.rawValue) }
        return "refused: " + codes.joined(separator: ", ")
    }

    /// The exact bytes measured.
    public var bytes: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a struct of strings cannot fail.
        return Array((try? encoder.encode(self)) ?? Data())
    }

    /// Reads a record from an event's covered data; nil when the data is not a hostattest record.
    public init?(coveredData data: some Collection<UInt8>) {
        guard data.count <= Self.maxSize, data.first == UInt8(ascii: "{"),
              let r = try? JSONDecoder().decode(MeasurementRecord.self, from: Data(data)),
              r.format == Self.formatIdentifier else { return nil }
        self = r
    }

    /// "VIB net-demo-nic 1.4.2-1 (vibs/net-demo-nic.vib)", "boot-config boot.cfg", "kernel options".
    public var displayName: String {
        if kind == "vib" { return "VIB \(name ?? "?") \(version ?? "?") (\(file ?? "?"))" }
        if kind == "kernel-options" { return "kernel options" }
        return "\(kind) \(file ?? "?")"
    }
}
