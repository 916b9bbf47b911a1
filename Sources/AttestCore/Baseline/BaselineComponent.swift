/// What an expected event stands for: kind, name, version, vendor and the component's own digest.
public struct BaselineComponent: Sendable, Hashable, Codable {
    public var kind: String
    public var name: String
    public var version: String?
    public var vendor: String?
    public var digest: String?

    public init(kind: String, name: String, version: String? = nil, vendor: String? = nil, digest: String? = nil) {
        self.kind = kind; self.name = name; self.version = version; self.vendor = vendor; self.digest = digest
    }

    public init(_ c: ComponentEventData) {
        self.init(kind: c.kind, name: c.name, version: c.version, vendor: c.vendor, digest: c.digest)
    }

    /// A measured-boot record: a VIB by its descriptor's name, version, vendor and descriptor SHA-256;
    /// another file by its path and SHA-256; kernel options by their kind.
    public init(_ r: MeasurementRecord) {
        self.init(kind: r.kind, name: r.name ?? r.file ?? "options", version: r.version, vendor: r.vendor,
                  digest: r.descriptorSHA256 ?? r.sha256)
    }

    /// A component of a planned boot whose event data is not covered (a PE loaded by its Authenticode
    /// digest): named by its path, with its digest in `bank` (else its file SHA-256).
    public init(_ m: MeasuredComponent, bank: DigestAlgorithm) {
        if let vib = m.vib {
            self.init(kind: m.kind.rawValue, name: vib.name, version: vib.version, vendor: vib.vendor, digest: vib.descriptorSHA256.hex)
        } else {
            self.init(kind: m.kind.rawValue, name: m.path, digest: (m.authenticode[bank] ?? m.sha256)?.hex)
        }
    }

    /// "VIB net-demo-nic 1.2.0-1", "event EV_SEPARATOR".
    public var label: String {
        let k = kind == "vib" ? "VIB" : kind
        return [k, name, version].compactMap { $0 }.joined(separator: " ")
    }
}
