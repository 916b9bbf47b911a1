/// The event data of one record decoded by event type, for display (TCG PC Client PFP r1.05,
/// 10.4 "Event Descriptions"). Decoding never throws: data that does not match its type's
/// structure becomes ``malformed(reason:data:)``.
///
/// This value says nothing about trust by itself: reach it through ``EventLog/Event/untrustedDecoded``
/// (display) or ``CoveredEventData/decoded`` (only when the digest covers the data).
public enum DecodedEventData: Sendable, Hashable {
    /// TCG_EfiSpecIDEvent (PFP 10.4.5.1).
    case specID(TCGEfiSpecIDEvent)
    /// TCG_EfiStartupLocalityEvent (PFP 10.4.5.3).
    case startupLocality(UInt8)
    /// TCG_HCRTMComponentEvent (PFP 10.4.5.4): a component the H-CRTM measured.
    case hcrtmComponent(description: String, measurementFormatType: UInt8, measurement: [UInt8])
    /// Another EV_NO_ACTION event (e.g. "SP800-155 Event"), by its signature.
    case noAction(signature: String, data: [UInt8])
    /// EV_EFI_ACTION, EV_ACTION, EV_IPL, EV_OMIT_BOOT_DEVICE_EVENTS, EV_EFI_HCRTM_EVENT,
    /// EV_POST_CODE and EV_S_CRTM_VERSION strings (8-bit or CHAR16).
    case text(String)
    /// EV_SEPARATOR: 0x00000000, or 0xFFFFFFFF for an error (PFP 10.4.4, EV_SEPARATOR).
    case separator(UInt32)
    /// UEFI_VARIABLE_DATA.
    case efiVariable(UEFIVariableData)
    /// UEFI_IMAGE_LOAD_EVENT (EV_EFI_BOOT_SERVICES_APPLICATION/DRIVER, EV_EFI_RUNTIME_SERVICES_DRIVER).
    case imageLoad(UEFIImageLoadEvent)
    /// UEFI_PLATFORM_FIRMWARE_BLOB (EV_EFI_PLATFORM_FIRMWARE_BLOB, EV_POST_CODE).
    case firmwareBlob(base: UInt64, length: UInt64)
    /// UEFI_PLATFORM_FIRMWARE_BLOB2.
    case firmwareBlob2(description: String, base: UInt64, length: UInt64)
    /// UEFI_HANDOFF_TABLE_POINTERS / UEFI_HANDOFF_TABLE_POINTERS2 (description empty for the first).
    case handoffTables(description: String, tables: [HandoffTable])
    /// UEFI_GPT_DATA (EV_EFI_GPT_EVENT).
    case gpt(diskGUID: String, partitions: [GPTPartition])
    /// TCG_PCClientTaggedEvent (EV_EVENT_TAG).
    case eventTag(id: UInt32, data: [UInt8])
    /// A GUID (EV_S_CRTM_VERSION as a version GUID).
    case guid(String)
    /// Data with no further structure (EV_COMPACT_HASH, EV_NONHOST_INFO, EV_TABLE_OF_DEVICES, unknown types).
    case bytes([UInt8])
    /// Data that does not match the structure its type calls for.
    case malformed(reason: String, data: [UInt8])

    /// UEFI_IMAGE_LOAD_EVENT (PFP r1.05, 10.2.3): where the image was loaded and its UEFI device
    /// path. Some firmware appends bytes after the device path; they are kept in `trailing`.
    public struct UEFIImageLoadEvent: Sendable, Hashable {
        public let locationInMemory: UInt64
        public let lengthInMemory: UInt64
        public let linkTimeAddress: UInt64
        public let devicePath: [UInt8]
        public let trailing: [UInt8]

        public init(locationInMemory: UInt64, lengthInMemory: UInt64, linkTimeAddress: UInt64, devicePath: [UInt8], trailing: [UInt8] = []) {
            self.locationInMemory = locationInMemory
            self.lengthInMemory = lengthInMemory
            self.linkTimeAddress = linkTimeAddress
            self.devicePath = devicePath
            self.trailing = trailing
        }

        /// `uintnBytes`: 8, or 4 when the log's Spec ID event says UINTN is 32-bit. ImageLocationInMemory
        /// is an EFI_PHYSICAL_ADDRESS (always 64-bit); ImageLengthInMemory, ImageLinkTimeAddress and
        /// LengthOfDevicePath are UINTN as firmware (EDK2's EFI_IMAGE_LOAD_EVENT) writes them.
        init(bytes data: ArraySlice<UInt8>, uintnBytes: Int = 8) throws {
            var r = ByteReader(Array(data), structure: "UEFI_IMAGE_LOAD_EVENT")
            func uintn(_ field: String) throws -> UInt64 { uintnBytes == 4 ? UInt64(try r.u32le(field)) : try r.u64le(field) }
            locationInMemory = try r.u64le("ImageLocationInMemory")
            lengthInMemory = try uintn("ImageLengthInMemory")
            linkTimeAddress = try uintn("ImageLinkTimeAddress")
            let dpl = try uintn("LengthOfDevicePath")
            devicePath = try r.bytes(count: dpl, "DevicePath")
            trailing = try r.bytes(r.remaining, "trailing")
        }
    }

