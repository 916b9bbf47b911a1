import Foundation

/// The self-describing event data of an event hostattest itself measures (the measured-boot
/// pipeline: PCR 4 bootloader/kernel, PCR 7 authorities, PCR 8/12 boot.cfg and kernel options,
/// PCR 13 each VIB). This is the one place its format is defined:
///
/// ```
/// "hostattest-component/1" 0x00  ‖  UTF-8 JSON {"kind":…, "name":…, "version":…, "vendor":…, "digest":…}
/// ```
/// `kind` is `bootloader`, `kernel`, `boot-config`, `kernel-options`, `authority` or `vib` (others are
/// allowed); `digest` is the lower-case hex digest of what the component is (an Authenticode
/// digest, the VIB's descriptor SHA-256, …). The event's digest is H(event data) in every bank
/// (``EventLogWriter/measure(pcr:type:data:)``), so the description is covered by the PCR: the
/// appraiser reads it only through ``EventLog/Event/verifiedData`` and can name
/// "VIB net-demo-nic 1.2.0-1" from covered bytes alone. Event data that does not start with the
/// marker, or whose JSON does not parse, is not a component description.
public struct ComponentEventData: Sendable, Hashable, Codable {
    public static let marker: [UInt8] = Array("hostattest-component/1".utf8) + [0]
    /// Event data larger than this is not read as a component description.
    public static let maxSize = 4096

    public var kind: String
    public var name: String
    public var version: String?
    public var vendor: String?
    public var digest: String?

    public init(kind: String, name: String, version: String? = nil, vendor: String? = nil, digest: String? = nil) {
        self.kind = kind; self.name = name; self.version = version; self.vendor = vendor; self.digest = digest
    }

    /// The event data to measure: marker ‖ canonical JSON.
    public func encoded() -> [UInt8] {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Self.marker + Array((try? e.encode(self)) ?? Data())
    }

    /// Reads covered event data; nil when it is not a component description.
    public init?(covered data: CoveredEventData) {
        guard data.scope == .eventData else { return nil }
        self.init(bytes: data.bytes)
    }

    init?(bytes: ArraySlice<UInt8>) {
        guard bytes.count <= Self.maxSize, bytes.starts(with: Self.marker) else { return nil }
        guard let d = try? JSONDecoder().decode(ComponentEventData.self, from: Data(bytes.dropFirst(Self.marker.count))) else { return nil }
        self = d
    }

    /// "VIB net-demo-nic 1.2.0-1", "kernel kernel.efi".
    public var label: String {
        let k = kind == "vib" ? "VIB" : kind
        return [k, name, version].compactMap { $0 }.joined(separator: " ")
    }
}
