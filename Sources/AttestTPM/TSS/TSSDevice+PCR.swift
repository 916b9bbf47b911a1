internal import CTSS2
import AttestCore

extension TSSDevice {
    public func pcrRead(banks: [DigestAlgorithm]?) throws -> [PCRBank] {
        try run("reading PCRs") { ctx in
            let active = try self.activeBanks(ctx)
            let wanted = banks ?? active
            return try wanted.map { b in
                guard active.contains(b) else {
                    throw TPMError(TPMError.badSelection, "TPM \(self.tcti): no active \(b) PCR bank (active: \(active.map(\.rawValue).joined(separator: ", ")))")
                }
                var values: [[UInt8]] = []
                for chunk in stride(from: 0, to: PCRBank.pcrCount, by: 8) {
                    values += try self.readPCRs(ctx, TPMSPCRSelection(hash: b, indices: Array(chunk..<(chunk + 8))))
                }
                return PCRBank(algorithm: b, values: values)
            }
        }
    }

    /// TPM2_PCR_Read of at most 8 PCRs of one bank (one TPML_DIGEST). The TPM must return exactly
    /// the PCRs asked for, each of the bank's size.
    func readPCRs(_ ctx: OpaquePointer, _ selection: TPMSPCRSelection) throws -> [[UInt8]] {
        var sel = TPML_PCR_SELECTION()
        try call.unmarshal(TPMLPCRSelection([selection]).marshalled(), into: &sel, "Tss2_MU_TPML_PCR_SELECTION_Unmarshal", Tss2_MU_TPML_PCR_SELECTION_Unmarshal)
        var counter: UInt32 = 0
        var selOut: UnsafeMutablePointer<TPML_PCR_SELECTION>?
        var values: UnsafeMutablePointer<TPML_DIGEST>?
        try call.check(Esys_PCR_Read(ctx, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &sel, &counter, &selOut, &values), "Esys_PCR_Read")
        defer { Esys_Free(selOut); Esys_Free(values) }
        guard let selOut, let values else { throw TPMError(TPMError.commandFailed, "TPM \(tcti): Esys_PCR_Read returned nothing") }
        let outSel = try TPMLPCRSelection(bytes: try call.marshal(selOut, "Tss2_MU_TPML_PCR_SELECTION_Marshal", Tss2_MU_TPML_PCR_SELECTION_Marshal))
        let list = try TPMLDigest(bytes: try call.marshal(values, "Tss2_MU_TPML_DIGEST_Marshal", Tss2_MU_TPML_DIGEST_Marshal))
        guard outSel.selectsSame(as: TPMLPCRSelection([selection])), list.digests.count == selection.count,
              list.digests.allSatisfy({ $0.count == selection.hash.digestSize }) else {
            throw TPMError(TPMError.commandFailed, "TPM \(tcti): TPM2_PCR_Read returned \(outSel.description) with \(list.digests.count) values for \(TPMLPCRSelection([selection]).description)")
        }
        return list.digests
    }

    public func extend(pcr: Int, digests: [DigestAlgorithm: [UInt8]]) throws {
        try run("extending PCR \(pcr)") { ctx in
            let active = try self.activeBanks(ctx)
            try ExtendCheck.validate(pcr: pcr, digests: digests, banks: active, tpm: "TPM \(self.tcti)")
            // TPML_DIGEST_VALUES: count, then TPMT_HA (hashAlg, digest) per bank.
            var w = TPMWriter()
            w.u32(UInt32(active.count))
            for b in active {
                w.alg(b)
                w.raw(digests[b]!)
            }
            var values = TPML_DIGEST_VALUES()
            try self.call.unmarshal(w.bytes, into: &values, "Tss2_MU_TPML_DIGEST_VALUES_Unmarshal", Tss2_MU_TPML_DIGEST_VALUES_Unmarshal)
            try self.call.check(Esys_PCR_Extend(ctx, ESYS_TR_PCR0 + UInt32(pcr), ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, &values), "Esys_PCR_Extend")
        }
    }
}
