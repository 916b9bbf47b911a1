/// The PCR files of tpm2-tools 5.x (`tpm2_quote -o`, `tpm2_pcrread -o`).
extension PCRValues {
    /// The `serialized` form (tpm2-tools' default for `tpm2_quote -o`): the C structures in
    /// little-endian host layout —
    /// TPML_PCR_SELECTION as `struct { UINT32 count; TPMS_PCR_SELECTION pcrSelections[16]; }` (132 bytes,
    /// each selection `UINT16 hash; UINT8 sizeofSelect; BYTE pcrSelect[4]; pad` = 8 bytes),
    /// then `UINT32 count` of TPML_DIGEST structures, each `UINT32 count; TPM2B_DIGEST digests[8]` with
    /// TPM2B_DIGEST `UINT16 size; BYTE buffer[64]` (532 bytes). Digests fill the lists in selection order.
    public init(tpm2ToolsSerialized bytes: [UInt8]) throws {
        let name = "tpm2-tools PCR file (serialized)"
        var r = ByteReader(bytes, structure: name)
        let countAt = r.position
        let bankCount = try r.u32le("pcrSelection.count")
        guard bankCount <= UInt32(TPMLimits.pcrBanks) else {
            throw ParseError(name, at: countAt, "pcrSelection.count \(bankCount) exceeds \(TPMLimits.pcrBanks)", code: .parseCount)
        }
        var selections: [TPMSPCRSelection] = []
        for i in 0..<TPMLimits.pcrBanks {
            let at = r.position
            let hashID = try r.u16le("pcrSelections[\(i)].hash")
            let size = Int(try r.u8("pcrSelections[\(i)].sizeofSelect"))
            let select = try r.bytes(4, "pcrSelections[\(i)].pcrSelect")
            try r.skip(1, "pcrSelections[\(i)] padding")
            guard i < Int(bankCount) else { continue }
            guard let hash = DigestAlgorithm(tpmAlgorithmID: hashID) else {
                throw ParseError(name, at: at, "pcrSelections[\(i)].hash 0x\(String(hashID, radix: 16)) is not a supported hash algorithm", code: .parseUnknownAlgorithm)
            }
            guard size <= TPMLimits.pcrSelectMax else {
                throw ParseError(name, at: at + 2, "sizeofSelect \(size) exceeds PCR_SELECT_MAX (4)", code: .parseLength)
            }
            selections.append(TPMSPCRSelection(hash: hash, pcrSelect: Array(select[0..<size])))
        }
        let selection = TPMLPCRSelection(selections)
        let listAt = r.position
        let listCount = try r.u32le("pcrs.count")
        // tpm2-tools' tpm2_pcrs holds at most TPM2_MAX_PCRS (32) lists.
        guard listCount <= 32 else {
            throw ParseError(name, at: listAt, "pcrs.count \(listCount) exceeds 32", code: .parseCount)
        }
        var digests: [[UInt8]] = []
        for l in 0..<Int(listCount) {
            let at = r.position
            let n = try r.u32le("pcrs[\(l)].count")
            guard n <= UInt32(TPMLimits.digestListMax) else {
                throw ParseError(name, at: at, "pcrs[\(l)].count \(n) exceeds 8", code: .parseCount)
            }
            for d in 0..<TPMLimits.digestListMax {
                let dAt = r.position
                let size = Int(try r.u16le("pcrs[\(l)].digests[\(d)].size"))
                let buffer = try r.bytes(TPMLimits.digest, "pcrs[\(l)].digests[\(d)].buffer")
                guard d < Int(n) else { continue }
                guard size <= TPMLimits.digest else {
                    throw ParseError(name, at: dAt, "digest size \(size) exceeds 64", code: .parseLength)
                }
                digests.append(Array(buffer[0..<size]))
            }
        }
        try r.expectEnd("the PCR digests")
        do {
            try self.init(selection: selection, digests: digests)
        } catch let e as ParseError {
            throw ParseError(name, e.problem, code: e.code)
        }
    }

    /// The `values` form (`-F values`): the digests concatenated in selection order, nothing else. The
    /// selection comes from elsewhere (the quote); the length must match it exactly.
    public init(tpm2ToolsValues bytes: [UInt8], selection: TPMLPCRSelection) throws {
        let expected = selection.selections.reduce(0) { $0 + $1.count * $1.hash.digestSize }
        guard bytes.count == expected else {
            throw ParseError("tpm2-tools PCR file (values)", "has \(bytes.count) bytes, the selection \(selection.description) needs \(expected)", code: .parseLength)
        }
        var digests: [[UInt8]] = []
        var offset = 0
        for bank in selection.selections {
            for _ in 0..<bank.count {
                digests.append(Array(bytes[offset..<(offset + bank.hash.digestSize)]))
                offset += bank.hash.digestSize
            }
        }
        try self.init(selection: selection, digests: digests)
    }

    /// Writes the `serialized` form, byte-compatible with tpm2-tools 5.4.
    public func tpm2ToolsSerialized() -> [UInt8] {
        var out: [UInt8] = []
        func le16(_ v: UInt16) { out.append(UInt8(v & 0xff)); out.append(UInt8(v >> 8)) }
        func le32(_ v: UInt32) { for s in stride(from: 0, to: 32, by: 8) { out.append(UInt8((v >> UInt32(s)) & 0xff)) } }
        le32(UInt32(selection.selections.count))
        for i in 0..<TPMLimits.pcrBanks {
            if i < selection.selections.count {
                let s = selection.selections[i]
                le16(s.hash.tpmAlgorithmID)
                out.append(UInt8(s.pcrSelect.count))
                out.append(contentsOf: s.pcrSelect + [UInt8](repeating: 0, count: 4 - s.pcrSelect.count))
                out.append(0)
            } else {
                out.append(contentsOf: [UInt8](repeating: 0, count: 8))
            }
        }
        let chunks = stride(from: 0, to: values.count, by: TPMLimits.digestListMax).map {
            Array(values[$0..<Swift.min($0 + TPMLimits.digestListMax, values.count)])
        }
        le32(UInt32(chunks.count))
        for chunk in chunks {
            le32(UInt32(chunk.count))
            for d in 0..<TPMLimits.digestListMax {
                let digest = d < chunk.count ? chunk[d].digest : []
                le16(UInt16(digest.count))
                out.append(contentsOf: digest + [UInt8](repeating: 0, count: TPMLimits.digest - digest.count))
            }
        }
        return out
    }

    /// Writes the `values` form.
    public func tpm2ToolsValues() -> [UInt8] { values.flatMap(\.digest) }

    /// Fuzz entry point: parses arbitrary bytes in both forms, never traps.
    public static func fuzz(_ data: [UInt8]) {
        if let p = try? PCRValues(tpm2ToolsSerialized: data) { _ = p.tpm2ToolsSerialized() }
        let sel = TPMLPCRSelection([TPMSPCRSelection(hash: .sha256, indices: [0, 1, 2, 3])])
        _ = try? PCRValues(tpm2ToolsValues: data, selection: sel)
    }
}
