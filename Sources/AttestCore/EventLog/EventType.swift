/// An event type of the TCG PC Client event log (TCG PC Client PFP r1.05, 10.4.1 "Event Types",
/// table 9). Unknown values are kept as they are and shown in hex.
public struct EventType: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }

    public static let EV_PREBOOT_CERT = EventType(0x0000_0000)
    public static let EV_POST_CODE = EventType(0x0000_0001)
    public static let EV_UNUSED = EventType(0x0000_0002)
    /// Not extended into any PCR (PFP 10.4.5 "EV_NO_ACTION Event Types").
    public static let EV_NO_ACTION = EventType(0x0000_0003)
    public static let EV_SEPARATOR = EventType(0x0000_0004)
    public static let EV_ACTION = EventType(0x0000_0005)
    public static let EV_EVENT_TAG = EventType(0x0000_0006)
    public static let EV_S_CRTM_CONTENTS = EventType(0x0000_0007)
    public static let EV_S_CRTM_VERSION = EventType(0x0000_0008)
    public static let EV_CPU_MICROCODE = EventType(0x0000_0009)
    public static let EV_PLATFORM_CONFIG_FLAGS = EventType(0x0000_000A)
    public static let EV_TABLE_OF_DEVICES = EventType(0x0000_000B)
    public static let EV_COMPACT_HASH = EventType(0x0000_000C)
    public static let EV_IPL = EventType(0x0000_000D)
    public static let EV_IPL_PARTITION_DATA = EventType(0x0000_000E)
    public static let EV_NONHOST_CODE = EventType(0x0000_000F)
    public static let EV_NONHOST_CONFIG = EventType(0x0000_0010)
    public static let EV_NONHOST_INFO = EventType(0x0000_0011)
    public static let EV_OMIT_BOOT_DEVICE_EVENTS = EventType(0x0000_0012)
    public static let EV_POST_CODE2 = EventType(0x0000_0013)
    public static let EV_EFI_EVENT_BASE = EventType(0x8000_0000)
    public static let EV_EFI_VARIABLE_DRIVER_CONFIG = EventType(0x8000_0001)
    public static let EV_EFI_VARIABLE_BOOT = EventType(0x8000_0002)
    public static let EV_EFI_BOOT_SERVICES_APPLICATION = EventType(0x8000_0003)
    public static let EV_EFI_BOOT_SERVICES_DRIVER = EventType(0x8000_0004)
    public static let EV_EFI_RUNTIME_SERVICES_DRIVER = EventType(0x8000_0005)
    public static let EV_EFI_GPT_EVENT = EventType(0x8000_0006)
    public static let EV_EFI_ACTION = EventType(0x8000_0007)
    public static let EV_EFI_PLATFORM_FIRMWARE_BLOB = EventType(0x8000_0008)
    public static let EV_EFI_HANDOFF_TABLES = EventType(0x8000_0009)
    public static let EV_EFI_PLATFORM_FIRMWARE_BLOB2 = EventType(0x8000_000A)
    public static let EV_EFI_HANDOFF_TABLES2 = EventType(0x8000_000B)
    public static let EV_EFI_VARIABLE_BOOT2 = EventType(0x8000_000C)
    public static let EV_EFI_GPT_EVENT2 = EventType(0x8000_000D)
    public static let EV_EFI_HCRTM_EVENT = EventType(0x8000_0010)
    public static let EV_EFI_VARIABLE_AUTHORITY = EventType(0x8000_00E0)
    public static let EV_EFI_SPDM_FIRMWARE_BLOB = EventType(0x8000_00E1)
    public static let EV_EFI_SPDM_FIRMWARE_CONFIG = EventType(0x8000_00E2)

    private static let names: [UInt32: String] = [
        0x0000_0000: "EV_PREBOOT_CERT", 0x0000_0001: "EV_POST_CODE", 0x0000_0002: "EV_UNUSED",
        0x0000_0003: "EV_NO_ACTION", 0x0000_0004: "EV_SEPARATOR", 0x0000_0005: "EV_ACTION",
        0x0000_0006: "EV_EVENT_TAG", 0x0000_0007: "EV_S_CRTM_CONTENTS", 0x0000_0008: "EV_S_CRTM_VERSION",
        0x0000_0009: "EV_CPU_MICROCODE", 0x0000_000A: "EV_PLATFORM_CONFIG_FLAGS",
        0x0000_000B: "EV_TABLE_OF_DEVICES", 0x0000_000C: "EV_COMPACT_HASH", 0x0000_000D: "EV_IPL",
        0x0000_000E: "EV_IPL_PARTITION_DATA", 0x0000_000F: "EV_NONHOST_CODE", 0x0000_0010: "EV_NONHOST_CONFIG",
        0x0000_0011: "EV_NONHOST_INFO", 0x0000_0012: "EV_OMIT_BOOT_DEVICE_EVENTS", 0x0000_0013: "EV_POST_CODE2",
        0x8000_0000: "EV_EFI_EVENT_BASE", 0x8000_0001: "EV_EFI_VARIABLE_DRIVER_CONFIG",
        0x8000_0002: "EV_EFI_VARIABLE_BOOT", 0x8000_0003: "EV_EFI_BOOT_SERVICES_APPLICATION",
        0x8000_0004: "EV_EFI_BOOT_SERVICES_DRIVER", 0x8000_0005: "EV_EFI_RUNTIME_SERVICES_DRIVER",
        0x8000_0006: "EV_EFI_GPT_EVENT", 0x8000_0007: "EV_EFI_ACTION", 0x8000_0008: "EV_EFI_PLATFORM_FIRMWARE_BLOB",
        0x8000_0009: "EV_EFI_HANDOFF_TABLES", 0x8000_000A: "EV_EFI_PLATFORM_FIRMWARE_BLOB2",
        0x8000_000B: "EV_EFI_HANDOFF_TABLES2", 0x8000_000C: "EV_EFI_VARIABLE_BOOT2",
        0x8000_000D: "EV_EFI_GPT_EVENT2", 0x8000_0010: "EV_EFI_HCRTM_EVENT",
        0x8000_00E0: "EV_EFI_VARIABLE_AUTHORITY", 0x8000_00E1: "EV_EFI_SPDM_FIRMWARE_BLOB",
        0x8000_00E2: "EV_EFI_SPDM_FIRMWARE_CONFIG",
    ]

    /// The spec name (`EV_SEPARATOR`), or `EV_UNKNOWN_0x…` for a value not in the table.
    public var name: String {
        Self.names[rawValue] ?? "EV_UNKNOWN_0x" + String(rawValue, radix: 16)
    }

    /// Looks a type up by its spec name (`EV_IPL`) or a hex value (`0x8000000d`).
    public init?(name: String) {
        if let (value, _) = Self.names.first(where: { $0.value == name }) {
            self.init(value)
        } else if name.hasPrefix("0x"), let v = UInt32(name.dropFirst(2), radix: 16) {
            self.init(v)
        } else {
            return nil
        }
    }

    public var description: String { name }
}
