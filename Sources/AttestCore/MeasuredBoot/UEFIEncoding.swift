/// Writers for the UEFI structures measured boot puts in event data.
enum UEFIEncoding {
    /// EFI_GLOBAL_VARIABLE (UEFI 2.10, 3.3): SecureBoot, PK, KEK.
    static let globalVariable = EFIGUID("8be4df61-93ca-11d2-aa0d-00e098032b8c")!
    /// EFI_IMAGE_SECURITY_DATABASE_GUID (UEFI 2.10, 32.6.1): db, dbx.
    static let imageSecurityDatabase = EFIGUID("d719b2cb-3d3a-4596-a3bc-dad00e67656f")!
    /// shim's SHIM_LOCK_GUID, under which shim measures the vendor certificate that verified an image ("Shim").
    static let shimLock = EFIGUID("605dab50-e046-4300-abb6-3dd810dd8b23")!
    /// hostattest's own vendor GUID (random, fixed): owner of signature entries and of HostattestPolicy.
    static let hostattest = EFIGUID("5c0b1e2a-6d3f-4e8a-9b71-0a4c2f6d8e13")!

    /// UEFI_VARIABLE_DATA (PFP r1.05, 10.2.6).
    static func variableData(guid: EFIGUID, name: String, data: [UInt8]) -> [UInt8] {
        let name16 = Array(name.utf16)
        var out = guid.bytes
        out.tcgAppendLE(UInt64(name16.count))
        out.tcgAppendLE(UInt64(data.count))
        for u in name16 { out.tcgAppendLE(u) }
        return out + data
    }

    /// One EFI_SIGNATURE_LIST (UEFI 2.10, 32.4.1) of same-size entries, each an EFI_SIGNATURE_DATA
    /// (owner GUID ‖ data). Returns nothing for no entries. Entries of different sizes (X.509) get a
    /// list each, as firmware writes them.
    static func signatureLists(type: EFIGUID, entries: [[UInt8]], owner: EFIGUID = hostattest) -> [UInt8] {
        var out: [UInt8] = []
        var groups: [(Int, [[UInt8]])] = []
        for e in entries {
            if type == .certX509 || groups.last?.0 != e.count { groups.append((e.count, [e])) } else { groups[groups.count - 1].1.append(e) }
        }
        for (size, group) in groups {
            let entrySize = 16 + size
            out += type.bytes
            out.tcgAppendLE(UInt32(28 + entrySize * group.count))  // SignatureListSize
            out.tcgAppendLE(UInt32(0))                            // SignatureHeaderSize
            out.tcgAppendLE(UInt32(entrySize))                    // SignatureSize
            for e in group { out += owner.bytes + e }
        }
        return out
    }

    /// EFI_SIGNATURE_DATA of one certificate, as firmware measures an authority (PFP 10.4.4).
    static func signatureData(certificate der: [UInt8], owner: EFIGUID = hostattest) -> [UInt8] {
        owner.bytes + der
    }

    /// UEFI_IMAGE_LOAD_EVENT (PFP r1.05, 10.2.3) with a media file-path device path (UEFI 2.10,
    /// 10.3.5.4) naming `path` with backslashes, then an end-of-path node.
    static func imageLoadEvent(path: String, imageBase: UInt64, imageSize: UInt64) -> [UInt8] {
        var node: [UInt8] = [0x04, 0x04]
        let text = Array(("\\" + path.replacingOccurrences(of: "/", with: "\\")).utf16) + [0]
        node.tcgAppendLE(UInt16(4 + 2 * text.count))
        for u in text { node.tcgAppendLE(u) }
        let devicePath = node + [0x7F, 0xFF, 0x04, 0x00]
        var out: [UInt8] = []
        out.tcgAppendLE(UInt64(0))                      // ImageLocationInMemory: not known outside firmware
        out.tcgAppendLE(imageSize)                      // ImageLengthInMemory
        out.tcgAppendLE(imageBase)                      // ImageLinkTimeAddress
        out.tcgAppendLE(UInt64(devicePath.count))       // LengthOfDevicePath
        return out + devicePath
    }

    /// A NUL-terminated UCS-2 string (EV_S_CRTM_VERSION).
    static func ucs2(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        for u in text.utf16 { out.tcgAppendLE(u) }
        return out + [0, 0]
    }
}

import Foundation