    /// UEFI_CONFIGURATION_TABLE entry of a handoff-tables event.
    public struct HandoffTable: Sendable, Hashable {
        public let vendorGUID: String
        public let vendorTable: UInt64
    }

    /// EFI_PARTITION_ENTRY (UEFI 2.10, 5.3.3).
    public struct GPTPartition: Sendable, Hashable {
        public let typeGUID: String
        public let uniqueGUID: String
        public let startingLBA: UInt64
        public let endingLBA: UInt64
        public let name: String
    }

    /// A name/value pair for display and JSON.
    public struct Field: Sendable, Hashable, Codable {
        public let name: String
        public let value: String
    }

    /// Decodes `data` of an event of `type` in `pcr`.
    public init(type: EventType, pcr: Int, data: ArraySlice<UInt8>, uintnBytes: Int = 8) {
        do {
            self = try Self.decode(type: type, pcr: pcr, data: data, uintnBytes: uintnBytes)
        } catch let e as ParseError {
            self = .malformed(reason: e.problem, data: Array(data))
        } catch {
            self = .malformed(reason: "\(error)", data: Array(data))
        }
    }

    private static func decode(type: EventType, pcr: Int, data: ArraySlice<UInt8>, uintnBytes: Int) throws -> DecodedEventData {
        switch type {
        case .EV_NO_ACTION:
            if data.starts(with: TCGEfiSpecIDEvent.signature03) { return .specID(try TCGEfiSpecIDEvent(bytes: data)) }
            if data.starts(with: EventLog.Event.startupLocalitySignature) {
                guard data.count == 17 else { throw ParseError("TCG_EfiStartupLocalityEvent", "EventSize is \(data.count), expected 17") }
                return .startupLocality(data[data.startIndex + 16])
            }
            if data.starts(with: EventLog.Event.hcrtmComponentSignature) {
                var r = ByteReader(Array(data.dropFirst(16)), structure: "TCG_HCRTMComponentEvent", baseOffset: 16)
                let dlen = try r.u8("ComponentDescriptionSize")
                let desc = try r.bytes(Int(dlen), "ComponentDescription")
                let format = try r.u8("ComponentMeasurementFormatType")
                let mlen = try r.u16le("ComponentMeasurementSize")
                let m = try r.bytes(Int(mlen), "ComponentMeasurement")
                try r.expectEnd()
                return .hcrtmComponent(description: EventLogText.printable(desc[...]) ?? desc.hex, measurementFormatType: format, measurement: m)
            }
            let sig = data.prefix(16)
            return .noAction(signature: TCGEfiSpecIDEvent.printable(sig), data: Array(data))
        case .EV_SEPARATOR:
            guard data.count == 4 else { return .bytes(Array(data)) }
            var r = ByteReader(Array(data), structure: "EV_SEPARATOR")
            return .separator(try r.u32le("value"))
        case .EV_EFI_VARIABLE_DRIVER_CONFIG, .EV_EFI_VARIABLE_BOOT, .EV_EFI_VARIABLE_BOOT2, .EV_EFI_VARIABLE_AUTHORITY:
            return .efiVariable(try UEFIVariableData(bytes: data))
        case .EV_EFI_BOOT_SERVICES_APPLICATION, .EV_EFI_BOOT_SERVICES_DRIVER, .EV_EFI_RUNTIME_SERVICES_DRIVER:
            return .imageLoad(try UEFIImageLoadEvent(bytes: data, uintnBytes: uintnBytes))
        case .EV_EFI_PLATFORM_FIRMWARE_BLOB:
            return try blob(data)
        case .EV_POST_CODE:
            if data.count == 16, EventLogText.printable(data) == nil { return try blob(data) }
            return try text(data)
        case .EV_EFI_PLATFORM_FIRMWARE_BLOB2:
            var r = ByteReader(Array(data), structure: "UEFI_PLATFORM_FIRMWARE_BLOB2")
            let n = try r.u8("BlobDescriptionSize")
            let d = try r.bytes(Int(n), "BlobDescription")
            let base = try r.u64le("BlobBase")
            let len = try r.u64le("BlobLength")
            try r.expectEnd()
            return .firmwareBlob2(description: EventLogText.printable(d[...]) ?? d.hex, base: base, length: len)
        case .EV_EFI_HANDOFF_TABLES, .EV_EFI_HANDOFF_TABLES2:
            var r = ByteReader(Array(data), structure: type == .EV_EFI_HANDOFF_TABLES ? "UEFI_HANDOFF_TABLE_POINTERS" : "UEFI_HANDOFF_TABLE_POINTERS2")
            var description = ""
            if type == .EV_EFI_HANDOFF_TABLES2 {
                let n = try r.u8("TableDescriptionSize")
                let d = try r.bytes(Int(n), "TableDescription")
                description = EventLogText.printable(d[...]) ?? d.hex
            }
            let count = try r.u64le("NumberOfTables")
            guard count <= UInt64(r.remaining / 24) else {
                throw ParseError(r.structure, at: r.position - 8, "NumberOfTables \(count) runs past the end of the data", code: .parseLength)
            }
            var tables: [HandoffTable] = []
            for i in 0..<Int(count) {
                let g = EFIGUID.format(try r.bytes(16, "TableEntry[\(i)].VendorGuid"))
                tables.append(HandoffTable(vendorGUID: g, vendorTable: try r.u64le("TableEntry[\(i)].VendorTable")))
            }
            try r.expectEnd()
            return .handoffTables(description: description, tables: tables)
        case .EV_EFI_GPT_EVENT, .EV_EFI_GPT_EVENT2:
            return try gpt(data)
        case .EV_EVENT_TAG:
            var r = ByteReader(Array(data), structure: "TCG_PCClientTaggedEvent")
            let id = try r.u32le("taggedEventID")
            let n = try r.u32le("taggedEventDataSize")
            let d = try r.bytes(count: n, "taggedEventData")
            try r.expectEnd()
            return .eventTag(id: id, data: d)
        case .EV_S_CRTM_VERSION:
            if let t = EventLogText.printable(data) { return .text(t) }
            if data.count == 16 { return .guid(EFIGUID.format(data)) }
            return .bytes(Array(data))
        case .EV_EFI_ACTION, .EV_ACTION, .EV_IPL, .EV_OMIT_BOOT_DEVICE_EVENTS, .EV_EFI_HCRTM_EVENT:
            return try text(data)
        default:
            return .bytes(Array(data))
        }
    }

