internal import CTSS2
import AttestCore

extension TSSDevice {
    /// TPM2_CreatePrimary in the endorsement hierarchy from `template`; the caller flushes the handle
    /// (``withPrimary(_:_:_:)`` does).
    func createPrimary(_ ctx: OpaquePointer, _ template: TPMTPublic) throws -> (ESYS_TR, TPMTPublic) {
        var inPublic = TPM2B_PUBLIC()
        try call.unmarshal(TPM2BPublic(template).marshalled(), into: &inPublic, "Tss2_MU_TPM2B_PUBLIC_Unmarshal", Tss2_MU_TPM2B_PUBLIC_Unmarshal)
        var inSensitive = TPM2B_SENSITIVE_CREATE()
        var outsideInfo = TPM2B_DATA()
        var creationPCR = TPML_PCR_SELECTION()
        var handle: ESYS_TR = ESYS_TR_NONE
        var outPublic: UnsafeMutablePointer<TPM2B_PUBLIC>?
        var creationData: UnsafeMutablePointer<TPM2B_CREATION_DATA>?
        var creationHash: UnsafeMutablePointer<TPM2B_DIGEST>?
        var ticket: UnsafeMutablePointer<TPMT_TK_CREATION>?
        try call.check(Esys_CreatePrimary(ctx, ESYS_TR_RH_ENDORSEMENT, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE,
                                          &inSensitive, &inPublic, &outsideInfo, &creationPCR,
                                          &handle, &outPublic, &creationData, &creationHash, &ticket), "Esys_CreatePrimary")
        defer { Esys_Free(outPublic); Esys_Free(creationData); Esys_Free(creationHash); Esys_Free(ticket) }
        do {
            guard let outPublic else { throw TPMError(TPMError.commandFailed, "TPM \(tcti): Esys_CreatePrimary returned no public area") }
            let bytes = try call.marshal(outPublic, "Tss2_MU_TPM2B_PUBLIC_Marshal", Tss2_MU_TPM2B_PUBLIC_Marshal)
            return (handle, try TPM2BPublic(bytes: bytes).publicArea)
        } catch {
            _ = Esys_FlushContext(ctx, handle)
            throw error
        }
    }

    /// Creates the primary key, runs `body` with it, and flushes it whatever happens.
    func withPrimary<T>(_ ctx: OpaquePointer, _ template: TPMTPublic, _ body: (ESYS_TR, TPMTPublic) throws -> T) throws -> T {
        let (handle, area) = try createPrimary(ctx, template)
        defer { _ = Esys_FlushContext(ctx, handle) }
        return try body(handle, area)
    }

    public func endorsementKey(_ type: EndorsementKeyType) throws -> EndorsementKey {
        try run("creating the \(type.rawValue) EK") { ctx in
            let area = try self.withPrimary(ctx, KeyTemplates.endorsementKey(type)) { _, area in area }
            return EndorsementKey(type: type, publicArea: area, certificateDER: try self.readNVCertificate(ctx, index: type.certificateNVIndex))
        }
    }

    public func attestationKey(_ type: AttestationKeyType) throws -> TPMTPublic {
        try run("creating the AK") { ctx in
            try self.withPrimary(ctx, KeyTemplates.attestationKey(type)) { _, area in area }
        }
    }

    /// The EK certificate at `index` (EK Credential Profile 2.0, 2.2.1.4), or nil when the index is not
    /// defined. Read in chunks of 512 bytes (below every TPM's MAX_NV_BUFFER_SIZE), at most 4 KiB, and cut
    /// to the DER length (NV indices are often larger than the certificate).
    func readNVCertificate(_ ctx: OpaquePointer, index: UInt32) throws -> [UInt8]? {
        var nv: ESYS_TR = ESYS_TR_NONE
        guard Esys_TR_FromTPMPublic(ctx, index, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &nv) == 0 else { return nil }
        defer { _ = Esys_TR_Close(ctx, &nv) }
        var nvPublic: UnsafeMutablePointer<TPM2B_NV_PUBLIC>?
        var nvName: UnsafeMutablePointer<TPM2B_NAME>?
        try call.check(Esys_NV_ReadPublic(ctx, nv, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &nvPublic, &nvName), "Esys_NV_ReadPublic")
        let size = Int(nvPublic?.pointee.nvPublic.dataSize ?? 0)
        Esys_Free(nvPublic)
        Esys_Free(nvName)
        guard size > 0 else { return nil }
        guard size <= 4096 else {
            throw TPMError(TPMError.commandFailed, "TPM \(tcti): NV index 0x\(String(index, radix: 16)) claims \(size) bytes; an EK certificate index holds at most 4096")
        }
        var out: [UInt8] = []
        for auth in [nv, ESYS_TR_RH_OWNER] {
            out = []
            var failed: TSS2_RC = 0
            while out.count < size {
                let n = UInt16(min(512, size - out.count))
                var data: UnsafeMutablePointer<TPM2B_MAX_NV_BUFFER>?
                let rc = Esys_NV_Read(ctx, auth, nv, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, n, UInt16(out.count), &data)
                defer { Esys_Free(data) }
                guard rc == 0, let d = data else { failed = rc; break }
                let got = Int(d.pointee.size)
                guard got > 0 else { failed = 1; break }
                withUnsafeBytes(of: d.pointee.buffer) { out += $0.prefix(min(got, $0.count)) }
            }
            if failed == 0 { return Self.trimDER(out) }
            if auth == ESYS_TR_RH_OWNER { throw call.error(failed, "Esys_NV_Read(0x\(String(index, radix: 16)))") }
        }
        return nil
    }

    /// The DER SEQUENCE at the start of `bytes`, without what follows it.
    static func trimDER(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.count >= 2, bytes[0] == 0x30 else { return bytes }
        let first = Int(bytes[1])
        if first < 0x80 { return Array(bytes.prefix(2 + first)) }
        let n = first & 0x7F
        guard n >= 1, n <= 3, bytes.count >= 2 + n else { return bytes }
        let length = bytes[2..<(2 + n)].reduce(0) { $0 << 8 | Int($1) }
        return Array(bytes.prefix(2 + n + length))
    }
}
