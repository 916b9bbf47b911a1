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

    /// "VIB net-demo-nic 1.2.0-1", "event EV_SEPARATOR".
    public var label: String {
        let k = kind == "vib" ? "VIB" : kind
        return [k, name, version].compactMap { $0 }.joined(separator: " ")
    }
}