    private static func text(_ data: ArraySlice<UInt8>) throws -> DecodedEventData {
        if let t = EventLogText.printable(data) { return .text(t) }
        return .bytes(Array(data))
    }

    private static func blob(_ data: ArraySlice<UInt8>) throws -> DecodedEventData {
        var r = ByteReader(Array(data), structure: "UEFI_PLATFORM_FIRMWARE_BLOB")
        let base = try r.u64le("BlobBase")
        let len = try r.u64le("BlobLength")
        try r.expectEnd()
        return .firmwareBlob(base: base, length: len)
    }

    /// UEFI_GPT_DATA (PFP 10.4.4, EV_EFI_GPT_EVENT): EFI_PARTITION_TABLE_HEADER (92 bytes, UEFI 2.10,
    /// 5.3.2), NumberOfPartitions (UINT64), then the partition entries of SizeOfPartitionEntry bytes.
    private static func gpt(_ data: ArraySlice<UInt8>) throws -> DecodedEventData {
        var r = ByteReader(Array(data), structure: "UEFI_GPT_DATA")
        let sig = try r.bytes(8, "Signature")
        guard sig == Array("EFI PART".utf8) else {
            throw ParseError("UEFI_GPT_DATA", at: 0, "Signature is not \"EFI PART\"", code: .parseBadMagic)
        }
        try r.skip(48, "Revision…LastUsableLBA")
        let disk = EFIGUID.format(try r.bytes(16, "DiskGUID"))
        try r.skip(12, "PartitionEntryLBA, NumberOfPartitionEntries")
        let entrySize = try r.u32le("SizeOfPartitionEntry")
        try r.skip(4, "PartitionEntryArrayCRC32")
        let count = try r.u64le("NumberOfPartitions")
        guard entrySize >= 128, count <= UInt64(r.remaining) / UInt64(entrySize) else {
            throw ParseError("UEFI_GPT_DATA", at: r.position - 8, "NumberOfPartitions \(count) × SizeOfPartitionEntry \(entrySize) does not fit the data", code: .parseLength)
        }
        var parts: [GPTPartition] = []
        for i in 0..<Int(count) {
            let entry = try r.bytes(Int(entrySize), "Partitions[\(i)]")
            var e = ByteReader(entry, structure: "EFI_PARTITION_ENTRY")
            let type = EFIGUID.format(try e.bytes(16, "PartitionTypeGUID"))
            let unique = EFIGUID.format(try e.bytes(16, "UniquePartitionGUID"))
            let start = try e.u64le("StartingLBA")
            let end = try e.u64le("EndingLBA")
            try e.skip(8, "Attributes")
            let name = EventLogText.decode(try e.bytes(72, "PartitionName")[...])
            parts.append(GPTPartition(typeGUID: type, uniqueGUID: unique, startingLBA: start, endingLBA: end, name: name))
        }
        try r.expectEnd()
        return .gpt(diskGUID: disk, partitions: parts)
    }
}

