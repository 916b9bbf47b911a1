internal import CTSS2
import AttestCore

extension TSSDevice {
    /// TPM2_GetCapability(TPM_CAP_TPM_PROPERTIES, TPM_PT_FIXED…): property → value.
    func fixedProperties(_ ctx: OpaquePointer) throws -> [UInt32: UInt32] {
        var more: TPMI_YES_NO = 0
        var data: UnsafeMutablePointer<TPMS_CAPABILITY_DATA>?
        try call.check(Esys_GetCapability(ctx, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, 6 /* TPM2_CAP_TPM_PROPERTIES */,
                                          0x100 /* TPM2_PT_FIXED */, 64, &more, &data), "Esys_GetCapability")
        defer { Esys_Free(data) }
        guard let data else { return [:] }
        let bytes = try call.marshal(data, "Tss2_MU_TPMS_CAPABILITY_DATA_Marshal", Tss2_MU_TPMS_CAPABILITY_DATA_Marshal)
        var r = ByteReader(bytes, structure: "TPMS_CAPABILITY_DATA")
        _ = try r.u32be("capability")
        let count = try r.u32be("count")
        guard count <= 256 else { return [:] }
        var out: [UInt32: UInt32] = [:]
        for _ in 0..<count { out[try r.u32be("property")] = try r.u32be("value") }
        return out
    }

    /// The banks with at least one PCR allocated, asked once per connection (an allocation change
    /// takes effect only at the next TPM reset).
    func activeBanks(_ ctx: OpaquePointer) throws -> [DigestAlgorithm] {
        if let cachedBanks { return cachedBanks }
        let banks = try readActiveBanks(ctx)
        cachedBanks = banks
        return banks
    }

    /// TPM2_GetCapability(TPM_CAP_PCRS).
    private func readActiveBanks(_ ctx: OpaquePointer) throws -> [DigestAlgorithm] {
        var more: TPMI_YES_NO = 0
        var data: UnsafeMutablePointer<TPMS_CAPABILITY_DATA>?
        try call.check(Esys_GetCapability(ctx, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, 5 /* TPM2_CAP_PCRS */, 0, 1, &more, &data), "Esys_GetCapability")
        defer { Esys_Free(data) }
        guard let data else { return [] }
        let bytes = try call.marshal(data, "Tss2_MU_TPMS_CAPABILITY_DATA_Marshal", Tss2_MU_TPMS_CAPABILITY_DATA_Marshal)
        guard bytes.count >= 4 else { return [] }
        var banks: [DigestAlgorithm] = []
        // Banks hostattest does not know (SM3) are left out rather than refused.
        var r = ByteReader(Array(bytes[4...]), structure: "TPML_PCR_SELECTION")
        let count = try r.u32be("count")
        guard count <= 16 else { return [] }
        for _ in 0..<count {
            let alg = try r.u16be("hash")
            let size = Int(try r.u8("sizeofSelect"))
            let select = try r.bytes(size, "pcrSelect")
            if let a = DigestAlgorithm(tpmAlgorithmID: alg), select.contains(where: { $0 != 0 }) { banks.append(a) }
        }
        return banks
    }

    /// TPM2_ReadClock: TPMS_TIME_INFO's clockInfo.
    func readClock(_ ctx: OpaquePointer) throws -> TPMSClockInfo {
        var info: UnsafeMutablePointer<TPMS_TIME_INFO>?
        try call.check(Esys_ReadClock(ctx, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &info), "Esys_ReadClock")
        defer { Esys_Free(info) }
        guard let info else { throw TPMError(TPMError.commandFailed, "TPM \(tcti): Esys_ReadClock returned nothing") }
        let bytes = try call.marshal(info, "Tss2_MU_TPMS_TIME_INFO_Marshal", Tss2_MU_TPMS_TIME_INFO_Marshal)
        var r = ByteReader(bytes, structure: "TPMS_TIME_INFO")
        _ = try r.u64be("time")
        let clock = try r.u64be("clock")
        let resets = try r.u32be("resetCount")
        let restarts = try r.u32be("restartCount")
        let safe = try r.u8("safe")
        return TPMSClockInfo(clock: clock, resetCount: resets, restartCount: restarts, safe: safe == 1)
    }
}