extension DecodedEventData {
    /// A short name of the decoded form (`efiVariable`, `text`, …).
    public var kind: String {
        switch self {
        case .specID: return "specID"
        case .startupLocality: return "startupLocality"
        case .hcrtmComponent: return "hcrtmComponent"
        case .noAction: return "noAction"
        case .text: return "text"
        case .separator: return "separator"
        case .efiVariable: return "efiVariable"
        case .imageLoad: return "imageLoad"
        case .firmwareBlob: return "firmwareBlob"
        case .firmwareBlob2: return "firmwareBlob2"
        case .handoffTables: return "handoffTables"
        case .gpt: return "gpt"
        case .eventTag: return "eventTag"
        case .guid: return "guid"
        case .bytes: return "bytes"
        case .malformed: return "malformed"
        }
    }

    /// Ordered name/value pairs (full values: hex for binary data).
    public var fields: [Field] {
        func f(_ n: String, _ v: String) -> Field { Field(name: n, value: v) }
        func x(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }
        switch self {
        case .specID(let s):
            return [f("platformClass", "\(s.platformClass)"),
                    f("specVersion", "\(s.specVersionMajor).\(s.specVersionMinor) errata \(s.specErrata)"),
                    f("uintnSize", "\(s.uintnSize)"),
                    f("algorithms", s.algorithms.map { "\(EventLog.algorithmName($0.algorithmID))/\($0.digestSize)" }.joined(separator: ",")),
                    f("vendorInfo", s.vendorInfo.hex)]
        case .startupLocality(let l): return [f("StartupLocality", "\(l)")]
        case .hcrtmComponent(let d, let t, let m):
            return [f("ComponentDescription", d), f("ComponentMeasurementFormatType", "\(t)"), f("ComponentMeasurement", m.hex)]
        case .noAction(let s, let d): return [f("Signature", s), f("data", d.hex)]
        case .text(let t): return [f("String", t)]
        case .separator(let v): return [f("value", "0x" + String(v, radix: 16))]
        case .efiVariable(let v):
            return [f("VariableName", v.vendorGUID), f("UnicodeName", v.name), f("VariableDataLength", "\(v.variableData.count)"),
                    f("VariableData", v.variableData.hex)] + (v.trailing.isEmpty ? [] : [f("trailing", v.trailing.hex)])
        case .imageLoad(let i):
            return [f("ImageLocationInMemory", x(i.locationInMemory)), f("ImageLengthInMemory", "\(i.lengthInMemory)"),
                    f("ImageLinkTimeAddress", x(i.linkTimeAddress)), f("LengthOfDevicePath", "\(i.devicePath.count)"),
                    f("DevicePath", i.devicePath.hex)] + (i.trailing.isEmpty ? [] : [f("trailing", i.trailing.hex)])
        case .firmwareBlob(let b, let l): return [f("BlobBase", x(b)), f("BlobLength", x(l))]
        case .firmwareBlob2(let d, let b, let l): return [f("BlobDescription", d), f("BlobBase", x(b)), f("BlobLength", x(l))]
        case .handoffTables(let d, let t):
            return (d.isEmpty ? [] : [f("TableDescription", d)]) + [f("NumberOfTables", "\(t.count)")]
                + t.enumerated().map { f("TableEntry[\($0.offset)]", "\($0.element.vendorGUID)@\(x($0.element.vendorTable))") }
        case .gpt(let disk, let parts):
            return [f("DiskGUID", disk), f("NumberOfPartitions", "\(parts.count)")]
                + parts.enumerated().map { f("Partition[\($0.offset)]", "\($0.element.name) \($0.element.uniqueGUID) LBA \($0.element.startingLBA)–\($0.element.endingLBA)") }
        case .eventTag(let id, let d): return [f("taggedEventID", x(UInt64(id))), f("taggedEventData", d.hex)]
        case .guid(let g): return [f("GUID", g)]
        case .bytes(let d): return [f("data", d.hex)]
        case .malformed(let reason, let d): return [f("malformed", reason), f("data", d.hex)]
        }
    }

    /// One line for text output; long values are cut at `limit` characters.
    public func summary(limit: Int = 96) -> String {
        fields.map { field in
            let v = field.value.count > limit ? String(field.value.prefix(limit)) + "…" : field.value
            return "\(field.name)=\(v)"
        }.joined(separator: " ")
    }
}
